package stack_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

const memberPassword = "quiet mornings over tea"

func bearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

// newMember creates a portal user in an org straight in the store and returns its id.
func newMember(t *testing.T, h *stacktest.Harness, orgID, username string, role account.Role, mutate func(*account.User)) string {
	t.Helper()
	hash, err := password.Hash(memberPassword, password.OWASP)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	u := account.User{ID: ident.New(), Username: username, FirstName: "Mo", LastName: "Member", Email: testenv.UniqueEmail(username), PasswordHash: hash, CreatedAt: now}
	if mutate != nil {
		mutate(&u)
	}
	o, err := h.App.Orgs.Get(context.Background(), ident.OrgID(orgID))
	if err != nil {
		t.Fatal(err)
	}
	m := account.Membership{UserID: u.ID, OrgID: ident.OrgID(orgID), OrgName: o.Name, Role: role, Scope: account.OrgScope, Active: true, CreatedAt: now}
	if err := h.App.Store.CreateUser(context.Background(), u, m); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestEnumerationGetsTheSameAnswer: a wrong password, an unknown username
// and a deleted login answer the same 401; after MaxFailedLogins failures
// each of them answers the same 423 to every password, the right one too
// (the contract's "Sign-in answers"): neither answer tells who exists.
func TestEnumerationGetsTheSameAnswer(t *testing.T) {
	h := stacktest.New(t)
	orgID, _ := h.NewAdminOrg("Enum Clinic", "310000001", "enum.admin")
	newMember(t, h, orgID, "enum.user", account.RolePortalUser, nil)
	newMember(t, h, orgID, "enum.locked", account.RolePortalUser, nil)
	newMember(t, h, orgID, "enum.deleted", account.RolePortalUser, func(u *account.User) { u.Deleted = true })
	login := func(user, pw string) stacktest.Reply {
		return h.Do("POST", "/v1/auth/login", map[string]string{"username": user, "password": pw})
	}
	answers := map[string]stacktest.Reply{}
	for name, user := range map[string]string{"unknown": "enum.nobody", "wrong password": "enum.user", "deleted": "enum.deleted"} {
		answers[name] = login(user, "a wrong password")
	}
	want := answers["unknown"]
	for name, r := range answers {
		if r.Status != 401 || r.Raw != want.Raw || r.ErrCode() != "invalid_credentials" {
			t.Errorf("%s: %d %s; unknown user: %d %s", name, r.Status, r.Raw, want.Status, want.Raw)
		}
	}
	// enum.deleted has one failure counted above, as any login would.
	for user, failures := range map[string]int{"enum.locked": account.MaxFailedLogins, "enum.nobody.locked": account.MaxFailedLogins, "enum.deleted": account.MaxFailedLogins - 1} {
		for i := 0; i < failures; i++ {
			if r := login(user, "nope nope nope"); r.Status != 401 {
				t.Fatalf("%s failure %d: %d %s", user, i+1, r.Status, r.Raw)
			}
		}
	}
	locked := login("enum.locked", memberPassword)
	if locked.Status != 423 || locked.ErrCode() != "account_locked" {
		t.Fatalf("locked account, right password: %d %s", locked.Status, locked.Raw)
	}
	for name, r := range map[string]stacktest.Reply{
		"locked, wrong password":    login("enum.locked", "a wrong password"),
		"unknown, locked":           login("enum.nobody.locked", memberPassword),
		"deleted, locked":           login("enum.deleted", memberPassword),
		"unknown, locked, no guess": login("enum.nobody.locked", ""),
	} {
		if r.Status != 423 || r.Raw != locked.Raw {
			t.Errorf("%s: %d %s; a locked login: %s", name, r.Status, r.Raw, locked.Raw)
		}
	}
	// forgot answers the same for an account and for nobody.
	a := h.Do("POST", "/v1/auth/password/forgot", map[string]string{"username": "enum.user"})
	b := h.Do("POST", "/v1/auth/password/forgot", map[string]string{"username": "enum.nobody"})
	c := h.Do("POST", "/v1/auth/password/forgot", map[string]string{"email": "nobody@example.org"})
	if a.Status != 202 || a.Raw != b.Raw || a.Raw != c.Raw || b.Status != 202 || c.Status != 202 {
		t.Fatalf("forgot differs: %d %s / %d %s / %d %s", a.Status, a.Raw, b.Status, b.Raw, c.Status, c.Raw)
	}
}

func TestSessionsListEndAndRevoke(t *testing.T) {
	h := stacktest.New(t)
	orgID, _ := h.NewAdminOrg("Session Clinic", "310000002", "sess.admin")
	newMember(t, h, orgID, "sess.user", account.RolePortalUser, nil)
	one, two, three := h.Login("sess.user", memberPassword), h.Login("sess.user", memberPassword), h.Login("sess.user", memberPassword)

	list := h.Do("GET", "/v1/me/sessions", nil, bearer(one)...)
	items, _ := list.Body["items"].([]any)
	if list.Status != 200 || len(items) != 3 {
		t.Fatalf("list: %d %s", list.Status, list.Raw)
	}
	var twoID string
	for _, it := range items {
		s := it.(map[string]any)
		id := s["id"].(string)
		for _, tok := range []string{one, two, three} {
			if id == tok || id == session.HashToken(tok) || strings.Contains(session.HashToken(tok), id) {
				t.Fatalf("listed id %q reveals a token or its stored hash", id)
			}
			if tok == two && id == session.PublicID(session.HashToken(two)) {
				twoID = id
			}
		}
	}
	if twoID == "" {
		t.Fatalf("session two not listed: %s", list.Raw)
	}
	if r := h.Do("DELETE", "/v1/me/sessions/"+twoID, nil, bearer(one)...); r.Status != 204 {
		t.Fatalf("end session: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, bearer(two)...); r.Status != 401 {
		t.Fatalf("ended session still works: %d", r.Status)
	}
	// Someone else's session id is not in reach.
	adminTok := h.Login("sess.admin", "a long admin passphrase")
	threeID := session.PublicID(session.HashToken(three))
	if r := h.Do("DELETE", "/v1/me/sessions/"+threeID, nil, bearer(adminTok)...); r.Status != 404 {
		t.Fatalf("ended another login's session: %d %s", r.Status, r.Raw)
	}

	if r := h.Do("POST", "/v1/auth/logout-all", nil, bearer(one)...); r.Status != 204 {
		t.Fatalf("logout-all: %d %s", r.Status, r.Raw)
	}
	for _, tok := range []string{one, three} {
		if r := h.Do("GET", "/v1/me", nil, bearer(tok)...); r.Status != 401 || r.ErrCode() != "not_signed_in" {
			t.Fatalf("session after logout-all: %d %s", r.Status, r.Raw)
		}
	}
	if r := h.Do("GET", "/v1/me", nil, bearer(adminTok)...); r.Status != 200 {
		t.Fatalf("another login's session ended too: %d", r.Status)
	}
	// A new sign-in after sign-out-everywhere works.
	if r := h.Do("GET", "/v1/me", nil, bearer(h.Login("sess.user", memberPassword))...); r.Status != 200 {
		t.Fatalf("new session after logout-all: %d", r.Status)
	}
}

func TestPasswordChangeKeepsThisSessionAndEndsOthers(t *testing.T) {
	h := stacktest.New(t)
	orgID, _ := h.NewAdminOrg("Change Clinic", "310000003", "chg.admin")
	newMember(t, h, orgID, "chg.user", account.RolePortalUser, nil)
	mine, other := h.Login("chg.user", memberPassword), h.Login("chg.user", memberPassword)

	for _, tc := range []struct {
		name, current, next string
		status              int
		code, field         string
	}{
		{"wrong current", "not my password", "a brand new passphrase here", 403, "current_password_incorrect", ""},
		{"too short", memberPassword, "short one", 400, "weak_password", "new_password"},
		{"common", memberPassword, "password12345", 400, "weak_password", "new_password"},
		{"own username", memberPassword, "chg.user is my name ok", 400, "weak_password", "new_password"},
		{"same as before", memberPassword, memberPassword, 400, "weak_password", "new_password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.Do("POST", "/v1/auth/password", map[string]string{"current_password": tc.current, "new_password": tc.next}, bearer(mine)...)
			if r.Status != tc.status || r.ErrCode() != tc.code || (tc.field != "" && r.Field(tc.field) == "") {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	const next = "lanterns along the canal"
	if r := h.Do("POST", "/v1/auth/password", map[string]string{"current_password": memberPassword, "new_password": next}, bearer(mine)...); r.Status != 204 {
		t.Fatalf("change: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, bearer(mine)...); r.Status != 200 {
		t.Fatalf("the changing session ended: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, bearer(other)...); r.Status != 401 {
		t.Fatalf("another session survived the change: %d", r.Status)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "chg.user", "password": memberPassword}); r.Status != 401 {
		t.Fatalf("old password still works: %d", r.Status)
	}
	h.Login("chg.user", next)
}

func TestTemporaryPasswordMustBeChanged(t *testing.T) {
	h := stacktest.New(t)
	orgID, _ := h.NewAdminOrg("Temp Clinic", "310000004", "tmp.admin")
	newMember(t, h, orgID, "tmp.user", account.RolePortalUser, func(u *account.User) { u.PasswordChangeRequired = true })
	r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "tmp.user", "password": memberPassword})
	tok, _ := r.Body["token"].(string)
	if r.Status != 200 || r.Body["password_change_required"] != true {
		t.Fatalf("login: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me/sessions", nil, bearer(tok)...); r.Status != 403 || r.ErrCode() != "password_change_required" {
		t.Fatalf("other route before the change: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, bearer(tok)...); r.Status != 200 {
		t.Fatalf("/v1/me before the change: %d", r.Status)
	}
	if r := h.Do("POST", "/v1/auth/password", map[string]string{"current_password": memberPassword, "new_password": "violets beneath the old bridge"}, bearer(tok)...); r.Status != 204 {
		t.Fatalf("change: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me/sessions", nil, bearer(tok)...); r.Status != 200 {
		t.Fatalf("after the change: %d %s", r.Status, r.Raw)
	}
}

func currentCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestSiteAdministratorMustEnrolTOTP(t *testing.T) {
	h := stacktest.New(t)
	email := testenv.UniqueEmail("mfa")
	orgID, invite := h.CreateOrg("MFA Clinic", "310000005", email)
	if r := h.Do("POST", "/v1/invites/"+invite+"/accept", map[string]string{"username": "mfa.admin", "password": "a long admin passphrase", "first_name": "Mia", "last_name": "Factor"}); r.Status != 201 {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}
	r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "mfa.admin", "password": "a long admin passphrase"})
	tok, _ := r.Body["token"].(string)
	if r.Status != 200 || r.Body["mfa_required"] != true {
		t.Fatalf("login: %d %s", r.Status, r.Raw)
	}
	assurance(t, h, tok, false)
	for _, path := range []string{"/v1/me/sessions"} {
		if r := h.Do("GET", path, nil, bearer(tok)...); r.Status != 403 || r.ErrCode() != "mfa_enrolment_required" {
			t.Fatalf("GET %s before enrolment: %d %s", path, r.Status, r.Raw)
		}
	}
	if r := h.Do("PUT", "/v1/orgs/"+orgID+"/code-word", nil, bearer(tok)...); r.Status != 403 || r.ErrCode() != "mfa_enrolment_required" {
		t.Fatalf("code word before enrolment: %d %s", r.Status, r.Raw)
	}
	start := h.Do("POST", "/v1/auth/mfa/totp", nil, bearer(tok)...)
	secret, _ := start.Body["secret"].(string)
	if start.Status != 200 || secret == "" || !strings.HasPrefix(start.Body["otpauth_url"].(string), "otpauth://totp/") {
		t.Fatalf("start: %d %s", start.Status, start.Raw)
	}
	if r := h.Do("POST", "/v1/auth/mfa/totp/verify", map[string]string{"otp": "000000"}, bearer(tok)...); r.Status != 400 {
		t.Fatalf("verify with a wrong code: %d %s", r.Status, r.Raw)
	}
	now := time.Now()
	v := h.Do("POST", "/v1/auth/mfa/totp/verify", map[string]string{"otp": currentCode(t, secret, now)}, bearer(tok)...)
	codes, _ := v.Body["recovery_codes"].([]any)
	if v.Status != 200 || len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("verify: %d %s", v.Status, v.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, bearer(tok)...); r.Status != 200 || r.Body["user"].(map[string]any)["mfa_enabled"] != true {
		t.Fatalf("me after enrolment: %d %s", r.Status, r.Raw)
	}
	assurance(t, h, tok, true) // the enrolling code was a second factor presented in this session
	if r := h.Do("PUT", "/v1/orgs/"+orgID+"/code-word", nil, bearer(tok)...); r.Status != 200 {
		t.Fatalf("code word after enrolment: %d %s", r.Status, r.Raw)
	}

	login := func(otp string) stacktest.Reply {
		return h.Do("POST", "/v1/auth/login", map[string]string{"username": "mfa.admin", "password": "a long admin passphrase", "otp": otp})
	}
	if r := login(""); r.Status != 401 || r.ErrCode() != "mfa_required" {
		t.Fatalf("no otp: %d %s", r.Status, r.Raw)
	}
	if r := login("123456"); r.Status != 401 || r.ErrCode() != "invalid_otp" {
		t.Fatalf("wrong otp: %d %s", r.Status, r.Raw)
	}
	// The code used to enrol is spent; the next step's code works once.
	if r := login(currentCode(t, secret, now)); r.Status != 401 || r.ErrCode() != "invalid_otp" {
		t.Fatalf("replayed enrolment code: %d %s", r.Status, r.Raw)
	}
	next := currentCode(t, secret, now.Add(30*time.Second))
	withCode := login(next)
	if withCode.Status != 200 {
		t.Fatalf("next step's code: %d %s", withCode.Status, withCode.Raw)
	}
	assurance(t, h, withCode.Body["token"].(string), true)
	if r := login(next); r.Status != 401 || r.ErrCode() != "invalid_otp" {
		t.Fatalf("replayed code: %d %s", r.Status, r.Raw)
	}
	recovery := codes[0].(string)
	if r := login(recovery); r.Status != 200 {
		t.Fatalf("recovery code: %d %s", r.Status, r.Raw)
	}
	if r := login(recovery); r.Status != 401 {
		t.Fatalf("recovery code used twice: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("POST", "/v1/auth/mfa/totp", nil, bearer(tok)...); r.Status != 409 {
		t.Fatalf("second enrolment: %d %s", r.Status, r.Raw)
	}
}

// assurance checks what the session of token records: password only, or a
// second factor presented (and when).
func assurance(t *testing.T, h *stacktest.Harness, token string, second bool) {
	t.Helper()
	sess, err := h.App.Store.GetSession(context.Background(), session.HashToken(token))
	if err != nil {
		t.Fatal(err)
	}
	c := caller.Caller{Session: sess}
	if got := c.Assurance(); got.SecondFactor() != second || got.PasswordAt.IsZero() || second && got.SecondFactorAt.Before(sess.CreatedAt) {
		t.Fatalf("assurance %+v, want second factor %v", got, second)
	}
}

var resetLink = regexp.MustCompile(`https://portal\.gatehouse\.test/password/reset\?token=([A-Za-z0-9_-]{43})`)

func TestResetWithCodeWord(t *testing.T) {
	// Asks for a reset link three times in a minute: more than the default
	// one email per window (TestForgotSendsOneEmailPerWindow).
	h := stacktest.New(t, stacktest.Limit(throttle.ForgotIdentifier, throttle.Limit{Max: 10, Window: time.Hour}))
	orgID, adminTok := h.NewAdminOrg("Reset Clinic", "310000006", "rst.admin")
	userID := newMember(t, h, orgID, "rst.user", account.RolePortalUser, nil)
	oldSession := h.Login("rst.user", memberPassword)

	// Rotating needs user_admin full: a portal user may not.
	if r := h.Do("PUT", "/v1/orgs/"+orgID+"/code-word", nil, bearer(oldSession)...); r.Status != 403 || r.ErrCode() != "insufficient_privilege" {
		t.Fatalf("portal user rotates code word: %d %s", r.Status, r.Raw)
	}
	rot := h.Do("PUT", "/v1/orgs/"+orgID+"/code-word", nil, bearer(adminTok)...)
	word, _ := rot.Body["code_word"].(string)
	if rot.Status != 200 || len(word) != 14 {
		t.Fatalf("rotate: %d %s", rot.Status, rot.Raw)
	}
	o, _ := h.App.Orgs.Get(context.Background(), ident.OrgID(orgID))
	if !strings.HasPrefix(o.Settings.CodeWordHash, "$argon2id$") || strings.Contains(o.Settings.CodeWordHash, word) {
		t.Fatalf("code word not stored as a hash: %q", o.Settings.CodeWordHash)
	}

	email := func() string {
		u, _, _ := h.App.Store.UserWithMemberships(context.Background(), userID)
		return u.Email
	}()
	token := func() string {
		t.Helper()
		if r := h.Do("POST", "/v1/auth/password/forgot", map[string]string{"email": email}); r.Status != 202 {
			t.Fatalf("forgot: %d %s", r.Status, r.Raw)
		}
		mails := testenv.Emails(t, email)
		m := resetLink.FindStringSubmatch(mails[len(mails)-1].Body.Text)
		if m == nil || !strings.Contains(mails[len(mails)-1].Body.HTML, m[0]) {
			t.Fatalf("reset email has no link: %q", mails[len(mails)-1].Body.Text)
		}
		return m[1]
	}
	tok := token()
	reset := func(body map[string]string) stacktest.Reply { return h.Do("POST", "/v1/auth/password/reset", body) }
	const next = "orchards after the rain"
	for _, tc := range []struct {
		name   string
		body   map[string]string
		status int
		code   string
	}{
		{"unknown token", map[string]string{"token": strings.Repeat("A", 43), "new_password": next}, 404, "link_not_found"},
		{"weak password", map[string]string{"token": tok, "new_password": "password1234", "code_word": word}, 400, "weak_password"},
		{"no code word", map[string]string{"token": tok, "new_password": next}, 400, "code_word_required"},
		{"wrong code word", map[string]string{"token": tok, "new_password": next, "code_word": "AAAA-BBBB-CCCC"}, 401, "code_word_mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := reset(tc.body); r.Status != tc.status || r.ErrCode() != tc.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	if r := reset(map[string]string{"token": tok, "new_password": next, "code_word": strings.ToLower(word)}); r.Status != 204 {
		t.Fatalf("reset: %d %s", r.Status, r.Raw)
	}
	if r := reset(map[string]string{"token": tok, "new_password": next, "code_word": word}); r.Status != 404 {
		t.Fatalf("link used twice: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, bearer(oldSession)...); r.Status != 401 {
		t.Fatalf("session survived the reset: %d", r.Status)
	}
	h.Login("rst.user", next)

	// Wrong code words are limited: the fifth kills the link.
	tok = token()
	for i := 0; i < auth.MaxCodeWordFailures; i++ {
		if r := reset(map[string]string{"token": tok, "new_password": next + " again", "code_word": "WRONG-WORD"}); r.Status != 401 {
			t.Fatalf("wrong code word %d: %d %s", i, r.Status, r.Raw)
		}
	}
	if r := reset(map[string]string{"token": tok, "new_password": next + " again", "code_word": word}); r.Status != 404 {
		t.Fatalf("link alive after %d wrong code words: %d %s", auth.MaxCodeWordFailures, r.Status, r.Raw)
	}

	// An expired link answers 410.
	raw, hash, _ := session.NewToken()
	if err := h.App.Store.CreateResetLink(context.Background(), auth.ResetLink{TokenHash: hash, UserID: userID, ExpiresAt: time.Now().Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if r := reset(map[string]string{"token": raw, "new_password": next, "code_word": word}); r.Status != 410 || r.ErrCode() != "link_expired" {
		t.Fatalf("expired link: %d %s", r.Status, r.Raw)
	}
}

func TestActiveOrgAndLinkedAccounts(t *testing.T) {
	h := stacktest.New(t)
	orgA, adminA := h.NewAdminOrg("Alpha Clinic", "310000007", "alpha.admin")
	orgB, _ := h.NewAdminOrg("Beta Clinic", "310000008", "beta.admin")
	newMember(t, h, orgA, "link.main", account.RolePortalUser, nil)
	oldID := newMember(t, h, orgB, "link.old", account.RoleClericalUser, nil)
	main := h.Login("link.main", memberPassword)
	oldTok := h.Login("link.old", memberPassword)

	if r := h.Do("PUT", "/v1/me/active-org", map[string]string{"org_id": orgB}, bearer(main)...); r.Status != 403 {
		t.Fatalf("switch to a non-member org: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("POST", "/v1/me/links", map[string]string{"username": "link.old", "password": "not the password"}, bearer(main)...); r.Status != 403 || r.ErrCode() != "invalid_credentials" {
		t.Fatalf("link with a wrong password: %d %s", r.Status, r.Raw)
	}
	if u, _, _ := h.App.Store.UserWithMemberships(context.Background(), oldID); u.FailedLogins != 1 {
		t.Fatalf("wrong link password not counted toward the other account's lockout: %d", u.FailedLogins)
	}
	r := h.Do("POST", "/v1/me/links", map[string]string{"username": "link.old", "password": memberPassword}, bearer(main)...)
	ms, _ := r.Body["memberships"].([]any)
	if r.Status != 200 || len(ms) != 2 {
		t.Fatalf("link: %d %s", r.Status, r.Raw)
	}
	sw := h.Do("PUT", "/v1/me/active-org", map[string]string{"org_id": orgB}, bearer(main)...)
	if sw.Status != 200 || sw.Body["active_org_id"] != orgB {
		t.Fatalf("switch: %d %s", sw.Status, sw.Raw)
	}
	if me := h.Do("GET", "/v1/me", nil, bearer(main)...); me.Body["active_org_id"] != orgB {
		t.Fatalf("active org not kept in the session: %s", me.Raw)
	}
	var roleInB any
	for _, m := range ms {
		if mm := m.(map[string]any); mm["org_id"] == orgB {
			roleInB = mm["role"]
		}
	}
	if roleInB != "clerical-user" {
		t.Fatalf("joined membership: %v", ms)
	}
	// Both usernames are in org B's audit log.
	out, err := testenv.DynamoDB(t).Query(context.Background(), &dynamodb.QueryInput{
		TableName:                 aws.String(h.App.Config.TableName),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :audit)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "ORG#" + orgB}, ":audit": &types.AttributeValueMemberS{Value: "AUDIT#"}},
	})
	if err != nil || len(out.Items) != 1 {
		t.Fatalf("audit entries: %v %v", out, err)
	}
	a := out.Items[0]
	if a["ActorUsername"].(*types.AttributeValueMemberS).Value != "link.main" || a["Target"].(*types.AttributeValueMemberS).Value != "link.old" ||
		a["Action"].(*types.AttributeValueMemberS).Value != "user.account_linked" || a["RequestID"] == nil || a["IP"] == nil {
		t.Fatalf("audit entry: %v", a)
	}
	if r := h.Do("POST", "/v1/me/links", map[string]string{"username": "link.old", "password": memberPassword}, bearer(main)...); r.Status != 409 {
		t.Fatalf("second link: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("DELETE", "/v1/me/links/link.old", nil, bearer(adminA)...); r.Status != 404 {
		t.Fatalf("a stranger deletes the linked account: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("DELETE", "/v1/me/links/link.old", nil, bearer(main)...); r.Status != 204 {
		t.Fatalf("delete linked: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, bearer(oldTok)...); r.Status != 401 {
		t.Fatalf("deleted account's session still works: %d", r.Status)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "link.old", "password": memberPassword}); r.Status != 401 || r.ErrCode() != "invalid_credentials" {
		t.Fatalf("deleted account signs in: %d %s", r.Status, r.Raw)
	}
}

func TestOrgRequiringMFAHoldsItsMembers(t *testing.T) {
	h := stacktest.New(t)
	orgID, _ := h.NewAdminOrg("Strict Clinic", "310000009", "strict.admin")
	newMember(t, h, orgID, "strict.user", account.RoleProviderAdmin, nil)
	o, _ := h.App.Orgs.Get(context.Background(), ident.OrgID(orgID))
	o.Settings.RequireMFA = true
	if err := h.App.Store.UpdateOrgSettings(context.Background(), ident.OrgID(orgID), o.Settings); err != nil {
		t.Fatal(err)
	}
	r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "strict.user", "password": memberPassword})
	tok, _ := r.Body["token"].(string)
	if r.Status != 200 || r.Body["mfa_required"] != true {
		t.Fatalf("login: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("PUT", "/v1/orgs/"+orgID+"/code-word", nil, bearer(tok)...); r.Status != 403 || r.ErrCode() != "mfa_enrolment_required" {
		t.Fatalf("org route without MFA: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me/sessions", nil, bearer(tok)...); r.Status != 200 {
		t.Fatalf("a route outside the org: %d %s", r.Status, r.Raw)
	}
	h.EnrolTOTP("strict.user", tok)
	if r := h.Do("PUT", "/v1/orgs/"+orgID+"/code-word", nil, bearer(tok)...); r.Status != 200 {
		t.Fatalf("org route with MFA: %d %s", r.Status, r.Raw)
	}
}
