package stack_test

import (
	"html/template"
	"regexp"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/route"
)

var setupLink = regexp.MustCompile(`/setup\?token=([A-Za-z0-9_-]{43})`)

// roleUser adds a user with role to the org through the API and signs it in.
func roleUser(t *testing.T, h *stacktest.Harness, orgID, adminToken, username string, role account.Role) (string, string) {
	t.Helper()
	p := addPerson(t, h, orgID, adminToken, username, string(role), "org")
	return p.id, p.token
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// fill puts org in {org} and value(name) in every other path parameter.
func fill(path, org string, value func(name string) string) string {
	return pathParam.ReplaceAllStringFunc(path, func(p string) string {
		name := p[1 : len(p)-1]
		if name == "org" {
			return org
		}
		return value(name)
	})
}

func isGuardNotFound(r stacktest.Reply) bool {
	e, _ := r.Body["error"].(map[string]any)
	return r.Status == 404 && r.ErrCode() == auth.ErrNoSuchOrg.Code && e["message"] == auth.ErrNoSuchOrg.Message
}

// TestEveryOrgRouteIsolatesTenantsAndEnforcesPrivileges walks EVERY
// org-scoped route of route.Table (whoever added it) with a member of each
// of the five roles: in their own org the guard's allow/deny must match the
// privilege table (account.DefaultLevel of the route's Module, view for
// reads, full for writes); in another org every route answers 404 not_found
// for every role; and no route under the caller's org reaches another org's
// objects by id.
func TestEveryOrgRouteIsolatesTenantsAndEnforcesPrivileges(t *testing.T) {
	h := stacktest.New(t)
	orgA, adminA := h.NewAdminOrg("Isolation A", "700000001", "iso.admin.a")
	orgB, adminB := h.NewAdminOrg("Isolation B", "700000002", "iso.admin.b")
	tokens := map[account.Role]string{account.RoleSiteAdmin: adminA}
	for _, r := range account.Roles[1:] {
		_, tokens[r.Role] = roleUser(t, h, orgA, adminA, "iso."+string(r.Role), r.Role)
	}
	foreignUser, _ := roleUser(t, h, orgB, adminB, "iso.foreign", account.RolePortalUser)
	emp := h.Do("POST", "/v1/orgs/"+orgB+"/employees", map[string]any{"first_name": "For", "last_name": "Eign"}, "Authorization", "Bearer "+adminB)
	if emp.Status != 201 {
		t.Fatalf("foreign employee: %d %s", emp.Status, emp.Raw)
	}
	foreignIDs := []string{foreignUser, emp.Body["id"].(string)}

	cases, leaks := 0, 0
	leak := func(format string, args ...any) {
		leaks++
		t.Errorf(format, args...)
	}
	for _, rt := range route.Table {
		if !rt.OrgScoped() || rt.Access == route.Public {
			continue
		}
		need := account.LevelView
		if rt.Writes() {
			need = account.LevelFull
		}
		for _, role := range account.Roles {
			tok := tokens[role.Role]
			allowed := rt.Module == "" || account.DefaultLevel(role.Role, account.Module(rt.Module)).Allows(need)

			if rt.Page() {
				if !rt.Writes() { // a page's form posts meet the CSRF check first; the guard is the same
					cases += pageIsolation(t, h, rt, orgA, orgB, tok, role.Role, allowed, leak)
				}
				continue
			}
			// Own org, ids that exist nowhere: only the guard's decision is observed.
			own := h.Do(rt.Method, fill(rt.Path, orgA, func(n string) string { return "missing-" + n }), map[string]any{}, "Authorization", "Bearer "+tok)
			cases++
			denied := own.Status == 403 && own.ErrCode() == auth.ErrInsufficientPrivilege.Code
			switch {
			case isGuardNotFound(own):
				leak("%s as %s in own org: member refused as a stranger: %s", rt.Pattern(), role.Role, own.Raw)
			case allowed && denied:
				leak("%s as %s: denied, the privilege table allows %s", rt.Pattern(), role.Role, need)
			case !allowed && !denied:
				leak("%s as %s: not denied (%d %s), the privilege table says %s < %s", rt.Pattern(), role.Role, own.Status, own.Raw,
					account.DefaultLevel(role.Role, account.Module(rt.Module)), need)
			}

			// Another org: the same answer as an org that does not exist.
			foreign := h.Do(rt.Method, fill(rt.Path, orgB, func(n string) string { return "missing-" + n }), map[string]any{}, "Authorization", "Bearer "+tok)
			cases++
			if !isGuardNotFound(foreign) {
				leak("%s as %s in another org: %d %s", rt.Pattern(), role.Role, foreign.Status, foreign.Raw)
			}

			// Own org, another org's object ids: never found, never changed.
			if !allowed || !pathParam.MatchString(strings.ReplaceAll(rt.Path, "{org}", "")) {
				continue
			}
			for _, id := range foreignIDs {
				r := h.Do(rt.Method, fill(rt.Path, orgA, func(string) string { return id }), map[string]any{}, "Authorization", "Bearer "+tok)
				cases++
				if r.Status != 404 && r.Status != 400 && r.Status != 403 || strings.Contains(r.Raw, "iso.foreign") || strings.Contains(r.Raw, "Eign") {
					leak("%s as %s with another org's id %s: %d %s", rt.Pattern(), role.Role, id, r.Status, r.Raw)
				}
			}
		}
	}
	// The foreign user is untouched.
	d := h.Do("GET", "/v1/orgs/"+orgB+"/users/"+foreignUser, nil, "Authorization", "Bearer "+adminB)
	if d.Status != 200 || d.Body["deleted"] != false || d.Body["locked"] != false || d.Body["role"] != "portal-user" {
		leak("the other org's user changed: %s", d.Raw)
	}
	if cases < 100 {
		t.Fatalf("only %d cases: the walk did not cover the table", cases)
	}
	t.Logf("tenant isolation walk: %d cases over %d routes × %d roles, %d leaks", cases, countOrgRoutes(), len(account.Roles), leaks)
}

// pageIsolation checks one page of an office for one role: in their own
// office the page is refused (403, in the guard's words) exactly when the
// privilege table says so; another office's page is "not available" (404),
// the same as an office that does not exist.
func pageIsolation(t *testing.T, h *stacktest.Harness, rt route.Route, orgA, orgB, tok string, role account.Role, allowed bool, leak func(string, ...any)) int {
	t.Helper()
	own := h.Do("GET", fill(rt.Path, orgA, func(n string) string { return "missing-" + n }), nil, "Authorization", "Bearer "+tok)
	denied := own.Status == 403 && strings.Contains(own.Raw, htmlText(auth.ErrInsufficientPrivilege.Message))
	switch {
	case isPageNotFound(own):
		leak("page %s as %s in own org: member refused as a stranger", rt.Pattern(), role)
	case allowed && denied:
		leak("page %s as %s: denied, the privilege table allows it", rt.Pattern(), role)
	case !allowed && !denied:
		leak("page %s as %s: not denied (%d)", rt.Pattern(), role, own.Status)
	}
	foreign := h.Do("GET", fill(rt.Path, orgB, func(n string) string { return "missing-" + n }), nil, "Authorization", "Bearer "+tok)
	if !isPageNotFound(foreign) {
		leak("page %s as %s in another office: %d", rt.Pattern(), role, foreign.Status)
	}
	return 2
}

// isPageNotFound reports whether a page answered as the guard answers an
// office out of reach: 404, in the guard's words.
func isPageNotFound(r stacktest.Reply) bool {
	return r.Status == 404 && strings.Contains(r.Raw, htmlText(auth.ErrNoSuchOrg.Message))
}

// htmlText is s as html/template writes it in a page.
func htmlText(s string) string { return template.HTMLEscapeString(s) }

func countOrgRoutes() int {
	n := 0
	for _, rt := range route.Table {
		if rt.OrgScoped() && rt.Access != route.Public {
			n++
		}
	}
	return n
}
