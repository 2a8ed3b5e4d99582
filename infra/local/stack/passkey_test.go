package stack_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/descope/virtualwebauthn"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// The portal of the test configuration (GATEHOUSE_BASE_URL), as a browser
// would report it to an authenticator.
var portalRP = virtualwebauthn.RelyingParty{Name: "Gatehouse", ID: "portal.gatehouse.test", Origin: "https://portal.gatehouse.test"}

const adminPassword = "a long admin passphrase"

// softKey is a software authenticator holding one credential.
type softKey struct {
	auth virtualwebauthn.Authenticator
	cred virtualwebauthn.Credential
}

func newSoftKey() *softKey {
	return &softKey{auth: virtualwebauthn.NewAuthenticator(), cred: virtualwebauthn.NewCredential(virtualwebauthn.KeyTypeEC2)}
}

// options is the "options" member of a begin reply, as the JSON a browser gets.
func options(t *testing.T, r stacktest.Reply) string {
	t.Helper()
	js, err := json.Marshal(r.Body["options"])
	if err != nil || r.Body["options"] == nil {
		t.Fatalf("no options in %d %s", r.Status, r.Raw)
	}
	return string(js)
}

// attest answers creation options as navigator.credentials.create would, at rp.
func (k *softKey) attest(t *testing.T, creationOptions string, rp virtualwebauthn.RelyingParty) json.RawMessage {
	t.Helper()
	opts, err := virtualwebauthn.ParseAttestationOptions(creationOptions)
	if err != nil {
		t.Fatalf("parse creation options: %v: %s", err, creationOptions)
	}
	k.auth.Options.UserHandle = []byte(opts.UserID)
	return json.RawMessage(virtualwebauthn.CreateAttestationResponse(rp, k.auth, k.cred, *opts))
}

// assert answers request options as navigator.credentials.get would, at rp.
func (k *softKey) assert(t *testing.T, requestOptions string, rp virtualwebauthn.RelyingParty) json.RawMessage {
	t.Helper()
	opts, err := virtualwebauthn.ParseAssertionOptions(requestOptions)
	if err != nil {
		t.Fatalf("parse request options: %v: %s", err, requestOptions)
	}
	return json.RawMessage(virtualwebauthn.CreateAssertionResponse(rp, k.auth, k.cred, *opts))
}

// registerPasskey registers key for the signed-in login and returns the finish reply.
func registerPasskey(t *testing.T, h *stacktest.Harness, tok string, key *softKey) stacktest.Reply {
	t.Helper()
	begin := h.Do("POST", "/v1/auth/mfa/passkeys/register/begin", nil, bearer(tok)...)
	if begin.Status != 200 || begin.Body["challenge_id"] == "" {
		t.Fatalf("register begin: %d %s", begin.Status, begin.Raw)
	}
	return h.Do("POST", "/v1/auth/mfa/passkeys/register/finish", map[string]any{
		"challenge_id": begin.Body["challenge_id"], "credential": key.attest(t, options(t, begin), portalRP), "name": "Desk key",
	}, bearer(tok)...)
}

// beginPasskeyLogin checks the password and returns the begin reply.
func beginPasskeyLogin(t *testing.T, h *stacktest.Harness, username, pw string) stacktest.Reply {
	t.Helper()
	return h.Do("POST", "/v1/auth/login/passkey/begin", map[string]string{"username": username, "password": pw})
}

func finishPasskeyLogin(h *stacktest.Harness, challengeID any, credential json.RawMessage) stacktest.Reply {
	return h.Do("POST", "/v1/auth/login/passkey/finish", map[string]any{"challenge_id": challengeID, "credential": credential})
}

// passkeyLogin signs in with password and passkey; it fails the test unless it works.
func passkeyLogin(t *testing.T, h *stacktest.Harness, username, pw string, key *softKey) stacktest.Reply {
	t.Helper()
	begin := beginPasskeyLogin(t, h, username, pw)
	if begin.Status != 200 {
		t.Fatalf("passkey login begin as %s: %d %s", username, begin.Status, begin.Raw)
	}
	r := finishPasskeyLogin(h, begin.Body["challenge_id"], key.assert(t, options(t, begin), portalRP))
	if r.Status != 200 || r.Body["token"] == nil {
		t.Fatalf("passkey login finish as %s: %d %s", username, r.Status, r.Raw)
	}
	return r
}

