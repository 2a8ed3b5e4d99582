// Package app wires Gatehouse together: it builds every service from the
// configuration and the AWS clients, and gives each function its Lambda
// handler. The function binaries, the local stack and the end-to-end tests all
// use it, so what runs locally is what runs in Lambda.
package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/awscfg"
	"github.com/gatehouse-dev/gatehouse/internal/command"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/governance"
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/mail/ses"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
	"github.com/gatehouse-dev/gatehouse/internal/ops"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// App holds every service of Gatehouse.
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

	// View renders the portal's pages; viewErr is why it could not be built.
	View    *web.Renderer
	viewErr error
}

// New builds the App. It does no I/O.
func New(cfg config.Config, awsCfg aws.Config, log *slog.Logger) *App {
	// Every AWS call gets a deadline and a bounded retry policy (a stalled
	// dependency is a 503 in under three seconds, not a hung function).
	policy := cfg.AWS
	if policy == (awscfg.Policy{}) {
		policy = awscfg.Default
	}
	awsCfg = awscfg.Bounded(awsCfg, policy)
	now := time.Now
	store := dynamo.New(dynamo.NewClient(awsCfg), cfg.TableName)
	mailer := ses.New(sesv2.NewFromConfig(awsCfg), cfg.MailFrom, cfg.MailReplyTo, cfg.MailConfigSet)
	sessions := session.NewService(store, now)
	orgs := org.NewService(store, now)
	invites := invite.NewService(store, mailer, cfg.Link, now)
	limiter := throttle.New(store, cfg.Limits, now)
	a := &App{
		Config: cfg, Log: log, Store: store, Orgs: orgs, Invites: invites, Sessions: sessions, Limiter: limiter,
		Auth:    newAuth(store, sessions, mailer, limiter, cfg, log, now),
		Guard:   auth.NewGuard(sessions, store, store, cfg.BaseURL),
		Members: member.NewService(store, store, mailer, sessions, cfg.Link, now),
	}
	a.newReview(awsCfg, mailer, now)
	a.newGovernance(mailer, now)

	a.View, a.viewErr = web.NewRenderer(cfg.BaseURL, log)
	return a
}

func newAuth(store *dynamo.Store, sessions *session.Service, mailer *ses.Sender, limiter *throttle.Limiter, cfg config.Config, log *slog.Logger, now func() time.Time) *auth.Service {
	svc := auth.NewService(store, sessions, mailer, cfg.Link, limiter, now)
	svc.Log = log
	if err := svc.UsePasskeys(cfg.BaseURL); err != nil {
		log.Error("passkeys are off", "error", err.Error())
	}
	return svc
}

// handlers maps every route name of route.Table to its handler. Each feature
// adds its own in a file of this package (handlers_<feature>.go).
func (a *App) handlers() handlers {
	all := handlers{"health": public(a.health), "openapi": public(a.openAPI)}
	for _, feature := range []handlers{
		a.authHandlers(),
		a.passkeyHandlers(),
		a.inviteHandlers(),
		a.accountHandlers(),
		a.reviewHandlers(),
		a.codeListHandlers(),
		a.helpHandlers(),
		a.governanceHandlers(),

		a.pageHandlers(),
		a.adminPageHandlers(),
	} {
		for name, h := range feature {
			all[name] = h
		}
	}
	return all
}

// HTTPHandler returns the net/http handler of an HTTP function: the handlers
// of the routes that route.Table gives to that function.
func (a *App) HTTPHandler(function string) (http.Handler, error) {
	routes := route.ForFunction(function)
	if len(routes) == 0 {
		return nil, fmt.Errorf("no HTTP function named %q", function)
	}
	if a.viewErr != nil {
		return nil, fmt.Errorf("page templates: %w", a.viewErr)
	}
	mine, err := a.handlers().serving(routes)
	if err != nil {
		return nil, err
	}
	for name, h := range mine {
		mine[name] = a.Limiter.Wrap(name, h)
	}
	return edge.New(function, mine, a.guard, a.Log)
}

// LambdaHandler returns the Lambda handler of any function.
func (a *App) LambdaHandler(function string) (lambda.Handler, error) {
	if function == route.FunctionOps {
		mux, err := a.commands()
		if err != nil {
			return nil, err
		}
		return lambda.NewHandler(func(ctx context.Context, payload json.RawMessage) (any, error) {
			return mux.Handle(withLambdaID(ctx), payload)
		}), nil
	}
	if function == route.FunctionReview {
		return a.reviewTaskHandler(), nil
	}
	h, err := a.HTTPHandler(function)
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

// commands is the ops function's command edge with every feature's commands.
func (a *App) commands() (*command.Mux, error) {
	mux := command.NewMux(a.Log)
	for _, cmds := range []map[string]command.Func{
		ops.NewCommands(a.Orgs, a.Invites, a.Log).All(),
		review.NewCommands(a.Reviews).All(),
		governance.NewCommands(a.Governance).All(),
	} {
		if err := mux.Register(cmds); err != nil {
			return nil, err
		}
	}
	return mux, nil
}

// Functions lists every function the App can serve.
func Functions() []string { return route.Functions() }

func withLambdaID(ctx context.Context) context.Context {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return logging.WithLambdaRequestID(ctx, lc.AwsRequestID)
	}
	return ctx
}

func (a *App) openAPI(w http.ResponseWriter, r *http.Request) error {
	return edge.JSON(w, http.StatusOK, openapi.Document(route.Table, a.Config.BaseURL.String()))
}

func (a *App) health(w http.ResponseWriter, r *http.Request) error {
	if err := a.Store.Ping(r.Context()); err != nil {
		return err
	}
	return edge.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
