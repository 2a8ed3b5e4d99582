package stack

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/gatehouse-dev/gatehouse/internal/event/rule"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Event is one entry received by the EventBridge sink.
type Event struct {
	EventID      string          `json:"event_id"`
	Time         time.Time       `json:"time"`
	Source       string          `json:"source"`
	DetailType   string          `json:"detail_type"`
	EventBusName string          `json:"event_bus_name"`
	Detail       json.RawMessage `json:"detail"`
	// Delivered names the inbound rule that delivered it to the events function.
	Delivered string `json:"delivered_by_rule,omitempty"`
}

// DeadLetter is one message on the local dead-letter queue: an inbound
// event the events function refused (its body says why), or one whose
// delivery failed after the retries.
type DeadLetter struct {
	QueueURL string          `json:"queue_url"`
	At       time.Time       `json:"at"`
	Body     json.RawMessage `json:"body"`
}

// EventSink is the local EventBridge: it answers PutEvents (JSON 1.1) and
// keeps every event (GET /events); inbound events that an rule.Inbound
// rule matches are delivered to the events function attached to their bus,
// asynchronously, as EventBridge does. It also answers SQS SendMessage
// (JSON 1.0) for the dead-letter queue (GET /dead-letters).
type EventSink struct {
	log *slog.Logger

	mu          sync.Mutex
	events      []Event
	deadLetters []DeadLetter
	functions   map[string]lambda.Handler // events function by bus name
	pending     sync.WaitGroup
}

// NewEventSink returns an empty sink.
func NewEventSink(log *slog.Logger) *EventSink {
	return &EventSink{log: log, functions: map[string]lambda.Handler{}}
}

// Attach delivers the inbound events put on bus to fn (the events function).
func (s *EventSink) Attach(bus string, fn lambda.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.functions[bus] = fn
}

// Events returns a copy of what was received on bus ("" for every bus).
func (s *EventSink) Events(bus string) []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Event
	for _, e := range s.events {
		if bus == "" || e.EventBusName == bus {
			out = append(out, e)
		}
	}
	return out
}

// DeadLetters returns a copy of the dead letters of queues whose URL ends in
// suffix ("" for every queue).
func (s *EventSink) DeadLetters(suffix string) []DeadLetter {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []DeadLetter
	for _, l := range s.deadLetters {
		if strings.HasSuffix(l.QueueURL, suffix) {
			out = append(out, l)
		}
	}
	return out
}

// Wait waits for the deliveries under way.
func (s *EventSink) Wait() { s.pending.Wait() }

func (s *EventSink) addDeadLetter(queueURL string, body json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deadLetters = append(s.deadLetters, DeadLetter{QueueURL: queueURL, At: time.Now().UTC(), Body: body})
}

