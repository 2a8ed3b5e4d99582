package stacktest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// shared is the EventBridge sink of this test process: one sink, one bus
// per harness (named after its table), as one EventBridge serves many buses.
var shared struct {
	once sync.Once
	sink *stack.EventSink
	url  string
	err  error
}

// Sink is the process's sink; it points the SDK's EventBridge and SQS
// endpoints at it (before any harness loads its AWS configuration).
func Sink(t testing.TB) (*stack.EventSink, string) {
	t.Helper()
	shared.once.Do(func() {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			shared.err = err
			return
		}
		shared.sink = stack.NewEventSink(slog.New(slog.NewJSONHandler(io.Discard, nil)))
		shared.url = "http://" + l.Addr().String()
		go func() { _ = http.Serve(l, shared.sink) }()
		for _, k := range []string{"AWS_ENDPOINT_URL_EVENTBRIDGE", "AWS_ENDPOINT_URL_SQS"} {
			if err := os.Setenv(k, shared.url); err != nil {
				shared.err = err
			}
		}
	})
	if shared.err != nil {
		t.Fatalf("event sink: %v", shared.err)
	}
	return shared.sink, shared.url
}

// withBus gives the configuration its own bus and dead-letter queue on the shared sink.
func withBus(t *testing.T, cfg *config.Config) {
	_, url := Sink(t)
	cfg.EventBus = "gatehouse-" + cfg.TableName
	cfg.DeadLetterQueue = stack.DeadLetterQueueURL(url, cfg.EventBus)
}

// StartOutbox starts the local event source mapping of the harness's table:
// from now on its committed changes are published on its bus.
func (h *Harness) StartOutbox() *stack.Outbox {
	h.T.Helper()
	ob, err := stack.StartOutbox(context.Background(), testenv.AWSConfig(h.T), h.App.Config.TableName,
		h.Stack.Handlers[route.FunctionEvents], h.Stack.Sink, "", testenv.Logger(h.T))
	if err != nil {
		h.T.Fatal(err)
	}
	h.T.Cleanup(ob.Close)
	return ob
}

// Events are the events on the harness's bus so far.
func (h *Harness) Events() []stack.Event { return h.Stack.Sink.Events(h.App.Config.EventBus) }

// DeadLetters are the messages on the harness's dead-letter queue so far.
func (h *Harness) DeadLetters() []stack.DeadLetter {
	return h.Stack.Sink.DeadLetters(h.App.Config.EventBus + "-dead-letters")
}

// WaitEvents waits until ok holds for the bus's events (or fails the test
// after timeout) and returns them.
func (h *Harness) WaitEvents(what string, timeout time.Duration, ok func([]stack.Event) bool) []stack.Event {
	h.T.Helper()
	deadline := time.Now().Add(timeout)
	for {
		evs := h.Events()
		if ok(evs) {
			return evs
		}
		if time.Now().After(deadline) {
			raw, _ := json.MarshalIndent(evs, "", "  ")
			h.T.Fatalf("waited %s for %s; the bus has:\n%s", timeout, what, raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// PutEvents puts inbound events on the harness's bus through the sink's
// EventBridge API (as an integration would) and returns the answer.
func (h *Harness) PutEvents(entries ...map[string]any) map[string]any {
	h.T.Helper()
	for _, e := range entries {
		e["EventBusName"] = h.App.Config.EventBus
	}
	body, _ := json.Marshal(map[string]any{"Entries": entries})
	req, _ := http.NewRequest("POST", h.Stack.EventsURL, bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", "AWSEvents.PutEvents")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.T.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return out
}
