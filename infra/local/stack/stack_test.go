package stack_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/internal/app"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// harness is the local stack in this process, on free ports, over a fresh table.
type harness struct {
	t  *testing.T
	st *stack.Stack
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	a := app.New(testenv.Config(t, testenv.NewTable(t)), testenv.AWSConfig(t), testenv.Logger(t))
	st, err := stack.Start(a, stack.Addrs{API: "127.0.0.1:0", Invoke: "127.0.0.1:0", Events: "127.0.0.1:0"}, testenv.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return &harness{t: t, st: st}
}

type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (r reply) errCode() string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (h *harness) do(method, path string, body any, headers ...string) reply {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		js, _ := json.Marshal(b)
		rd = bytes.NewReader(js)
	}
	req, _ := http.NewRequest(method, h.st.APIURL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := reply{status: res.StatusCode, header: res.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	if res.Header.Get("X-Request-Id") == "" {
		h.t.Errorf("%s %s: no X-Request-Id", method, path)
	}
	return r
}

func (h *harness) invoke(function string, payload any) (map[string]any, string) {
	h.t.Helper()
	js, _ := json.Marshal(payload)
	res, err := http.Post(h.st.InvokeURL+"/2015-03-31/functions/"+function+"/invocations", "application/json", bytes.NewReader(js))
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return out, res.Header.Get("X-Amz-Function-Error")
}

var inviteLink = regexp.MustCompile(`https://portal\.gatehouse\.test/v1/invites/([A-Za-z0-9_-]{43})`)

// createOrg creates an org through the ops function and returns its id and
// the invite token read from the emailed link.
func (h *harness) createOrg(name, tin, adminEmail string) (string, string) {
	h.t.Helper()
	out, fnErr := h.invoke("ops", map[string]any{
		"command": "CreateOrganization", "name": name, "tin": tin, "admin_email": adminEmail,
		"providers": []map[string]string{{"npi": "1234567893", "name": "Dr. Ada"}, {"npi": "1245319599", "name": "Dr. Grace"}},
	})
	if fnErr != "" || out["org_id"] == "" || out["invite_id"] == "" {
		h.t.Fatalf("CreateOrganization: %v %v", fnErr, out)
	}
	mails := testenv.Emails(h.t, adminEmail)
	if len(mails) != 1 {
		h.t.Fatalf("want one invite email for %s, got %d", adminEmail, len(mails))
	}
	m := inviteLink.FindStringSubmatch(mails[0].Body.Text)
	if m == nil || !strings.Contains(mails[0].Body.HTML, m[0]) {
		h.t.Fatalf("invite email has no link in text and html: %q", mails[0].Body.Text)
	}
	return out["org_id"].(string), m[1]
}

// TestFirstAdministratorSignsIn walks the walking skeleton end to end: ops
// creates an org, its administrator gets the email, accepts, signs in, sees /me.
func TestFirstAdministratorSignsIn(t *testing.T) {
	h := newHarness(t)
	if r := h.do("GET", "/v1/health", nil); r.status != 200 || r.body["status"] != "ok" {
		t.Fatalf("health: %d %s", r.status, r.raw)
	}
	email := testenv.UniqueEmail("first-admin")
	orgID, token := h.createOrg("Riverside Clinic", "11-2233445", email)

	view := h.do("GET", "/v1/invites/"+token, nil)
	if view.status != 200 || view.body["org_name"] != "Riverside Clinic" || view.body["email"] != email ||
		view.body["role"] != "site-admin" || view.body["scope"] != "org" || view.body["expires_at"] == nil {
		t.Fatalf("view invite: %d %s", view.status, view.raw)
	}

	weak := h.do("POST", "/v1/invites/"+token+"/accept", map[string]string{"username": "river.admin", "password": "short", "first_name": "Rita", "last_name": "River"})
	if fields, _ := weak.body["error"].(map[string]any)["fields"].(map[string]any); weak.status != 400 || fields["password"] == nil {
		t.Fatalf("weak password accepted or unexplained: %d %s", weak.status, weak.raw)
	}
	login := map[string]string{"username": "River.Admin", "password": "a long winding password", "first_name": "Rita", "last_name": "River"}
	acc := h.do("POST", "/v1/invites/"+token+"/accept", login)
	if acc.status != 201 {
		t.Fatalf("accept: %d %s", acc.status, acc.raw)
	}
	if again := h.do("POST", "/v1/invites/"+token+"/accept", login); again.status != 404 && again.status != 410 {
		t.Fatalf("second accept: %d %s", again.status, again.raw)
	}
	if again := h.do("GET", "/v1/invites/"+token, nil); again.status != 404 {
		t.Fatalf("used link still viewable: %d", again.status)
	}

	bad := h.do("POST", "/v1/auth/login", map[string]string{"username": "river.admin", "password": "wrong password here"})
	unknown := h.do("POST", "/v1/auth/login", map[string]string{"username": "nobody.here", "password": "wrong password here"})
	if bad.status != 401 || unknown.status != 401 || bad.errCode() != "invalid_credentials" || bad.body["error"].(map[string]any)["message"] != unknown.body["error"].(map[string]any)["message"] {
		t.Fatalf("wrong password vs unknown user differ: %s / %s", bad.raw, unknown.raw)
	}

	ok := h.do("POST", "/v1/auth/login", map[string]string{"username": "river.admin", "password": "a long winding password"})
	tok, _ := ok.body["token"].(string)
	if ok.status != 200 || len(tok) != 43 || ok.body["expires_at"] == nil {
		t.Fatalf("login: %d %s", ok.status, ok.raw)
	}
	me := h.do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok)
	ms, _ := me.body["memberships"].([]any)
	if me.status != 200 || len(ms) != 1 || me.body["active_org_id"] != orgID {
		t.Fatalf("me: %d %s", me.status, me.raw)
	}
	m := ms[0].(map[string]any)
	if m["org_id"] != orgID || m["org_name"] != "Riverside Clinic" || m["role"] != "site-admin" || m["scope"] != "org" {
		t.Fatalf("membership: %v", m)
	}
	if u := me.body["user"].(map[string]any); u["username"] != "river.admin" || u["email"] != email || u["password_hash"] != nil {
		t.Fatalf("user: %v", u)
	}

	if r := h.do("POST", "/v1/auth/logout", nil, "Authorization", "Bearer "+tok); r.status != 204 {
		t.Fatalf("logout: %d %s", r.status, r.raw)
	}
	if r := h.do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok); r.status != 401 || r.errCode() != "not_signed_in" {
		t.Fatalf("me after logout: %d %s", r.status, r.raw)
	}
}

