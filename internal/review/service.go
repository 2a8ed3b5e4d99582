package review

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// LinkMaker turns a path and query into an absolute URL under the portal's base URL.
type LinkMaker func(path string, q url.Values) string

// Settings are the review's configured windows.
type Settings struct {
	VerificationWindow time.Duration // GATEHOUSE_VERIFICATION_WINDOW, default 24 h
	ReviewTimeout      time.Duration // GATEHOUSE_REVIEW_TIMEOUT, default 30 days
	OpsEmail           string        // GATEHOUSE_OPS_EMAIL: told of escalated requests ("" = logged only)
}

// Limiter checks the rate limits of the public doors (throttle.Limiter).
type Limiter interface {
	Allow(ctx context.Context, name throttle.Name, subject string) error
}

// Service takes registrations and decisions.
type Service struct {
	limits   Limiter
	store    Store
	workflow Workflow
	mailer   Mailer
	link     LinkMaker
	settings Settings
	log      *slog.Logger
	now      func() time.Time
	hash     func(string) (string, error)
}

// NewService returns a Service; it does no I/O.
func NewService(store Store, wf Workflow, mailer Mailer, link LinkMaker, limits Limiter, settings Settings, log *slog.Logger, now func() time.Time) *Service {
	if settings.VerificationWindow <= 0 {
		settings.VerificationWindow = 24 * time.Hour
	}
	if settings.ReviewTimeout <= 0 {
		settings.ReviewTimeout = 30 * 24 * time.Hour
	}
	return &Service{limits: limits, store: store, workflow: wf, mailer: mailer, link: link, settings: settings, log: log, now: now,
		hash: func(pw string) (string, error) { return password.Hash(pw, password.OWASP) }}
}

