package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/command"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/governance"
	"github.com/gatehouse-dev/gatehouse/internal/help"
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
	"github.com/gatehouse-dev/gatehouse/internal/ops"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/settings"
)

// Constructor builds one function's Lambda handler from the parts it uses.
type Constructor func(p *Parts) (lambda.Handler, error)

// handlerGroup is one feature's route handlers, built from the parts.
type handlerGroup func(p *Parts) handlers

// The handler groups each HTTP function serves: only these are built (and
// linked into its binary: they are functions, not package variables, so a
// binary links only the groups its constructor names). Every route of the
// function must be in one of them and no group may serve another
// function's route (edge.New and handlers.serving check both).
func authGroups() []handlerGroup {
	return []handlerGroup{(*Parts).basicHandlers, (*Parts).signInHandlers, (*Parts).passkeyHandlers, (*Parts).inviteLinkHandlers,
		(*Parts).setupHandlers, (*Parts).registrationHandlers, (*Parts).emergencyHandlers, (*Parts).publicPageHandlers}
}

func portalGroups() []handlerGroup {
	return []handlerGroup{(*Parts).authHandlers, (*Parts).inviteHandlers, (*Parts).accountHandlers, (*Parts).reviewHandlers,
		(*Parts).codeListHandlers, (*Parts).helpHandlers, (*Parts).governanceHandlers, (*Parts).signedPageHandlers,
		(*Parts).adminPageHandlers}
}

// AuthFunction is the auth function: sign-in, passkeys, emailed links and registration.
func AuthFunction(p *Parts) (lambda.Handler, error) {
	return p.httpFunction(route.FunctionAuth, authGroups()...)
}

// PortalFunction is the portal function: the signed-in routes.
func PortalFunction(p *Parts) (lambda.Handler, error) {
	return p.httpFunction(route.FunctionPortal, portalGroups()...)
}

// OpsFunction is the operator function: every feature's commands.
func OpsFunction(p *Parts) (lambda.Handler, error) {
	mux := command.NewMux(p.log)
	for _, cmds := range []map[string]command.Func{
		ops.NewCommands(p.orgService(), p.inviteService(), p.storeOf(), p.log).All(),
		review.NewCommands(p.reviewService()).All(),
		governance.NewCommands(p.governanceService()).All(),
	} {
		if err := mux.Register(cmds); err != nil {
			return nil, err
		}
	}
	return lambda.NewHandler(func(ctx context.Context, payload json.RawMessage) (any, error) {
		return mux.Handle(withLambdaID(ctx), payload)
	}), nil
}

// ReviewFunction runs the review state machine's tasks (the Payload's step says which).
func ReviewFunction(p *Parts) (lambda.Handler, error) {
	tasks := review.NewTasks(p.reviewService(), p.log)
	return lambda.NewHandler(func(ctx context.Context, in review.TaskInput) (any, error) {
		return tasks.Handle(withLambdaID(ctx), in)
	}), nil
}

// Constructors names every function's constructor (the local stack runs them all).
func Constructors() map[string]Constructor {
	return map[string]Constructor{
		route.FunctionAuth: AuthFunction, route.FunctionPortal: PortalFunction,
		route.FunctionOps: OpsFunction, route.FunctionReview: ReviewFunction, route.FunctionEvents: EventsFunction,
	}
}

// handlers merges the groups' handlers.
func (p *Parts) handlers(groups ...handlerGroup) handlers {
	all := handlers{}
	for _, g := range groups {
		for name, h := range g(p) {
			all[name] = h
		}
	}
	return all
}

// httpHandler is the net/http handler of an HTTP function: the groups'
// handlers of the routes route.Table gives it, behind the guard.
func (p *Parts) httpHandler(function string, groups ...handlerGroup) (http.Handler, error) {
	mine, err := p.handlers(groups...).serving(route.ForFunction(function))
	if err != nil {
		return nil, err
	}
	for name, h := range mine {
		mine[name] = p.limits().Wrap(name, h)
	}
	if p.viewErr != nil {
		return nil, fmt.Errorf("page templates: %w", p.viewErr)
	}
	return edge.New(function, mine, p.routeGuard, p.log)
}

// httpFunction is an HTTP function's Lambda handler (API Gateway v2 events).
func (p *Parts) httpFunction(function string, groups ...handlerGroup) (lambda.Handler, error) {
	h, err := p.httpHandler(function, groups...)
	if err != nil {
		return nil, err
	}
	proxy := httpadapter.NewV2(h)
	return lambda.NewHandler(func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		// API Gateway's request id is the one its access log shows: use it.
		if id := ev.RequestContext.RequestID; id != "" {
			if ev.Headers == nil {
				ev.Headers = map[string]string{}
			}
			ev.Headers["x-request-id"] = id
		}
		return proxy.ProxyWithContext(withLambdaID(ctx), ev)
	}), nil
}

func withLambdaID(ctx context.Context) context.Context {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return logging.WithLambdaRequestID(ctx, lc.AwsRequestID)
	}
	return ctx
}

// basicHandlers are health and the OpenAPI document.
func (p *Parts) basicHandlers() handlers {
	return handlers{"health": public(p.health), "openapi": public(p.openAPI)}
}

func (p *Parts) openAPI(w http.ResponseWriter, r *http.Request) error {
	return edge.JSON(w, http.StatusOK, OpenAPI(p.cfg.BaseURL.String()))
}

// OpenAPI is the API's OpenAPI document, served at GET /v1/openapi.json.
func OpenAPI(serverURL string) map[string]any {
	return openapi.Document(route.Table, serverURL, APIOps())
}

// APIOps documents every route: each feature's Ops and those of this package.
func APIOps() openapi.Ops {
	return openapi.Merge(auth.API(), invite.API(), review.API(), member.API(), employee.API(), settings.API(), audit.API(),
		governance.API(), codelist.API(), help.API(), openapi.Ops{
			"health":  {Response: healthView{}, Status: http.StatusOK, Doc: "200 when the API and its table are reachable."},
			"openapi": {Response: map[string]any{}, Status: http.StatusOK, Doc: "This document."},
		})
}

type healthView struct {
	Status string `json:"status" enum:"ok"`
}

func (p *Parts) health(w http.ResponseWriter, r *http.Request) error {
	if err := p.storeOf().Ping(r.Context()); err != nil {
		return err
	}
	return edge.JSON(w, http.StatusOK, healthView{Status: "ok"})
}
