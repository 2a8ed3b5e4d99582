package stack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/gatehouse-dev/gatehouse/internal/app"
	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// Addrs are the listen addresses of the emulated AWS front doors.
type Addrs struct {
	API    string // API Gateway HTTP API, default 127.0.0.1:8080
	Invoke string // Lambda Invoke API, default 127.0.0.1:3001
	Events string // EventBridge PutEvents sink, default 127.0.0.1:8088
	// Sink, when set, is a sink already serving (tests share one per
	// process, one bus per app): Events is then not listened on.
	Sink *EventSink
}

// Stack is the running local front doors.
type Stack struct {
	APIURL, InvokeURL, EventsURL string
	Sink                         *EventSink
	// Handlers are the functions' Lambda handlers, by name.
	Handlers map[string]lambda.Handler
	servers  []*http.Server
}

// Functions builds the Lambda handler of every function of the app.
func Functions(a *app.App) (map[string]lambda.Handler, error) {
	out := map[string]lambda.Handler{}
	for _, name := range app.Functions() {
		h, err := a.LambdaHandler(name)
		if err != nil {
			return nil, err
		}
		out[name] = h
	}
	return out, nil
}

// Start listens on the addresses and serves the app's functions.
func Start(a *app.App, addrs Addrs, log *slog.Logger) (*Stack, error) {
	fns, err := Functions(a)
	if err != nil {
		return nil, err
	}
	s := &Stack{Sink: addrs.Sink, Handlers: fns}
	fronts := []struct {
		addr string
		h    http.Handler
		url  *string
	}{
		{addrs.API, Gateway(fns, log), &s.APIURL},
		{addrs.Invoke, InvokeAPI(fns), &s.InvokeURL},
	}
	if s.Sink == nil {
		s.Sink = NewEventSink(log)
		fronts = append(fronts, struct {
			addr string
			h    http.Handler
			url  *string
		}{addrs.Events, s.Sink, &s.EventsURL})
	}
	s.Sink.Attach(a.Config.EventBus, fns[route.FunctionEvents])
	for _, x := range fronts {
		l, err := net.Listen("tcp", x.addr)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("listen on %s: %w", x.addr, err)
		}
		srv := &http.Server{Handler: x.h, ReadHeaderTimeout: 10 * time.Second}
		s.servers = append(s.servers, srv)
		*x.url = "http://" + l.Addr().String()
		go func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("server stopped", "addr", x.addr, "error", err.Error())
			}
		}()
	}
	return s, nil
}

// Close stops every server.
func (s *Stack) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range s.servers {
		_ = srv.Shutdown(ctx)
	}
}