// newPasskeyAdmin creates an org through ops, accepts its invite as the
// first site administrator with h.Do and registers a passkey as the only
// second factor; it returns the org id and the signed-in token.
func newPasskeyAdmin(t *testing.T, h *stacktest.Harness, name, tin, username string, key *softKey) (string, string) {
	t.Helper()
	orgID, invite := h.CreateOrg(name, tin, testenv.UniqueEmail(username))
	if r := h.Do("POST", "/v1/invites/"+invite+"/accept", map[string]string{"username": username, "password": adminPassword, "first_name": "Pat", "last_name": "Key"}); r.Status != 201 {
		t.Fatalf("accept invite: %d %s", r.Status, r.Raw)
	}
	login := h.Do("POST", "/v1/auth/login", map[string]string{"username": username, "password": adminPassword})
	tok, _ := login.Body["token"].(string)
	if login.Status != 200 || login.Body["mfa_required"] != true {
		t.Fatalf("first login of a site administrator: %d %s", login.Status, login.Raw)
	}
	// F20: nothing but enrolment until a second factor exists.
	if r := h.Do("GET", "/v1/orgs/"+orgID+"/users", nil, bearer(tok)...); r.Status != 403 || r.ErrCode() != "mfa_enrolment_required" {
		t.Fatalf("site administrator without MFA: %d %s", r.Status, r.Raw)
	}
	fin := registerPasskey(t, h, tok, key)
	codes, _ := fin.Body["recovery_codes"].([]any)
	if fin.Status != 201 || fin.Body["id"] == "" || fin.Body["name"] != "Desk key" || len(codes) != 10 {
		t.Fatalf("register finish: %d %s", fin.Status, fin.Raw)
	}
	return orgID, tok
}

