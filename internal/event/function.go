package event

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// Function is the events function's handler. It gets two kinds of payload:
// batches of the table's stream (the event source mapping: the outbox) and
// EventBridge events the inbound rules deliver.
type Function struct {
	Outbox  *Outbox
	Inbound *Inbound
}

// ErrUnknownPayload is a payload that is neither.
var ErrUnknownPayload = errors.New("events function: the payload is neither a stream batch nor an EventBridge event")

// Invoke handles one payload.
func (f Function) Invoke(ctx context.Context, payload json.RawMessage) (any, error) {
	var probe struct {
		Records    json.RawMessage `json:"Records"`
		DetailType string          `json:"detail-type"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownPayload, err)
	}
	switch {
	case probe.Records != nil:
		var batch events.DynamoDBEvent
		if err := json.Unmarshal(payload, &batch); err != nil {
			return nil, fmt.Errorf("stream batch: %w", err)
		}
		return f.Outbox.Handle(ctx, batch)
	case probe.DetailType != "":
		var ev events.EventBridgeEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fmt.Errorf("EventBridge event: %w", err)
		}
		return nil, f.Inbound.Handle(ctx, ev)
	}
	return nil, ErrUnknownPayload
}
