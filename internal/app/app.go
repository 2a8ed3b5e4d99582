// Package app wires Gatehouse together. Each function has its own
// constructor (functions.go) that wires only what it serves from Parts,
// which builds every client and service on first use; the function binaries
// call one constructor each, so a binary links and initialises only its own
// part of the system. App is the whole system at once, for the local stack
// and the end-to-end tests, built from the same Parts: what runs locally is
// what runs in Lambda.
package app

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/governance"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// App holds every service of Gatehouse (the local stack runs every function).
type App struct {
	Config   config.Config
	Log      *slog.Logger
	Store    *dynamo.Store
	Orgs     *org.Service
	Invites  *invite.Service
	Sessions *session.Service
	Auth     *auth.Service
	Guard    *auth.Guard
	Members  *member.Service
	Reviews  *review.Service
	// Limiter checks the rate limits of the public doors; a route that
	// needs one calls Limiter.Allow(ctx, throttle.<Name>, subject) with the
	// client address (httpapi.ClientAddress) or the thing it acts on.
	Limiter *throttle.Limiter
	// Governance is F20-F23: support, tickets, privilege changes, break-glass.
	Governance *governance.Service

	parts *Parts
}

// New builds the App: every part at once. It does no I/O.
func New(cfg config.Config, awsCfg aws.Config, log *slog.Logger) *App {
	p := NewParts(cfg, awsCfg, log)
	return &App{
		Config: cfg, Log: log, Store: p.storeOf(), Orgs: p.orgService(), Invites: p.inviteService(), Sessions: p.sessionService(),
		Auth: p.passkeyService(), Guard: p.guardOf(), Members: p.memberService(), Reviews: p.reviewService(),
		Governance: p.governanceService(), Limiter: p.limits(), parts: p,
	}
}

// handlers maps every route name of route.Table to its handler.
func (a *App) handlers() handlers {
	return a.parts.handlers(append(authGroups(), portalGroups()...)...)
}

// HTTPHandler returns the net/http handler of an HTTP function, wired as
// the function's own constructor wires it.
func (a *App) HTTPHandler(function string) (http.Handler, error) {
	groups := map[string][]handlerGroup{route.FunctionAuth: authGroups(), route.FunctionPortal: portalGroups()}[function]
	if groups == nil {
		return nil, fmt.Errorf("no HTTP function named %q", function)
	}
	return a.parts.httpHandler(function, groups...)
}

// LambdaHandler returns the Lambda handler of any function, from its constructor.
func (a *App) LambdaHandler(function string) (lambda.Handler, error) {
	build, ok := Constructors()[function]
	if !ok {
		return nil, fmt.Errorf("no function named %q", function)
	}
	return build(a.parts)
}

// Functions lists every function the App can serve.
func Functions() []string { return route.Functions() }
