// Package auth is sign-in and the signed-in self: login, logout, the session
// guard every signed-in route passes through, and /v1/me.
package auth

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/session"
)

// Users is what sign-in needs to read about logins.
type Users interface {
	UserIDByUsername(ctx context.Context, username string) (string, error)
	UserWithMemberships(ctx context.Context, userID string) (account.User, []account.Membership, error)
}

// Sessions starts, resolves and ends sessions.
type Sessions interface {
	Start(ctx context.Context, userID, activeOrgID string) (string, session.Session, error)
	Resolve(ctx context.Context, token string) (session.Session, error)
	End(ctx context.Context, id string) error
}

// ErrInvalidCredentials is the one answer for an unknown username, a wrong
// password or a deleted account, so that none can be told apart.
var ErrInvalidCredentials = fault.Unauthenticated("invalid_credentials", "The username or password is not correct.")

// ErrTemporaryPasswordExpired refuses a generated temporary password after its 24 hours (F14, F17).
var ErrTemporaryPasswordExpired = fault.Unauthenticated("temporary_password_expired", "This temporary password has expired; ask your administrator for a new one.")

// ErrLocked is returned for a locked account after the right password.
var ErrLocked = fault.Locked("account_locked", "This account is locked. Try again later or ask your administrator to unlock it.")

// Service signs people in.
type Service struct {
	users    Users
	sessions Sessions
	now      func() time.Time
}

// NewService returns a Service.
func NewService(users Users, sessions Sessions, now func() time.Time) *Service {
	return &Service{users: users, sessions: sessions, now: now}
}

// Result is a successful sign-in.
type Result struct {
	Token       string
	Session     session.Session
	User        account.User
	Memberships []account.Membership
}

// Login checks a username and password and starts a session.
func (s *Service) Login(ctx context.Context, username, pw string) (Result, error) {
	if username == "" || pw == "" || len(pw) > 4*password.MaxLength {
		password.VerifyDummy(pw)
		return Result{}, ErrInvalidCredentials
	}
	userID, err := s.users.UserIDByUsername(ctx, username)
	if errors.Is(err, fault.ErrNotFound) {
		password.VerifyDummy(pw) // same work as a real check: no timing oracle
		return Result{}, ErrInvalidCredentials
	}
	if err != nil {
		return Result{}, fmt.Errorf("login: %w", err)
	}
	u, ms, err := s.users.UserWithMemberships(ctx, userID)
	if err != nil {
		return Result{}, fmt.Errorf("login: %w", err)
	}
	ok, err := password.Verify(pw, u.PasswordHash)
	if err != nil {
		return Result{}, fmt.Errorf("login %s: %w", u.ID, err)
	}
	if !ok || !u.CanSignIn() {
		return Result{}, ErrInvalidCredentials
	}
	if u.Locked {
		return Result{}, ErrLocked
	}
	if u.TemporaryPasswordExpired(s.now()) {
		return Result{}, ErrTemporaryPasswordExpired
	}
	token, sess, err := s.sessions.Start(ctx, u.ID, DefaultOrg(ms))
	if err != nil {
		return Result{}, err
	}
	return Result{Token: token, Session: sess, User: u, Memberships: ms}, nil
}

// DefaultOrg picks the org a new session starts in: the first active
// membership by org name (stable for the user).
func DefaultOrg(ms []account.Membership) string {
	active := make([]account.Membership, 0, len(ms))
	for _, m := range ms {
		if m.Active {
			active = append(active, m)
		}
	}
	if len(active) == 0 {
		return ""
	}
	sort.Slice(active, func(i, j int) bool { return active[i].OrgName < active[j].OrgName })
	return active[0].OrgID
}

// Principal is the signed-in caller of a request.
type Principal struct {
	Session     session.Session
	User        account.User
	Memberships []account.Membership
}

// Membership returns the caller's active membership in org, if any.
func (p Principal) Membership(orgID string) (account.Membership, bool) {
	for _, m := range p.Memberships {
		if m.OrgID == orgID && m.Active {
			return m, true
		}
	}
	return account.Membership{}, false
}

type principalKey struct{}

// WithPrincipal stores the caller in ctx.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the signed-in caller, if the request has one.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

type membershipKey struct{}

func withMembership(ctx context.Context, m account.Membership) context.Context {
	return context.WithValue(ctx, membershipKey{}, m)
}

// OrgMembership returns the caller's membership in the org of an org route
// ({org} in the path), checked by the Guard before the handler runs.
func OrgMembership(ctx context.Context) (account.Membership, bool) {
	m, ok := ctx.Value(membershipKey{}).(account.Membership)
	return m, ok
}