func TestPasskeyRegistrationAndSignIn(t *testing.T) {
	h := stacktest.New(t)
	key := newSoftKey()
	orgID, tok := newPasskeyAdmin(t, h, "Passkey Clinic", "320000001", "pk.admin", key)

	assurance(t, h, tok, true) // registering the passkey presented it in this session
	// F20 gate satisfied by the passkey alone, on the same session.
	if r := h.Do("GET", "/v1/orgs/"+orgID+"/users", nil, bearer(tok)...); r.Status != 200 {
		t.Fatalf("site administrator with a passkey: %d %s", r.Status, r.Raw)
	}
	if me := h.Do("GET", "/v1/me", nil, bearer(tok)...); me.Body["user"].(map[string]any)["mfa_enabled"] != true {
		t.Fatalf("/v1/me after passkey registration: %s", me.Raw)
	}

	// Password alone is not enough any more, and the TOTP codes of an empty
	// secret (anyone can compute them) are no second factor.
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "pk.admin", "password": adminPassword}); r.Status != 401 || r.ErrCode() != "mfa_required" {
		t.Fatalf("password-only login with a passkey: %d %s", r.Status, r.Raw)
	}
	emptyCode, err := totp.GenerateCodeCustom("", time.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "pk.admin", "password": adminPassword, "otp": emptyCode}); r.Status != 401 || r.ErrCode() != "invalid_otp" {
		t.Fatalf("TOTP code of an empty secret: %d %s", r.Status, r.Raw)
	}

	// Password + passkey: the same answer as POST /v1/auth/login.
	h.Calls.Reset()
	begin := beginPasskeyLogin(t, h, "pk.admin", adminPassword)
	// 2 rate-limit checks, Get USERNAME, Query USER partition, Query PASSKEY#, Put CHALLENGE.
	if got := h.Calls.Service("DynamoDB"); got != 6 {
		t.Errorf("passkey begin: %d DynamoDB calls (%s), want 6", got, h.Calls)
	}
	allow, _ := begin.Body["options"].(map[string]any)["allowCredentials"].([]any)
	if begin.Status != 200 || len(allow) != 1 {
		t.Fatalf("passkey login begin: %d %s", begin.Status, begin.Raw)
	}
	assertion := key.assert(t, options(t, begin), portalRP)
	h.Calls.Reset()
	r := finishPasskeyLogin(h, begin.Body["challenge_id"], assertion)
	// Delete CHALLENGE, Query USER partition, Query PASSKEY#, Update sign
	// count, TransactWrite session + user.
	if got := h.Calls.Service("DynamoDB"); got != 5 {
		t.Errorf("passkey finish: %d DynamoDB calls (%s), want 5", got, h.Calls)
	}
	if r.Status != 200 || r.Body["token"] == "" || r.Body["expires_at"] == nil || r.Body["active_org_id"] != orgID || r.Body["mfa_required"] != nil {
		t.Fatalf("passkey login finish: %d %s", r.Status, r.Raw)
	}
	if ms, _ := r.Body["memberships"].([]any); len(ms) != 1 {
		t.Fatalf("memberships: %s", r.Raw)
	}
	if !strings.Contains(r.Header.Get("Set-Cookie"), "__Host-gatehouse_session=") {
		t.Fatalf("no session cookie: %v", r.Header)
	}
	tok2 := r.Body["token"].(string)
	assurance(t, h, tok2, true)
	if r := h.Do("GET", "/v1/orgs/"+orgID+"/users", nil, bearer(tok2)...); r.Status != 200 {
		t.Fatalf("session from a passkey sign-in: %d %s", r.Status, r.Raw)
	}
	list := h.Do("GET", "/v1/me/passkeys", nil, bearer(tok2)...)
	items, _ := list.Body["items"].([]any)
	if list.Status != 200 || len(items) != 1 || items[0].(map[string]any)["last_used_at"] == nil || items[0].(map[string]any)["name"] != "Desk key" {
		t.Fatalf("list passkeys: %d %s", list.Status, list.Raw)
	}
	id := items[0].(map[string]any)["id"].(string)

	// The last second factor of a site administrator stays.
	if r := h.Do("DELETE", "/v1/me/passkeys/"+id, nil, bearer(tok2)...); r.Status != 409 || r.ErrCode() != "last_second_factor" {
		t.Fatalf("delete the last factor of a site administrator: %d %s", r.Status, r.Raw)
	}
	// With a second passkey, the first may go; then the second is the last.
	second := newSoftKey()
	if r := registerPasskey(t, h, tok2, second); r.Status != 201 || r.Body["recovery_codes"] != nil {
		t.Fatalf("second passkey (no new recovery codes): %d %s", r.Status, r.Raw)
	}
	if r := h.Do("DELETE", "/v1/me/passkeys/"+id, map[string]string{"current_password": "not the password"}, bearer(tok2)...); r.Status != 403 || r.ErrCode() != "current_password_incorrect" {
		t.Fatalf("delete with a wrong current password: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("DELETE", "/v1/me/passkeys/"+id, map[string]string{"current_password": adminPassword}, bearer(tok2)...); r.Status != 204 {
		t.Fatalf("delete one of two passkeys: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("DELETE", "/v1/me/passkeys/"+id, nil, bearer(tok2)...); r.Status != 404 || r.ErrCode() != "passkey_not_found" {
		t.Fatalf("delete a deleted passkey: %d %s", r.Status, r.Raw)
	}
	passkeyLogin(t, h, "pk.admin", adminPassword, second)
	list = h.Do("GET", "/v1/me/passkeys", nil, bearer(tok2)...)
	items, _ = list.Body["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("passkeys after delete: %s", list.Raw)
	}
	if r := h.Do("DELETE", "/v1/me/passkeys/"+items[0].(map[string]any)["id"].(string), nil, bearer(tok2)...); r.Status != 409 || r.ErrCode() != "last_second_factor" {
		t.Fatalf("delete the remaining last factor: %d %s", r.Status, r.Raw)
	}
}

func TestPasskeyRemovalOfTheLastFactorTurnsMFAOffWhereAllowed(t *testing.T) {
	h := stacktest.New(t)
	orgID, adminTok := h.NewAdminOrg("Optional MFA Clinic", "320000002", "opt.admin")

	// A site administrator with TOTP may remove a passkey: TOTP remains.
	adminKey := newSoftKey()
	if r := registerPasskey(t, h, adminTok, adminKey); r.Status != 201 || r.Body["recovery_codes"] != nil {
		t.Fatalf("passkey for a TOTP admin (who has recovery codes): %d %s", r.Status, r.Raw)
	}
	adminKeys := h.Do("GET", "/v1/me/passkeys", nil, bearer(adminTok)...)
	adminKeyID := adminKeys.Body["items"].([]any)[0].(map[string]any)["id"].(string)
	if r := h.Do("DELETE", "/v1/me/passkeys/"+adminKeyID, nil, bearer(adminTok)...); r.Status != 204 {
		t.Fatalf("remove the passkey of a site administrator with TOTP: %d %s", r.Status, r.Raw)
	}

	// A portal user whose org does not require MFA may drop to password only.
	newMember(t, h, orgID, "opt.user", account.RolePortalUser, nil)
	tok := h.Login("opt.user", memberPassword)
	key := newSoftKey()
	if r := registerPasskey(t, h, tok, key); r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	id := h.Do("GET", "/v1/me/passkeys", nil, bearer(tok)...).Body["items"].([]any)[0].(map[string]any)["id"].(string)
	if r := h.Do("DELETE", "/v1/me/passkeys/"+id, nil, bearer(tok)...); r.Status != 204 {
		t.Fatalf("remove the only passkey of a portal user: %d %s", r.Status, r.Raw)
	}
	if me := h.Do("GET", "/v1/me", nil, bearer(tok)...); me.Body["user"].(map[string]any)["mfa_enabled"] != false {
		t.Fatalf("MFA still on after the last factor went: %s", me.Raw)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "opt.user", "password": memberPassword}); r.Status != 200 {
		t.Fatalf("password login after MFA went off: %d %s", r.Status, r.Raw)
	}
	if r := beginPasskeyLogin(t, h, "opt.user", memberPassword); r.Status != 409 || r.ErrCode() != "no_passkey" {
		t.Fatalf("passkey begin without passkeys: %d %s", r.Status, r.Raw)
	}

	// Once the org requires MFA, the member's last passkey stays.
	if r := registerPasskey(t, h, tok, newSoftKey()); r.Status != 201 || len(r.Body["recovery_codes"].([]any)) != 10 {
		t.Fatalf("register again (new recovery codes): %d %s", r.Status, r.Raw)
	}
	if r := h.Do("PATCH", "/v1/orgs/"+orgID+"/settings", map[string]any{"require_mfa": true}, bearer(adminTok)...); r.Status != 200 {
		t.Fatalf("require MFA: %d %s", r.Status, r.Raw)
	}
	id = h.Do("GET", "/v1/me/passkeys", nil, bearer(tok)...).Body["items"].([]any)[0].(map[string]any)["id"].(string)
	if r := h.Do("DELETE", "/v1/me/passkeys/"+id, nil, bearer(tok)...); r.Status != 409 || r.ErrCode() != "last_second_factor" {
		t.Fatalf("remove the last factor in a RequireMFA org: %d %s", r.Status, r.Raw)
	}
}

