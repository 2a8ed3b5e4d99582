package command

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

func TestHandleMapsEveryFailureToACommandError(t *testing.T) {
	mux := NewMux(slog.New(slog.NewTextHandler(io.Discard, nil)))
	type echo struct {
		Command string `json:"command"`
		Name    string `json:"name"`
	}
	err := mux.Register(map[string]Func{
		"Echo": func(ctx context.Context, p json.RawMessage) (any, error) {
			var in echo
			if err := Decode(p, &in); err != nil {
				return nil, err
			}
			return in.Name, nil
		},
		"Refuse": func(context.Context, json.RawMessage) (any, error) {
			return nil, fault.Validation(map[string]string{"x": "bad"})
		},
		"Break": func(context.Context, json.RawMessage) (any, error) {
			return nil, errors.New("table gone: secret detail")
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, payload, code string
		out                 any
	}{
		{"runs the named command", `{"command":"Echo","name":"a"}`, "", "a"},
		{"not JSON", `nope`, "malformed_json", nil},
		{"unknown command", `{"command":"Nope"}`, "unknown_command", nil},
		{"unknown field", `{"command":"Echo","nmae":"a"}`, "invalid_command", nil},
		{"typed error keeps its code and fields", `{"command":"Refuse"}`, "validation_failed", nil},
		{"internal error hides its text", `{"command":"Break"}`, "internal", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := mux.Handle(context.Background(), json.RawMessage(tc.payload))
			var ce *CommandError
			switch {
			case tc.code == "" && (err != nil || out != tc.out):
				t.Fatalf("out %v err %v", out, err)
			case tc.code != "" && (!errors.As(err, &ce) || ce.Code != tc.code):
				t.Fatalf("err %v, want code %s", err, tc.code)
			case ce != nil && ce.Code == "internal" && ce.Message != "The command failed; see the function's log.":
				t.Fatalf("internal message leaked: %s", ce.Message)
			}
		})
	}
}

func TestRegisterRefusesACommandNamedTwice(t *testing.T) {
	mux := NewMux(slog.New(slog.NewTextHandler(io.Discard, nil)))
	run := func(context.Context, json.RawMessage) (any, error) { return nil, nil }
	if err := mux.Register(map[string]Func{"A": run}); err != nil {
		t.Fatal(err)
	}
	if err := mux.Register(map[string]Func{"A": run}); err == nil {
		t.Fatal("second A accepted")
	}
}

func TestDecodePage(t *testing.T) {
	for _, tc := range []struct {
		name, payload string
		want          Page
		wantError     bool
	}{
		{"default", `{"command":"L"}`, Page{Limit: 50}, false},
		{"lowest", `{"command":"L","limit":1,"cursor":"c"}`, Page{Limit: 1, Cursor: "c"}, false},
		{"highest", `{"command":"L","limit":200}`, Page{Limit: 200}, false},
		{"too many", `{"command":"L","limit":201}`, Page{}, true},
		{"negative", `{"command":"L","limit":-1}`, Page{}, true},
		{"unknown field", `{"command":"L","page":2}`, Page{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodePage(json.RawMessage(tc.payload))
			if got != tc.want || (err != nil) != tc.wantError {
				t.Fatalf("DecodePage(%s) = %+v, %v", tc.payload, got, err)
			}
		})
	}
}
