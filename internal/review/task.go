package review

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// TaskInput is the Payload of every Task of the state machine.
type TaskInput struct {
	Step           string      `json:"step"`
	RegistrationID string      `json:"registration_id"`
	OrgID          ident.OrgID `json:"org_id"`
	TaskToken      string      `json:"task_token,omitempty"`
}

// The task errors. Their Go type names are Lambda's errorType, which the
// state machine matches in Retry and Catch: rename them only together with
// statemachine.asl.json.
type (
	// StoreUnavailable is a transient table failure (retried by the state machine).
	StoreUnavailable struct{ Cause string }
	// RegistrationNotFound means the registration item is gone (caught: RegistrationGone).
	RegistrationNotFound struct{ ID string }
	// ProvisionConflict means the login could not be created (caught: ProvisionFailed).
	ProvisionConflict struct{ ID string }
	// InvalidTaskInput is a Payload the handler does not understand (a bug; not retried).
	InvalidTaskInput struct{ Problem string }
	// StepFailed is any other failure of a step (a bug; not retried, the execution fails).
	StepFailed struct{ Cause string }
)

func (e *StepFailed) Error() string { return e.Cause }

func (e *StoreUnavailable) Error() string { return "the table is unavailable: " + e.Cause }
func (e *RegistrationNotFound) Error() string {
	return "registration " + e.ID + " does not exist"
}
func (e *ProvisionConflict) Error() string {
	return "registration " + e.ID + ": the username claim is not held by this registration"
}
func (e *InvalidTaskInput) Error() string { return "invalid task input: " + e.Problem }

// Tasks runs the steps of the review state machine (the review function):
// each decodes the step's Payload and calls the service.
type Tasks struct {
	svc *Service
	log *slog.Logger
}

// NewTasks returns the task handlers.
func NewTasks(svc *Service, log *slog.Logger) *Tasks { return &Tasks{svc: svc, log: log} }

// Handle runs one step and returns its typed output. Errors come back as the
// named types above (never wrapped), so that Lambda's errorType is the type's name.
func (t *Tasks) Handle(ctx context.Context, in TaskInput) (any, error) {
	if in.RegistrationID == "" || in.OrgID == "" {
		return nil, &InvalidTaskInput{Problem: "registration_id and org_id are required"}
	}
	if strings.HasPrefix(in.Step, "await-") && in.TaskToken == "" {
		return nil, &InvalidTaskInput{Problem: in.Step + " needs task_token"}
	}
	ref := Ref{OrgID: in.OrgID, ID: in.RegistrationID}
	var (
		out any
		err error
	)
	switch in.Step {
	case "await-verification":
		out, err = t.svc.AwaitVerification(ctx, ref, in.TaskToken)
	case "expire-verification":
		out, err = t.svc.ExpireVerification(ctx, ref)
	case "screen":
		out, err = t.svc.Screen(ctx, ref)
	case "await-decision":
		out, err = t.svc.AwaitDecision(ctx, ref, in.TaskToken)
	case "expire-review":
		out, err = t.svc.ExpireReview(ctx, ref)
	case "provision":
		out, err = t.svc.Provision(ctx, ref)
	case "notify":
		out, err = t.svc.Notify(ctx, ref)
	default:
		return nil, &InvalidTaskInput{Problem: fmt.Sprintf("unknown step %q", in.Step)}
	}
	if err != nil {
		t.log.ErrorContext(ctx, "review step failed", "step", in.Step, "registration_id", in.RegistrationID, "error", err.Error())
		return nil, taskError(in, err)
	}
	return out, nil
}

func taskError(in TaskInput, err error) error {
	var (
		pc *ProvisionConflict
		rn *RegistrationNotFound
	)
	switch {
	case errors.As(err, &pc):
		return pc
	case errors.As(err, &rn):
		return rn
	case errors.Is(err, fault.ErrNotFound):
		return &RegistrationNotFound{ID: in.RegistrationID}
	}
	if fe, ok := fault.As(err); ok && fe.Kind == fault.KindUnavailable {
		return &StoreUnavailable{Cause: fe.Error()}
	}
	var invalid *InvalidTaskInput
	if errors.As(err, &invalid) {
		return invalid
	}
	return &StepFailed{Cause: err.Error()}
}
