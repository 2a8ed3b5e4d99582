package app

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/gatehouse-dev/gatehouse/internal/bus/eventbridge"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/event"
	"github.com/gatehouse-dev/gatehouse/internal/queue/sqs"
)

// EventsFunction is the events function: the outbox (table stream →
// EventBridge) and the inbound events (roster sync, claim references).
func EventsFunction(p *Parts) (lambda.Handler, error) {
	fn := event.Function{
		Outbox: event.NewOutbox(p.storeOf(), eventbridge.New(p.awsCfg, p.cfg.EventBus), p.log),
		Inbound: event.NewInbound(employee.NewRoster(p.storeOf(), p.storeOf(), p.now), p.reviewService(),
			sqs.New(p.awsCfg, p.cfg.DeadLetterQueue), p.log, p.now),
	}
	return lambda.NewHandler(func(ctx context.Context, payload json.RawMessage) (any, error) {
		return fn.Invoke(withLambdaID(ctx), payload)
	}), nil
}
