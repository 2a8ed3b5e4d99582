package ui

import (
	"context"
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/web"
	"github.com/gatehouse-dev/gatehouse/internal/web/form"
)

// newPasswordData is what a reset or set-up page shows.
type newPasswordData struct {
	Action   string // where the form posts
	CodeWord bool   // the office has a code word to ask for
	Intro    string
}

// linkPage is one of the two emailed new-password links: the reset link
// (F5) and the set-up link (F14, seed 004). Both ask for the new password
// twice and the office's code word where it has one.
type linkPage struct {
	title, action, intro, done string
	check                      func(ctx context.Context, token string) (bool, error)
	use                        func(ctx context.Context, f form.NewPassword) error
}

func (x *Pages) resetLink() linkPage {
	return linkPage{title: "Set a new password", action: "/password/reset", done: "password-reset",
		intro: "Choose a new password for your login.",
		check: x.auth.ResetNeedsCodeWord,
		use: func(ctx context.Context, f form.NewPassword) error {
			return x.auth.Reset(ctx, auth.ResetInput{Token: f.Token, NewPassword: f.NewPassword, CodeWord: f.CodeWord})
		}}
}

func (x *Pages) setupLink() linkPage {
	return linkPage{title: "Set up your password", action: "/setup", done: "password-set",
		intro: "Your office has made you a login. Choose your password; your administrator gives you the practice code word in person or by phone.",
		check: x.members.SetupNeedsCodeWord,
		use: func(ctx context.Context, f form.NewPassword) error {
			return x.members.Setup(ctx, member.SetupInput{Token: f.Token, NewPassword: f.NewPassword, CodeWord: f.CodeWord})
		}}
}

// show checks the link first, so a dead link says so before anyone types.
func (x *Pages) showLink(w http.ResponseWriter, r *http.Request, l linkPage) error {
	token := r.URL.Query().Get("token")
	codeWord, err := l.check(r.Context(), token)
	if err != nil {
		return err
	}
	return x.view.Render(w, r, "new-password", web.Page{Title: l.title, Form: form.NewPassword{Token: token},
		Data: newPasswordData{Action: l.action, CodeWord: codeWord, Intro: l.intro}})
}

// submit uses the link; a refusal (a weak password, a wrong code word) shows
// the form again, so it can be tried again while the link lives.
func (x *Pages) submitLink(w http.ResponseWriter, r *http.Request, l linkPage) error {
	f := form.NewNewPassword(r)
	codeWord, err := l.check(r.Context(), f.Token)
	if err != nil {
		return err
	}
	page := web.Page{Title: l.title, Form: form.NewPassword{Token: f.Token}, Status: http.StatusBadRequest,
		Data: newPasswordData{Action: l.action, CodeWord: codeWord, Intro: l.intro}}
	if e := problems(f.Validate()); e != nil {
		page.Errors = *e
		return x.view.Render(w, r, "new-password", page)
	}
	if err := l.use(r.Context(), f); err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page.Errors, page.Status = e, status
		return x.view.Render(w, r, "new-password", page)
	}
	return web.Redirect(w, r, web.LoginPath+"?notice="+l.done)
}

// ResetShow is GET /password/reset?token=… (the emailed reset link).
func (x *Pages) ResetShow(w http.ResponseWriter, r *http.Request) error {
	return x.showLink(w, r, x.resetLink())
}

// ResetSubmit is POST /password/reset: the same as POST /v1/auth/password/reset.
func (x *Pages) ResetSubmit(w http.ResponseWriter, r *http.Request) error {
	return x.submitLink(w, r, x.resetLink())
}

// SetupShow is GET /setup?token=… (the emailed set-up link).
func (x *Pages) SetupShow(w http.ResponseWriter, r *http.Request) error {
	return x.showLink(w, r, x.setupLink())
}

// SetupSubmit is POST /setup: the same as POST /v1/auth/setup.
func (x *Pages) SetupSubmit(w http.ResponseWriter, r *http.Request) error {
	return x.submitLink(w, r, x.setupLink())
}
