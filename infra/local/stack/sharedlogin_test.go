package stack_test

import (
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// One person, many offices (api-contract.md): every attack of issue 10,
// tried through the HTTP API as the administrator of one office against a
// person who also belongs to another.

const personPassword = "a long hidden passphrase"

// person is a login created by an office administrator (emailed set-up
// link), with its password set and signed in.
type person struct {
	id, username, email, token string
}

// addPerson creates a user in orgID as adminTok, at role and scope, and
// signs it in.
func addPerson(t *testing.T, h *stacktest.Harness, orgID, adminTok, username, role, scope string) person {
	t.Helper()
	email := testenv.UniqueEmail(username)
	r := h.Do("POST", "/v1/orgs/"+orgID+"/users", map[string]string{"first_name": "Pat", "last_name": "Shared", "email": email,
		"username": username, "role": role, "scope": scope, "credentials": "email-link"}, bearer(adminTok)...)
	if r.Status != 201 {
		t.Fatalf("create %s: %d %s", username, r.Status, r.Raw)
	}
	mails := testenv.Emails(t, email)
	m := setupLink.FindStringSubmatch(mails[len(mails)-1].Body.Text)
	if m == nil {
		t.Fatalf("no set-up link for %s", username)
	}
	if s := h.Do("POST", "/v1/auth/setup", map[string]string{"token": m[1], "new_password": personPassword}); s.Status != 204 {
		t.Fatalf("set up %s: %d %s", username, s.Status, s.Raw)
	}
	return person{id: r.Body["id"].(string), username: username, email: email, token: h.Login(username, personPassword)}
}

// join invites the person's email to orgID and accepts with their session:
// the same login now belongs to a second office.
func join(t *testing.T, h *stacktest.Harness, orgID, adminTok string, p person, role, scope string) {
	t.Helper()
	before := len(testenv.Emails(t, p.email))
	r := h.Do("POST", "/v1/orgs/"+orgID+"/invites", map[string]string{"emails": p.email, "role": role, "scope": scope}, bearer(adminTok)...)
	if r.Status != 201 {
		t.Fatalf("invite %s: %d %s", p.username, r.Status, r.Raw)
	}
	mails := testenv.Emails(t, p.email)
	if len(mails) != before+1 {
		t.Fatalf("invite email for %s: %d emails", p.username, len(mails))
	}
	m := stacktest.InviteLink.FindStringSubmatch(mails[len(mails)-1].Body.Text)
	if m == nil {
		t.Fatalf("no invite link for %s", p.username)
	}
	if a := h.Do("POST", "/v1/invites/"+m[1]+"/accept", map[string]string{}, bearer(p.token)...); a.Status != 201 {
		t.Fatalf("%s accepts the invite: %d %s", p.username, a.Status, a.Raw)
	}
}

// signIn signs in with a password, and with a second factor when the
// harness enrolled the login in one.
func signIn(h *stacktest.Harness, username, password string) stacktest.Reply {
	body := map[string]string{"username": username, "password": password}
	if otp := h.OTP(username); otp != "" {
		body["otp"] = otp
	}
	return h.Do("POST", "/v1/auth/login", body)
}

// membershipActive reads the person's own /v1/me: whether the membership in
// orgID is active.
func membershipActive(t *testing.T, h *stacktest.Harness, token, orgID string) bool {
	t.Helper()
	me := h.Do("GET", "/v1/me", nil, bearer(token)...)
	if me.Status != 200 {
		t.Fatalf("/v1/me: %d %s", me.Status, me.Raw)
	}
	ms, _ := me.Body["memberships"].([]any)
	for _, m := range ms {
		mm := m.(map[string]any)
		if mm["org_id"] == orgID {
			return mm["active"] == true
		}
	}
	t.Fatalf("no membership in %s: %s", orgID, me.Raw)
	return false
}

func detail(t *testing.T, h *stacktest.Harness, orgID, adminTok, userID string) stacktest.Reply {
	t.Helper()
	d := h.Do("GET", "/v1/orgs/"+orgID+"/users/"+userID, nil, bearer(adminTok)...)
	if d.Status != 200 {
		t.Fatalf("detail of %s in %s: %d %s", userID, orgID, d.Status, d.Raw)
	}
	return d
}

// TestOneOfficeCannotReachThroughASharedLogin: office A's administrator
// tries every way of the issue to act on a person B also has.
func TestOneOfficeCannotReachThroughASharedLogin(t *testing.T) {
	h := stacktest.New(t)
	orgA, adminA := h.NewAdminOrg("Shared A", "710000001", "shared.admin.a")
	orgB, adminB := h.NewAdminOrg("Shared B", "710000002", "shared.admin.b")
	pat := addPerson(t, h, orgB, adminB, "shared.pat", "portal-user", "org")
	join(t, h, orgA, adminA, pat, "portal-user", "org")
	users := func(org string) string { return "/v1/orgs/" + org + "/users/" + pat.id }

	t.Run("A cannot reset the password", func(t *testing.T) {
		r := h.Do("POST", users(orgA)+"/reset-password", nil, bearer(adminA)...)
		if r.Status != 409 || r.ErrCode() != "shared_login" || strings.Contains(r.Raw, "temporary_password") {
			t.Fatalf("reset by A: %d %s", r.Status, r.Raw)
		}
		if s := signIn(h, pat.username, personPassword); s.Status != 200 {
			t.Fatalf("the person's own password stopped working: %d %s", s.Status, s.Raw)
		}
	})
	t.Run("A cannot change the email", func(t *testing.T) {
		r := h.Do("PATCH", users(orgA), map[string]string{"email": "attacker@example.org"}, bearer(adminA)...)
		if r.Status != 409 || r.ErrCode() != "shared_login" {
			t.Fatalf("email change by A: %d %s", r.Status, r.Raw)
		}
		if len(testenv.Emails(t, "attacker@example.org")) != 0 {
			t.Fatal("the attacker's address got mail")
		}
		if d := detail(t, h, orgB, adminB, pat.id); d.Body["email"] != pat.email {
			t.Fatalf("email changed: %s", d.Raw)
		}
	})
	t.Run("B's lock is B's; A's unlock does not lift it", func(t *testing.T) {
		if r := h.Do("PATCH", users(orgB), map[string]bool{"locked": true}, bearer(adminB)...); r.Status != 200 || r.Body["locked"] != true {
			t.Fatalf("B locks: %d %s", r.Status, r.Raw)
		}
		if r := h.Do("PATCH", users(orgA), map[string]bool{"locked": false}, bearer(adminA)...); r.Status != 200 {
			t.Fatalf("A unlocks: %d %s", r.Status, r.Raw)
		}
		if d := detail(t, h, orgB, adminB, pat.id); d.Body["locked"] != true {
			t.Fatalf("A's unlock lifted B's lock: %s", d.Raw)
		}
		if d := detail(t, h, orgA, adminA, pat.id); d.Body["locked"] != false {
			t.Fatalf("B's lock shows in A: %s", d.Raw)
		}
		// The person still works in A, and is shut out of B only.
		s := signIn(h, pat.username, personPassword)
		tok, _ := s.Body["token"].(string)
		if s.Status != 200 || tok == "" {
			t.Fatalf("B's lock shut the person out of A: %d %s", s.Status, s.Raw)
		}
		if !membershipActive(t, h, tok, orgA) || membershipActive(t, h, tok, orgB) {
			t.Fatal("memberships: want A active, B locked")
		}
		if r := h.Do("PUT", "/v1/me/active-org", map[string]string{"org_id": orgB}, bearer(tok)...); r.Status != 403 {
			t.Fatalf("switch to the office that locked the person: %d %s", r.Status, r.Raw)
		}
		if r := h.Do("PUT", "/v1/me/active-org", map[string]string{"org_id": orgA}, bearer(tok)...); r.Status != 200 {
			t.Fatalf("switch to A: %d %s", r.Status, r.Raw)
		}
		if r := h.Do("PATCH", users(orgB), map[string]bool{"locked": false}, bearer(adminB)...); r.Status != 200 || r.Body["locked"] != false {
			t.Fatalf("B unlocks: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("B's delete is B's; A's reactivate does not undo it", func(t *testing.T) {
		if r := h.Do("DELETE", users(orgB), nil, bearer(adminB)...); r.Status != 204 {
			t.Fatalf("B deletes: %d %s", r.Status, r.Raw)
		}
		if r := h.Do("POST", users(orgA)+"/reactivate", nil, bearer(adminA)...); r.Status != 200 {
			t.Fatalf("A reactivates: %d %s", r.Status, r.Raw)
		}
		if d := detail(t, h, orgB, adminB, pat.id); d.Body["deleted"] != true {
			t.Fatalf("A's reactivate undid B's delete: %s", d.Raw)
		}
		s := signIn(h, pat.username, personPassword)
		tok, _ := s.Body["token"].(string)
		if s.Status != 200 || !membershipActive(t, h, tok, orgA) || membershipActive(t, h, tok, orgB) {
			t.Fatalf("after B's delete: %d %s", s.Status, s.Raw)
		}
		deleted := h.Do("GET", "/v1/orgs/"+orgB+"/users?deleted=true", nil, bearer(adminB)...)
		if !strings.Contains(deleted.Raw, pat.username) {
			t.Fatalf("B's list does not show the deletion: %s", deleted.Raw)
		}
		notDeleted := h.Do("GET", "/v1/orgs/"+orgA+"/users?deleted=false", nil, bearer(adminA)...)
		if !strings.Contains(notDeleted.Raw, pat.username) {
			t.Fatalf("A's list shows B's deletion: %s", notDeleted.Raw)
		}
	})
	t.Run("while B has deleted them, A covers every active membership", func(t *testing.T) {
		// Only A's membership is active now: A may reset (the contract's rule).
		r := h.Do("POST", users(orgA)+"/reset-password", nil, bearer(adminA)...)
		if r.Status != 200 || r.Body["temporary_password"] == nil {
			t.Fatalf("reset by the only active office: %d %s", r.Status, r.Raw)
		}
	})
}

// TestProviderScopedAdministratorStaysInItsScope: an administrator scoped to
// one provider never reaches office-wide things, nor members outside its scope.
func TestProviderScopedAdministratorStaysInItsScope(t *testing.T) {
	h := stacktest.New(t)
	orgID, admin := h.NewAdminOrg("Scoped Clinic", "710000003", "scoped.site.admin")
	prov := addPerson(t, h, orgID, admin, "scoped.prov.admin", "provider-admin", "provider:1234567893")
	wide := addPerson(t, h, orgID, admin, "scoped.wide.user", "portal-user", "org")
	mine := addPerson(t, h, orgID, prov.token, "scoped.mine", "portal-user", "provider:1234567893")
	org := "/v1/orgs/" + orgID
	refused := []struct {
		name, method, path string
		body               any
	}{
		{"read settings", "GET", org + "/settings", nil},
		{"turn off the MFA requirement", "PATCH", org + "/settings", map[string]bool{"require_mfa": false}},
		{"hide temporary passwords", "PATCH", org + "/settings", map[string]bool{"admin_sees_temporary_password": false}},
		{"rotate the code word", "PUT", org + "/code-word", nil},
		{"list employees", "GET", org + "/employees", nil},
		{"add an employee", "POST", org + "/employees", map[string]string{"first_name": "Em", "last_name": "Ployee"}},
		{"edit an employee", "PATCH", org + "/employees/any", map[string]bool{"active": false}},
		{"read the office's audit log", "GET", org + "/audit", nil},
		{"export the office's audit log", "GET", org + "/audit/export", nil},
		{"see a member at the office's scope", "GET", org + "/users/" + wide.id, nil},
		{"lock a member at the office's scope", "PATCH", org + "/users/" + wide.id, map[string]bool{"locked": true}},
		{"list the office's scope", "GET", org + "/users?scope=org", nil},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			r := h.Do(tc.method, tc.path, tc.body, bearer(prov.token)...)
			if r.Status != 403 && r.Status != 404 {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			if strings.Contains(r.Raw, "code_word\"") || strings.Contains(r.Raw, wide.username) {
				t.Fatalf("leaked: %s", r.Raw)
			}
		})
	}
	if d := detail(t, h, orgID, admin, wide.id); d.Body["locked"] != false {
		t.Fatalf("the office-scope member was locked: %s", d.Raw)
	}
	s := h.Do("GET", org+"/settings", nil, bearer(admin)...)
	if s.Status != 200 || s.Body["require_mfa"] != false || s.Body["admin_sees_temporary_password"] != true {
		t.Fatalf("settings changed: %d %s", s.Status, s.Raw)
	}
	// Within its scope it still works.
	list := h.Do("GET", org+"/users", nil, bearer(prov.token)...)
	if list.Status != 200 || !strings.Contains(list.Raw, mine.username) || strings.Contains(list.Raw, wide.username) {
		t.Fatalf("provider-scoped list: %d %s", list.Status, list.Raw)
	}
	if r := h.Do("PATCH", org+"/users/"+mine.id, map[string]bool{"locked": true}, bearer(prov.token)...); r.Status != 200 || r.Body["locked"] != true {
		t.Fatalf("lock within scope: %d %s", r.Status, r.Raw)
	}
}

var emailConfirmLink = regexp.MustCompile(`/email/confirm\?token=([A-Za-z0-9_-]{43})`)

// TestEmailChangeNeedsTheNewAddress: an administrator's new email for a
// person takes effect only when the new address confirms it; resets keep
// going to the old address until then.
func TestEmailChangeNeedsTheNewAddress(t *testing.T) {
	h := stacktest.New(t)
	orgID, admin := h.NewAdminOrg("Email Clinic", "710000004", "email.admin")
	sam := addPerson(t, h, orgID, admin, "email.sam", "portal-user", "org")
	next := testenv.UniqueEmail("email.sam.new")
	path := "/v1/orgs/" + orgID + "/users/" + sam.id

	r := h.Do("PATCH", path, map[string]string{"email": next}, bearer(admin)...)
	if r.Status != 200 || r.Body["email"] != sam.email || r.Body["pending_email"] != next {
		t.Fatalf("request the change: %d %s", r.Status, r.Raw)
	}
	if d := detail(t, h, orgID, admin, sam.id); d.Body["email"] != sam.email {
		t.Fatalf("email changed before confirmation: %s", d.Raw)
	}
	// The old address is told, without any link.
	old := testenv.Emails(t, sam.email)
	if last := old[len(old)-1]; !strings.Contains(last.Body.Text, next) || strings.Contains(last.Body.Text, "token=") {
		t.Fatalf("notice to the old address: %q", last.Body.Text)
	}
	// A reset asked meanwhile reaches the old address only.
	h.Do("POST", "/v1/auth/password/forgot", map[string]string{"username": sam.username})
	newMails := testenv.Emails(t, next)
	if len(newMails) != 1 {
		t.Fatalf("new address: %d emails, want only the confirmation", len(newMails))
	}
	m := emailConfirmLink.FindStringSubmatch(newMails[0].Body.Text)
	if m == nil {
		t.Fatalf("no confirmation link: %q", newMails[0].Body.Text)
	}
	if c := h.Do("POST", "/v1/auth/email/confirm", map[string]string{"token": "not-a-token"}); c.Status != 404 {
		t.Fatalf("unknown token: %d %s", c.Status, c.Raw)
	}
	if c := h.Do("POST", "/v1/auth/setup", map[string]string{"token": m[1], "new_password": "a brand new passphrase here"}); c.Status != 404 {
		t.Fatalf("an email link used as a password link: %d %s", c.Status, c.Raw)
	}
	if c := h.Do("POST", "/v1/auth/email/confirm", map[string]string{"token": m[1]}); c.Status != 204 {
		t.Fatalf("confirm: %d %s", c.Status, c.Raw)
	}
	if c := h.Do("POST", "/v1/auth/email/confirm", map[string]string{"token": m[1]}); c.Status != 404 {
		t.Fatalf("confirm twice: %d %s", c.Status, c.Raw)
	}
	if d := detail(t, h, orgID, admin, sam.id); d.Body["email"] != next {
		t.Fatalf("email after confirmation: %s", d.Raw)
	}
	if l := h.Do("GET", "/v1/orgs/"+orgID+"/users?username="+sam.username, nil, bearer(admin)...); !strings.Contains(l.Raw, next) {
		t.Fatalf("the user list keeps the old address: %s", l.Raw)
	}
	audit := h.Do("GET", "/v1/orgs/"+orgID+"/audit", nil, bearer(admin)...)
	if !strings.Contains(audit.Raw, "user.email_change_requested") || !strings.Contains(audit.Raw, "user.email_changed") {
		t.Fatalf("audit: %s", audit.Raw)
	}
}

// TestHiddenTemporaryPasswordResetRetiresTheOldPassword: with temporary
// passwords hidden, an administrator reset emails a link, and from that
// moment the old password and every session are finished.
func TestHiddenTemporaryPasswordResetRetiresTheOldPassword(t *testing.T) {
	h := stacktest.New(t)
	orgID, admin := h.NewAdminOrg("Hidden Clinic", "710000005", "hidden.admin")
	if r := h.Do("PATCH", "/v1/orgs/"+orgID+"/settings", map[string]bool{"admin_sees_temporary_password": false}, bearer(admin)...); r.Status != 200 {
		t.Fatalf("hide temporary passwords: %d %s", r.Status, r.Raw)
	}
	kim := addPerson(t, h, orgID, admin, "hidden.kim", "portal-user", "org")
	r := h.Do("POST", "/v1/orgs/"+orgID+"/users/"+kim.id+"/reset-password", nil, bearer(admin)...)
	if r.Status != 200 || r.Body["delivery"] != "email-link" || r.Body["temporary_password"] != nil {
		t.Fatalf("reset: %d %s", r.Status, r.Raw)
	}
	if s := signIn(h, kim.username, personPassword); s.Status != 401 {
		t.Fatalf("the old password still signs in after the reset: %d %s", s.Status, s.Raw)
	}
	if me := h.Do("GET", "/v1/me", nil, bearer(kim.token)...); me.Status != 401 {
		t.Fatalf("a session from before the reset lives on: %d", me.Status)
	}
	mails := testenv.Emails(t, kim.email)
	m := setupLink.FindStringSubmatch(mails[len(mails)-1].Body.Text)
	if m == nil {
		t.Fatal("no reset link")
	}
	if s := h.Do("POST", "/v1/auth/setup", map[string]string{"token": m[1], "new_password": "another long passphrase"}); s.Status != 204 {
		t.Fatalf("set the new password: %d %s", s.Status, s.Raw)
	}
	if s := signIn(h, kim.username, "another long passphrase"); s.Status != 200 {
		t.Fatalf("the new password: %d %s", s.Status, s.Raw)
	}
}

// TestStaleWritesNeverUndoALock: edits of a person's names (which rewrite
// every membership's copy) race with a lock; a write made from a read
// before the lock must fail (409 edit_conflict), never unlock.
func TestStaleWritesNeverUndoALock(t *testing.T) {
	h := stacktest.New(t)
	orgID, admin := h.NewAdminOrg("Race Clinic", "710000006", "race.admin")
	ray := addPerson(t, h, orgID, admin, "race.ray", "portal-user", "org")
	path := "/v1/orgs/" + orgID + "/users/" + ray.id
	for round := range 4 {
		var wg sync.WaitGroup
		var lock stacktest.Reply
		statuses := make([]int, 6)
		wg.Add(len(statuses) + 1)
		go func() { defer wg.Done(); lock = h.Do("PATCH", path, map[string]bool{"locked": true}, bearer(admin)...) }()
		for i := range statuses {
			go func() {
				defer wg.Done()
				statuses[i] = h.Do("PATCH", path, map[string]string{"first_name": "Ray" + strings.Repeat("y", i+round)}, bearer(admin)...).Status
			}()
		}
		wg.Wait()
		for _, s := range statuses {
			if s != 200 && s != 409 {
				t.Fatalf("round %d: a name edit answered %d", round, s)
			}
		}
		d := detail(t, h, orgID, admin, ray.id)
		if lock.Status == 200 && d.Body["locked"] != true {
			t.Fatalf("round %d: the lock answered 200 and was undone by a concurrent edit: %s", round, d.Raw)
		}
		if lock.Status != 200 && lock.Status != 409 {
			t.Fatalf("round %d: lock %d %s", round, lock.Status, lock.Raw)
		}
		if r := h.Do("PATCH", path, map[string]bool{"locked": false}, bearer(admin)...); r.Status != 200 {
			t.Fatalf("unlock: %d %s", r.Status, r.Raw)
		}
	}
}