func TestCookieSessionsNeedSameOriginForUnsafeRequests(t *testing.T) {
	h := newHarness(t)
	email := testenv.UniqueEmail("cookie")
	_, token := h.createOrg("Cookie Clinic", "223344556", email)
	h.do("POST", "/v1/invites/"+token+"/accept", map[string]string{"username": "cookie.admin", "password": "cookies are tasty indeed", "first_name": "C", "last_name": "K"})
	login := h.do("POST", "/v1/auth/login", map[string]string{"username": "cookie.admin", "password": "cookies are tasty indeed"})
	var cookie string
	for _, c := range login.header.Values("Set-Cookie") {
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
		t.Fatalf("no session cookie: %v", login.header)
	}
	if r := h.do("GET", "/v1/me", nil, "Cookie", cookie); r.status != 200 {
		t.Fatalf("me by cookie: %d %s", r.status, r.raw)
	}
	if r := h.do("POST", "/v1/auth/logout", nil, "Cookie", cookie, "Origin", "https://evil.example"); r.status != 403 || r.errCode() != "csrf_rejected" {
		t.Fatalf("cross-origin logout: %d %s", r.status, r.raw)
	}
	if r := h.do("POST", "/v1/auth/logout", nil, "Cookie", cookie); r.status != 403 {
		t.Fatalf("logout without Origin: %d %s", r.status, r.raw)
	}
	if r := h.do("POST", "/v1/auth/logout", nil, "Cookie", cookie, "Origin", "https://portal.gatehouse.test"); r.status != 204 {
		t.Fatalf("same-origin logout: %d %s", r.status, r.raw)
	}
	if r := h.do("GET", "/v1/me", nil, "Cookie", cookie); r.status != 401 {
		t.Fatalf("me after logout: %d", r.status)
	}
}

func TestBadInputNeverGives500(t *testing.T) {
	h := newHarness(t)
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
			r := h.do(tc.method, tc.path, tc.body, hdr...)
			if r.status != tc.status || r.errCode() != tc.code {
				t.Fatalf("got %d %s, want %d %s", r.status, r.raw, tc.status, tc.code)
			}
			if msg, _ := r.body["error"].(map[string]any)["message"].(string); msg == "" {
				t.Fatalf("error without a message: %s", r.raw)
			}
		})
	}
}

func TestOpsCommands(t *testing.T) {
	h := newHarness(t)
	orgID, _ := h.createOrg("Listed Clinic", "334455667", testenv.UniqueEmail("listed"))
	out, fnErr := h.invoke("ops", map[string]any{"command": "ListOrganizations"})
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
			out, fnErr := h.invoke("ops", tc.payload)
			if fnErr != "Unhandled" || out["errorType"] != "CommandError" || !strings.Contains(out["errorMessage"].(string), `"code":"`+tc.want+`"`) {
				t.Fatalf("got %s %v, want CommandError %s", fnErr, out, tc.want)
			}
		})
	}
	if res, _ := http.Post(h.st.InvokeURL+"/2015-03-31/functions/nope/invocations", "application/json", nil); res.StatusCode != 404 {
		t.Fatalf("unknown function: %d", res.StatusCode)
	}
}

func TestUsernameIsUniqueAcrossOrgs(t *testing.T) {
	h := newHarness(t)
	_, t1 := h.createOrg("North Clinic", "445566778", testenv.UniqueEmail("north"))
	_, t2 := h.createOrg("South Clinic", "556677889", testenv.UniqueEmail("south"))
	body := map[string]string{"username": "same.name", "password": "a perfectly long password", "first_name": "S", "last_name": "N"}
	if r := h.do("POST", "/v1/invites/"+t1+"/accept", body); r.status != 201 {
		t.Fatalf("first: %d %s", r.status, r.raw)
	}
	body["username"] = "SAME.NAME"
	if r := h.do("POST", "/v1/invites/"+t2+"/accept", body); r.status != 409 || r.errCode() != "username_taken" {
		t.Fatalf("second: %d %s", r.status, r.raw)
	}
	body["username"] = "other.name"
	if r := h.do("POST", "/v1/invites/"+t2+"/accept", body); r.status != 201 {
		t.Fatalf("the link must survive a taken username: %d %s", r.status, r.raw)
	}
}
