package stack_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestFirstAdministratorSignsIn walks the walking skeleton end to end: ops
// creates an org, its administrator gets the email, accepts, signs in, sees /me.
func TestFirstAdministratorSignsIn(t *testing.T) {
	h := stacktest.New(t)
	if r := h.Do("GET", "/v1/health", nil); r.Status != 200 || r.Body["status"] != "ok" {
		t.Fatalf("health: %d %s", r.Status, r.Raw)
	}
	email := testenv.UniqueEmail("first-admin")
	orgID, token := h.CreateOrg("Riverside Clinic", "11-2233445", email)

	view := h.Do("GET", "/v1/invites/"+token, nil)
	if view.Status != 200 || view.Body["org_name"] != "Riverside Clinic" || view.Body["email"] != email ||
		view.Body["role"] != "site-admin" || view.Body["scope"] != "org" || view.Body["expires_at"] == nil {
		t.Fatalf("view invite: %d %s", view.Status, view.Raw)
	}

	weak := h.Do("POST", "/v1/invites/"+token+"/accept", map[string]string{"username": "river.admin", "password": "short", "first_name": "Rita", "last_name": "River"})
	if fields, _ := weak.Body["error"].(map[string]any)["fields"].(map[string]any); weak.Status != 400 || fields["password"] == nil {
		t.Fatalf("weak password accepted or unexplained: %d %s", weak.Status, weak.Raw)
	}
	login := map[string]string{"username": "River.Admin", "password": "a long winding password", "first_name": "Rita", "last_name": "River"}
	acc := h.Do("POST", "/v1/invites/"+token+"/accept", login)
	if acc.Status != 201 {
		t.Fatalf("accept: %d %s", acc.Status, acc.Raw)
	}
	if again := h.Do("POST", "/v1/invites/"+token+"/accept", login); again.Status != 404 && again.Status != 410 {
		t.Fatalf("second accept: %d %s", again.Status, again.Raw)
	}
	if again := h.Do("GET", "/v1/invites/"+token, nil); again.Status != 404 {
		t.Fatalf("used link still viewable: %d", again.Status)
	}

	bad := h.Do("POST", "/v1/auth/login", map[string]string{"username": "river.admin", "password": "wrong password here"})
	unknown := h.Do("POST", "/v1/auth/login", map[string]string{"username": "nobody.here", "password": "wrong password here"})
	if bad.Status != 401 || unknown.Status != 401 || bad.ErrCode() != "invalid_credentials" || bad.Body["error"].(map[string]any)["message"] != unknown.Body["error"].(map[string]any)["message"] {
		t.Fatalf("wrong password vs unknown user differ: %s / %s", bad.Raw, unknown.Raw)
	}

	ok := h.Do("POST", "/v1/auth/login", map[string]string{"username": "river.admin", "password": "a long winding password"})
	tok, _ := ok.Body["token"].(string)
	if ok.Status != 200 || len(tok) != 43 || ok.Body["expires_at"] == nil {
		t.Fatalf("login: %d %s", ok.Status, ok.Raw)
	}
	me := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok)
	ms, _ := me.Body["memberships"].([]any)
	if me.Status != 200 || len(ms) != 1 || me.Body["active_org_id"] != orgID {
		t.Fatalf("me: %d %s", me.Status, me.Raw)
	}
	m := ms[0].(map[string]any)
	if m["org_id"] != orgID || m["org_name"] != "Riverside Clinic" || m["role"] != "site-admin" || m["scope"] != "org" {
		t.Fatalf("membership: %v", m)
	}
	if u := me.Body["user"].(map[string]any); u["username"] != "river.admin" || u["email"] != email || u["password_hash"] != nil {
		t.Fatalf("user: %v", u)
	}

	if r := h.Do("POST", "/v1/auth/logout", nil, "Authorization", "Bearer "+tok); r.Status != 204 {
		t.Fatalf("logout: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok); r.Status != 401 || r.ErrCode() != "not_signed_in" {
		t.Fatalf("me after logout: %d %s", r.Status, r.Raw)
	}
}

