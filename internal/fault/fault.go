// Package fault holds the typed errors of the domain. Domain code returns them;
// the HTTP edge maps their Kind to a status once (internal/httpapi).
package fault

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for the caller; each kind has one HTTP status.
type Kind int

const (
	KindInternal        Kind = iota // a bug or an unexpected failure: 500
	KindInvalid                     // 400
	KindUnauthenticated             // 401
	KindForbidden                   // 403
	KindNotFound                    // 404
	KindConflict                    // 409
	KindGone                        // 410
	KindTooLarge                    // 413
	KindLocked                      // 423
	KindThrottled                   // 429
	KindUnavailable                 // 503
)

// Error is an error a caller may see: a stable snake_case Code and a Message
// written for a person. Err, when set, is the cause and is never shown.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Fields  map[string]string
	Err     error
	// RetryAfter, for throttled and unavailable answers, is when the caller
	// may try again (the Retry-After header); zero means a short default.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var fe *Error
	ok := errors.As(err, &fe)
	return fe, ok
}

// Is reports whether err carries the given code.
func Is(err error, code string) bool {
	fe, ok := As(err)
	return ok && fe.Code == code
}

func newError(k Kind, code, msg string) *Error { return &Error{Kind: k, Code: code, Message: msg} }

func Invalid(code, msg string) *Error         { return newError(KindInvalid, code, msg) }
func Unauthenticated(code, msg string) *Error { return newError(KindUnauthenticated, code, msg) }
func Forbidden(code, msg string) *Error       { return newError(KindForbidden, code, msg) }
func NotFound(code, msg string) *Error        { return newError(KindNotFound, code, msg) }
func Conflict(code, msg string) *Error        { return newError(KindConflict, code, msg) }
func Gone(code, msg string) *Error            { return newError(KindGone, code, msg) }
func TooLarge(code, msg string) *Error        { return newError(KindTooLarge, code, msg) }
func Locked(code, msg string) *Error          { return newError(KindLocked, code, msg) }
func Throttled(code, msg string) *Error       { return newError(KindThrottled, code, msg) }

// TooManyRequests is the 429 of a rate limit (too_many_requests): the caller
// may try again after retryAfter.
func TooManyRequests(retryAfter time.Duration) *Error {
	return &Error{Kind: KindThrottled, Code: "too_many_requests", RetryAfter: retryAfter,
		Message: "Too many requests; wait a little and try again."}
}

// Unavailable wraps a dependency failure (table, email service) so the caller
// is told to retry later rather than shown a 500.
func Unavailable(cause error) *Error {
	return &Error{Kind: KindUnavailable, Code: CodeDependencyUnavailable, Message: "A service Gatehouse depends on is unavailable; try again shortly.", Err: cause}
}

// CodeDependencyUnavailable is the code of every 503.
const CodeDependencyUnavailable = "dependency_unavailable"

// Validation is a 400 that names each bad field.
func Validation(fields map[string]string) *Error {
	return &Error{Kind: KindInvalid, Code: "validation_failed", Message: "Some fields are not valid.", Fields: fields}
}

// ErrNotFound is returned by stores when an item does not exist in the
// caller's reach; services turn it into a NotFound with their own wording.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned by stores when a conditional write failed.
var ErrConflict = errors.New("condition failed")
