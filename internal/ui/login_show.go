package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/web"
	"github.com/gatehouse-dev/gatehouse/internal/web/form"
)

// loginData is what the sign-in page shows: the first step (Username and
// Password) or the second (the Authentication Code, or a passkey).
type loginData struct {
	SecondStep bool
}

// LoginShow is GET /login. A signed-in person goes home.
func (x *Pages) LoginShow(w http.ResponseWriter, r *http.Request, c caller.Caller, signedIn bool) error {
	next := localPath(r.URL.Query().Get("next"), "")
	if signedIn {
		return web.Redirect(w, r, localPath(next, web.HomePath))
	}
	return x.view.Render(w, r, "login", web.Page{Title: "Sign in", Notice: noticeOf(r), Form: form.Login{Next: next}, Data: loginData{}})
}
