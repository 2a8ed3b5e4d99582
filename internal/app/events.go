package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/gatehouse-dev/gatehouse/internal/bus/eventbridge"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/event"
	"github.com/gatehouse-dev/gatehouse/internal/queue/sqs"
)

// newEvents wires the events function: the outbox (table stream →
// EventBridge) and the inbound events (roster sync, claim references).
func (a *App) newEvents(awsCfg aws.Config, now func() time.Time) {
	a.Events = event.Function{
		Outbox: event.NewOutbox(a.Store, eventbridge.New(awsCfg, a.Config.EventBus), a.Log),
		Inbound: event.NewInbound(employee.NewRoster(a.Store, a.Store, now), a.Reviews,
			sqs.New(awsCfg, a.Config.DeadLetterQueue), a.Log, now),
	}
}

func (a *App) eventsHandler() lambda.Handler {
	return lambda.NewHandler(func(ctx context.Context, payload json.RawMessage) (any, error) {
		return a.Events.Invoke(withLambdaID(ctx), payload)
	})
}
