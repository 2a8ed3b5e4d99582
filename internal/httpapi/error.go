package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// statusOf is the one mapping from error kind to HTTP status.
var statusOf = map[fault.Kind]int{
	fault.KindInternal:        http.StatusInternalServerError,
	fault.KindInvalid:         http.StatusBadRequest,
	fault.KindUnauthenticated: http.StatusUnauthorized,
	fault.KindForbidden:       http.StatusForbidden,
	fault.KindNotFound:        http.StatusNotFound,
	fault.KindConflict:        http.StatusConflict,
	fault.KindGone:            http.StatusGone,
	fault.KindTooLarge:        http.StatusRequestEntityTooLarge,
	fault.KindLocked:          http.StatusLocked,
	fault.KindThrottled:       http.StatusTooManyRequests,
	fault.KindUnavailable:     http.StatusServiceUnavailable,
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Status returns the HTTP status an error maps to.
func Status(err error) int {
	fe, ok := fault.As(err)
	if !ok {
		if errors.Is(err, context.DeadlineExceeded) {
			return http.StatusServiceUnavailable
		}
		return http.StatusInternalServerError
	}
	return statusOf[fe.Kind]
}

// WriteError writes err in the contract's error shape. Internal details are
// logged, never sent.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status := Status(err)
	detail := errorDetail{Code: "internal", Message: "Something went wrong on our side; it has been logged."}
	if fe, ok := fault.As(err); ok && fe.Kind != fault.KindInternal {
		detail = errorDetail{Code: fe.Code, Message: fe.Message, Fields: fe.Fields}
	} else if status == http.StatusServiceUnavailable {
		detail = errorDetail{Code: fault.CodeDependencyUnavailable, Message: "A service Gatehouse depends on is unavailable; try again shortly."}
	}
	ctx := r.Context()
	switch {
	case status >= 500:
		log.ErrorContext(ctx, "request failed", "status", status, "code", detail.Code, "error", err.Error())
	default:
		log.DebugContext(ctx, "request refused", "status", status, "code", detail.Code)
	}
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(err)))
	}
	_ = JSON(w, status, errorBody{Error: detail})
}

// retryAfterSeconds is the Retry-After of a 429 or 503: the error's own
// (rounded up to whole seconds), else 5 s.
func retryAfterSeconds(err error) int {
	fe, ok := fault.As(err)
	if !ok || fe.RetryAfter <= 0 {
		return 5
	}
	return int((fe.RetryAfter + time.Second - 1) / time.Second)
}
