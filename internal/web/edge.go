package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// contentSecurityPolicy allows only the portal's own stylesheet, scripts
// and images (the QR code is a data: PNG); no inline script, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Paths the page edge sends people to.
const (
	LoginPath     = "/login"
	HomePath      = "/"
	PasswordPath  = "/account/password"
	TwoFactorPath = "/account/two-factor"
)

// Wrap is the page edge of one page route, around the guarded handler: the
// security headers, the CSRF check of every POST, and the one mapping from
// a refusal to what a person sees (a redirect to sign in, to the forced
// password change or to two-factor enrolment, or an error page in the
// API's words; never JSON, never a stack trace).
//
// A page open to everyone (route.OptionalSession) treats a stale session as
// none: it clears the cookie and serves the page signed out.
func (r *Renderer) Wrap(rt route.Route, h httpapi.HandlerFunc, guard httpapi.Guard) httpapi.HandlerFunc {
	guarded := guard(rt, h)
	return func(w http.ResponseWriter, req *http.Request) error {
		head := w.Header()
		head.Set("Content-Security-Policy", contentSecurityPolicy)
		head.Set("X-Frame-Options", "DENY")
		head.Set("Referrer-Policy", "same-origin")
		head.Set("Cross-Origin-Opener-Policy", "same-origin")
		err := error(nil)
		if rt.Writes() {
			err = r.checkCSRF(req)
		}
		if err == nil {
			err = guarded(w, req)
		}
		if fault.Is(err, "not_signed_in") {
			http.SetCookie(w, auth.SessionCookie("", time.Unix(0, 0)))
			if rt.Access == route.OptionalSession {
				err = h(w, req)
			}
		}
		if err == nil {
			return nil
		}
		return r.fail(w, req, err)
	}
}

// fail answers a refused page request.
func (r *Renderer) fail(w http.ResponseWriter, req *http.Request, err error) error {
	switch {
	case fault.Is(err, "not_signed_in"):
		to := LoginPath
		if req.Method == http.MethodGet && req.URL.Path != HomePath {
			to += "?" + url.Values{"next": {req.URL.RequestURI()}}.Encode()
		}
		return Redirect(w, req, to)
	case fault.Is(err, "password_change_required"):
		return Redirect(w, req, PasswordPath)
	case fault.Is(err, "mfa_enrolment_required"):
		return Redirect(w, req, TwoFactorPath)
	}
	status := httpapi.Status(err)
	e, ok := ErrorsOf(err)
	if !ok {
		// Internal: the edge's error writer logs it; the person sees a calm page.
		r.log.ErrorContext(req.Context(), "page failed", "path", req.URL.Path, "status", status, "error", err.Error())
		e = Errors{Message: "Something went wrong on our side; it has been logged. Please try again."}
		if status == http.StatusServiceUnavailable {
			e.Message = "A service Gatehouse depends on is unavailable; try again shortly."
		}
	}
	return r.Render(w, req, "error", Page{Title: titleOf(status), Errors: e, Status: status})
}

func titleOf(status int) string {
	switch status {
	case http.StatusNotFound, http.StatusGone:
		return "This link or page is not available"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusTooManyRequests:
		return "Too many attempts"
	}
	if status >= 500 {
		return "Something went wrong"
	}
	return "This did not work"
}
