package stack

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

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
}

// EventSink answers EventBridge PutEvents (JSON 1.1 protocol) and keeps every
// event, shown at GET /events.
type EventSink struct {
	mu     sync.Mutex
	events []Event
}

// Events returns a copy of what was received.
func (s *EventSink) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

func (s *EventSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"events": s.Events()})
		return
	}
	if r.Header.Get("X-Amz-Target") != "AWSEvents.PutEvents" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"UnknownOperationException","message":"only PutEvents is emulated"}`))
		return
	}
	var in struct {
		Entries []struct {
			Source       string
			DetailType   string
			Detail       string
			EventBusName string
		}
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err := json.Unmarshal(body, &in); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"ValidationException","message":"malformed JSON"}`))
		return
	}
	type entry struct{ EventId string }
	out := struct {
		FailedEntryCount int
		Entries          []entry
	}{}
	s.mu.Lock()
	for _, e := range in.Entries {
		id := ident.New()
		detail := json.RawMessage(e.Detail)
		if !json.Valid(detail) {
			detail = json.RawMessage("null")
		}
		s.events = append(s.events, Event{EventID: id, Time: time.Now().UTC(), Source: e.Source, DetailType: e.DetailType, EventBusName: e.EventBusName, Detail: detail})
		out.Entries = append(out.Entries, entry{EventId: id})
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}
