package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sort"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// CSRFCookie holds the page forms' CSRF token (double submit). The __Host-
// prefix keeps subdomains from planting one; forms also pass the origin check.
const CSRFCookie = "__Host-gatehouse_csrf"

// CSRFField is the hidden form field carrying the token.
const CSRFField = "csrf_token"

// ErrCSRF refuses a form that did not come from the portal's own page.
var ErrCSRF = fault.Forbidden("csrf_rejected", "This form has expired or did not come from the portal's own pages. Reload the page and try again.")

// CSRFToken returns the token of the browser's CSRF cookie, setting a new
// one when there is none.
func CSRFToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(CSRFCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: CSRFCookie, Value: tok, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	// Requests later in this response's handling (a re-rendered form) see it too.
	r.AddCookie(&http.Cookie{Name: CSRFCookie, Value: tok})
	return tok
}

// checkCSRF accepts a form post only from the portal's origin and with the
// token of the browser's CSRF cookie.
func (r *Renderer) checkCSRF(req *http.Request) error {
	if o := req.Header.Get("Origin"); o != "" && o != r.origin {
		return ErrCSRF
	}
	if req.Header.Get("Origin") == "" && req.Header.Get("Sec-Fetch-Site") != "" && req.Header.Get("Sec-Fetch-Site") != "same-origin" {
		return ErrCSRF
	}
	c, err := req.Cookie(CSRFCookie)
	if err != nil || c.Value == "" {
		return ErrCSRF
	}
	if err := req.ParseForm(); err != nil {
		return fault.Invalid("malformed_form", "The form could not be read.")
	}
	if subtle.ConstantTimeCompare([]byte(c.Value), []byte(req.PostForm.Get(CSRFField))) != 1 {
		return ErrCSRF
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
