package event

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
)

// Changes turns one committed item change (a record of the table's stream)
// into the events it means; most changes (sessions, links, counters) mean
// none. The store adapter implements it: only it knows the items' layout.
type Changes interface {
	EventsOf(ctx context.Context, rec events.DynamoDBEventRecord) ([]Event, error)
}

// Publisher puts events on the bus. It returns, per event, nil or why that
// event was not accepted; err is for a call that failed as a whole.
type Publisher interface {
	Publish(ctx context.Context, evs []Event) (failed []error, err error)
}

// Outbox publishes the events of the table's stream (the events function's
// event source mapping): an event exists only for a committed change, and
// a request that failed publishes nothing.
type Outbox struct {
	changes Changes
	bus     Publisher
	log     *slog.Logger
}

// NewOutbox returns the outbox; it does no I/O.
func NewOutbox(changes Changes, bus Publisher, log *slog.Logger) *Outbox {
	return &Outbox{changes: changes, bus: bus, log: log}
}

// Handle publishes a batch of stream records. A record whose events were not
// all accepted is reported as a batch item failure, and so is every record
// after it: Lambda retries from the first failure on, in order. Retries may
// publish an event twice, always with the same event_id.
func (o *Outbox) Handle(ctx context.Context, batch events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var evs []Event
	var owner []int // index in batch.Records of each event
	for i, rec := range batch.Records {
		got, err := o.changes.EventsOf(ctx, rec)
		if err != nil {
			// A read the mapping needs failed (a fan-out to memberships):
			// retry from this record.
			o.log.WarnContext(ctx, "outbox: reading a change failed", "event_id", rec.EventID, "error", err.Error())
			return o.publish(ctx, batch, evs, owner, i)
		}
		for _, e := range got {
			evs = append(evs, e)
			owner = append(owner, i)
		}
	}
	return o.publish(ctx, batch, evs, owner, len(batch.Records))
}

// putEventsMax is how many entries one PutEvents call takes.
const putEventsMax = 10

// publish sends evs and reports the first record not fully published
// (failFrom, when records from failFrom on were not even read).
func (o *Outbox) publish(ctx context.Context, batch events.DynamoDBEvent, evs []Event, owner []int, failFrom int) (events.DynamoDBEventResponse, error) {
	first := failFrom
	for start := 0; start < len(evs) && owner[start] < first; start += putEventsMax {
		chunk := evs[start:min(start+putEventsMax, len(evs))]
		failed, err := o.bus.Publish(ctx, chunk)
		if err != nil {
			o.log.WarnContext(ctx, "outbox: PutEvents failed", "events", len(chunk), "error", err.Error())
			first = min(first, owner[start])
			break
		}
		for j, ferr := range failed {
			if ferr != nil {
				o.log.WarnContext(ctx, "outbox: event not accepted", "detail_type", string(chunk[j].DetailType),
					"event_id", chunk[j].Detail.EventID, "error", ferr.Error())
				first = min(first, owner[start+j])
			}
		}
	}
	var res events.DynamoDBEventResponse
	if first < len(batch.Records) {
		for _, rec := range batch.Records[first:] {
			res.BatchItemFailures = append(res.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
		}
		o.log.InfoContext(ctx, "outbox: records left for a retry", "records", len(batch.Records)-first)
	}
	return res, nil
}

// EventID is the id of the n-th event of the stream record recordID: the
// same on every retry of that record.
func EventID(recordID string, n int) string { return fmt.Sprintf("%s-%d", recordID, n) }
