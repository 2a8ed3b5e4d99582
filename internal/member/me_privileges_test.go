package member_test

import (
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
)

// TestMeCarriesPrivilegesOfTheActiveOrg: GET /v1/me tells any portal module
// what the person may see in the office they are acting in: role defaults
// with the per-user overrides, and only for the active office.
func TestMeCarriesPrivilegesOfTheActiveOrg(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(t, h, "Privileges Clinic")
	uid, tok := o.member(t, "priv.clerk"+newTIN()[5:], "Cleo", "Clerk", "clerical-user", "org")

	me := func() map[string]any {
		t.Helper()
		r := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok)
		p, ok := r.Body["privileges"].(map[string]any)
		if r.Status != 200 || !ok {
			t.Fatalf("me: %d %s", r.Status, r.Raw)
		}
		return p
	}
	cases := []struct {
		name string
		set  map[string]string // overrides set by the administrator first
		want map[string]string
	}{
		{"role defaults", nil, map[string]string{"claims": "full", "eops": "full", "eligibility": "full", "panel_roster": "full",
			"practice_insights": "none", "user_admin": "none", "code_lists": "none", "client_portal": "none", "support": "none"}},
		{"an override lowers a module", map[string]string{"claims": "view"}, map[string]string{"claims": "view", "eops": "full", "user_admin": "none"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.set != nil {
				if r := o.do(o.admin, "PUT", "/users/"+uid+"/privileges", c.set); r.Status != 200 {
					t.Fatalf("set privileges: %d %s", r.Status, r.Raw)
				}
			}
			got := me()
			for mod, lvl := range c.want {
				if got[mod] != lvl {
					t.Errorf("%s: %v, want %s (all: %v)", mod, got[mod], lvl, got)
				}
			}
			if len(got) != 9 {
				t.Errorf("want all 9 modules, got %v", got)
			}
		})
	}

	// Each person sees their own: the site administrator's are the role's.
	r := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+o.admin)
	if p, _ := r.Body["privileges"].(map[string]any); p["user_admin"] != "full" || p["support"] != "none" {
		t.Fatalf("site administrator's privileges: %s", r.Raw)
	}
}
