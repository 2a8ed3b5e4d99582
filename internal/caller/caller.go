// Package caller is who is acting in a request: the signed-in person, the
// session they act through (with its assurance), and on org routes
// (/v1/orgs/{org}/…) their membership in the path's org. The guard sets it
// once; handlers receive it as an argument through the adapters here, so a
// handler that needs it cannot forget to check that it is there.
package caller

import (
	"context"
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/session"
)

// Caller is the signed-in person acting in a request.
type Caller struct {
	User        account.User
	Session     session.Session
	Memberships []account.Membership // every membership of the login, active or not
	// Org and Membership are set on org routes only: the path's org and the
	// caller's active membership in it, checked by the guard (zero elsewhere).
	Org        ident.OrgID
	Membership account.Membership
	// RequestID and IP say where the request came from, for the audit log.
	RequestID string
	IP        string
}

// Assurance is how strongly the session proved who is acting.
type Assurance struct {
	// PasswordAt is when the session last proved the password (sign-in, or
	// a password change that kept this session).
	PasswordAt time.Time
	// SecondFactorAt is when the session last presented a second factor
	// (TOTP, recovery code or passkey); zero for a password-only session.
	SecondFactorAt time.Time
}

// SecondFactor reports whether the session presented a second factor.
func (a Assurance) SecondFactor() bool { return !a.SecondFactorAt.IsZero() }

// Assurance is the session's assurance, as the session records it.
func (c Caller) Assurance() Assurance {
	return Assurance{PasswordAt: c.Session.RenewedAt, SecondFactorAt: c.Session.SecondFactorAt}
}

// Name is the person's name as the audit trail and emails show it.
func (c Caller) Name() string {
	switch {
	case c.User.FirstName == "":
		return c.User.LastName
	case c.User.LastName == "":
		return c.User.FirstName
	}
	return c.User.FirstName + " " + c.User.LastName
}

// MembershipIn returns the caller's active membership in org, if any.
func (c Caller) MembershipIn(org ident.OrgID) (account.Membership, bool) {
	for _, m := range c.Memberships {
		if m.OrgID == org && m.Active {
			return m, true
		}
	}
	return account.Membership{}, false
}

// InOrg returns c acting in org through membership m (the guard, on org routes).
func (c Caller) InOrg(m account.Membership) Caller {
	c.Org, c.Membership = m.OrgID, m
	return c
}

// IsSiteAdmin reports whether the login is an active site administrator anywhere.
func (c Caller) IsSiteAdmin() bool {
	for _, m := range c.Memberships {
		if m.Active && m.Role == account.RoleSiteAdmin {
			return true
		}
	}
	return false
}

type key struct{}

// With puts the caller in ctx. Only the guard calls it.
func With(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, key{}, c)
}

func from(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(key{}).(Caller)
	return c, ok && c.User.ID != ""
}

// ErrMissing answers a signed-in route reached without a caller: the guard
// did not run or found no session. It fails closed (401).
var ErrMissing = session.ErrNoSession

// ErrNotInOrg answers an org route whose caller was not resolved in the
// path's org: the same 404 as for an org the caller cannot reach.
var ErrNotInOrg = fault.NotFound("not_found", "No such organization in your reach.")

// Handler serves a route that needs a signed-in caller.
type Handler func(w http.ResponseWriter, r *http.Request, c Caller) error

// OptionalHandler serves a route that accepts a session (ok says whether one came).
type OptionalHandler func(w http.ResponseWriter, r *http.Request, c Caller, ok bool) error

// Signed adapts a handler of a signed-in route (route.Session, outside an
// org) to the edge: it is given the caller the guard set, and never runs without one.
func Signed(h Handler) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, ok := from(r.Context())
		if !ok {
			return ErrMissing
		}
		return h(w, r, c)
	}
}

// Member adapts a handler of an org route: it is given the caller with its
// membership in the path's org, and never runs for another org.
func Member(h Handler) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, ok := from(r.Context())
		if !ok {
			return ErrMissing
		}
		if c.Org == "" || c.Org != ident.OrgID(r.PathValue("org")) || c.Membership.OrgID != c.Org {
			return ErrNotInOrg
		}
		return h(w, r, c)
	}
}

// Optional adapts a handler of a route that serves callers with or without a session.
func Optional(h OptionalHandler) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, ok := from(r.Context())
		return h(w, r, c, ok)
	}
}
