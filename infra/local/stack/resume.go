package stack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/workflow/sfn"
)

// ResumeReviews is a LOCAL-ONLY recovery: the Step Functions emulator keeps
// its executions in memory, so after a restart of `make run` the
// registrations kept in .local/ that were still under way have no
// execution. It finds them (a Scan of the local table: never done in AWS,
// where executions outlive any process) and starts their review again under
// the same name, from the start: AwaitVerification completes itself for a
// verified request, Screen keeps a request already in review (or decided) in
// review, WaitForDecision takes the new task token without emailing the
// reviewers again, and delivers a decision claimed while the emulator was
// down. Resumed: requests waiting for verification or a decision, and
// decided or auto-approved ones whose registrant was not emailed yet.
//
// The verification wait gets what is left of the window since submission
// (at least a second); the review wait gets the full ReviewTimeout again
// from the restart. It returns the ids of the registrations it resumed.
func ResumeReviews(ctx context.Context, awsCfg aws.Config, table, stateMachineARN string, s review.Settings) ([]string, error) {
	client := sfn.NewClient(awsCfg)
	regs, err := unfinishedRegistrations(ctx, dynamodb.NewFromConfig(awsCfg), table)
	if err != nil {
		return nil, err
	}
	execPrefix := strings.Replace(stateMachineARN, ":stateMachine:", ":execution:", 1) + ":"
	var resumed []string
	for _, r := range regs {
		_, err := client.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(execPrefix + r.ID)})
		var missing *sfntypes.ExecutionDoesNotExist
		if err == nil {
			continue // the emulator knows it (it was not restarted)
		}
		if !errors.As(err, &missing) {
			return resumed, fmt.Errorf("resume review of %s: %w", r.ID, err)
		}
		secs := func(d time.Duration) int64 { return max(1, int64(d/time.Second)) }
		in, err := json.Marshal(review.ExecutionInput{RegistrationID: r.ID, OrgID: ident.OrgID(r.OrgID),
			VerificationTimeoutSeconds: secs(time.Until(parseSubmitted(r.SubmittedAt).Add(s.VerificationWindow))),
			ReviewTimeoutSeconds:       secs(s.ReviewTimeout)})
		if err != nil {
			return resumed, err
		}
		_, err = client.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(stateMachineARN), Name: aws.String(r.ID), Input: aws.String(string(in))})
		if err != nil {
			return resumed, fmt.Errorf("resume review of %s: %w", r.ID, err)
		}
		resumed = append(resumed, r.ID)
	}
	return resumed, nil
}

// pendingRegistration is what ResumeReviews reads of a registration item.
type pendingRegistration struct {
	ID, OrgID, Status, SubmittedAt string
	Decision                       map[string]any
	NotifiedAt                     string
	History                        []struct{ Action string }
}

func (r pendingRegistration) unfinished() bool {
	for _, h := range r.History {
		if h.Action == "registrant emailed" {
			return false // done (also for items from before NotifiedAt existed)
		}
	}
	if r.NotifiedAt != "" {
		return false
	}
	waiting := []review.Status{review.StatusPendingEmail, review.StatusPendingAdmin, review.StatusPendingProvAdmin}
	return slices.Contains(waiting, review.Status(r.Status)) || r.Decision != nil || r.Status == string(review.StatusAutoApproved)
}

func unfinishedRegistrations(ctx context.Context, db *dynamodb.Client, table string) ([]pendingRegistration, error) {
	var (
		out   []pendingRegistration
		start map[string]types.AttributeValue
	)
	for {
		res, err := db.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String(table), ExclusiveStartKey: start,
			FilterExpression:          aws.String("#type = :reg"),
			ExpressionAttributeNames:  map[string]string{"#type": "Type"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":reg": &types.AttributeValueMemberS{Value: "Registration"}},
		})
		if err != nil {
			return nil, fmt.Errorf("find registrations to resume: %w", err)
		}
		var page []pendingRegistration
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &page); err != nil {
			return nil, fmt.Errorf("find registrations to resume: %w", err)
		}
		for _, r := range page {
			if r.unfinished() {
				out = append(out, r)
			}
		}
		if res.LastEvaluatedKey == nil {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
}

func parseSubmitted(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Now()
	}
	return t
}
