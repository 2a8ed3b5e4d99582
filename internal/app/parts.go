package app

import (
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/awscfg"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/governance"
	"github.com/gatehouse-dev/gatehouse/internal/help"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/mail/ses"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
	"github.com/gatehouse-dev/gatehouse/internal/web"
	"github.com/gatehouse-dev/gatehouse/internal/workflow/sfn"
)

// Parts builds each part of Gatehouse (clients, store, services) the first
// time a function asks for it, and keeps it: a function wires only what its
// routes, commands or tasks use, once per cold start. Building does no I/O.
type Parts struct {
	cfg    config.Config
	awsCfg aws.Config
	log    *slog.Logger
	now    func() time.Time

	store      *dynamo.Store
	mailer     *ses.Sender
	workflow   *sfn.Workflow
	sessions   *session.Service
	orgs       *org.Service
	invites    *invite.Service
	signIn     *auth.Service
	passkeysOn bool
	guard      *auth.Guard
	members    *member.Service
	reviews    *review.Service
	governance *governance.Service
	helpIndex  *help.Center
	codeLists  *codelist.Service
	limiter    *throttle.Limiter
	// view renders the portal's pages; viewErr is why it could not be built.
	view    *web.Renderer
	viewErr error
}

// NewParts returns the parts of one function (or of the whole local stack).
// Every AWS call gets a deadline and a bounded retry policy (a stalled
// dependency is a 503 in under three seconds, not a hung function).
func NewParts(cfg config.Config, awsCfg aws.Config, log *slog.Logger) *Parts {
	policy := cfg.AWS
	if policy == (awscfg.Policy{}) {
		policy = awscfg.Default
	}
	return &Parts{cfg: cfg, awsCfg: awscfg.Bounded(awsCfg, policy), log: log, now: time.Now}
}

// limits checks the rate limits of the public doors (throttle).
func (p *Parts) limits() *throttle.Limiter {
	if p.limiter == nil {
		p.limiter = throttle.New(p.storeOf(), p.cfg.Limits, p.now)
	}
	return p.limiter
}

func (p *Parts) storeOf() *dynamo.Store {
	if p.store == nil {
		p.store = dynamo.New(dynamo.NewClient(p.awsCfg), p.cfg.TableName)
	}
	return p.store
}

func (p *Parts) mail() *ses.Sender {
	if p.mailer == nil {
		p.mailer = ses.New(sesv2.NewFromConfig(p.awsCfg), p.cfg.MailFrom, p.cfg.MailReplyTo, p.cfg.MailConfigSet)
	}
	return p.mailer
}

func (p *Parts) flow() *sfn.Workflow {
	if p.workflow == nil {
		p.workflow = sfn.New(sfn.NewClient(p.awsCfg), p.cfg.StateMachine)
	}
	return p.workflow
}

func (p *Parts) sessionService() *session.Service {
	if p.sessions == nil {
		p.sessions = session.NewService(p.storeOf(), p.now)
	}
	return p.sessions
}

func (p *Parts) orgService() *org.Service {
	if p.orgs == nil {
		p.orgs = org.NewService(p.storeOf(), p.now)
	}
	return p.orgs
}

func (p *Parts) inviteService() *invite.Service {
	if p.invites == nil {
		p.invites = invite.NewService(p.storeOf(), p.mail(), p.cfg.Link, p.now)
	}
	return p.invites
}

// authService is sign-in and the self routes, without passkeys.
func (p *Parts) authService() *auth.Service {
	if p.signIn == nil {
		p.signIn = auth.NewService(p.storeOf(), p.sessionService(), p.mail(), p.cfg.Link, p.limits(), p.now)
		p.signIn.Log = p.log
	}
	return p.signIn
}

// passkeyService is authService with the WebAuthn relying party: only the
// functions serving passkey routes pay for (and link) WebAuthn.
func (p *Parts) passkeyService() *auth.Service {
	svc := p.authService()
	if !p.passkeysOn {
		p.passkeysOn = true
		if err := svc.UsePasskeys(p.cfg.BaseURL); err != nil {
			p.log.Error("passkeys are off", "error", err.Error())
		}
	}
	return svc
}

func (p *Parts) guardOf() *auth.Guard {
	if p.guard == nil {
		p.guard = auth.NewGuard(p.sessionService(), p.storeOf(), p.storeOf(), p.cfg.BaseURL)
	}
	return p.guard
}

func (p *Parts) memberService() *member.Service {
	if p.members == nil {
		p.members = member.NewService(p.storeOf(), p.storeOf(), p.mail(), p.sessionService(), p.cfg.Link, p.now)
	}
	return p.members
}

// reviewService is self-registration and its review (F10-F12).
func (p *Parts) reviewService() *review.Service {
	if p.reviews == nil {
		p.reviews = review.NewService(p.storeOf(), p.flow(), p.mail(), p.cfg.Link, p.limits(),
			review.Settings{VerificationWindow: p.cfg.VerificationWindow, ReviewTimeout: p.cfg.ReviewTimeout, OpsEmail: p.cfg.OpsEmail}, p.log, p.now)
	}
	return p.reviews
}

// governanceService is F20-F23: support, tickets, privilege changes, break-glass.
func (p *Parts) governanceService() *governance.Service {
	if p.governance == nil {
		limiter := governance.EmergencyLimiter{Limits: p.limits()}
		p.governance = governance.NewService(p.storeOf(), p.storeOf(), p.mail(), limiter, p.cfg.Link, p.cfg.OpsEmail, p.log, p.now)
	}
	return p.governance
}

// helpCenter is the Help Center's articles and index (F24), built on first use.
func (p *Parts) helpCenter() *help.Center {
	if p.helpIndex == nil {
		p.helpIndex = help.New()
	}
	return p.helpIndex
}

// codeListService is the shared code lists (F25).
func (p *Parts) codeListService() *codelist.Service {
	if p.codeLists == nil {
		p.codeLists = codelist.NewService(p.storeOf(), p.storeOf(), p.now)
	}
	return p.codeLists
}
