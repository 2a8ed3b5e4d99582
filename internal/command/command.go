// Package command is the edge of the operator function (F28), as httpapi is
// the edge of the HTTP functions: it dispatches {"command": "...", ...}
// payloads to the features' commands, decodes their fields strictly, and
// maps typed errors to the one CommandError shape, once.
package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// CommandError is what a failed command returns. Its type name becomes the
// Lambda errorType; its message is safe to show to the operator.
type CommandError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (e *CommandError) Error() string {
	b, _ := json.Marshal(e)
	return string(b)
}

// Func runs one command on its raw payload.
type Func func(ctx context.Context, payload json.RawMessage) (any, error)

// Mux runs operator commands by name.
type Mux struct {
	log      *slog.Logger
	commands map[string]Func
}

// NewMux returns an empty Mux.
func NewMux(log *slog.Logger) *Mux {
	return &Mux{log: log, commands: map[string]Func{}}
}

// Register adds commands; a name registered twice is a wiring bug.
func (m *Mux) Register(commands map[string]Func) error {
	for name, run := range commands {
		if _, dup := m.commands[name]; dup {
			return fmt.Errorf("command %s registered twice", name)
		}
		m.commands[name] = run
	}
	return nil
}

// Handle runs one command. It is the Lambda handler of the ops function.
func (m *Mux) Handle(ctx context.Context, payload json.RawMessage) (any, error) {
	var head struct {
		Command string `json:"command"`
	}
	if err := json.Unmarshal(payload, &head); err != nil {
		return nil, &CommandError{Code: "malformed_json", Message: "The payload is not a JSON object."}
	}
	run, ok := m.commands[head.Command]
	if !ok {
		names := make([]string, 0, len(m.commands))
		for n := range m.commands {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, &CommandError{Code: "unknown_command", Message: fmt.Sprintf("Unknown command %q; known: %s.", head.Command, strings.Join(names, ", "))}
	}
	m.log.InfoContext(ctx, "ops command", "command", head.Command)
	out, err := run(ctx, payload)
	if err != nil {
		return nil, m.commandError(ctx, head.Command, err)
	}
	return out, nil
}

func (m *Mux) commandError(ctx context.Context, command string, err error) error {
	var ce *CommandError
	if errors.As(err, &ce) {
		return ce
	}
	if fe, ok := fault.As(err); ok && fe.Kind != fault.KindInternal {
		if fe.Kind == fault.KindUnavailable {
			m.log.ErrorContext(ctx, "ops command failed", "command", command, "error", err.Error())
		}
		return &CommandError{Code: fe.Code, Message: fe.Message, Fields: fe.Fields}
	}
	m.log.ErrorContext(ctx, "ops command failed", "command", command, "error", err.Error())
	return &CommandError{Code: "internal", Message: "The command failed; see the function's log."}
}

// Decode reads a command's payload strictly: an unknown field is an error,
// since a typo in an operator command should not pass silently.
func Decode(payload json.RawMessage, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &CommandError{Code: "invalid_command", Message: "The command's fields are not valid: " + err.Error()}
	}
	return nil
}

// Page is a list command's paging: {"command", "limit"?, "cursor"?}.
type Page struct {
	Limit  int
	Cursor string
}

// DecodePage reads a list command strictly and checks its limit (default
// 50, 1 to 200).
func DecodePage(payload json.RawMessage) (Page, error) {
	var in struct {
		Command string `json:"command"`
		Limit   int    `json:"limit"`
		Cursor  string `json:"cursor"`
	}
	if err := Decode(payload, &in); err != nil {
		return Page{}, err
	}
	limit, err := Limit(in.Limit)
	if err != nil {
		return Page{}, err
	}
	return Page{Limit: limit, Cursor: in.Cursor}, nil
}

// Limit checks a list command's limit: 50 when not given, else 1 to 200.
func Limit(limit int) (int, error) {
	switch {
	case limit == 0:
		return 50, nil
	case limit < 1 || limit > 200:
		return 0, fault.Validation(map[string]string{"limit": "must be from 1 to 200"})
	}
	return limit, nil
}
