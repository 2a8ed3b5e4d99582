package stack_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// Sign-in answers (api-contract.md): a session's assurance is its own, and
// every change of the login's factors or password ends its other sessions.

// storedSession writes a session for userID straight into the table, as a
// session opened before the login enrolled a factor would be, and returns
// its token. secondFactor says whether it presented one.
func storedSession(t *testing.T, h *stacktest.Harness, userID string, orgID ident.OrgID, secondFactor bool) string {
	t.Helper()
	token, id, err := session.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	s := session.Session{ID: id, UserID: userID, ActiveOrgID: orgID, CreatedAt: now, ExpiresAt: now.Add(session.Lifetime),
		LastSeenAt: now, RenewedAt: now}
	if secondFactor {
		s.SecondFactorAt = now
	}
	if err := h.App.Store.PutSession(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return token
}

func userID(t *testing.T, h *stacktest.Harness, token string) string {
	t.Helper()
	me := h.Do("GET", "/v1/me", nil, bearer(token)...)
	if me.Status != 200 {
		t.Fatalf("/v1/me: %d %s", me.Status, me.Raw)
	}
	return me.Body["user"].(map[string]any)["id"].(string)
}

// TestTheGuardChecksTheSessionsAssurance: a site administrator's login has
// TOTP, but a session of it that never presented the factor is refused what
// the factor unlocks (F20); the same login's session that did present it is not.
func TestTheGuardChecksTheSessionsAssurance(t *testing.T) {
	h := stacktest.New(t)
	orgID, admin := h.NewAdminOrg("Assurance Clinic", "740000001", "assure.admin")
	id := userID(t, h, admin)
	passwordOnly := storedSession(t, h, id, ident.OrgID(orgID), false)
	withFactor := storedSession(t, h, id, ident.OrgID(orgID), true)
	users := "/v1/orgs/" + orgID + "/users"
	if r := h.Do("GET", users, nil, bearer(passwordOnly)...); r.Status != 403 || r.ErrCode() != "second_factor_required" {
		t.Fatalf("password-only session of an enrolled site administrator: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, bearer(passwordOnly)...); r.Status != 200 {
		t.Fatalf("/v1/me stays open to it: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", users, nil, bearer(withFactor)...); r.Status != 200 {
		t.Fatalf("session with the second factor: %d %s", r.Status, r.Raw)
	}

	// An office requiring MFA: the same for its members.
	if r := h.Do("PATCH", "/v1/orgs/"+orgID+"/settings", map[string]bool{"require_mfa": true}, bearer(admin)...); r.Status != 200 {
		t.Fatalf("require MFA: %d %s", r.Status, r.Raw)
	}
	// (The office requires it, so the harness enrols the new member's TOTP at sign-in.)
	staff := addPerson(t, h, orgID, admin, "assure.staff", "portal-user", "org")
	staffPasswordOnly := storedSession(t, h, staff.id, ident.OrgID(orgID), false)
	if r := h.Do("GET", "/v1/orgs/"+orgID+"/registrations", nil, bearer(staffPasswordOnly)...); r.Status != 403 || r.ErrCode() != "second_factor_required" {
		t.Fatalf("password-only session in an office requiring MFA: %d %s", r.Status, r.Raw)
	}
}

// TestEnrollingElsewhereDoesNotUpgradeAnOldSession is the case end
// to end: a site administrator signed in with the password only (refused,
// must enrol), signs in again elsewhere and enrols TOTP there; the first
// session does not become a site administrator's session: it is over.
func TestEnrollingElsewhereDoesNotUpgradeAnOldSession(t *testing.T) {
	h := stacktest.New(t)
	orgID, invite := h.CreateOrg("Enrol Clinic", "740000002", testenv.UniqueEmail("enrol.admin"))
	if r := h.Do("POST", "/v1/invites/"+invite+"/accept", map[string]string{"username": "enrol.admin", "password": personPassword,
		"first_name": "En", "last_name": "Rol"}); r.Status != 201 {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}
	first, second := signIn(h, "enrol.admin", personPassword), signIn(h, "enrol.admin", personPassword)
	if first.Status != 200 || first.Body["mfa_required"] != true {
		t.Fatalf("password sign-in: %d %s", first.Status, first.Raw)
	}
	old, fresh := first.Body["token"].(string), second.Body["token"].(string)
	users := "/v1/orgs/" + orgID + "/users"
	if r := h.Do("GET", users, nil, bearer(old)...); r.Status != 403 || r.ErrCode() != "mfa_enrolment_required" {
		t.Fatalf("before enrolment: %d %s", r.Status, r.Raw)
	}
	h.EnrolTOTP("enrol.admin", fresh)
	if r := h.Do("GET", users, nil, bearer(old)...); r.Status != 401 {
		t.Fatalf("the old password-only session after enrolment elsewhere: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", users, nil, bearer(fresh)...); r.Status != 200 {
		t.Fatalf("the session that enrolled: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "enrol.admin", "password": personPassword}); r.Status != 401 || r.ErrCode() != "mfa_required" {
		t.Fatalf("password only, once enrolled: %d %s", r.Status, r.Raw)
	}
}

// TestFactorAndPasswordChangesEndOtherSessions: adding or removing a
// passkey, enrolling TOTP, an administrator's reset and the self-service
// reset each end the login's other sessions.
func TestFactorAndPasswordChangesEndOtherSessions(t *testing.T) {
	h := stacktest.New(t)
	orgID, admin := h.NewAdminOrg("Factor Clinic", "740000003", "factor.admin")
	kim := addPerson(t, h, orgID, admin, "factor.kim", "portal-user", "org")
	alive := func(name, tok string, want int) {
		t.Helper()
		if r := h.Do("GET", "/v1/me", nil, bearer(tok)...); r.Status != want {
			t.Fatalf("%s: /v1/me %d, want %d", name, r.Status, want)
		}
	}

	other := h.Login(kim.username, personPassword)
	h.EnrolTOTP(kim.username, kim.token)
	alive("the session that enrolled TOTP", kim.token, 200)
	alive("another session, after TOTP enrolment", other, 401)

	other = h.Login(kim.username, personPassword)
	if r := registerPasskey(t, h, kim.token, newSoftKey()); r.Status != 201 {
		t.Fatalf("register a passkey: %d %s", r.Status, r.Raw)
	}
	alive("the session that added a passkey", kim.token, 200)
	alive("another session, after a passkey was added", other, 401)

	other = h.Login(kim.username, personPassword)
	keys := h.Do("GET", "/v1/me/passkeys", nil, bearer(kim.token)...)
	keyID := keys.Body["items"].([]any)[0].(map[string]any)["id"].(string)
	if r := h.Do("DELETE", "/v1/me/passkeys/"+keyID, nil, bearer(kim.token)...); r.Status != 204 {
		t.Fatalf("remove the passkey: %d %s", r.Status, r.Raw)
	}
	alive("the session that removed a passkey", kim.token, 200)
	alive("another session, after a passkey was removed", other, 401)

	r := h.Do("POST", "/v1/orgs/"+orgID+"/users/"+kim.id+"/reset-password", nil, bearer(admin)...)
	temp, _ := r.Body["temporary_password"].(string)
	if r.Status != 200 || temp == "" {
		t.Fatalf("administrator reset: %d %s", r.Status, r.Raw)
	}
	alive("a session after the administrator's reset", kim.token, 401)
	if s := signIn(h, kim.username, personPassword); s.Status != 401 {
		t.Fatalf("the old password after the administrator's reset: %d %s", s.Status, s.Raw)
	}
	if s := signIn(h, kim.username, temp); s.Status != 200 || s.Body["password_change_required"] != true {
		t.Fatalf("the temporary password: %d %s", s.Status, s.Raw)
	}
}

// TestLinkingUsesUpTheSecondFactor: the recovery code or TOTP code that
// proved another account while linking it (F8) is spent, as at sign-in.
func TestLinkingUsesUpTheSecondFactor(t *testing.T) {
	h := stacktest.New(t)
	orgA, adminA := h.NewAdminOrg("Link Clinic A", "740000004", "link.admin.a")
	orgB, adminB := h.NewAdminOrg("Link Clinic B", "740000005", "link.admin.b")
	keeper := addPerson(t, h, orgA, adminA, "link.keeper", "portal-user", "org")

	byCode := addPerson(t, h, orgB, adminB, "link.bycode", "portal-user", "org")
	codes := h.EnrolTOTP(byCode.username, byCode.token)
	if r := h.Do("POST", "/v1/me/links", map[string]string{"username": byCode.username, "password": personPassword, "otp": codes[0]},
		bearer(keeper.token)...); r.Status != 200 {
		t.Fatalf("link with a recovery code: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": byCode.username, "password": personPassword, "otp": codes[0]}); r.Status != 401 || r.ErrCode() != "invalid_otp" {
		t.Fatalf("the recovery code used for linking signs in again: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": byCode.username, "password": personPassword, "otp": codes[1]}); r.Status != 200 {
		t.Fatalf("an unused recovery code: %d %s", r.Status, r.Raw)
	}

	byTOTP := addPerson(t, h, orgB, adminB, "link.bytotp", "portal-user", "org")
	h.EnrolTOTP(byTOTP.username, byTOTP.token)
	code := h.OTP(byTOTP.username)
	second := addPerson(t, h, orgA, adminA, "link.keeper2", "portal-user", "org")
	if r := h.Do("POST", "/v1/me/links", map[string]string{"username": byTOTP.username, "password": personPassword, "otp": code},
		bearer(second.token)...); r.Status != 200 {
		t.Fatalf("link with a TOTP code: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": byTOTP.username, "password": personPassword, "otp": code}); r.Status != 401 || r.ErrCode() != "invalid_otp" {
		t.Fatalf("the TOTP code used for linking signs in again: %d %s", r.Status, r.Raw)
	}
}
