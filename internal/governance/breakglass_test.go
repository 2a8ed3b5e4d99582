package governance_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// lockOut locks a login the way a forgotten password does: failed sign-ins.
func (w world) lockOut(username string) {
	w.T.Helper()
	for range account.MaxFailedLogins {
		w.Do("POST", "/v1/auth/login", map[string]string{"username": username, "password": "not the password at all"})
	}
	if r := w.Do("POST", "/v1/auth/login", map[string]string{"username": username, "password": "a long admin passphrase"}); r.Status != 423 {
		w.T.Fatalf("%s should be locked: %d %s", username, r.Status, r.Raw)
	}
}

// TestBreakGlassOnlyWhenNoSiteAdministratorCanAct is F23: ops reactivates
// one site administrator only when none can act, keeps the authorization in
// the audit log, and the reactivated one sets a new password from the
// emailed link, signs in and reactivates the others.
func TestBreakGlassOnlyWhenNoSiteAdministratorCanAct(t *testing.T) {
	w := newWorld(t)
	o := w.office("Glass Clinic")
	staff := w.member(o, "portal-user")
	if r := w.Do("DELETE", o.path("/users/"+staff.ID), nil, o.admin.Auth()...); r.Status != 204 {
		t.Fatalf("delete staff: %d %s", r.Status, r.Raw)
	}
	const authz = "Email of 2026-12-01 from Dr. Owner (practice owner), verified by phone"
	reactivate := func(userID, authorization string) string {
		_, code := w.ops(map[string]any{"command": "ReactivateSiteAdmin", "org_id": o.id, "user_id": userID, "authorization": authorization})
		return code
	}
	if code := reactivate(o.admin.ID, authz); code != "site_admin_available" {
		t.Fatalf("while the site administrator can act: %q", code)
	}
	w.lockOut(o.admin.Username)

	refusals := []struct {
		name, orgID, userID, authz, code string
	}{
		{"no authorization", o.id, o.admin.ID, "  ", "validation_failed"},
		{"not a site administrator", o.id, staff.ID, authz, "not_site_admin"},
		{"not a member", o.id, "no-such-user", authz, "user_not_found"},
		{"no such office", "no-such-org", o.admin.ID, authz, "org_not_found"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			_, code := w.ops(map[string]any{"command": "ReactivateSiteAdmin", "org_id": tc.orgID, "user_id": tc.userID, "authorization": tc.authz})
			if code != tc.code {
				t.Fatalf("got %q", code)
			}
		})
	}

	out, code := w.ops(map[string]any{"command": "ReactivateSiteAdmin", "org_id": o.id, "user_id": o.admin.ID, "authorization": authz})
	if code != "" || out["reactivated"] != true {
		t.Fatalf("break-glass: %q %v", code, out)
	}
	// The set-up link reaches the site administrator; the old password no longer matters.
	mails := testenv.Emails(t, o.admin.Email)
	last := mails[len(mails)-1]
	if !strings.Contains(last.Subject, "Glass Clinic") || !stacktest.SetupLink.MatchString(last.Body.Text) {
		t.Fatalf("set-up email: %q %q", last.Subject, last.Body.Text)
	}
	w.SetUpFromEmail(o.admin.Email)
	tok := w.Login(o.admin.Username, stacktest.MemberPassword)
	admin := stacktest.Member{ID: o.admin.ID, Token: tok}
	// … who reactivates the others.
	if r := w.Do("POST", o.path("/users/"+staff.ID+"/reactivate"), nil, admin.Auth()...); r.Status != 200 || r.Body["deleted"] != false {
		t.Fatalf("reactivate staff: %d %s", r.Status, r.Raw)
	}
	found := false
	for _, e := range auditActions(w.Do("GET", o.path("/audit"), nil, admin.Auth()...)) {
		if e["action"] == "user.reactivate_break_glass" && e["actor"] == "ops" && e["target"] == "user:"+o.admin.ID && e["detail"] == "authorization: "+authz {
			found = true
		}
	}
	if !found {
		t.Fatal("the authorization is not in the audit log")
	}
	// Now a site administrator can act again: no second break-glass.
	if code := reactivate(o.admin.ID, authz); code != "site_admin_available" {
		t.Fatalf("after reactivation: %q", code)
	}
}

