package stack_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// attackBodies are the bodies each route is tried with in the shared-login
// walk: an empty one (what the generated walk always sends) and, for the
// routes that change a person, the changes that would reach past the office.
var attackBodies = map[string][]any{
	"updateUser": {
		map[string]any{"locked": true}, map[string]any{"deleted": true},
		map[string]any{"email": "walk.leak@example.org"}, map[string]any{"role": "client", "scope": "provider:1234567893"},
	},
	"setUserPrivileges": {map[string]string{"claims": "none", "eops": "none"}},
}

// sharedSnapshot is what the other office, and the person, see of a shared
// login: none of it may change through the first office.
func sharedSnapshot(t *testing.T, h *stacktest.Harness, orgB, adminB string, p person) string {
	t.Helper()
	d := detail(t, h, orgB, adminB, p.id)
	var b strings.Builder
	for _, k := range []string{"username", "email", "role", "scope", "locked", "deleted", "mfa_enabled", "password_change_required"} {
		b.WriteString(k + "=" + stacktest.JSON(d.Body[k]) + " ")
	}
	b.WriteString("privileges=" + stacktest.JSON(d.Body["privileges"]))
	return b.String()
}

// TestSharedLoginsNeverReachTheOtherOffice extends the generated tenant walk
// with people who belong to two offices: for every org route and every role
// of office A, and each of five people who are in office B with each role
// and in A too, the route is tried on the person through A's path (where A
// may act on its own membership only) and through B's path (where A's
// members are strangers). Afterwards B sees every person as before, and each
// still signs in with their own password and acts in B.
func TestSharedLoginsNeverReachTheOtherOffice(t *testing.T) {
	h := stacktest.New(t)
	orgA, adminA := h.NewAdminOrg("Walk A", "730000001", "walk.admin.a")
	orgB, adminB := h.NewAdminOrg("Walk B", "730000002", "walk.admin.b")
	tokens := map[account.Role]string{account.RoleSiteAdmin: adminA}
	for _, r := range account.Roles[1:] {
		tokens[r.Role] = addPerson(t, h, orgA, adminA, "walk.a."+string(r.Role), string(r.Role), "org").token
	}
	var shared []person
	before := map[string]string{}
	for _, r := range account.Roles {
		var p person
		if r.Role == account.RoleSiteAdmin {
			p = siteAdmin(t, h, orgB, adminB, "walk.shared.site-admin")
		} else {
			p = addPerson(t, h, orgB, adminB, "walk.shared."+string(r.Role), string(r.Role), "org")
		}
		join(t, h, orgA, adminA, p, "portal-user", "org")
		shared = append(shared, p)
	}
	for _, p := range shared {
		before[p.id] = sharedSnapshot(t, h, orgB, adminB, p)
	}

	cases, leaks := 0, 0
	leak := func(format string, args ...any) {
		leaks++
		t.Errorf(format, args...)
	}
	routes := 0
	for _, rt := range route.Table {
		if !rt.OrgScoped() || rt.Access == route.Public {
			continue
		}
		if rt.Page() && rt.Writes() {
			continue // a page's form post meets the CSRF check first; its GET twin is walked
		}
		routes++
		bodies := append([]any{map[string]any{}}, attackBodies[rt.Name]...)
		for _, role := range account.Roles {
			tok := tokens[role.Role]
			for _, p := range shared {
				id := func(string) string { return p.id }
				for _, body := range bodies {
					// Through the other office's path: a stranger there.
					r := h.Do(rt.Method, fill(rt.Path, orgB, id), body, bearer(tok)...)
					cases++
					if !isGuardNotFound(r) && !(rt.Page() && isPageNotFound(r)) {
						leak("%s as A's %s on %s through B: %d %s", rt.Pattern(), role.Role, p.username, r.Status, r.Raw)
					}
					// Through A's own path: A's membership only, nothing of B's shown.
					r = h.Do(rt.Method, fill(rt.Path, orgA, id), body, bearer(tok)...)
					cases++
					if strings.Contains(r.Raw, orgB) || strings.Contains(r.Raw, "Walk B") {
						leak("%s as A's %s on %s: B shows through: %s", rt.Pattern(), role.Role, p.username, r.Raw)
					}
					if r.Status >= 500 {
						leak("%s as A's %s on %s: %d %s", rt.Pattern(), role.Role, p.username, r.Status, r.Raw)
					}
				}
			}
		}
	}
	for _, p := range shared {
		cases++
		if got := sharedSnapshot(t, h, orgB, adminB, p); got != before[p.id] {
			leak("B's view of %s changed through A:\n before %s\n after  %s", p.username, before[p.id], got)
		}
		cases++
		s := signIn(h, p.username, personPassword)
		tok, _ := s.Body["token"].(string)
		if s.Status != 200 || tok == "" || !membershipActive(t, h, tok, orgB) {
			leak("%s no longer signs in to B with their own password: %d %s", p.username, s.Status, s.Raw)
		}
		cases++
		if me := h.Do("GET", "/v1/me", nil, bearer(p.token)...); me.Status != 200 {
			leak("%s's session ended through A: %d %s", p.username, me.Status, me.Raw)
		}
	}
	if cases < 1000 {
		t.Fatalf("only %d cases: the walk did not cover the table", cases)
	}
	t.Logf("shared-login walk: %d cases over %d org routes × %d roles × %d shared people, %d leaks", cases, routes, len(account.Roles), len(shared), leaks)
}