func TestPasskeyCeremoniesRefuseForgeries(t *testing.T) {
	// Many ceremonies for one username: past the default per-username limit.
	h := stacktest.New(t, stacktest.Limit(throttle.SignInUsername, throttle.Limit{Max: 100, Window: time.Hour}))
	key := newSoftKey()
	orgID, _ := newPasskeyAdmin(t, h, "Forgery Clinic", "320000003", "pk.victim", key)
	newMember(t, h, orgID, "pk.other", account.RolePortalUser, nil)
	otherTok := h.Login("pk.other", memberPassword)
	otherKey := newSoftKey()
	if r := registerPasskey(t, h, otherTok, otherKey); r.Status != 201 {
		t.Fatalf("register the other login's passkey: %d %s", r.Status, r.Raw)
	}

	wrongOrigin := portalRP
	wrongOrigin.Origin = "https://portal.gatehouse.test.evil.example"
	wrongRPID := portalRP
	wrongRPID.ID = "evil.example"

	signIn := []struct {
		name string
		// finish answers begin (the victim's challenge) with a credential,
		// after any sign-ins it needs first.
		finish func(t *testing.T, begin stacktest.Reply) stacktest.Reply
	}{
		{"wrong origin", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			return finishPasskeyLogin(h, begin.Body["challenge_id"], key.assert(t, options(t, begin), wrongOrigin))
		}},
		{"wrong RP ID", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			return finishPasskeyLogin(h, begin.Body["challenge_id"], key.assert(t, options(t, begin), wrongRPID))
		}},
		{"replayed challenge", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			if r := finishPasskeyLogin(h, begin.Body["challenge_id"], key.assert(t, options(t, begin), portalRP)); r.Status != 200 {
				t.Fatalf("first use of the challenge: %d %s", r.Status, r.Raw)
			}
			return finishPasskeyLogin(h, begin.Body["challenge_id"], key.assert(t, options(t, begin), portalRP))
		}},
		{"another login's authenticator on this login's challenge", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			return finishPasskeyLogin(h, begin.Body["challenge_id"], otherKey.assert(t, options(t, begin), portalRP))
		}},
		{"this login's assertion on another login's challenge", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			other := beginPasskeyLogin(t, h, "pk.other", memberPassword)
			if other.Status != 200 {
				t.Fatalf("begin as the other login: %d %s", other.Status, other.Raw)
			}
			return finishPasskeyLogin(h, other.Body["challenge_id"], key.assert(t, options(t, other), portalRP))
		}},
		{"counter went backwards", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			key.cred.Counter += 5
			high := key.cred.Counter
			if r := finishPasskeyLogin(h, begin.Body["challenge_id"], key.assert(t, options(t, begin), portalRP)); r.Status != 200 {
				t.Fatalf("sign-in with counter %d: %d %s", high, r.Status, r.Raw)
			}
			again := beginPasskeyLogin(t, h, "pk.victim", adminPassword)
			key.cred.Counter = high - 3
			defer func() { key.cred.Counter = high }()
			return finishPasskeyLogin(h, again.Body["challenge_id"], key.assert(t, options(t, again), portalRP))
		}},
		{"counter did not move", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			if r := finishPasskeyLogin(h, begin.Body["challenge_id"], key.assert(t, options(t, begin), portalRP)); r.Status != 200 {
				t.Fatalf("sign-in with counter %d: %d %s", key.cred.Counter, r.Status, r.Raw)
			}
			again := beginPasskeyLogin(t, h, "pk.victim", adminPassword)
			return finishPasskeyLogin(h, again.Body["challenge_id"], key.assert(t, options(t, again), portalRP))
		}},
		{"unknown challenge", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			return finishPasskeyLogin(h, "not-a-challenge", key.assert(t, options(t, begin), portalRP))
		}},
		{"not an assertion", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			return finishPasskeyLogin(h, begin.Body["challenge_id"], json.RawMessage(`{"id":"x","type":"public-key"}`))
		}},
	}
	for _, tc := range signIn {
		t.Run("sign-in/"+tc.name, func(t *testing.T) {
			begin := beginPasskeyLogin(t, h, "pk.victim", adminPassword)
			if begin.Status != 200 {
				t.Fatalf("begin: %d %s", begin.Status, begin.Raw)
			}
			// The authenticator keeps a counter: every assertion moves it up.
			key.cred.Counter++
			r := tc.finish(t, begin)
			if r.Status != 401 || r.ErrCode() != "invalid_passkey" || r.Body["token"] != nil {
				t.Fatalf("want 401 invalid_passkey, got %d %s", r.Status, r.Raw)
			}
			// A clean sign-in clears the failure count, so the cases do not add up to a lockout.
			key.cred.Counter++
			passkeyLogin(t, h, "pk.victim", adminPassword, key)
		})
	}

	register := []struct {
		name     string
		status   int
		code     string
		finish   func(t *testing.T, begin stacktest.Reply) stacktest.Reply
		register *softKey
	}{
		{"wrong origin", 400, "validation_failed", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			return h.Do("POST", "/v1/auth/mfa/passkeys/register/finish", map[string]any{"challenge_id": begin.Body["challenge_id"],
				"credential": newSoftKey().attest(t, options(t, begin), wrongOrigin)}, bearer(otherTok)...)
		}, nil},
		{"wrong RP ID", 400, "validation_failed", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			return h.Do("POST", "/v1/auth/mfa/passkeys/register/finish", map[string]any{"challenge_id": begin.Body["challenge_id"],
				"credential": newSoftKey().attest(t, options(t, begin), wrongRPID)}, bearer(otherTok)...)
		}, nil},
		{"replayed challenge", 409, "passkey_challenge_invalid", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			body := map[string]any{"challenge_id": begin.Body["challenge_id"], "credential": newSoftKey().attest(t, options(t, begin), portalRP)}
			if r := h.Do("POST", "/v1/auth/mfa/passkeys/register/finish", body, bearer(otherTok)...); r.Status != 201 {
				t.Fatalf("first use: %d %s", r.Status, r.Raw)
			}
			body["credential"] = newSoftKey().attest(t, options(t, begin), portalRP)
			return h.Do("POST", "/v1/auth/mfa/passkeys/register/finish", body, bearer(otherTok)...)
		}, nil},
		{"another login's challenge", 409, "passkey_challenge_invalid", func(t *testing.T, begin stacktest.Reply) stacktest.Reply {
			key.cred.Counter++
			victimTok := passkeyLogin(t, h, "pk.victim", adminPassword, key).Body["token"].(string)
			return h.Do("POST", "/v1/auth/mfa/passkeys/register/finish", map[string]any{"challenge_id": begin.Body["challenge_id"],
				"credential": newSoftKey().attest(t, options(t, begin), portalRP)}, bearer(victimTok)...)
		}, nil},
		{"the same authenticator twice", 409, "passkey_not_added", nil, otherKey},
	}
	for _, tc := range register {
		t.Run("register/"+tc.name, func(t *testing.T) {
			begin := h.Do("POST", "/v1/auth/mfa/passkeys/register/begin", nil, bearer(otherTok)...)
			if begin.Status != 200 {
				t.Fatalf("begin: %d %s", begin.Status, begin.Raw)
			}
			var r stacktest.Reply
			if tc.register != nil {
				r = h.Do("POST", "/v1/auth/mfa/passkeys/register/finish", map[string]any{"challenge_id": begin.Body["challenge_id"],
					"credential": tc.register.attest(t, options(t, begin), portalRP)}, bearer(otherTok)...)
			} else {
				r = tc.finish(t, begin)
			}
			if r.Status != tc.status || r.ErrCode() != tc.code {
				t.Fatalf("want %d %s, got %d %s", tc.status, tc.code, r.Status, r.Raw)
			}
		})
	}
}

