// Package sfn is the Step Functions adapter of the review workflow: the only
// importer of the Step Functions SDK. Locally the SDK reaches the emulator of
// infra/local/sfn through AWS_ENDPOINT_URL_SFN.
package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/review"
)

var _ review.Workflow = (*Workflow)(nil)

// Workflow starts executions of one state machine and answers its tasks.
type Workflow struct {
	client       *sfn.Client
	stateMachine string
}

// New returns a Workflow; it does no I/O.
func New(client *sfn.Client, stateMachineARN string) *Workflow {
	return &Workflow{client: client, stateMachine: stateMachineARN}
}

// NewClient builds the Step Functions client from the shared AWS config.
func NewClient(cfg aws.Config) *sfn.Client { return sfn.NewFromConfig(cfg) }

// Start starts the execution named name with input as JSON.
func (w *Workflow) Start(ctx context.Context, name string, input any) (string, error) {
	if w.stateMachine == "" {
		return "", errors.New("GATEHOUSE_STATE_MACHINE_ARN is not set")
	}
	js, err := json.Marshal(input)
	if err != nil {
		return "", fmt.Errorf("start execution %s: %w", name, err)
	}
	out, err := w.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &w.stateMachine, Name: &name, Input: aws.String(string(js))})
	if err != nil {
		return "", fault.Unavailable(fmt.Errorf("start execution %s: %w", name, err))
	}
	return aws.ToString(out.ExecutionArn), nil
}

// Succeed sends the output of a waiting task (SendTaskSuccess). A token that
// no longer waits (timed out, completed, unknown) is review.ErrTaskGone.
func (w *Workflow) Succeed(ctx context.Context, token string, output any) error {
	if token == "" {
		return review.ErrTaskGone
	}
	js, err := json.Marshal(output)
	if err != nil {
		return fmt.Errorf("send task success: %w", err)
	}
	_, err = w.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &token, Output: aws.String(string(js))})
	var (
		timedOut *types.TaskTimedOut
		invalid  *types.InvalidToken
		missing  *types.TaskDoesNotExist
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &timedOut), errors.As(err, &invalid), errors.As(err, &missing):
		return review.ErrTaskGone
	}
	return fault.Unavailable(fmt.Errorf("send task success: %w", err))
}

// StateMachineARN is the ARN the local emulator (and AWS) gives a state
// machine of this name in the local account.
func StateMachineARN(name string) string {
	return "arn:aws:states:us-east-1:000000000000:stateMachine:" + name
}
