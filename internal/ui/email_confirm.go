package ui

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// emailConfirmData is the page an email-change link lands on.
type emailConfirmData struct{ Token string }

// EmailConfirmShow is GET /email/confirm?token=…: the link sent to a new
// address. Following it changes nothing (mail scanners follow links too);
// the person confirms with the button.
func (x *Pages) EmailConfirmShow(w http.ResponseWriter, r *http.Request) error {
	return x.view.Render(w, r, "email-confirm", web.Page{Title: "Confirm your new email address",
		Data: emailConfirmData{Token: r.URL.Query().Get("token")}})
}

// EmailConfirmSubmit is POST /email/confirm: the same as POST
// /v1/auth/email/confirm; a dead link is said on the page.
func (x *Pages) EmailConfirmSubmit(w http.ResponseWriter, r *http.Request) error {
	token := r.PostForm.Get("token")
	from := audit.Actor{RequestID: logging.RequestID(r.Context()), IP: httpapi.ClientAddress(r)}
	if err := x.members.ConfirmEmail(r.Context(), token, from); err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		return x.view.Render(w, r, "email-confirm", web.Page{Title: "Confirm your new email address",
			Data: emailConfirmData{Token: token}, Errors: e, Status: status})
	}
	return web.Redirect(w, r, "/login?notice=email-confirmed")
}