func TestPasskeySignInCountsTowardTheLockout(t *testing.T) {
	h := stacktest.New(t)
	key := newSoftKey()
	newPasskeyAdmin(t, h, "Lockout Clinic", "320000004", "pk.locked", key)

	// Wrong passwords at begin get the same answer as POST /v1/auth/login.
	viaLogin := h.Do("POST", "/v1/auth/login", map[string]string{"username": "pk.nobody", "password": "not the password"})
	for _, user := range []string{"pk.nobody", "pk.locked"} {
		r := beginPasskeyLogin(t, h, user, "not the password")
		if r.Status != 401 || r.Raw != viaLogin.Raw {
			t.Fatalf("begin with a wrong password for %s: %d %s; login says %d %s", user, r.Status, r.Raw, viaLogin.Status, viaLogin.Raw)
		}
	}
	// One wrong password above, then wrong assertions up to the threshold.
	impostor := newSoftKey()
	for i := 1; i < account.MaxFailedLogins; i++ {
		begin := beginPasskeyLogin(t, h, "pk.locked", adminPassword)
		if begin.Status != 200 {
			t.Fatalf("begin %d: %d %s", i, begin.Status, begin.Raw)
		}
		impostor.cred.ID = key.cred.ID // claims the real credential id, signs with another key
		if r := finishPasskeyLogin(h, begin.Body["challenge_id"], impostor.assert(t, options(t, begin), portalRP)); r.Status != 401 || r.ErrCode() != "invalid_passkey" {
			t.Fatalf("forged assertion %d: %d %s", i, r.Status, r.Raw)
		}
	}
	if r := beginPasskeyLogin(t, h, "pk.locked", adminPassword); r.Status != 423 || r.ErrCode() != "account_locked" {
		t.Fatalf("after %d failures: %d %s", account.MaxFailedLogins, r.Status, r.Raw)
	}
}

