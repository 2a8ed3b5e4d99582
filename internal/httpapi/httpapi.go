// Package httpapi is the HTTP edge shared by every function: it builds the
// ServeMux from the route table, gives every response a request id, limits
// bodies, decodes JSON, and maps typed errors to statuses in one place.
package httpapi

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"sort"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// HandlerFunc serves a request; a returned error is written by WriteError.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Guard wraps a handler with the authentication and authorization its route needs.
type Guard func(rt route.Route, h HandlerFunc) HandlerFunc

// MaxBodyBytes is the largest request body accepted (JSON requests are small).
const MaxBodyBytes = 64 << 10

// New builds the handler of one function from the route table. Every route
// of the function needs a handler and every handler a route, so the table
// and the code cannot drift.
func New(function string, handlers map[string]HandlerFunc, guard Guard, log *slog.Logger) (http.Handler, error) {
	mux := http.NewServeMux()
	used := map[string]bool{}
	for _, rt := range route.ForFunction(function) {
		h, ok := handlers[rt.Name]
		if !ok {
			return nil, fmt.Errorf("function %s: no handler for route %s (%s)", function, rt.Name, rt.Pattern())
		}
		used[rt.Name] = true
		mux.Handle(rt.MuxPattern(), serve(rt.Pattern(), guard(rt, h), log))
	}
	var extra []string
	for name := range handlers {
		if !used[name] {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return nil, fmt.Errorf("function %s: handlers without a route: %v", function, extra)
	}
	mux.Handle("/", serve("", func(http.ResponseWriter, *http.Request) error {
		return fault.NotFound("not_found", "There is no such route.")
	}, log))
	return withRequest(mux, log), nil
}

// serve runs a route's handler; pattern is the route ("POST
// /v1/invites/{token}/accept"), which the request log shows instead of the
// path: paths carry invite tokens.
func serve(pattern string, h HandlerFunc, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec, ok := w.(*statusRecorder); ok {
			rec.route = pattern
		}
		if err := h(w, r); err != nil {
			WriteError(w, r, log, err)
		}
	})
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._=-]{1,128}$`)

// withRequest gives the request its id, logs it, limits its body and turns a
// panic into a 500 that the log explains.
func withRequest(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !requestIDPattern.MatchString(id) {
			id = ident.New()
		}
		ctx := logging.WithRequestID(r.Context(), id)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", id)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				log.ErrorContext(ctx, "panic serving request", "panic", fmt.Sprint(p), "route", rec.route)
				if !rec.wrote {
					WriteError(rec, r, log, fmt.Errorf("panic: %v", p))
				}
			}
			// The route pattern, never the path or query: they carry tokens.
			log.InfoContext(ctx, "request", "route", routeOrUnknown(rec.route, r.Method), "status", rec.status,
				"duration_ms", time.Since(start).Milliseconds())
		}()
		next.ServeHTTP(rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	route  string // the matched route's pattern, set by serve
}

// routeOrUnknown names a request that matched no route by its method only.
func routeOrUnknown(route, method string) string {
	if route == "" {
		return method + " (no route)"
	}
	return route
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ClientAddress is the client's IP address: API Gateway's
// requestContext.http.sourceIp, which the Lambda adapter (and the local
// gateway, the same way) puts in RemoteAddr. Headers such as
// X-Forwarded-For are never read: a client can write them.
func ClientAddress(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