// Request is the public registration form (POST /v1/registrations).
type Request struct {
	TIN         string `json:"tin"`
	NPI         string `json:"npi"`
	Level       string `json:"level"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	ClaimNumber string `json:"claim_number"`
	ProviderDOB string `json:"provider_dob"`
	// Role is optional: portal-user (default) or clerical-user. Administrator
	// roles are given only by a reviewer's Modify, never requested.
	Role string `json:"role"`
	// Address is the client's address (not part of the form), for the limits.
	Address string `json:"-"`
}

// validate checks the form without I/O; every problem is named.
func (in Request) validate() (map[string]string, Level, account.Role, string) {
	fields := map[string]string{}
	tin := account.NormalizeTIN(in.TIN)
	if tin == "" {
		fields["tin"] = "must be nine digits (dashes allowed)"
	}
	level := Level(in.Level)
	switch level {
	case LevelOrg:
		if in.NPI != "" {
			fields["npi"] = "must be empty for a TIN-level request"
		}
	case LevelProvider:
		if !account.ValidNPI(strings.TrimSpace(in.NPI)) {
			fields["npi"] = "must be a valid NPI (ten digits with a check digit) for an individual-provider request"
		}
	default:
		fields["level"] = `must be "org" or "provider"`
	}
	if p := account.NameProblem(in.FirstName); p != "" {
		fields["first_name"] = p
	}
	if p := account.NameProblem(in.LastName); p != "" {
		fields["last_name"] = p
	}
	email := account.NormalizeEmail(in.Email)
	if p := account.EmailProblem(email); p != "" {
		fields["email"] = p
	}
	if len(in.Phone) > 40 {
		fields["phone"] = "must be at most 40 characters"
	}
	if p := account.UsernameProblem(strings.TrimSpace(in.Username)); p != "" {
		fields["username"] = p
	}
	if p := password.DefaultPolicy.Problem(in.Password, in.Username, in.FirstName, in.LastName, email); p != "" {
		fields["password"] = p
	}
	if c := NormalizeClaimNumber(in.ClaimNumber); in.ClaimNumber != "" && (len(c) < 5 || len(c) > 40) {
		fields["claim_number"] = "must be 5 to 40 characters"
	}
	if in.ProviderDOB != "" {
		if _, err := time.Parse(time.DateOnly, in.ProviderDOB); err != nil {
			fields["provider_dob"] = "must be a date YYYY-MM-DD"
		}
	}
	role := account.RolePortalUser
	if in.Role != "" {
		role = account.Role(in.Role)
		if role != account.RolePortalUser && role != account.RoleClericalUser {
			fields["role"] = "may be portal-user or clerical-user; a reviewer can change it"
		}
	}
	return fields, level, role, tin
}

// Submitted is the answer to a registration.
type Submitted struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
}

// Submit validates and stores a registration, emails its verification link
// and starts its review execution (which waits for the verification).
//
// A TIN no org has, or an NPI that is not the org's, gets the same 202 as a
// good request and an email to the address saying no office matched: the
// answer does not tell a stranger which offices use Gatehouse; only the
// mailbox owner learns it.
func (s *Service) Submit(ctx context.Context, in Request) (Submitted, error) {
	fields, level, role, tin := in.validate()
	if len(fields) > 0 {
		return Submitted{}, fault.Validation(fields)
	}
	username := account.NormalizeUsername(in.Username)
	email := account.NormalizeEmail(in.Email)
	id := ident.New()
	if ok, err := s.withinLimits(ctx, in, email, username); err != nil || !ok {
		return Submitted{ID: id, Status: StatusPendingEmail}, err
	}
	// Checked before the office is looked up, so what happens for a taken
	// username does not depend on whether the TIN exists.
	if _, err := s.store.UserIDByUsername(ctx, username); err == nil {
		return s.usernameTaken(ctx, id, email, username, in.Password)
	} else if !errors.Is(err, fault.ErrNotFound) {
		return Submitted{}, fmt.Errorf("submit registration: %w", err)
	}
	orgID, err := s.store.OrgIDByTIN(ctx, tin)
	if errors.Is(err, fault.ErrNotFound) {
		return s.unmatched(ctx, id, email)
	}
	if err != nil {
		return Submitted{}, fmt.Errorf("submit registration: %w", err)
	}
	o, err := s.store.GetOrg(ctx, orgID)
	if err != nil {
		return Submitted{}, fmt.Errorf("submit registration: %w", err)
	}
	npi := strings.TrimSpace(in.NPI)
	if level == LevelProvider && !o.HasProvider(npi) {
		return s.unmatched(ctx, id, email)
	}
	hash, err := s.hash(in.Password)
	if err != nil {
		return Submitted{}, err
	}
	now := s.now().UTC()
	r := Registration{
		ID: id, OrgID: o.ID, OrgName: o.Name, TIN: o.TIN, NPI: npi, Level: level, RequestedRole: role,
		FirstName: strings.TrimSpace(in.FirstName), LastName: strings.TrimSpace(in.LastName), Email: email, Phone: strings.TrimSpace(in.Phone),
		Username: username, PasswordHash: hash, Status: StatusPendingEmail, SubmittedAt: now,
		History: []Event{{At: now, Actor: "registrant", Action: "submitted"}},
	}
	for _, p := range o.Providers {
		if p.NPI == npi {
			r.ProviderName = p.Name
		}
	}
	if c := NormalizeClaimNumber(in.ClaimNumber); c != "" {
		r.ClaimHash, r.ClaimMasked = HashClaimNumber(o.ID, c), maskTail(c, 4)
		screen, err := s.claimTryAllowed(ctx, o.ID, r.ClaimHash)
		if err != nil {
			return Submitted{}, err
		}
		if !screen {
			// Too many claim numbers tried for this office: the request goes
			// to a reviewer, who sees why.
			r.ClaimHash = ""
			r.History = append(r.History, Event{At: now, Actor: "workflow", Action: "claim number not screened",
				Detail: "too many claim numbers tried for this office; an administrator reviews the request"})
		}
	}
	if in.ProviderDOB != "" {
		r.DOBHash, r.DOBMasked = hashFor(o.ID, "dob", in.ProviderDOB), "••••-••-••"
	}
	token, linkHash, err := session.NewToken()
	if err != nil {
		return Submitted{}, err
	}
	expires := now.Add(s.settings.VerificationWindow)
	if err := s.store.CreateRegistration(ctx, r, linkHash, expires); err != nil {
		if errors.Is(err, account.ErrUsernameTaken) {
			// Reserved by a pending request meanwhile: the same answer.
			return s.tellUsernameTaken(ctx, id, email, username)
		}
		return Submitted{}, fmt.Errorf("submit registration: %w", err)
	}
	// Store first, then start: the execution's first step needs the item, and
	// a stored request without an execution would never expire. So a failed
	// StartExecution is compensated: the request, its id pointer, its link and
	// its username claim go in one transaction, and the caller gets 503 and
	// may simply submit again (nothing was emailed yet). The opposite order
	// (start, then store) would race the execution's first step against the
	// write and still need a compensation (StopExecution) when the write fails.
	// If StartExecution failed ambiguously (it did start), the execution finds
	// no item and ends in RegistrationGone. What remains: the process dies
	// between the two calls, or the table fails during the compensation; that
	// is logged with the registration id for ops.
	if _, err := s.workflow.Start(ctx, r.ID, s.executionInput(r)); err != nil {
		startErr := fmt.Errorf("start review of %s: %w", r.ID, err)
		if derr := s.store.DiscardRegistration(ctx, r, linkHash); derr != nil {
			s.log.ErrorContext(ctx, "registration stored without an execution and not discarded: its username stays reserved",
				"registration_id", r.ID, "org_id", r.OrgID, "start_error", err.Error(), "discard_error", derr.Error())
		}
		return Submitted{}, fault.Unavailable(startErr)
	}
	msg, err := mail.Render("registration-verify", email, map[string]string{
		"FirstName": r.FirstName, "OrgName": o.Name, "Link": s.link("/registrations/verify", url.Values{"token": {token}}),
		"ExpiresAt": expires.Format(time.RFC3339),
	})
	if err != nil {
		return Submitted{}, err
	}
	if err := s.mailer.Send(ctx, msg); err != nil {
		return Submitted{}, fmt.Errorf("email verification of %s: %w", r.ID, err)
	}
	return Submitted{ID: r.ID, Status: StatusPendingEmail}, nil
}

// withinLimits counts the request against the limits of the client
// address, the email, the username and the claim number given. Past any of
// them the request is answered as usual and nothing is done or sent (so a
// flood neither hashes passwords, starts executions nor sends emails). A
// limit that cannot be checked (the table is down) is an error: the 503
// comes before any account is looked at, so it tells nothing.
func (s *Service) withinLimits(ctx context.Context, in Request, email, username string) (bool, error) {
	checks := []struct {
		name    throttle.Name
		subject string
	}{
		{throttle.RegisterAddress, in.Address},
		{throttle.RegisterIdentifier, "email:" + email},
		{throttle.RegisterIdentifier, "username:" + username},
	}
	for _, c := range checks {
		err := s.limits.Allow(ctx, c.name, c.subject)
		if fault.Is(err, throttle.CodeTooManyRequests) {
			s.log.DebugContext(ctx, "registration: past a rate limit, nothing done", "limit", string(c.name))
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("submit registration: %w", err)
		}
	}
	return true, nil
}

// claimTryAllowed counts a claim number tried for auto-approval against the
// claim-number limit, per office and per claim number: guessing claim
// numbers is bounded, and past the limit requests are still taken, only
// not auto-approved.
func (s *Service) claimTryAllowed(ctx context.Context, orgID ident.OrgID, claimHash string) (bool, error) {
	for _, subject := range []string{"org:" + string(orgID), "claim:" + claimHash} {
		err := s.limits.Allow(ctx, throttle.ClaimNumber, subject)
		if fault.Is(err, throttle.CodeTooManyRequests) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("submit registration: %w", err)
		}
	}
	return true, nil
}

// usernameTaken answers a request for a username a login has with the same
// 202 as any other, after the same password work, and tells the mailbox
// owner by email (never the response) to choose another.
func (s *Service) usernameTaken(ctx context.Context, id, email, username, pw string) (Submitted, error) {
	if _, err := s.hash(pw); err != nil {
		return Submitted{}, err
	}
	return s.tellUsernameTaken(ctx, id, email, username)
}

func (s *Service) tellUsernameTaken(ctx context.Context, id, email, username string) (Submitted, error) {
	msg, err := mail.Render("registration-username-taken", email, map[string]string{"Username": username})
	if err != nil {
		return Submitted{}, err
	}
	if err := s.mailer.Send(ctx, msg); err != nil {
		return Submitted{}, fmt.Errorf("email taken username: %w", err)
	}
	return Submitted{ID: id, Status: StatusPendingEmail}, nil
}

func (s *Service) unmatched(ctx context.Context, id, email string) (Submitted, error) {
	msg, err := mail.Render("registration-unmatched", email, nil)
	if err != nil {
		return Submitted{}, err
	}
	if err := s.mailer.Send(ctx, msg); err != nil {
		return Submitted{}, fmt.Errorf("email unmatched registration: %w", err)
	}
	return Submitted{ID: id, Status: StatusPendingEmail}, nil
}

// ExecutionInput is the input of a review execution.
type ExecutionInput struct {
	RegistrationID             string      `json:"registration_id"`
	OrgID                      ident.OrgID `json:"org_id"`
	VerificationTimeoutSeconds int64       `json:"verification_timeout_seconds"`
	ReviewTimeoutSeconds       int64       `json:"review_timeout_seconds"`
}

func (s *Service) executionInput(r Registration) ExecutionInput {
	secs := func(d time.Duration) int64 { return max(1, int64(d/time.Second)) }
	return ExecutionInput{RegistrationID: r.ID, OrgID: r.OrgID,
		VerificationTimeoutSeconds: secs(s.settings.VerificationWindow), ReviewTimeoutSeconds: secs(s.settings.ReviewTimeout)}
}

// Verify consumes a verification link and lets the review go on. It returns
// the status the registration has a moment later (screening is quick).
func (s *Service) Verify(ctx context.Context, token string) (Submitted, error) {
	linkHash := session.HashToken(token)
	r, expires, err := s.store.RegistrationByVerifyLink(ctx, linkHash)
	if errors.Is(err, fault.ErrNotFound) {
		return Submitted{}, ErrLinkNotFound
	}
	if err != nil {
		return Submitted{}, fmt.Errorf("verify registration: %w", err)
	}
	if !s.now().Before(expires) {
		return Submitted{}, ErrLinkExpired
	}
	r, err = s.store.MarkVerified(ctx, r, linkHash, Event{At: s.now().UTC(), Actor: "registrant", Action: "email verified"})
	if errors.Is(err, fault.ErrConflict) {
		return Submitted{}, ErrLinkNotFound
	}
	if err != nil {
		return Submitted{}, fmt.Errorf("verify registration: %w", err)
	}
	// AwaitVerification may not have stored its token yet; it then finds
	// VerifiedAt set and completes itself.
	if r.VerifyToken != "" {
		if err := s.workflow.Succeed(ctx, r.VerifyToken, map[string]bool{"verified": true}); err != nil && !errors.Is(err, ErrTaskGone) {
			s.log.ErrorContext(ctx, "verification not delivered to the review workflow", "registration_id", r.ID, "error", err.Error())
		}
	}
	return Submitted{ID: r.ID, Status: s.settle(ctx, r, StatusPendingEmail)}, nil
}

// settle waits briefly for the workflow to move the registration past from,
// and returns its status then.
func (s *Service) settle(ctx context.Context, r Registration, from Status) Status {
	status := r.Status
	for i := 0; i < 50 && status == from; i++ {
		time.Sleep(100 * time.Millisecond)
		cur, err := s.store.GetRegistration(ctx, r.OrgID, r.ID)
		if err != nil {
			break
		}
		status = cur.Status
	}
	return status
}

// Get returns one registration of the caller's org that the caller may see.
func (s *Service) Get(ctx context.Context, c caller.Caller, id string) (Registration, error) {
	reviewer := c.Membership
	r, err := s.store.GetRegistration(ctx, c.Org, id)
	if errors.Is(err, fault.ErrNotFound) {
		return Registration{}, ErrNotFound
	}
	if err != nil {
		return Registration{}, fmt.Errorf("get registration: %w", err)
	}
	if !reviewer.Scope.Covers(r.RequestedScope()) {
		return Registration{}, ErrNotFound
	}
	return r, nil
}

// List pages the console of the caller's org, with the org (its TIN and
// providers name the entries); a provider-scoped administrator sees only
// entries of their provider (a page may then hold fewer than limit entries;
// the cursor still pages on).
func (s *Service) List(ctx context.Context, c caller.Caller, status string, limit int, cursor string) (org.Org, []Entry, string, error) {
	reviewer := c.Membership
	st := Status(status)
	if status != "" && !slices.Contains(Statuses, st) {
		return org.Org{}, nil, "", fault.Validation(map[string]string{"status": "unknown status"})
	}
	o, err := s.store.GetOrg(ctx, c.Org)
	if err != nil {
		return org.Org{}, nil, "", fmt.Errorf("list registrations: %w", err)
	}
	entries, next, err := s.store.ListEntries(ctx, c.Org, st, limit, cursor)
	if err != nil {
		return org.Org{}, nil, "", fmt.Errorf("list registrations: %w", err)
	}
	out := entries[:0]
	for _, e := range entries {
		scope := account.OrgScope
		if e.NPI != "" {
			scope = account.Scope{NPI: e.NPI}
		}
		if reviewer.Scope.Covers(scope) {
			out = append(out, e)
		}
	}
	return o, out, next, nil
}

// DecisionInput is an approve, deny or modify.
type DecisionInput struct {
	Kind   string
	Reason string `json:"reason"`
	Note   string `json:"note"`
	Role   string `json:"role"`
	Scope  string `json:"scope"`
}

// reviewer is who decides: a member of the org, or ops.
type reviewer struct {
	Membership account.Membership // zero for ops
	UserID     string
	Name       string
	Ops        bool
}

// opsReviewer decides requests escalated to operations (break-glass).
var opsReviewer = reviewer{Ops: true, UserID: "ops", Name: "Gatehouse operations"}

// Decide records the caller's decision on a registration of the caller's org.
func (s *Service) Decide(ctx context.Context, c caller.Caller, id string, in DecisionInput) (Status, error) {
	if c.Org == "" {
		return "", caller.ErrNotInOrg
	}
	return s.decide(ctx, c.Org, id, reviewer{Membership: c.Membership, UserID: c.User.ID, Name: c.Name()}, in)
}

// DecideAsOps records an operator's decision on a request escalated to ops.
func (s *Service) DecideAsOps(ctx context.Context, id string, in DecisionInput) (Status, error) {
	orgID, err := s.store.RegistrationOrg(ctx, id)
	if err != nil {
		return "", ErrNotFound
	}
	return s.decide(ctx, orgID, id, opsReviewer, in)
}

// decide claims the decision on the registration item (exactly once, even
// when reviewers click at once), then wakes the workflow, which creates the
// login and emails the registrant.
func (s *Service) decide(ctx context.Context, orgID ident.OrgID, id string, who reviewer, in DecisionInput) (Status, error) {
	r, err := s.store.GetRegistration(ctx, orgID, id)
	if errors.Is(err, fault.ErrNotFound) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("decide registration %s: %w", id, err)
	}
	switch {
	case who.Ops && !r.Escalated && r.Status.Pending():
		return "", ErrNotEscalated
	case !who.Ops && !who.Membership.Scope.Covers(r.RequestedScope()):
		return "", ErrNotFound
	case !who.Ops && !eligible(who.Membership, r):
		return "", ErrScopeTooWide
	case !who.Ops && in.Kind == DecisionApprove && !who.Membership.Role.MayGrant(r.RequestedRole):
		// The same rule as invites: never a role above the reviewer's own.
		return "", ErrScopeTooWide
	case r.Decision != nil || r.Status == StatusDeclined || r.Status == StatusInvalidated || r.Status == StatusAutoApproved:
		return "", ErrAlreadyDecided
	case !r.Status.Pending():
		return "", ErrNotReviewable
	}
	d, err := s.decision(r, who, in)
	if err != nil {
		return "", err
	}
	if d.Kind == DecisionModify && d.Scope.NPI != "" {
		o, err := s.store.GetOrg(ctx, r.OrgID)
		if err != nil {
			return "", fmt.Errorf("decide registration %s: %w", id, err)
		}
		if !o.HasProvider(d.Scope.NPI) {
			return "", fault.Validation(map[string]string{"scope": "is not a provider of this organization"})
		}
	}
	status := r.Level.approvedStatus()
	if d.Kind == DecisionDeny {
		status = StatusDeclined
	}
	detail := d.Reason
	if d.Kind == DecisionModify {
		detail = fmt.Sprintf("role %s, scope %s", d.Role, d.Scope)
	}
	ev := Event{At: d.At, Actor: d.By, Name: d.ByName, Action: d.Kind, Detail: detail}
	claimed, err := s.store.ClaimDecision(ctx, r, d, status, ev)
	if errors.Is(err, fault.ErrConflict) {
		return "", ErrAlreadyDecided
	}
	if err != nil {
		return "", fmt.Errorf("decide registration %s: %w", id, err)
	}
	// The decision is on the item now; if the workflow cannot be told (its
	// wait timed out at this moment), ExpireReview finds the claimed decision
	// and applies it instead of invalidating.
	if err := s.workflow.Succeed(ctx, claimed.DecisionToken, d); err != nil && !errors.Is(err, ErrTaskGone) {
		s.log.ErrorContext(ctx, "decision not delivered to the review workflow; it applies when the wait times out",
			"registration_id", r.ID, "error", err.Error())
	}
	return status, nil
}

func (s *Service) decision(r Registration, who reviewer, in DecisionInput) (Decision, error) {
	d := Decision{Kind: in.Kind, By: who.UserID, ByName: who.Name, At: s.now().UTC()}
	if who.Ops {
		d.By = "ops"
	}
	switch in.Kind {
	case DecisionApprove:
	case DecisionDeny:
		fields := map[string]string{}
		if !slices.Contains(DenyReasons, in.Reason) {
			fields["reason"] = "must be one of " + strings.Join(DenyReasons, ", ")
		}
		if in.Reason == "other" && strings.TrimSpace(in.Note) == "" {
			fields["note"] = `is required when the reason is "other"`
		}
		if len(in.Note) > 1000 {
			fields["note"] = "must be at most 1000 characters"
		}
		if len(fields) > 0 {
			return Decision{}, fault.Validation(fields)
		}
		d.Reason, d.Note = in.Reason, strings.TrimSpace(in.Note)
	case DecisionModify:
		role, ok := account.ParseRole(in.Role)
		fields := map[string]string{}
		if !ok {
			fields["role"] = "unknown role"
		}
		scope := r.RequestedScope()
		if in.Scope != "" {
			sc, err := account.ParseScope(in.Scope)
			if err != nil {
				fields["scope"] = err.Error()
			}
			scope = sc
		}
		if len(fields) > 0 {
			return Decision{}, fault.Validation(fields)
		}
		if !who.Ops && (!who.Membership.Role.MayGrant(role) || !who.Membership.Scope.Covers(scope)) {
			return Decision{}, ErrScopeTooWide
		}
		if account.TicketOnly("", role) {
			// Not even ops: a site administrator is appointed by a privilege-change ticket (F22).
			return Decision{}, account.ErrPrivilegeTicketRequired
		}
		d.Role, d.Scope = role, scope
	default:
		return Decision{}, errUnknownDecision
	}
	return d, nil
}

// ClaimInput is one claim number on file for an org (ImportClaimReferences).
type ClaimInput struct {
	ClaimNumber string `json:"claim_number"`
	NPI         string `json:"npi"`
}

// ImportClaimReferences stores the hashes of an org's claim numbers (only
// hashes are kept) and returns how many distinct ones were stored.
func (s *Service) ImportClaimReferences(ctx context.Context, orgID ident.OrgID, claims []ClaimInput) (int, error) {
	o, err := s.store.GetOrg(ctx, orgID)
	if err != nil {
		return 0, fault.Validation(map[string]string{"org_id": "no such organization"})
	}
	fields := map[string]string{}
	if len(claims) == 0 || len(claims) > 1000 {
		fields["claims"] = "must hold 1 to 1000 claims"
	}
	refs := make([]ClaimReference, 0, len(claims))
	seen := map[string]bool{}
	for i, c := range claims {
		n := NormalizeClaimNumber(c.ClaimNumber)
		switch {
		case len(n) < 5 || len(n) > 40:
			fields[fmt.Sprintf("claims[%d].claim_number", i)] = "must be 5 to 40 characters"
		case c.NPI != "" && !o.HasProvider(c.NPI):
			fields[fmt.Sprintf("claims[%d].npi", i)] = "is not a provider of this organization"
		default:
			ref := ClaimReference{OrgID: o.ID, NPI: c.NPI, Hash: HashClaimNumber(o.ID, n)}
			if !seen[ref.NPI+ref.Hash] {
				seen[ref.NPI+ref.Hash] = true
				refs = append(refs, ref)
			}
		}
	}
	if len(fields) > 0 {
		return 0, fault.Validation(fields)
	}
	if err := s.store.PutClaimReferences(ctx, refs); err != nil {
		return 0, err
	}
	return len(refs), nil
}

// ListEscalated pages the requests escalated to ops and still pending, newest first.
func (s *Service) ListEscalated(ctx context.Context, limit int, cursor string) ([]Registration, string, error) {
	return s.store.ListEscalated(ctx, limit, cursor)
}
