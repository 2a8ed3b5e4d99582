package stacktest

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/workflow/sfn"
)

// ReviewHarness is a Harness whose review state machine runs in the local
// Step Functions emulator, its tasks invoking this harness's functions.
type ReviewHarness struct {
	*Harness
	StateMachineARN string
	sfn             *awssfn.Client
}

// NewReview starts a harness with the review state machine deployed.
func NewReview(t *testing.T, adjust ...func(*config.Config)) *ReviewHarness {
	t.Helper()
	return newReview(t, false, adjust...)
}

// NewPortalReview is NewReview on a portal harness (see NewPortal).
func NewPortalReview(t *testing.T, adjust ...func(*config.Config)) *ReviewHarness {
	t.Helper()
	return newReview(t, true, adjust...)
}

func newReview(t *testing.T, portal bool, adjust ...func(*config.Config)) *ReviewHarness {
	t.Helper()
	table := testenv.NewTable(t)
	cfg := testenv.Config(t, table)
	name := "review-" + table
	cfg.StateMachine = sfn.StateMachineARN(name)
	addr := "127.0.0.1:0"
	if portal {
		addr = portalAddr(t, &cfg)
	}
	for _, f := range adjust {
		f(&cfg)
	}
	h := startAt(t, cfg, awsConfig(t), addr)
	arn, err := stack.DeployReview(context.Background(), testenv.AWSConfig(t), name, h.Stack.InvokeURL)
	if err != nil {
		t.Fatal(err)
	}
	if arn != cfg.StateMachine {
		t.Fatalf("state machine ARN %s, configured %s", arn, cfg.StateMachine)
	}
	return &ReviewHarness{Harness: h, StateMachineARN: arn, sfn: sfn.NewClient(testenv.AWSConfig(t))}
}

// ExecutionARN is the ARN of a registration's review execution (named by its id).
func (h *ReviewHarness) ExecutionARN(registrationID string) string {
	return "arn:aws:states:us-east-1:000000000000:execution:" + h.StateMachineARN[len("arn:aws:states:us-east-1:000000000000:stateMachine:"):] + ":" + registrationID
}

// Execution describes a registration's review execution.
func (h *ReviewHarness) Execution(registrationID string) *awssfn.DescribeExecutionOutput {
	h.T.Helper()
	out, err := h.sfn.DescribeExecution(context.Background(), &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(h.ExecutionARN(registrationID))})
	if err != nil {
		h.T.Fatalf("describe execution of %s: %v", registrationID, err)
	}
	return out
}

// History lists the state names entered by a registration's execution, in order.
func (h *ReviewHarness) History(registrationID string) []string {
	h.T.Helper()
	out, err := h.sfn.GetExecutionHistory(context.Background(), &awssfn.GetExecutionHistoryInput{ExecutionArn: aws.String(h.ExecutionARN(registrationID))})
	if err != nil {
		h.T.Fatalf("execution history of %s: %v", registrationID, err)
	}
	var states []string
	for _, ev := range out.Events {
		if ev.StateEnteredEventDetails != nil && len(ev.Type) > len("StateEntered") && string(ev.Type)[len(ev.Type)-len("StateEntered"):] == "StateEntered" {
			states = append(states, aws.ToString(ev.StateEnteredEventDetails.Name))
		}
	}
	return states
}

// WaitExecution waits until a registration's execution stops and returns its status.
func (h *ReviewHarness) WaitExecution(registrationID string, limit time.Duration) string {
	h.T.Helper()
	deadline := time.Now().Add(limit)
	for {
		out := h.Execution(registrationID)
		if out.Status != "RUNNING" || time.Now().After(deadline) {
			return string(out.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// VerifyLink finds a registration's verification token in an email.
var VerifyLink = regexp.MustCompile(`https?://[^/\s]+/registrations/verify\?token=([A-Za-z0-9_-]{43})`)

// VerifyToken reads the verification token emailed to addr.
func (h *ReviewHarness) VerifyToken(addr string) string {
	h.T.Helper()
	for _, m := range testenv.Emails(h.T, addr) {
		if mm := VerifyLink.FindStringSubmatch(m.Body.Text); mm != nil {
			return mm[1]
		}
	}
	h.T.Fatalf("no verification email for %s", addr)
	return ""
}

// WaitStatus polls a registration through the API until it has status want
// (or limit passes) and returns the last details.
func (h *ReviewHarness) WaitStatus(orgID, bearer, id, want string, limit time.Duration) Reply {
	h.T.Helper()
	deadline := time.Now().Add(limit)
	for {
		r := h.Do("GET", "/v1/orgs/"+orgID+"/registrations/"+id, nil, "Authorization", "Bearer "+bearer)
		if r.Status != 200 {
			h.T.Fatalf("get registration %s: %d %s", id, r.Status, r.Raw)
		}
		if r.Body["status"] == want || time.Now().After(deadline) {
			return r
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// JSON renders v for messages.
func JSON(v any) string { b, _ := json.Marshal(v); return string(b) }