func TestCookieSessionsNeedSameOriginForUnsafeRequests(t *testing.T) {
	h := stacktest.New(t)
	email := testenv.UniqueEmail("cookie")
	_, token := h.CreateOrg("Cookie Clinic", "223344556", email)
	h.Do("POST", "/v1/invites/"+token+"/accept", map[string]string{"username": "cookie.admin", "password": "cookies are tasty indeed", "first_name": "C", "last_name": "K"})
	login := h.Do("POST", "/v1/auth/login", map[string]string{"username": "cookie.admin", "password": "cookies are tasty indeed"})
	var cookie string
	for _, c := range login.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "__Host-gatehouse_session=") {
			cookie = strings.SplitN(c, ";", 2)[0]
			for _, attr := range []string{"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(c, attr) {
					t.Errorf("session cookie lacks %s: %s", attr, c)
				}
			}
		}
	}
	if cookie == "" {
		t.Fatalf("no session cookie: %v", login.Header)
	}
	if r := h.Do("GET", "/v1/me", nil, "Cookie", cookie); r.Status != 200 {
		t.Fatalf("me by cookie: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("POST", "/v1/auth/logout", nil, "Cookie", cookie, "Origin", "https://evil.example"); r.Status != 403 || r.ErrCode() != "csrf_rejected" {
		t.Fatalf("cross-origin logout: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("POST", "/v1/auth/logout", nil, "Cookie", cookie); r.Status != 403 {
		t.Fatalf("logout without Origin: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("POST", "/v1/auth/logout", nil, "Cookie", cookie, "Origin", "https://portal.gatehouse.test"); r.Status != 204 {
		t.Fatalf("same-origin logout: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("GET", "/v1/me", nil, "Cookie", cookie); r.Status != 401 {
		t.Fatalf("me after logout: %d", r.Status)
	}
}

func TestBadInputNeverGives500(t *testing.T) {
	h := stacktest.New(t)
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"malformed json", "POST", "/v1/auth/login", `{"username":`, 400, "malformed_json"},
		{"wrong type", "POST", "/v1/auth/login", `{"username": 5}`, 400, "validation_failed"},
		{"trailing data", "POST", "/v1/auth/login", `{} {}`, 400, "malformed_json"},
		{"oversized body", "POST", "/v1/auth/login", `{"username":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "body_too_large"},
		{"empty login", "POST", "/v1/auth/login", `{}`, 401, "invalid_credentials"},
		{"unknown route", "GET", "/v1/nope", nil, 404, "not_found"},
		{"unknown invite", "GET", "/v1/invites/abc", nil, 404, "invite_not_found"},
		{"accept unknown invite", "POST", "/v1/invites/abc/accept", `{}`, 404, "invite_not_found"},
		{"me without session", "GET", "/v1/me", nil, 401, "not_signed_in"},
		{"bearer garbage", "GET", "/v1/me", nil, 401, "not_signed_in"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.name == "bearer garbage" {
				hdr = []string{"Authorization", "Bearer not-a-token"}
			}
			r := h.Do(tc.method, tc.path, tc.body, hdr...)
			if r.Status != tc.status || r.ErrCode() != tc.code {
				t.Fatalf("got %d %s, want %d %s", r.Status, r.Raw, tc.status, tc.code)
			}
			if msg, _ := r.Body["error"].(map[string]any)["message"].(string); msg == "" {
				t.Fatalf("error without a message: %s", r.Raw)
			}
		})
	}
}

func TestOpsCommands(t *testing.T) {
	h := stacktest.New(t)
	orgID, _ := h.CreateOrg("Listed Clinic", "334455667", testenv.UniqueEmail("listed"))
	out, fnErr := h.Invoke("ops", map[string]any{"command": "ListOrganizations"})
	items, _ := out["items"].([]any)
	if fnErr != "" || len(items) != 1 || items[0].(map[string]any)["org_id"] != orgID {
		t.Fatalf("ListOrganizations: %s %v", fnErr, out)
	}
	tests := []struct {
		name    string
		payload any
		want    string
	}{
		{"unknown command", map[string]any{"command": "DropTable"}, "unknown_command"},
		{"duplicate TIN", map[string]any{"command": "CreateOrganization", "name": "Again", "tin": "334455667"}, "tin_taken"},
		{"bad NPI", map[string]any{"command": "CreateOrganization", "name": "X", "tin": "998877665", "providers": []map[string]string{{"npi": "1234567890", "name": "Dr"}}}, "validation_failed"},
		{"bad admin email", map[string]any{"command": "CreateOrganization", "name": "X", "tin": "998877665", "admin_email": "nope"}, "validation_failed"},
		{"typo in field", map[string]any{"command": "CreateOrganization", "nmae": "X", "tin": "998877665"}, "invalid_command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, fnErr := h.Invoke("ops", tc.payload)
			if fnErr != "Unhandled" || out["errorType"] != "CommandError" || !strings.Contains(out["errorMessage"].(string), `"code":"`+tc.want+`"`) {
				t.Fatalf("got %s %v, want CommandError %s", fnErr, out, tc.want)
			}
		})
	}
	if res, _ := http.Post(h.Stack.InvokeURL+"/2015-03-31/functions/nope/invocations", "application/json", nil); res.StatusCode != 404 {
		t.Fatalf("unknown function: %d", res.StatusCode)
	}
}

func TestUsernameIsUniqueAcrossOrgs(t *testing.T) {
	h := stacktest.New(t)
	_, t1 := h.CreateOrg("North Clinic", "445566778", testenv.UniqueEmail("north"))
	_, t2 := h.CreateOrg("South Clinic", "556677889", testenv.UniqueEmail("south"))
	body := map[string]string{"username": "same.name", "password": "a perfectly long password", "first_name": "S", "last_name": "N"}
	if r := h.Do("POST", "/v1/invites/"+t1+"/accept", body); r.Status != 201 {
		t.Fatalf("first: %d %s", r.Status, r.Raw)
	}
	body["username"] = "SAME.NAME"
	if r := h.Do("POST", "/v1/invites/"+t2+"/accept", body); r.Status != 409 || r.ErrCode() != "username_taken" {
		t.Fatalf("second: %d %s", r.Status, r.Raw)
	}
	body["username"] = "other.name"
	if r := h.Do("POST", "/v1/invites/"+t2+"/accept", body); r.Status != 201 {
		t.Fatalf("the link must survive a taken username: %d %s", r.Status, r.Raw)
	}
}

// The cost of the two hottest requests in DynamoDB calls: a sign-in is a Get
// of the username, a Query of the user's partition and a transaction that
// puts the session only if the account is still unlocked (and the TOTP step unused);
// a signed-in request is a Get of the session and a Query of the user.
func TestDynamoDBCallsPerRequest(t *testing.T) {
	h := stacktest.New(t)
	_, tok := h.NewAdminOrg("Count Clinic", "667788990", "count.admin")
	tests := []struct {
		name  string
		do    func() stacktest.Reply
		calls int
	}{
		{"login", func() stacktest.Reply {
			// A site administrator has TOTP on (F20): the harness enrolled it.
			// The two rate-limit checks (address, username) are one UpdateItem each.
			return h.Do("POST", "/v1/auth/login", map[string]string{"username": "count.admin", "password": "a long admin passphrase", "otp": h.OTP("count.admin")})
		}, 5},
		{"me", func() stacktest.Reply { return h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok) }, 2},
		{"health", func() stacktest.Reply { return h.Do("GET", "/v1/health", nil) }, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.Calls.Reset()
			if r := tc.do(); r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			if got := h.Calls.Service("DynamoDB"); got != tc.calls {
				t.Fatalf("%d DynamoDB calls (%s), want %d", got, h.Calls, tc.calls)
			}
		})
	}
}