// Two sign-ins that present the same counter in parallel (a cloned
// authenticator): the conditional update of the sign count lets one through.
func TestPasskeyParallelSignInsWithOneCounterValue(t *testing.T) {
	h := stacktest.New(t)
	key := newSoftKey()
	newPasskeyAdmin(t, h, "Clone Clinic", "320000005", "pk.clone", key)
	key.cred.Counter = 40
	const n = 4
	assertions := make([][2]any, n)
	for i := range assertions {
		begin := beginPasskeyLogin(t, h, "pk.clone", adminPassword)
		if begin.Status != 200 {
			t.Fatalf("begin %d: %d %s", i, begin.Status, begin.Raw)
		}
		assertions[i] = [2]any{begin.Body["challenge_id"], key.assert(t, options(t, begin), portalRP)}
	}
	replies := make([]stacktest.Reply, n)
	var wg sync.WaitGroup
	for i := range assertions {
		wg.Go(func() { replies[i] = finishPasskeyLogin(h, assertions[i][0], assertions[i][1].(json.RawMessage)) })
	}
	wg.Wait()
	ok := 0
	for _, r := range replies {
		switch {
		case r.Status == 200:
			ok++
		case r.Status != 401 || r.ErrCode() != "invalid_passkey":
			t.Fatalf("parallel finish: %d %s", r.Status, r.Raw)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d sign-ins with the same counter succeeded, want 1", ok, n)
	}
}
