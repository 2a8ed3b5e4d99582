package caller

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/session"
)

// serve runs an adapted handler on a request for path whose context holds c
// (when set) and reports whether the inner handler ran and the status.
func serve(t *testing.T, adapt func(Handler) httpapi.HandlerFunc, path string, c *Caller) (ran bool, status int) {
	t.Helper()
	mux := http.NewServeMux()
	h := adapt(func(w http.ResponseWriter, r *http.Request, got Caller) error {
		ran = true
		if got.User.ID != c.User.ID {
			t.Fatalf("handler got caller %q, want %q", got.User.ID, c.User.ID)
		}
		return nil
	})
	mux.HandleFunc("GET /v1/orgs/{org}/x", func(w http.ResponseWriter, r *http.Request) {
		if c != nil {
			r = r.WithContext(With(r.Context(), *c))
		}
		if err := h(w, r); err != nil {
			status = httpapi.Status(err)
			return
		}
		status = http.StatusOK
	})
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	return ran, status
}

func TestAdaptersHandTheCallerOnlyWhenTheGuardSetIt(t *testing.T) {
	m := account.Membership{UserID: "u1", OrgID: "org-a", Role: account.RoleSiteAdmin, Active: true}
	signedIn := Caller{User: account.User{ID: "u1"}, Memberships: []account.Membership{m}}
	inA := signedIn.InOrg(m)
	tests := []struct {
		name   string
		adapt  func(Handler) httpapi.HandlerFunc
		path   string
		caller *Caller
		ran    bool
		status int
	}{
		{"signed route with a caller", Signed, "/v1/orgs/org-a/x", &signedIn, true, 200},
		{"signed route without one is 401", Signed, "/v1/orgs/org-a/x", nil, false, 401},
		{"org route in the caller's org", Member, "/v1/orgs/org-a/x", &inA, true, 200},
		{"org route without a caller is 401", Member, "/v1/orgs/org-a/x", nil, false, 401},
		{"org route whose org the guard did not resolve is 404", Member, "/v1/orgs/org-a/x", &signedIn, false, 404},
		{"org route for another org than the resolved one is 404", Member, "/v1/orgs/org-b/x", &inA, false, 404},
		{"an empty caller counts as none", Signed, "/v1/orgs/org-a/x", &Caller{}, false, 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ran, status := serve(t, tc.adapt, tc.path, tc.caller)
			if ran != tc.ran || status != tc.status {
				t.Fatalf("ran %v status %d, want ran %v status %d", ran, status, tc.ran, tc.status)
			}
		})
	}
}

func TestOptionalSaysWhetherACallerCame(t *testing.T) {
	for _, tc := range []struct {
		name   string
		caller *Caller
		want   bool
	}{{"with a session", &Caller{User: account.User{ID: "u1"}}, true}, {"without", nil, false}} {
		t.Run(tc.name, func(t *testing.T) {
			var got bool
			h := Optional(func(w http.ResponseWriter, r *http.Request, c Caller, ok bool) error { got = ok; return nil })
			r := httptest.NewRequest("POST", "/v1/invites/x/accept", nil)
			if tc.caller != nil {
				r = r.WithContext(With(r.Context(), *tc.caller))
			}
			if err := h(httptest.NewRecorder(), r); err != nil || got != tc.want {
				t.Fatalf("ok %v err %v, want %v", got, err, tc.want)
			}
		})
	}
}

func TestAssuranceIsTheSessions(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		sess   session.Session
		second bool
	}{
		{"password only", session.Session{RenewedAt: at}, false},
		{"second factor presented", session.Session{RenewedAt: at, SecondFactorAt: at.Add(time.Minute)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Caller{Session: tc.sess}.Assurance()
			if a.SecondFactor() != tc.second || !a.PasswordAt.Equal(at) || !a.SecondFactorAt.Equal(tc.sess.SecondFactorAt) {
				t.Fatalf("%+v", a)
			}
		})
	}
}

func TestMembershipInIgnoresInactiveAndOtherOrgs(t *testing.T) {
	c := Caller{Memberships: []account.Membership{
		{OrgID: "a", Active: false}, {OrgID: "b", Active: true, Role: account.RolePortalUser},
	}}
	for _, tc := range []struct {
		name string
		org  ident.OrgID
		ok   bool
	}{{"inactive", "a", false}, {"active", "b", true}, {"none", "c", false}} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := c.MembershipIn(tc.org); ok != tc.ok {
				t.Fatalf("got %v", ok)
			}
		})
	}
}
