// Package stacktest drives the local stack from tests: the HTTP API and the
// Lambda Invoke API in this process, over a fresh table in DynamoDB Local.
package stacktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/internal/app"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// Harness is the local stack in this process, on free ports, over a fresh
// table: tests drive it through the HTTP API and the Lambda Invoke API.
type Harness struct {
	T     *testing.T
	Stack *stack.Stack
	App   *app.App
	// Calls counts the AWS calls the app makes (DynamoDB, SES, …).
	Calls *testenv.Calls

	mu   sync.Mutex
	mfa  map[string]*mfaLogin // by username: logins the harness enrolled in TOTP
	logs *logBuffer
}

// mfaLogin is what the harness keeps to sign a TOTP-enrolled login in again.
type mfaLogin struct {
	secret   string
	lastStep int64    // codes are single-use: the harness never reuses a step
	recovery []string // spent when both usable steps are used
}

// New starts a harness; cfg, when given, adjusts the configuration first.
func New(t *testing.T, adjust ...func(*config.Config)) *Harness {
	t.Helper()
	cfg := testenv.Config(t, testenv.NewTable(t))
	for _, f := range adjust {
		f(&cfg)
	}
	return start(t, cfg, testenv.AWSConfig(t))
}

// NewOn starts a harness whose app uses awsCfg (e.g. a DynamoDB Local of
// the test's own, which it may pause) and the table named in cfg.
func NewOn(t *testing.T, cfg config.Config, awsCfg aws.Config) *Harness {
	t.Helper()
	return start(t, cfg, awsCfg)
}

// Limit is a New option that changes one rate limit of the defaults (a
// test that repeats one request more than a person would).
func Limit(name throttle.Name, l throttle.Limit) func(*config.Config) {
	return func(c *config.Config) {
		if c.Limits == nil {
			c.Limits = throttle.Defaults
		}
		c.Limits = c.Limits.With(name, l)
	}
}

// NewPortal starts a harness whose portal base URL is its own API address
// (http://localhost:<port>), so a browser can follow emailed links, and the
// origin checks and WebAuthn see the host the browser uses.
func NewPortal(t *testing.T, adjust ...func(*config.Config)) *Harness {
	t.Helper()
	cfg := testenv.Config(t, testenv.NewTable(t))
	addr := portalAddr(t, &cfg)
	for _, f := range adjust {
		f(&cfg)
	}
	return startAt(t, cfg, testenv.AWSConfig(t), addr)
}

// portalAddr picks a free loopback port for the API and points the portal's
// base URL at it.
func portalAddr(t *testing.T, cfg *config.Config) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	cfg.BaseURL = &url.URL{Scheme: "http", Host: fmt.Sprintf("localhost:%d", port)}
	return fmt.Sprintf("127.0.0.1:%d", port)
}

// start runs the app of cfg behind the local front doors on free ports.
func start(t *testing.T, cfg config.Config, awsCfg aws.Config) *Harness {
	return startAt(t, cfg, awsCfg, "127.0.0.1:0")
}

