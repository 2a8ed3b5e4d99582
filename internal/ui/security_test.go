package ui_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/web/browsertest"
)

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestPagesRefuseForgedFormsAndCarryTheirHeaders attacks the page edge: forms
// without the CSRF token or from another origin, framing, inline script,
// signed-out pages, and dead links; and checks every answer is a page, never JSON.
func TestPagesRefuseForgedFormsAndCarryTheirHeaders(t *testing.T) {
	h := stacktest.NewPortal(t)
	base := h.App.Config.BaseURL.String()
	origin := base

	res, err := noRedirect.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if res.Header.Get("X-Frame-Options") != "DENY" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("headers %v", res.Header)
	}
	var csrf *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "__Host-gatehouse_csrf" {
			csrf = c
		}
	}
	if csrf == nil || !csrf.Secure || !csrf.HttpOnly || csrf.Path != "/" {
		t.Fatalf("CSRF cookie %v", csrf)
	}

	login := url.Values{"username": {"someone"}, "password": {"whatever it is"}}
	tests := []struct {
		name     string
		method   string
		path     string
		form     url.Values
		token    string // the csrf_token field
		cookie   bool   // send the CSRF cookie
		origin   string
		status   int
		location string // for redirects
		says     string
	}{
		{"form without token", "POST", "/login", login, "", true, origin, 403, "", "did not come from the portal"},
		{"form with another token", "POST", "/login", login, strings.Repeat("x", 43), true, origin, 403, "", "did not come from the portal"},
		{"form without cookie", "POST", "/login", login, csrf.Value, false, origin, 403, "", "did not come from the portal"},
		{"form from another origin", "POST", "/login", login, csrf.Value, true, "https://evil.example", 403, "", "did not come from the portal"},
		{"good form, wrong password", "POST", "/login", login, csrf.Value, true, origin, 401, "", "The username or password is not correct."},
		{"signed-out account page", "GET", "/account", nil, "", false, "", 303, "/login?next=%2Faccount", ""},
		{"signed-out home", "GET", "/", nil, "", false, "", 303, "/login", ""},
		{"signed-out sign out", "POST", "/logout", url.Values{}, csrf.Value, true, origin, 303, "/login", ""},
		{"dead invite link", "GET", "/invites/not-a-token", nil, "", false, "", 404, "", "This link or page is not available"},
		{"dead reset link", "GET", "/password/reset?token=nope", nil, "", false, "", 404, "", "This link or page is not available"},
		{"dead set-up link", "GET", "/setup?token=nope", nil, "", false, "", 404, "", "This link or page is not available"},
		{"dead verification link", "GET", "/registrations/verify?token=nope", nil, "", false, "", 404, "", "This link or page is not available"},
		{"open redirect after sign-in page", "GET", "/login?next=//evil.example/", nil, "", false, "", 200, "", "Sign in"},
		{"asset outside the folder", "GET", "/assets/..%2Fweb.go", nil, "", false, "", 404, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.form != nil {
				f := url.Values{}
				for k, v := range tc.form {
					f[k] = v
				}
				if tc.token != "" {
					f.Set("csrf_token", tc.token)
				}
				body = strings.NewReader(f.Encode())
			}
			req, _ := http.NewRequest(tc.method, base+tc.path, body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			if tc.cookie {
				req.AddCookie(&http.Cookie{Name: csrf.Name, Value: csrf.Value})
			}
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, raw)
			}
			if tc.location != "" && res.Header.Get("Location") != tc.location {
				t.Fatalf("Location %q, want %q", res.Header.Get("Location"), tc.location)
			}
			if tc.says != "" && !strings.Contains(string(raw), tc.says) {
				t.Fatalf("page does not say %q: %s", tc.says, raw)
			}
			if strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
				t.Fatalf("a page answered JSON: %s", raw)
			}
			if strings.Contains(tc.path, "evil") && strings.Contains(string(raw), "evil.example") {
				t.Fatalf("the sign-in page carries a foreign next: %s", raw)
			}
		})
	}
}

// TestAxeCheckFindsViolations proves the accessibility check can fail: a
// page with an unlabelled field and an image without alt text is reported.
func TestAxeCheckFindsViolations(t *testing.T) {
	b := browsertest.New(t)
	b.Load(`data:text/html,<!doctype html><html><head><title>x</title></head><body><main><img src="data:image/png;base64,iVBORw0KGgo="><input type="text"></main></body></html>`)
	found := strings.Join(b.Violations(), "\n")
	for _, rule := range []string{"image-alt", "label"} {
		if !strings.Contains(found, rule) {
			t.Errorf("axe-core did not report %s: %s", rule, found)
		}
	}
}
