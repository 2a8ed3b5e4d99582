// Package eventbridge is the EventBridge adapter: the only importer of the
// EventBridge SDK. It publishes Gatehouse's events on its bus.
package eventbridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/gatehouse-dev/gatehouse/internal/event"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

var _ event.Publisher = (*Bus)(nil)

// Bus publishes on one event bus.
type Bus struct {
	client *eventbridge.Client
	name   string
}

// New returns a Bus; it does no I/O.
func New(cfg aws.Config, busName string) *Bus {
	return &Bus{client: eventbridge.NewFromConfig(cfg), name: busName}
}

// Publish puts up to 10 events in one PutEvents call and returns, per
// event, why it was not accepted (nil when it was).
func (b *Bus) Publish(ctx context.Context, evs []event.Event) ([]error, error) {
	if b.name == "" {
		return nil, errors.New("publish events: GATEHOUSE_EVENT_BUS is not set")
	}
	entries := make([]types.PutEventsRequestEntry, 0, len(evs))
	for _, e := range evs {
		detail, err := json.Marshal(e.Detail)
		if err != nil {
			return nil, fmt.Errorf("publish %s: %w", e.DetailType, err)
		}
		entries = append(entries, types.PutEventsRequestEntry{
			EventBusName: aws.String(b.name),
			Source:       aws.String(event.Source),
			DetailType:   aws.String(string(e.DetailType)),
			Detail:       aws.String(string(detail)),
			Time:         aws.Time(e.Detail.At),
		})
	}
	out, err := b.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
	if err != nil {
		return nil, fault.Unavailable(fmt.Errorf("put events: %w", err))
	}
	failed := make([]error, len(evs))
	for i, r := range out.Entries {
		if i < len(failed) && r.ErrorCode != nil {
			failed[i] = fmt.Errorf("%s: %s", aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage))
		}
	}
	return failed, nil
}