// TestEmergencyForm: the same answer for every well-formed request, ops
// emailed, the office's audit log told, and a throttle per client address
// and per email.
func TestEmergencyForm(t *testing.T) {
	w := newWorld(t)
	o := w.office("Emergency Clinic")
	orgs, _, err := w.App.Store.ListOrgs(t.Context(), 1, "")
	if err != nil || len(orgs) != 1 {
		t.Fatalf("org: %v", err)
	}
	known := orgs[0].TIN
	email := testenv.UniqueEmail("locked.out")
	send := func(tin, addr string) stacktest.Reply {
		return w.Do("POST", "/v1/support/emergency", map[string]string{"org_tin": tin, "name": "Dana Owner", "email": addr,
			"phone": "555-0100", "message": "Both of our site administrators are locked out."})
	}
	a, b := send(known, email), send("999999999", email)
	if a.Status != 202 || b.Status != 202 || a.Raw != b.Raw {
		t.Fatalf("answers differ: %d %s / %d %s", a.Status, a.Raw, b.Status, b.Raw)
	}
	mails := testenv.Emails(t, w.opsEmail)
	if len(mails) != 2 {
		t.Fatalf("ops got %d emails", len(mails))
	}
	subjects := mails[0].Subject + " | " + mails[1].Subject
	if !strings.Contains(subjects, "Emergency Clinic") || !strings.Contains(subjects, "no office has this TIN") ||
		!strings.Contains(mails[0].Body.Text, "Both of our site administrators") {
		t.Fatalf("ops emails: %s", subjects)
	}
	// Ops reads the requests back, newest first, a page at a time.
	first, code := w.ops(map[string]any{"command": "ListEmergencyRequests", "limit": 1})
	items, _ := first["items"].([]any)
	if code != "" || len(items) != 1 || first["next_cursor"] == nil {
		t.Fatalf("first page: %s %v", code, first)
	}
	newest := items[0].(map[string]any)
	if newest["org_tin"] != "999999999" || newest["org_id"] != nil || newest["email"] != email || newest["phone"] != "555-0100" {
		t.Fatalf("newest request: %v", newest)
	}
	second, _ := w.ops(map[string]any{"command": "ListEmergencyRequests", "limit": 1, "cursor": first["next_cursor"]})
	items, _ = second["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["org_tin"] != known || items[0].(map[string]any)["org_id"] == nil ||
		!strings.Contains(items[0].(map[string]any)["message"].(string), "Both of our site administrators") {
		t.Fatalf("second page: %v", second)
	}
	if _, code := w.ops(map[string]any{"command": "ListEmergencyRequests", "cursor": "not-a-cursor"}); code == "" {
		t.Fatal("a forged cursor is accepted")
	}

	found := false
	for _, e := range auditActions(w.Do("GET", o.path("/audit"), nil, o.admin.Auth()...)) {
		found = found || e["action"] == "support.emergency" && e["actor"] == "public"
	}
	if !found {
		t.Fatal("the office's audit log does not show the emergency request")
	}

	invalid := []struct {
		name  string
		body  map[string]string
		field string
	}{
		{"bad TIN", map[string]string{"org_tin": "12", "name": "A B", "email": email, "message": "m"}, "org_tin"},
		{"no name", map[string]string{"org_tin": known, "email": email, "message": "m"}, "name"},
		{"bad email", map[string]string{"org_tin": known, "name": "A B", "email": "nope", "message": "m"}, "email"},
		{"no message", map[string]string{"org_tin": known, "name": "A B", "email": email}, "message"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			if r := w.Do("POST", "/v1/support/emergency", tc.body); r.Status != 400 || r.Field(tc.field) == "" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}

	// Per email: three an hour (two used above).
	if r := send(known, email); r.Status != 202 {
		t.Fatalf("third: %d %s", r.Status, r.Raw)
	}
	if r := send(known, email); r.Status != 202 {
		t.Fatalf("fourth for one email (throttled, same answer): %d %s", r.Status, r.Raw)
	}
	// Per client address: five an hour (four counted so far), whatever the email.
	if r := send(known, testenv.UniqueEmail("other")); r.Status != 202 {
		t.Fatalf("fifth from this address: %d %s", r.Status, r.Raw)
	}
	if r := send(known, testenv.UniqueEmail("another")); r.Status != 202 {
		t.Fatalf("sixth from this address (throttled, same answer): %d %s", r.Status, r.Raw)
	}
	if n := len(testenv.Emails(t, w.opsEmail)); n != 4 {
		t.Fatalf("ops got %d emails, want 4 (throttled requests send nothing)", n)
	}
}