func (s *EventSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "application/json")
		bus := r.URL.Query().Get("bus")
		switch r.URL.Path {
		case "/events", "/":
			_ = json.NewEncoder(w).Encode(map[string]any{"events": nonNil(s.Events(bus))})
		case "/dead-letters":
			_ = json.NewEncoder(w).Encode(map[string]any{"dead_letters": nonNil(s.DeadLetters(bus))})
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"message":"GET /events or /dead-letters"}`))
		}
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	switch r.Header.Get("X-Amz-Target") {
	case "AWSEvents.PutEvents":
		s.putEvents(w, body)
	case "AmazonSQS.SendMessage":
		s.sendMessage(w, body)
	default:
		awsError(w, "UnknownOperationException", "only EventBridge PutEvents and SQS SendMessage are emulated")
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func awsError(w http.ResponseWriter, typ, msg string) {
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}

// putEvents keeps each valid entry and answers per entry, as EventBridge
// does: an entry without a source or detail type, or whose Detail is not a
// JSON object, is refused with an error code and the others go on.
func (s *EventSink) putEvents(w http.ResponseWriter, body []byte) {
	var in struct {
		Entries []struct {
			Source       string
			DetailType   string
			Detail       string
			EventBusName string
			Time         *float64
		}
	}
	if err := json.Unmarshal(body, &in); err != nil {
		awsError(w, "ValidationException", "malformed JSON")
		return
	}
	if len(in.Entries) == 0 || len(in.Entries) > 10 {
		awsError(w, "ValidationException", "PutEvents takes 1 to 10 entries")
		return
	}
	type entry struct {
		EventId      string `json:",omitempty"`
		ErrorCode    string `json:",omitempty"`
		ErrorMessage string `json:",omitempty"`
	}
	out := struct {
		FailedEntryCount int
		Entries          []entry
	}{}
	var deliver []Event
	s.mu.Lock()
	for _, e := range in.Entries {
		var obj map[string]json.RawMessage
		switch {
		case e.Source == "" || e.DetailType == "":
			out.Entries = append(out.Entries, entry{ErrorCode: "InvalidArgument", ErrorMessage: "Source and DetailType are required"})
			out.FailedEntryCount++
			continue
		case json.Unmarshal([]byte(e.Detail), &obj) != nil:
			out.Entries = append(out.Entries, entry{ErrorCode: "MalformedDetail", ErrorMessage: "Detail is not a JSON object"})
			out.FailedEntryCount++
			continue
		}
		bus := e.EventBusName
		if bus == "" {
			bus = "default"
		}
		ev := Event{EventID: ident.New(), Time: time.Now().UTC(), Source: e.Source, DetailType: e.DetailType, EventBusName: bus, Detail: json.RawMessage(e.Detail)}
		if e.Time != nil {
			ev.Time = time.Unix(int64(*e.Time), 0).UTC()
		}
		for _, r := range rule.Inbound {
			if r.Matches(ev.Source, ev.DetailType) && s.functions[bus] != nil {
				ev.Delivered = r.Name
				deliver = append(deliver, ev)
			}
		}
		s.events = append(s.events, ev)
		out.Entries = append(out.Entries, entry{EventId: ev.EventID})
	}
	s.mu.Unlock()
	for _, ev := range deliver {
		s.pending.Add(1)
		go s.deliver(ev)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

// deliveryAttempts is how often an asynchronous invocation is tried (the
// first try and Lambda's two retries) before the event is dead-lettered.
const deliveryAttempts = 3

// deliver invokes the events function with the event in EventBridge's shape.
func (s *EventSink) deliver(ev Event) {
	defer s.pending.Done()
	s.mu.Lock()
	fn := s.functions[ev.EventBusName]
	s.mu.Unlock()
	payload, _ := json.Marshal(map[string]any{
		"version": "0", "id": ev.EventID, "detail-type": ev.DetailType, "source": ev.Source, "account": "000000000000",
		"time": ev.Time.Format(time.RFC3339), "region": "us-east-1", "resources": []string{}, "detail": ev.Detail,
	})
	var err error
	for attempt := range deliveryAttempts {
		if attempt > 0 {
			time.Sleep(time.Duration(100<<attempt) * time.Millisecond)
		}
		if _, err = fn.Invoke(context.Background(), payload); err == nil {
			return
		}
		s.log.Warn("events function failed on an inbound event", "id", ev.EventID, "attempt", attempt+1, "error", err.Error())
	}
	letter, _ := json.Marshal(map[string]any{"reason": "delivery failed: " + err.Error(), "event": json.RawMessage(payload)})
	s.addDeadLetter("delivery/"+ev.EventBusName, letter)
}

// sendMessage is SQS SendMessage (JSON 1.0): the dead-letter queue.
func (s *EventSink) sendMessage(w http.ResponseWriter, body []byte) {
	var in struct {
		QueueUrl    string
		MessageBody string
	}
	if err := json.Unmarshal(body, &in); err != nil || in.QueueUrl == "" || in.MessageBody == "" {
		awsError(w, "InvalidParameterValue", "QueueUrl and MessageBody are required")
		return
	}
	msg := json.RawMessage(in.MessageBody)
	if !json.Valid(msg) {
		msg, _ = json.Marshal(in.MessageBody)
	}
	s.addDeadLetter(in.QueueUrl, msg)
	sum := md5.Sum([]byte(in.MessageBody))
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_ = json.NewEncoder(w).Encode(map[string]string{"MessageId": ident.New(), "MD5OfMessageBody": hex.EncodeToString(sum[:])})
}
