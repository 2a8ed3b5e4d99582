package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/web"
	"github.com/gatehouse-dev/gatehouse/internal/web/form"
)

// passwordData says whether the change is the one a temporary password forces.
type passwordData struct{ Forced bool }

// PasswordShow is GET /account/password; a temporary password (F4, F14, F17)
// is sent here after sign-in until it is changed.
func (x *Pages) PasswordShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "Change password")
	page.Data = passwordData{Forced: c.User.PasswordChangeRequired}
	return x.view.Render(w, r, "password", page)
}

// PasswordSubmit is POST /account/password: the same as POST /v1/auth/password.
func (x *Pages) PasswordSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "Change password")
	page.Data, page.Status = passwordData{Forced: c.User.PasswordChangeRequired}, http.StatusBadRequest
	f := form.NewChangePassword(r)
	if e := problems(f.Validate()); e != nil {
		page.Errors = *e
		return x.view.Render(w, r, "password", page)
	}
	if err := x.auth.ChangePassword(r.Context(), c, f.CurrentPassword, f.NewPassword); err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page.Errors, page.Status = e, status
		return x.view.Render(w, r, "password", page)
	}
	if c.User.PasswordChangeRequired {
		// The guard sends a login that must enrol a second factor on from home.
		return web.Redirect(w, r, web.HomePath+"?notice=password-changed")
	}
	return web.Redirect(w, r, "/account?notice=password-changed")
}
