// Package logging sets up slog once: JSON lines carrying the request id and the
// Lambda request id of the request being served.
package logging

import (
	"context"
	"io"
	"log/slog"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	lambdaRequestIDKey
	actorKey
)

// WithRequestID stores the API request id (the X-Request-Id) in ctx.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// WithLambdaRequestID stores the Lambda invocation id in ctx.
func WithLambdaRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, lambdaRequestIDKey, id)
}

// RequestID returns the request id stored in ctx, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// WithActor stores who is acting (a user id, or "ops"): the store stamps it
// on every item it writes, so the outbox can say who made each change.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey, actor)
}

// Actor returns the actor stored in ctx, or "".
func Actor(ctx context.Context) string {
	s, _ := ctx.Value(actorKey).(string)
	return s
}

// New returns a JSON logger writing to w at the named level (debug, info, warn, error).
func New(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil || level == "" {
		l = slog.LevelInfo
	}
	return slog.New(contextHandler{slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})})
}

// contextHandler adds the ids found in the record's context to every line.
type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(requestIDKey).(string); ok && id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	if id, ok := ctx.Value(lambdaRequestIDKey).(string); ok && id != "" {
		r.AddAttrs(slog.String("lambda_request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(a)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}
