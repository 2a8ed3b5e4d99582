package app

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/workflow/sfn"
)

// newReview builds self-registration and its review (F10-F12).
func (a *App) newReview(awsCfg aws.Config, mailer review.Mailer, now func() time.Time) {
	wf := sfn.New(sfn.NewClient(awsCfg), a.Config.StateMachine)
	a.Reviews = review.NewService(a.Store, wf, mailer, a.Config.Link, a.Limiter,
		review.Settings{VerificationWindow: a.Config.VerificationWindow, ReviewTimeout: a.Config.ReviewTimeout, OpsEmail: a.Config.OpsEmail}, a.Log, now)
}

func (a *App) reviewHandlers() handlers {
	h := review.NewHandlers(a.Reviews)
	return handlers{
		"submitRegistration":  public(h.Submit),
		"verifyRegistration":  public(h.Verify),
		"listRegistrations":   inOrg(h.List),
		"getRegistration":     inOrg(h.Get),
		"approveRegistration": inOrg(h.Approve),
		"denyRegistration":    inOrg(h.Deny),
		"modifyRegistration":  inOrg(h.Modify),
	}
}

// reviewTaskHandler is the review function: one handler for every Task of
// the state machine (the Payload's step says which).
func (a *App) reviewTaskHandler() lambda.Handler {
	tasks := a.Reviews.Tasks()
	return lambda.NewHandler(func(ctx context.Context, in review.TaskInput) (map[string]any, error) {
		return tasks.Handle(withLambdaID(ctx), in)
	})
}
