package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"net/http"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/web"
	"github.com/gatehouse-dev/gatehouse/internal/web/form"
)

// forgotAnswer is the one answer to "Forgot password", whoever was named.
const forgotAnswer = "If an account matches, we have emailed it a link to set a new password. The link works for one hour."

// ForgotShow is GET /password/forgot.
func (x *Pages) ForgotShow(w http.ResponseWriter, r *http.Request) error {
	page := web.Page{Title: "Forgot password", Form: form.Forgot{}}
	if r.URL.Query().Get("sent") != "" {
		page.Notice = forgotAnswer
	}
	return x.view.Render(w, r, "forgot", page)
}

// ForgotSubmit is POST /password/forgot: the same as POST
// /v1/auth/password/forgot, and the same answer for every name.
func (x *Pages) ForgotSubmit(w http.ResponseWriter, r *http.Request) error {
	f := form.NewForgot(r)
	if e := problems(f.Validate()); e != nil {
		return x.view.Render(w, r, "forgot", web.Page{Title: "Forgot password", Form: f, Errors: *e, Status: http.StatusBadRequest})
	}
	username, email := f.Who, ""
	if strings.Contains(f.Who, "@") {
		username, email = "", f.Who
	}
	if err := x.auth.Forgot(r.Context(), httpapi.ClientAddress(r), username, email); err != nil {
		return err
	}
	return web.Redirect(w, r, "/password/forgot?sent=1")
}
