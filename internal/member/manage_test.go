package member_test

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func usernames(r stacktest.Reply) []string {
	var out []string
	items, _ := r.Body["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["username"].(string))
	}
	sort.Strings(out)
	return out
}

func TestUserListFiltersPagingAndExport(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(t, h, "List Clinic")
	other := newOffice(t, h, "Other Clinic")
	people := []struct{ username, first, last, role, scope string }{
		{"ann.smith", "Ann", "Smith", "portal-user", "org"},
		{"andy.smithers", "Andy", "Smithers", "clerical-user", "provider:1234567893"},
		{"bob.smith", "Bob", "smith", "provider-admin", "provider:1234567893"},
		{"cat.jones", "Cat", "+Jones", "client", "org"},
		{"dan.brown", "Dan", "Brown", "provider-admin", "org"}, // then appointed site administrator by ticket
	}
	ids := map[string]string{}
	for _, p := range people {
		r := o.do(o.admin, "POST", "/users", map[string]any{"first_name": p.first, "last_name": p.last, "email": testenv.UniqueEmail(p.username),
			"username": p.username, "role": p.role, "scope": p.scope, "credentials": "temporary-password"})
		if r.Status != 201 {
			t.Fatalf("create %s: %d %s", p.username, r.Status, r.Raw)
		}
		ids[p.username] = r.Body["id"].(string)
	}
	h.GrantByTicket(o.id, o.admin, ids["dan.brown"], "site-admin", "add")
	other.do(other.admin, "POST", "/users", map[string]any{"first_name": "Ann", "last_name": "Smith", "email": testenv.UniqueEmail("x"),
		"username": "ann.smith.other", "role": "portal-user", "scope": "org", "credentials": "temporary-password"})
	if r := o.do(o.admin, "PATCH", "/users/"+ids["bob.smith"], map[string]any{"locked": true}); r.Status != 200 {
		t.Fatalf("lock: %d %s", r.Status, r.Raw)
	}
	if r := o.do(o.admin, "DELETE", "/users/"+ids["cat.jones"], nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	admin := "admin.listclinic" // prefix of the office's own administrator
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"last name prefix, any case", "last_name=SMITH", "andy.smithers,ann.smith,bob.smith"},
		{"last name exact-ish", "last_name=smith&first_name=a", "andy.smithers,ann.smith"},
		{"first name prefix", "first_name=an", "andy.smithers,ann.smith"},
		{"username", "username=Bob.Smith", "bob.smith"},
		{"username of another org", "username=ann.smith.other", ""},
		{"role", "role=provider-admin", "bob.smith"},
		{"role and last name", "role=portal-user&last_name=sm", "ann.smith"},
		{"scope", "scope=provider:1234567893", "andy.smithers,bob.smith"},
		{"locked", "locked=true", "bob.smith"},
		{"deleted", "deleted=true", "cat.jones"},
		{"not deleted site admins", "role=site-admin&deleted=false", admin + "*,dan.brown"},
		{"nothing matches", "last_name=zz", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := o.do(o.admin, "GET", "/users?"+tc.query, nil)
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			got := strings.Join(usernames(r), ",")
			if tc.name == "not deleted site admins" {
				if !strings.HasPrefix(got, admin) || !strings.HasSuffix(got, ",dan.brown") {
					t.Fatalf("got %q", got)
				}
				return
			}
			if got != tc.want {
				t.Fatalf("got %q want %q", got, tc.want)
			}
		})
	}
	t.Run("row fields", func(t *testing.T) {
		r := o.do(o.admin, "GET", "/users?username=bob.smith", nil)
		it := r.Body["items"].([]any)[0].(map[string]any)
		if it["id"] != ids["bob.smith"] || it["locked"] != true || it["lockout_time"] == nil || it["deleted"] != false ||
			it["role"] != "provider-admin" || it["scope"] != "provider:1234567893" || it["first_name"] != "Bob" || it["email"] == "" {
			t.Fatalf("row: %v", it)
		}
	})
	t.Run("pages of two cover everyone once", func(t *testing.T) {
		seen := map[string]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			r := o.do(o.admin, "GET", "/users?limit=2&cursor="+cursor, nil)
			if r.Status != 200 || pages > 10 {
				t.Fatalf("page %d: %d %s", pages, r.Status, r.Raw)
			}
			for _, u := range usernames(r) {
				if seen[u] {
					t.Fatalf("%s twice", u)
				}
				seen[u] = true
			}
			next, _ := r.Body["next_cursor"].(string)
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != 6 {
			t.Fatalf("saw %d users: %v", len(seen), seen)
		}
	})
	for _, bad := range []struct{ name, query, code string }{
		{"bad role", "role=owner", "validation_failed"},
		{"bad locked", "locked=maybe", "validation_failed"},
		{"bad scope", "scope=everything", "validation_failed"},
		{"bad limit", "limit=500", "validation_failed"},
		{"forged cursor", "cursor=eyJQSyI6IlVTRVIjeCJ9", "invalid_cursor"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			if r := o.do(o.admin, "GET", "/users?"+bad.query, nil); r.Status != 400 || r.ErrCode() != bad.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	t.Run("another org's cursor", func(t *testing.T) {
		r := other.do(other.admin, "GET", "/users?limit=1", nil)
		cur, _ := r.Body["next_cursor"].(string)
		if cur == "" {
			t.Fatal("no cursor")
		}
		if r := o.do(o.admin, "GET", "/users?cursor="+cur, nil); r.Status != 400 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("provider admin sees own provider only", func(t *testing.T) {
		_, pa := o.member(t, "pa.lister", "Pa", "Lister", "provider-admin", "provider:1234567893")
		r := o.do(pa, "GET", "/users?last_name=smith", nil)
		if got := strings.Join(usernames(r), ","); got != "andy.smithers,bob.smith" {
			t.Fatalf("got %q", got)
		}
		if r := o.do(pa, "GET", "/users?scope=org", nil); r.Status != 403 || r.ErrCode() != "scope_too_wide" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if r := o.do(pa, "GET", "/users/"+ids["ann.smith"], nil); r.Status != 404 {
			t.Fatalf("org-scope user seen by provider admin: %d", r.Status)
		}
	})
	t.Run("export", func(t *testing.T) {
		req, _ := http.NewRequest("GET", h.Stack.APIURL+o.path("/users/export?last_name=%2Bj"), nil)
		req.Header.Set("Authorization", "Bearer "+o.admin)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || err != nil {
			t.Fatalf("%d %s %v %s", res.StatusCode, res.Header.Get("Content-Type"), err, raw)
		}
		if strings.Join(rows[0], ",") != "name,username,office,role,locked,lockout_time,deleted" {
			t.Fatalf("header %v", rows[0])
		}
		want := []string{"'+Jones, Cat", "cat.jones", "List Clinic", "Portal Client", "N", "", "Y"}
		if len(rows) != 2 || strings.Join(rows[1], "|") != strings.Join(want, "|") {
			t.Fatalf("rows %q", rows)
		}
		if r := o.do(o.admin, "GET", "/users/export?role=boss", nil); r.Status != 400 {
			t.Fatalf("bad filter on export: %d", r.Status)
		}
	})
}

func TestDetailEditLockDelete(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(t, h, "Edit Clinic")
	other := newOffice(t, h, "Far Clinic")
	farID, _ := other.member(t, "far.user", "Far", "User", "portal-user", "org")
	id, tok := o.member(t, "ed.itor", "Ed", "Itor", "portal-user", "org")

	d := o.do(o.admin, "GET", "/users/"+id, nil)
	privs, _ := d.Body["privileges"].(map[string]any)
	if d.Status != 200 || d.Body["username"] != "ed.itor" || privs["claims"] != "full" || privs["user_admin"] != "none" {
		t.Fatalf("detail: %d %s", d.Status, d.Raw)
	}
	tests := []struct {
		name   string
		target string
		body   any
		status int
		code   string
	}{
		{"same username is fine", id, map[string]any{"username": "Ed.Itor", "first_name": "Edward"}, 200, ""},
		{"username never changes", id, map[string]any{"username": "new.name"}, 400, "username_immutable"},
		{"bad email", id, map[string]any{"email": "nope"}, 400, "validation_failed"},
		{"empty last name", id, map[string]any{"last_name": " "}, 400, "validation_failed"},
		{"bad role", id, map[string]any{"role": "king"}, 400, "validation_failed"},
		{"provider of another org", id, map[string]any{"scope": "provider:1003000126"}, 400, "validation_failed"},
		{"wrong type", id, map[string]any{"locked": "yes"}, 400, "validation_failed"},
		{"many fields", id, map[string]any{"middle_name": "Q", "email": "Ed.Itor@Example.org", "phone": "555-0100",
			"role": "clerical-user", "scope": "provider:1245319599", "notification_preferences": map[string]bool{"email": true}}, 200, ""},
		{"user of another org", farID, map[string]any{"first_name": "X"}, 404, "user_not_found"},
		{"unknown user", "nobody", map[string]any{"first_name": "X"}, 404, "user_not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := o.do(o.admin, "PATCH", "/users/"+tc.target, tc.body)
			if r.Status != tc.status || r.ErrCode() != tc.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	d = o.do(o.admin, "GET", "/users/"+id, nil)
	// A new email waits for the new address to confirm it (TestEmailChangeNeedsTheNewAddress).
	if d.Body["first_name"] != "Edward" || d.Body["email"] == "ed.itor@example.org" || d.Body["role"] != "clerical-user" ||
		d.Body["scope"] != "provider:1245319599" || d.Body["phone"] != "555-0100" || d.Body["notification_preferences"].(map[string]any)["email"] != true {
		t.Fatalf("after edit: %s", d.Raw)
	}
	if r := o.do(o.admin, "GET", "/users?first_name=edw", nil); strings.Join(usernames(r), ",") != "ed.itor" {
		t.Fatalf("list not in step with the edit: %s", r.Raw)
	}
	if r := o.do(o.admin, "GET", "/users/"+farID, nil); r.Status != 404 {
		t.Fatalf("another org's user: %d", r.Status)
	}

	// Lock: the session ends at once and sign-in says locked; unlock restores.
	if r := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok); r.Status != 200 {
		t.Fatalf("me: %d", r.Status)
	}
	if r := o.do(o.admin, "PATCH", "/users/"+id, map[string]any{"locked": true}); r.Status != 200 || r.Body["locked"] != true || r.Body["lockout_time"] == nil {
		t.Fatalf("lock: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok); r.Status != 401 {
		t.Fatalf("locked user's session still works: %d", r.Status)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "ed.itor", "password": "a long member passphrase"}); r.Status != 423 {
		t.Fatalf("locked login: %d", r.Status)
	}
	if r := o.do(o.admin, "PATCH", "/users/"+id, map[string]any{"locked": false}); r.Status != 200 || r.Body["lockout_time"] != nil {
		t.Fatalf("unlock: %d %s", r.Status, r.Raw)
	}
	tok = h.Login("ed.itor", "a long member passphrase")

	// Delete: logical, sessions end, the record stays; reactivate.
	if r := o.do(o.admin, "DELETE", "/users/"+id, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok); r.Status != 401 {
		t.Fatalf("deleted user's session still works: %d", r.Status)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "ed.itor", "password": "a long member passphrase"}); r.Status != 401 {
		t.Fatalf("deleted login: %d", r.Status)
	}
	if r := o.do(o.admin, "GET", "/users/"+id, nil); r.Status != 200 || r.Body["deleted"] != true {
		t.Fatalf("deleted record: %d %s", r.Status, r.Raw)
	}
	if r := o.do(o.admin, "POST", "/users/"+id+"/reactivate", nil); r.Status != 200 || r.Body["deleted"] != false {
		t.Fatalf("reactivate: %d %s", r.Status, r.Raw)
	}
	h.Login("ed.itor", "a long member passphrase")
	for _, p := range []struct{ method, path string }{{"DELETE", "/users/" + farID}, {"POST", "/users/" + farID + "/reactivate"}, {"POST", "/users/nobody/reactivate"}} {
		if r := o.do(o.admin, p.method, p.path, nil); r.Status != 404 {
			t.Fatalf("%s %s: %d", p.method, p.path, r.Status)
		}
	}
}

func TestLastSiteAdministrator(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(t, h, "Last Clinic")
	me := o.do(o.admin, "GET", "/users?role=site-admin", nil)
	firstID := me.Body["items"].([]any)[0].(map[string]any)["id"].(string)
	for _, tc := range []struct {
		name, method, path string
		body               any
	}{
		{"delete", "DELETE", "/users/" + firstID, nil},
		{"demote", "PATCH", "/users/" + firstID, map[string]any{"role": "portal-user"}},
		{"lock", "PATCH", "/users/" + firstID, map[string]any{"locked": true}},
		{"delete by patch", "PATCH", "/users/" + firstID, map[string]any{"deleted": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := o.do(o.admin, tc.method, tc.path, tc.body); r.Status != 409 || r.ErrCode() != "last_site_admin" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	secondID, second := o.siteAdmin(t, "second.admin", "Sec", "Ond")
	// With a second one, demoting is still only by ticket (F22); the first may go that way.
	if r := o.do(second, "PATCH", "/users/"+firstID, map[string]any{"role": "portal-user"}); r.Status != 403 || r.ErrCode() != "privilege_ticket_required" {
		t.Fatalf("demote with a second site admin: %d %s", r.Status, r.Raw)
	}
	h.GrantByTicket(o.id, second, firstID, "site-admin", "remove")
	if r := o.do(second, "DELETE", "/users/"+secondID, nil); r.Status != 409 || r.ErrCode() != "last_site_admin" {
		t.Fatalf("self-delete of the last: %d %s", r.Status, r.Raw)
	}
	// Two site admins deleting each other at once: at most one succeeds.
	thirdID, third := office{h: h, id: o.id, admin: second}.siteAdmin(t, "third.admin", "Thi", "Rd")
	var thirdGone, secondGone int
	done := make(chan bool, 2)
	go func() { thirdGone = o.do(second, "DELETE", "/users/"+thirdID, nil).Status; done <- true }()
	go func() { secondGone = o.do(third, "DELETE", "/users/"+secondID, nil).Status; done <- true }()
	<-done
	<-done
	if thirdGone == 204 && secondGone == 204 {
		t.Fatal("both site administrators deleted each other")
	}
	if thirdGone != 204 && secondGone != 204 {
		t.Fatalf("neither delete went through: %d %d", thirdGone, secondGone)
	}
	survivor := second
	if secondGone == 204 {
		survivor = third
	}
	r := o.do(survivor, "GET", "/users?role=site-admin&deleted=false", nil)
	if items, _ := r.Body["items"].([]any); r.Status != 200 || len(items) != 1 {
		t.Fatalf("active site administrators after the race: %d %s", r.Status, r.Raw)
	}
}

func TestResetPassword(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(t, h, "Reset Clinic")
	email := testenv.UniqueEmail("resettee")
	c := o.do(o.admin, "POST", "/users", map[string]any{"first_name": "Re", "last_name": "Set", "email": email, "username": "re.set",
		"role": "portal-user", "scope": "org", "credentials": "temporary-password"})
	id := c.Body["id"].(string)
	tok := h.Login("re.set", c.Body["temporary_password"].(string))

	r := o.do(o.admin, "POST", "/users/"+id+"/reset-password", nil)
	temp, _ := r.Body["temporary_password"].(string)
	if r.Status != 200 || len(temp) < 12 || temp == c.Body["temporary_password"] {
		t.Fatalf("reset: %d %s", r.Status, r.Raw)
	}
	mails := testenv.Emails(t, email)
	if len(mails) != 1 || !strings.Contains(mails[0].Body.Text, temp) {
		t.Fatalf("temporary password not emailed: %+v", mails)
	}
	if me := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok); me.Status != 401 {
		t.Fatalf("session survived the reset: %d", me.Status)
	}
	if l := h.Do("POST", "/v1/auth/login", map[string]string{"username": "re.set", "password": temp}); l.Status != 200 || l.Body["password_change_required"] != true {
		t.Fatalf("login with reset password: %d %s", l.Status, l.Raw)
	}
	// admin_sees_temporary_password=false: an emailed link only.
	if s := o.do(o.admin, "PATCH", "/settings", map[string]any{"admin_sees_temporary_password": false}); s.Status != 200 || s.Body["admin_sees_temporary_password"] != false {
		t.Fatalf("settings: %d %s", s.Status, s.Raw)
	}
	r = o.do(o.admin, "POST", "/users/"+id+"/reset-password", nil)
	if r.Status != 200 || r.Body["temporary_password"] != nil || r.Body["delivery"] != "email-link" {
		t.Fatalf("hidden reset: %d %s", r.Status, r.Raw)
	}
	if s := h.Do("POST", "/v1/auth/setup", map[string]string{"token": setupToken(t, email), "new_password": "a brand new passphrase"}); s.Status != 204 {
		t.Fatalf("reset link: %d %s", s.Status, s.Raw)
	}
	h.Login("re.set", "a brand new passphrase")
	for _, tc := range []struct {
		name   string
		body   any
		status int
	}{
		{"min length too small", map[string]any{"password_min_length": 4}, 400},
		{"min length too large", map[string]any{"password_min_length": 65}, 400},
		{"min length", map[string]any{"password_min_length": 14, "require_mfa": true}, 200},
	} {
		if s := o.do(o.admin, "PATCH", "/settings", tc.body); s.Status != tc.status {
			t.Fatalf("%s: %d %s", tc.name, s.Status, s.Raw)
		}
	}
	if s := o.do(o.admin, "GET", "/settings", nil); s.Body["password_min_length"] != float64(14) || s.Body["require_mfa"] != true || s.Body["code_word_set"] != false {
		t.Fatalf("settings: %s", s.Raw)
	}
	if r := o.do(o.admin, "POST", "/users/nobody/reset-password", nil); r.Status != 404 {
		t.Fatalf("unknown user: %d", r.Status)
	}
}

func TestPrivileges(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(t, h, "Priv Clinic")
	id, tok := o.member(t, "priv.user", "Pri", "Vee", "portal-user", "org")
	paID, pa := o.member(t, "priv.admin", "Pa", "Admin", "provider-admin", "org")
	if r := o.do(tok, "GET", "/users", nil); r.Status != 403 || r.ErrCode() != "insufficient_privilege" {
		t.Fatalf("portal user lists users: %d", r.Status)
	}
	tests := []struct {
		name   string
		token  string
		target string
		body   any
		status int
		code   string
	}{
		{"unknown module", o.admin, id, map[string]string{"billing": "full"}, 400, "validation_failed"},
		{"unknown level", o.admin, id, map[string]string{"claims": "admin"}, 400, "validation_failed"},
		{"above the admin's own level", pa, id, map[string]string{"client_portal": "full"}, 403, "privilege_above_own"},
		{"view on user admin", o.admin, id, map[string]string{"user_admin": "view", "claims": "none"}, 200, ""},
		{"support for a site admin", o.admin, o.adminID(t), map[string]string{"support": "full"}, 403, "privilege_ticket_required"},
		{"support for anyone: only by ticket (F22)", o.admin, id, map[string]string{"support": "full"}, 403, "privilege_ticket_required"},
		{"support none: only by ticket too", o.admin, id, map[string]string{"support": "none"}, 403, "privilege_ticket_required"},
		{"provider admin on a site admin", pa, o.adminID(t), map[string]string{"claims": "view"}, 403, "role_too_high"},
		{"unknown user", o.admin, "nobody", map[string]string{"claims": "view"}, 404, "user_not_found"},
		{"provider admin on a peer", pa, paID, map[string]string{"claims": "view"}, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := o.do(tc.token, "PUT", "/users/"+tc.target+"/privileges", tc.body); r.Status != tc.status || r.ErrCode() != tc.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	// The change applies to the next request: view reads, cannot write.
	if r := o.do(tok, "GET", "/users", nil); r.Status != 200 {
		t.Fatalf("view user admin cannot read: %d %s", r.Status, r.Raw)
	}
	if r := o.do(tok, "POST", "/employees", map[string]any{"first_name": "A", "last_name": "B"}); r.Status != 403 {
		t.Fatalf("view user admin writes: %d", r.Status)
	}
	d := o.do(o.admin, "GET", "/users/"+id, nil)
	if p := d.Body["privileges"].(map[string]any); p["user_admin"] != "view" || p["claims"] != "none" || p["eops"] != "full" {
		t.Fatalf("effective privileges: %v", p)
	}
}

// adminID is the id of the office's first site administrator.
func (o office) adminID(t *testing.T) string {
	t.Helper()
	r := o.do(o.admin, "GET", "/users?role=site-admin&limit=1", nil)
	return r.Body["items"].([]any)[0].(map[string]any)["id"].(string)
}

func TestAuditLog(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(t, h, "Audit Clinic")
	other := newOffice(t, h, "Quiet Clinic")
	id, _ := o.member(t, "aud.it", "Aud", "It", "portal-user", "org")
	lockReq := o.do(o.admin, "PATCH", "/users/"+id, map[string]any{"locked": true})
	o.do(o.admin, "PUT", "/users/"+id+"/privileges", map[string]string{"claims": "view"})
	r := o.do(o.admin, "GET", "/audit?limit=2", nil)
	items := r.Body["items"].([]any)
	if r.Status != 200 || len(items) != 2 || r.Body["next_cursor"] == nil {
		t.Fatalf("audit: %d %s", r.Status, r.Raw)
	}
	newest, lock := items[0].(map[string]any), items[1].(map[string]any)
	if newest["action"] != audit.ActionUserPrivileges || lock["action"] != audit.ActionUserLock || lock["request_id"] != lockReq.Header.Get("X-Request-Id") ||
		lock["target"] != "user:"+id || lock["actor"] == "" || lock["ip"] != "127.0.0.1" || lock["at"] == nil {
		t.Fatalf("entries: %v", items)
	}
	rest := o.do(o.admin, "GET", "/audit?cursor="+r.Body["next_cursor"].(string), nil)
	if a := rest.Body["items"].([]any); len(a) != 1 || a[0].(map[string]any)["action"] != audit.ActionUserCreate {
		t.Fatalf("older entries: %s", rest.Raw)
	}
	if q := other.do(other.admin, "GET", "/audit", nil); len(q.Body["items"].([]any)) != 0 {
		t.Fatalf("another org's audit shows entries: %s", q.Raw)
	}
	if q := other.do(other.admin, "GET", "/audit?cursor="+r.Body["next_cursor"].(string), nil); q.Status != 400 {
		t.Fatalf("foreign cursor: %d", q.Status)
	}

	export := o.do(o.admin, "GET", "/audit/export", nil)
	rows, err := csv.NewReader(strings.NewReader(export.Raw)).ReadAll()
	if err != nil || export.Status != 200 || export.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("export: %d %v %q", export.Status, err, export.Raw)
	}
	if strings.Join(rows[0], ",") != strings.Join(audit.CSVHeader, ",") || len(rows) != 4 ||
		rows[1][3] != audit.ActionUserPrivileges || rows[2][3] != audit.ActionUserLock || rows[3][3] != audit.ActionUserCreate || rows[2][5] != lockReq.Header.Get("X-Request-Id") {
		t.Fatalf("export rows: %v", rows)
	}
	if q := other.do(other.admin, "GET", "/audit/export", nil); q.Raw != strings.Join(audit.CSVHeader, ",")+"\n" {
		t.Fatalf("another org's export: %q", q.Raw)
	}
}

func TestEmployees(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(t, h, "Staff Clinic")
	other := newOffice(t, h, "Remote Clinic")
	c := o.do(o.admin, "POST", "/employees", map[string]any{"first_name": "Connie", "last_name": "Sultant", "title": "Consultant", "email": "Connie@Example.org"})
	if c.Status != 201 || c.Body["source"] != "manual" || c.Body["active"] != true || c.Body["email"] != "connie@example.org" {
		t.Fatalf("create: %d %s", c.Status, c.Raw)
	}
	empID := c.Body["id"].(string)
	pms := employee.Employee{ID: "pms-1", OrgID: ident.OrgID(o.id), FirstName: "Pam", LastName: "Synced", Active: true, Source: employee.SourcePMS}
	if err := h.App.Store.CreateEmployee(context.Background(), pms, audit.Entry{ID: "x", OrgID: ident.OrgID(o.id), Action: "roster.sync"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		office office
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"missing names", o, "POST", "/employees", map[string]any{"title": "x"}, 400, "validation_failed"},
		{"bad email", o, "POST", "/employees", map[string]any{"first_name": "A", "last_name": "B", "email": "nope"}, 400, "validation_failed"},
		{"edit", o, "PATCH", "/employees/" + empID, map[string]any{"phone": "555-0101", "active": false}, 200, ""},
		{"pms is read-only", o, "PATCH", "/employees/pms-1", map[string]any{"phone": "1"}, 409, "employee_read_only"},
		{"unknown", o, "PATCH", "/employees/nobody", map[string]any{"phone": "1"}, 404, "employee_not_found"},
		{"another org's employee", other, "PATCH", "/employees/" + empID, map[string]any{"phone": "1"}, 404, "employee_not_found"},
		{"user for an inactive employee", o, "POST", "/users", map[string]any{"employee_id": empID, "first_name": "Connie", "last_name": "Sultant",
			"email": testenv.UniqueEmail("connie"), "username": "connie.s", "role": "portal-user", "scope": "org", "credentials": "temporary-password"}, 409, "employee_unavailable"},
		{"reactivate employee", o, "PATCH", "/employees/" + empID, map[string]any{"active": true}, 200, ""},
		{"user for the employee", o, "POST", "/users", map[string]any{"employee_id": empID, "first_name": "Connie", "last_name": "Sultant",
			"email": testenv.UniqueEmail("connie"), "username": "connie.s", "role": "portal-user", "scope": "org", "credentials": "temporary-password"}, 201, ""},
		{"second user for the employee", o, "POST", "/users", map[string]any{"employee_id": empID, "first_name": "Connie", "last_name": "Sultant",
			"email": testenv.UniqueEmail("connie"), "username": "connie.two", "role": "portal-user", "scope": "org", "credentials": "temporary-password"}, 409, "employee_unavailable"},
		{"user for another org's employee", other, "POST", "/users", map[string]any{"employee_id": "pms-1", "first_name": "Pam", "last_name": "Synced",
			"email": testenv.UniqueEmail("pam"), "username": "pam.s", "role": "portal-user", "scope": "org", "credentials": "temporary-password"}, 409, "employee_unavailable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := tc.office.do(tc.office.admin, tc.method, tc.path, tc.body); r.Status != tc.status || r.ErrCode() != tc.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	l := o.do(o.admin, "GET", "/employees?limit=1", nil)
	if l.Status != 200 || len(l.Body["items"].([]any)) != 1 || l.Body["next_cursor"] == nil {
		t.Fatalf("list: %s", l.Raw)
	}
	all := o.do(o.admin, "GET", "/employees", nil)
	found := false
	for _, it := range all.Body["items"].([]any) {
		e := it.(map[string]any)
		if e["id"] == empID {
			found = e["user_id"] != nil && e["phone"] == "555-0101"
		}
	}
	if !found || len(all.Body["items"].([]any)) != 2 {
		t.Fatalf("employees: %s", all.Raw)
	}
	if q := other.do(other.admin, "GET", "/employees", nil); len(q.Body["items"].([]any)) != 0 {
		t.Fatalf("another org sees employees: %s", q.Raw)
	}
}
