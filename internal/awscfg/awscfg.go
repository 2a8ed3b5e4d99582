// Package awscfg bounds every AWS call Gatehouse makes: each operation gets
// a deadline derived from the Lambda deadline, each HTTP attempt a timeout,
// and retries are few and short. A dependency that does not answer then
// fails the request within about CallBudget (the edge answers 503
// dependency_unavailable with Retry-After), instead of hanging until Lambda
// kills the invocation and API Gateway answers in its own shape.
package awscfg

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/middleware"
)

// Policy is how long AWS calls may take and how often they are retried.
type Policy struct {
	// AttemptTimeout bounds one HTTP attempt (connect, send, first byte and body).
	AttemptTimeout time.Duration
	// CallBudget bounds one operation, retries included.
	CallBudget time.Duration
	// Reserve is kept of the Lambda deadline to answer the client: an
	// operation never runs past (deadline - Reserve).
	Reserve time.Duration
	// MaxAttempts per operation (1 = no retry); MaxBackoff between them.
	MaxAttempts int
	MaxBackoff  time.Duration
}

// Default: a healthy DynamoDB, SES or Step Functions call takes a few to a
// few hundred milliseconds; one that has not answered in a second is retried
// once, and an operation gives up after two seconds, so a request that
// meets a stalled dependency is answered 503 in under three.
var Default = Policy{AttemptTimeout: time.Second, CallBudget: 2 * time.Second, Reserve: 500 * time.Millisecond,
	MaxAttempts: 3, MaxBackoff: 200 * time.Millisecond}

// Bounded returns cfg with the policy applied to every client built from it.
func Bounded(cfg aws.Config, p Policy) aws.Config {
	cfg = cfg.Copy()
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTimeout(p.AttemptTimeout)
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = p.MaxAttempts
			o.MaxBackoff = p.MaxBackoff
		})
	}
	cfg.APIOptions = append(cfg.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("gatehouseCallDeadline",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				ctx, cancel := context.WithDeadline(ctx, p.Deadline(ctx, time.Now()))
				defer cancel()
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	})
	return cfg
}

// Deadline is when an operation started at now must end: CallBudget from
// now, or Reserve before the deadline already on ctx (the Lambda
// invocation's), whichever is sooner.
func (p Policy) Deadline(ctx context.Context, now time.Time) time.Time {
	d := now.Add(p.CallBudget)
	if outer, ok := ctx.Deadline(); ok && outer.Add(-p.Reserve).Before(d) {
		d = outer.Add(-p.Reserve)
	}
	return d
}
