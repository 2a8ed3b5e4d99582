package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/session"
)

// CookieName is the session cookie. The __Host- prefix makes browsers insist
// on Secure, Path=/ and no Domain, so no subdomain can plant or read it.
const CookieName = "__Host-gatehouse_session"

// ErrCSRF refuses a cookie-authenticated unsafe request from another origin.
var ErrCSRF = fault.Forbidden("csrf_rejected", "This request did not come from the portal's own pages.")

// Guard resolves the caller of every route that needs or accepts a session.
type Guard struct {
	sessions Sessions
	users    Users
	orgs     Orgs
	origin   string // scheme://host of the portal, for the CSRF check
}

// Orgs reads an org's settings (RequireMFA).
type Orgs interface {
	GetOrg(ctx context.Context, id ident.OrgID) (org.Org, error)
}

// NewGuard returns a Guard; portal is the portal's base URL.
func NewGuard(sessions Sessions, users Users, orgs Orgs, portal *url.URL) *Guard {
	return &Guard{sessions: sessions, users: users, orgs: orgs, origin: portal.Scheme + "://" + portal.Host}
}

// ErrPasswordChangeRequired holds a login with a temporary password to
// changing it (F4); only the routes in whilePasswordChange answer.
var ErrPasswordChangeRequired = fault.Forbidden("password_change_required", "Choose a new password before you continue.")

// ErrMFAEnrolmentRequired holds a site administrator without a second
// factor (F20), or a member of an org that requires one acting there (F3),
// to enrolling one; only the routes in whileMFAEnrolment answer.
var ErrMFAEnrolmentRequired = fault.Forbidden("mfa_enrolment_required", "Set up two-step sign-in before you continue.")

// ErrSecondFactorRequired refuses a session that signed in with the
// password only, of a login that has a second factor now (enrolled in
// another session): it must sign in again with the factor.
var ErrSecondFactorRequired = fault.Forbidden("second_factor_required", "This session signed in without your second factor; sign in again with it.")

// needSecondFactor is the refusal of a session without a second factor
// where one is needed: enrol one, or sign in again with the one enrolled.
func needSecondFactor(c caller.Caller) error {
	if c.User.MFAEnabled {
		return ErrSecondFactorRequired
	}
	return ErrMFAEnrolmentRequired
}

var (
	whilePasswordChange = map[string]bool{"getMe": true, "logout": true, "logoutAll": true, "changePassword": true,
		"logoutForm": true, "passwordPage": true, "passwordForm": true}
	whileMFAEnrolment = map[string]bool{"getMe": true, "logout": true, "logoutAll": true, "changePassword": true,
		"startTOTP": true, "verifyTOTP": true, "beginPasskeyRegistration": true, "finishPasskeyRegistration": true, "listPasskeys": true,
		"logoutForm": true, "passwordPage": true, "passwordForm": true, "accountPage": true, "twoFactorPage": true,
		"twoFactorStartForm": true, "twoFactorVerifyForm": true, "endSessionsForm": true}
)

// ErrNoSuchOrg is the answer for an org the caller is not an active member
// of: the same as for an org that does not exist, so ids reveal nothing.
var ErrNoSuchOrg = fault.NotFound("not_found", "No such organization in your reach.")

// ErrInsufficientPrivilege refuses a member whose access level on the route's module is too low.
var ErrInsufficientPrivilege = fault.Forbidden("insufficient_privilege", "Your access to this part of the portal does not allow this.")

// ErrOrgScopeRequired refuses an administrator scoped to one provider on a
// route that acts on the whole office (route.OrgWide).
var ErrOrgScopeRequired = fault.Forbidden("org_scope_required", "Only an administrator of the whole office can do this.")

// Wrap adds the authentication and authorization a route needs: a session
// for signed-in routes; for org routes an active membership in {org} (404
// otherwise) and the module level the route needs (view to read, full to
// change), checked on every request so changes apply at once.
func (g *Guard) Wrap(rt route.Route, h httpapi.HandlerFunc) httpapi.HandlerFunc {
	if rt.Access == route.Public {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		p, found, err := g.authenticate(r)
		if err != nil {
			return err
		}
		if !found {
			if rt.Access == route.Session {
				return session.ErrNoSession
			}
			return h(w, r)
		}
		ctx := r.Context()
		p.RequestID, p.IP = logging.RequestID(ctx), httpapi.ClientAddress(r)
		if p.User.PasswordChangeRequired && !whilePasswordChange[rt.Name] {
			return ErrPasswordChangeRequired
		}
		// What a second factor unlocks is decided by the session's assurance,
		// never the account's: a session that signed in with the password
		// only gains nothing when a factor is enrolled elsewhere.
		secondFactor := p.Assurance().SecondFactor()
		if !secondFactor && !whileMFAEnrolment[rt.Name] && p.IsSiteAdmin() {
			return needSecondFactor(p)
		}
		if rt.OrgScoped() {
			m, ok := p.MembershipIn(ident.OrgID(r.PathValue("org")))
			if !ok {
				return ErrNoSuchOrg
			}
			if !secondFactor && !whileMFAEnrolment[rt.Name] {
				o, err := g.orgs.GetOrg(ctx, m.OrgID)
				if err != nil && !errors.Is(err, fault.ErrNotFound) {
					return fmt.Errorf("org settings: %w", err)
				}
				if o.Settings.RequireMFA {
					return needSecondFactor(p)
				}
			}
			if rt.Module != "" {
				need := account.LevelView
				if rt.Writes() {
					need = account.LevelFull
				}
				if !m.Level(account.Module(rt.Module)).Allows(need) {
					return ErrInsufficientPrivilege
				}
			}
			if route.OrgWide[rt.Name] && !m.Scope.IsOrg() {
				return ErrOrgScopeRequired
			}
			p = p.InOrg(m)
		}
		return h(w, r.WithContext(caller.With(ctx, p)))
	}
}

func (g *Guard) authenticate(r *http.Request) (caller.Caller, bool, error) {
	token, fromCookie := credentials(r)
	if token == "" {
		return caller.Caller{}, false, nil
	}
	if fromCookie && !safeMethod(r.Method) && !g.sameOrigin(r) {
		return caller.Caller{}, false, ErrCSRF
	}
	ctx := r.Context()
	sess, err := g.sessions.Resolve(ctx, token)
	if err != nil {
		return caller.Caller{}, false, err
	}
	u, ms, err := g.users.UserWithMemberships(ctx, sess.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return caller.Caller{}, false, session.ErrNoSession
	}
	if err != nil {
		return caller.Caller{}, false, fmt.Errorf("authenticate: %w", err)
	}
	// Checked on every request so a delete, a lock or a revocation takes effect at once.
	if !u.SessionValid(sess.RenewedAt) {
		_ = g.sessions.End(context.WithoutCancel(ctx), sess.ID)
		return caller.Caller{}, false, session.ErrNoSession
	}
	return caller.Caller{Session: sess, User: u, Memberships: ms}, true, nil
}

// credentials returns the bearer token, or else the session cookie.
func credentials(r *http.Request) (token string, fromCookie bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
		return "", false
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value, true
	}
	return "", false
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// sameOrigin accepts an unsafe cookie request only when the browser says it
// came from the portal's origin (Origin header, or Sec-Fetch-Site).
func (g *Guard) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		return o == g.origin
	}
	return r.Header.Get("Sec-Fetch-Site") == "same-origin"
}