func startAt(t *testing.T, cfg config.Config, awsCfg aws.Config, apiAddr string) *Harness {
	t.Helper()
	calls := testenv.CountCalls(&awsCfg)
	logs := &logBuffer{}
	a := app.New(cfg, awsCfg, logging.New(io.MultiWriter(testenv.LogWriter(t), logs), "debug"))
	st, err := stack.Start(a, stack.Addrs{API: apiAddr, Invoke: "127.0.0.1:0", Events: "127.0.0.1:0"}, testenv.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return &Harness{T: t, Stack: st, App: a, Calls: calls, logs: logs, mfa: map[string]*mfaLogin{}}
}

// Logs returns every log line the app has written so far (JSON lines).
func (h *Harness) Logs() string { return h.logs.String() }

// logBuffer keeps the app's log lines; requests log from many goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Reply is an HTTP answer with its JSON body decoded.
type Reply struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// ErrCode is the error code of an error reply.
func (r Reply) ErrCode() string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// Field is the error's message for one field.
func (r Reply) Field(name string) string {
	e, _ := r.Body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	s, _ := f[name].(string)
	return s
}

// Do sends a request to the API; body is a string (sent as is) or a value
// (sent as JSON); headers are name, value pairs.
func (h *Harness) Do(method, path string, body any, headers ...string) Reply {
	h.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		js, _ := json.Marshal(b)
		rd = bytes.NewReader(js)
	}
	req, _ := http.NewRequest(method, h.Stack.APIURL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.T.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := Reply{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &r.Body)
	if res.Header.Get("X-Request-Id") == "" {
		h.T.Errorf("%s %s: no X-Request-Id", method, path)
	}
	return r
}

// Invoke calls a function through the Lambda Invoke API; it returns the
// decoded result and the X-Amz-Function-Error header.
func (h *Harness) Invoke(function string, payload any) (map[string]any, string) {
	h.T.Helper()
	js, _ := json.Marshal(payload)
	res, err := http.Post(h.Stack.InvokeURL+"/2015-03-31/functions/"+function+"/invocations", "application/json", bytes.NewReader(js))
	if err != nil {
		h.T.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return out, res.Header.Get("X-Amz-Function-Error")
}

// InviteLink finds an invite link in an email.
var InviteLink = regexp.MustCompile(`https?://[^/\s]+/invites/([A-Za-z0-9_-]{43})`)

// CreateOrg creates an org (with the demo providers 1234567893 and
// 1245319599) through the ops function and returns its id and the invite
// token read from the emailed link.
func (h *Harness) CreateOrg(name, tin, adminEmail string) (string, string) {
	h.T.Helper()
	out, fnErr := h.Invoke("ops", map[string]any{
		"command": "CreateOrganization", "name": name, "tin": tin, "admin_email": adminEmail,
		"providers": []map[string]string{{"npi": "1234567893", "name": "Dr. Ada"}, {"npi": "1245319599", "name": "Dr. Grace"}},
	})
	if fnErr != "" || out["org_id"] == "" || out["invite_id"] == "" {
		h.T.Fatalf("CreateOrganization: %v %v", fnErr, out)
	}
	mails := testenv.Emails(h.T, adminEmail)
	if len(mails) != 1 {
		h.T.Fatalf("want one invite email for %s, got %d", adminEmail, len(mails))
	}
	m := InviteLink.FindStringSubmatch(mails[0].Body.Text)
	if m == nil || !strings.Contains(mails[0].Body.HTML, m[0]) {
		h.T.Fatalf("invite email has no link in text and html: %q", mails[0].Body.Text)
	}
	return out["org_id"].(string), m[1]
}

// SignUp accepts an invite token as a new login and signs it in; it returns
// the bearer token.
func (h *Harness) SignUp(inviteToken, username, password string) string {
	h.T.Helper()
	r := h.Do("POST", "/v1/invites/"+inviteToken+"/accept", map[string]string{"username": username, "password": password, "first_name": "Test", "last_name": "Person"})
	if r.Status != 201 {
		h.T.Fatalf("accept invite as %s: %d %s", username, r.Status, r.Raw)
	}
	return h.Login(username, password)
}

// Login signs in and returns the bearer token. A login the harness enrolled
// in TOTP gets its code; a login that must enrol a second factor before it
// may act (site administrators, F20) is enrolled first, so tests of other
// features get a token that can act.
func (h *Harness) Login(username, password string) string {
	h.T.Helper()
	body := map[string]string{"username": username, "password": password}
	if otp := h.OTP(username); otp != "" {
		body["otp"] = otp
	}
	r := h.Do("POST", "/v1/auth/login", body)
	tok, _ := r.Body["token"].(string)
	if r.Status != 200 || tok == "" {
		h.T.Fatalf("login as %s: %d %s", username, r.Status, r.Raw)
	}
	if r.Body["mfa_required"] == true {
		h.EnrolTOTP(username, tok)
	}
	return tok
}

// EnrolTOTP enrols the signed-in login in TOTP and keeps its secret and
// recovery codes for later sign-ins; it returns the recovery codes.
func (h *Harness) EnrolTOTP(username, token string) []string {
	h.T.Helper()
	start := h.Do("POST", "/v1/auth/mfa/totp", nil, "Authorization", "Bearer "+token)
	secret, _ := start.Body["secret"].(string)
	if start.Status != 200 || secret == "" {
		h.T.Fatalf("start TOTP for %s: %d %s", username, start.Status, start.Raw)
	}
	step := time.Now().Unix() / 30
	code, err := totp.GenerateCodeCustom(secret, time.Unix(step*30, 0), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		h.T.Fatal(err)
	}
	v := h.Do("POST", "/v1/auth/mfa/totp/verify", map[string]string{"otp": code}, "Authorization", "Bearer "+token)
	raw, _ := v.Body["recovery_codes"].([]any)
	if v.Status != 200 || len(raw) != 10 {
		h.T.Fatalf("verify TOTP for %s: %d %s", username, v.Status, v.Raw)
	}
	codes := make([]string, 0, len(raw))
	for _, c := range raw {
		codes = append(codes, c.(string))
	}
	h.mu.Lock()
	h.mfa[strings.ToLower(username)] = &mfaLogin{secret: secret, lastStep: step, recovery: append([]string(nil), codes...)}
	h.mu.Unlock()
	return codes
}

// TOTPSecret is the secret of a login the harness enrolled ("" if none).
func (h *Harness) TOTPSecret(username string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m := h.mfa[strings.ToLower(username)]; m != nil {
		return m.secret
	}
	return ""
}

// OTP returns an unused second factor for a login the harness enrolled: the
// code of the current or next time step, else a recovery code ("" if the
// login is not enrolled).
func (h *Harness) OTP(username string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := h.mfa[strings.ToLower(username)]
	if m == nil {
		return ""
	}
	now := time.Now().Unix() / 30
	for step := now; step <= now+1; step++ {
		if step > m.lastStep {
			m.lastStep = step
			code, _ := totp.GenerateCodeCustom(m.secret, time.Unix(step*30, 0), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			return code
		}
	}
	if len(m.recovery) == 0 {
		h.T.Fatalf("harness: no unused second factor left for %s", username)
	}
	code := m.recovery[0]
	m.recovery = m.recovery[1:]
	return code
}

// NewAdminOrg creates an org whose first site administrator has signed in;
// it returns the org id and the administrator's bearer token.
func (h *Harness) NewAdminOrg(name, tin, username string) (string, string) {
	h.T.Helper()
	orgID, tok := h.CreateOrg(name, tin, testenv.UniqueEmail(username))
	return orgID, h.SignUp(tok, username, "a long admin passphrase")
}
