package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/web"
	"github.com/gatehouse-dev/gatehouse/internal/web/form"
)

// LoginSubmit is POST /login: the same sign-in as POST /v1/auth/login. A
// login with a second factor gets the Authentication Code step on the next
// page; the answer to a wrong username or password is the service's one
// answer for both.
func (x *Pages) LoginSubmit(w http.ResponseWriter, r *http.Request) error {
	f := form.NewLogin(r)
	page := web.Page{Title: "Sign in", Form: f, Data: loginData{SecondStep: f.OTP != ""}}
	if e := problems(f.Validate()); e != nil {
		page.Errors, page.Status = *e, http.StatusBadRequest
		page.Form = form.Login{Username: f.Username, Next: f.Next}
		return x.view.Render(w, r, "login", page)
	}
	res, err := x.auth.Login(r.Context(), auth.Credentials{Username: f.Username, Password: f.Password, OTP: f.OTP})
	if fault.Is(err, auth.ErrMFARequired.Code) {
		// The password was right: ask for the second factor, carrying the
		// credentials in this one no-store form so the sign-in stays one call.
		page.Data, page.Notice = loginData{SecondStep: true}, auth.ErrMFARequired.Message
		return x.view.Render(w, r, "login", page)
	}
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page.Errors, page.Status = e, status
		if !page.Data.(loginData).SecondStep {
			page.Form = form.Login{Username: f.Username, Next: f.Next}
		}
		return x.view.Render(w, r, "login", page)
	}
	http.SetCookie(w, auth.SessionCookie(res.Token, res.Session.ExpiresAt))
	switch {
	case res.User.PasswordChangeRequired:
		return web.Redirect(w, r, web.PasswordPath)
	case res.MFAEnrolmentRequired:
		return web.Redirect(w, r, web.TwoFactorPath)
	}
	return web.Redirect(w, r, localPath(f.Next, web.HomePath))
}

// LogoutSubmit is POST /logout: the session ends and the person lands on /login.
func (x *Pages) LogoutSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	if err := x.sessions.End(r.Context(), c.Session.ID); err != nil {
		return err
	}
	http.SetCookie(w, auth.SessionCookie("", time0))
	return web.Redirect(w, r, web.LoginPath+"?notice=signed-out")
}
