package governance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
)

// LinkMaker turns a path and query into an absolute URL under the portal's base URL.
type LinkMaker func(path string, q url.Values) string

// Service runs governance.
type Service struct {
	store    Store
	orgs     Orgs
	mailer   Mailer
	limiter  Limiter
	link     LinkMaker
	opsEmail string // GATEHOUSE_OPS_EMAIL: told of emergencies and privilege tickets ("" = logged only)
	log      *slog.Logger
	now      func() time.Time
}

// NewService returns a Service.
func NewService(store Store, orgs Orgs, mailer Mailer, limiter Limiter, link LinkMaker, opsEmail string, log *slog.Logger, now func() time.Time) *Service {
	return &Service{store: store, orgs: orgs, mailer: mailer, limiter: limiter, link: link, opsEmail: opsEmail, log: log, now: now}
}

// Governance is GET /v1/orgs/{org}/governance.
type Governance struct {
	SiteAdminsActive int      `json:"site_admins_active"`
	Warnings         []string `json:"warnings"`
}

// Status counts the office's active site administrators and warns when
// fewer than two can act (seed 002: one should always be available).
func (s *Service) Status(ctx context.Context, orgID ident.OrgID) (Governance, error) {
	ids, err := s.store.ActiveSiteAdmins(ctx, orgID)
	if err != nil {
		return Governance{}, fmt.Errorf("governance of %s: %w", orgID, err)
	}
	g := Governance{SiteAdminsActive: len(ids), Warnings: []string{}}
	if len(ids) < 2 {
		g.Warnings = append(g.Warnings, WarningFewSiteAdmins)
	}
	return g, nil
}

// supportAge is how long a login must have existed before it may hold support.
const supportMonths = 6

// genericNames are names of shared logins, not of people (seed 002:
// "Support Users must be a person, not a generic User").
var genericNames = map[string]bool{
	"admin": true, "administrator": true, "office": true, "front": true, "desk": true, "frontdesk": true, "billing": true,
	"reception": true, "staff": true, "user": true, "test": true, "support": true, "generic": true, "shared": true, "team": true,
}

// SupportProblem checks seed 002's rules for holding support (F21): not a
// site administrator, a real person (first and last name, not a generic
// one; an email no other login has), at least six months of use.
func (s *Service) SupportProblem(ctx context.Context, u account.User, m account.Membership) error {
	if m.Role == account.RoleSiteAdmin {
		return ErrSiteAdminNoSupport
	}
	first, last := strings.TrimSpace(u.FirstName), strings.TrimSpace(u.LastName)
	if !personName(first) || !personName(last) || genericNames[strings.ToLower(first)] || genericNames[strings.ToLower(last)] {
		return ErrNotAPerson
	}
	email := account.NormalizeEmail(u.Email)
	if email == "" {
		return ErrNotAPerson
	}
	ids, err := s.store.UserIDsByEmail(ctx, email, 3)
	if err != nil {
		return fmt.Errorf("check email of %s: %w", u.ID, err)
	}
	for _, id := range ids {
		if id != u.ID {
			return ErrNotAPerson
		}
	}
	if s.now().Before(u.CreatedAt.AddDate(0, supportMonths, 0)) {
		return ErrTooNew
	}
	return nil
}

// personName accepts a name with at least two letters.
func personName(s string) bool {
	letters := 0
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127 {
			letters++
		}
	}
	return letters >= 2
}

// target reads a member of the office; ErrUserNotFound otherwise.
func (s *Service) target(ctx context.Context, orgID ident.OrgID, userID string) (account.User, []account.Membership, account.Membership, error) {
	if userID == "" || len(userID) > 64 {
		return account.User{}, nil, account.Membership{}, ErrUserNotFound
	}
	u, ms, err := s.store.UserWithMemberships(ctx, userID)
	if errors.Is(err, fault.ErrNotFound) {
		return account.User{}, nil, account.Membership{}, ErrUserNotFound
	}
	if err != nil {
		return account.User{}, nil, account.Membership{}, fmt.Errorf("read user %s: %w", userID, err)
	}
	for _, m := range ms {
		if m.OrgID == orgID {
			return u, ms, m, nil
		}
	}
	return account.User{}, nil, account.Membership{}, ErrUserNotFound
}

// tellOps emails ops; without an ops address the message is only logged.
func (s *Service) tellOps(ctx context.Context, kind string, data any) error {
	if s.opsEmail == "" {
		s.log.WarnContext(ctx, "no ops email configured (GATEHOUSE_OPS_EMAIL); not sent", "kind", kind)
		return nil
	}
	msg, err := mail.Render(kind, s.opsEmail, data)
	if err != nil {
		return err
	}
	if err := s.mailer.Send(ctx, msg); err != nil {
		return fmt.Errorf("email ops (%s): %w", kind, err)
	}
	return nil
}

func newID() string { return ident.New() }
