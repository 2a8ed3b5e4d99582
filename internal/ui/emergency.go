package ui

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/governance"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// EmergencyShow is GET /support/emergency: the public form for someone
// who cannot sign in at all and has no site administrator to turn to
// (F21, seed 002's exception).
func (x *Pages) EmergencyShow(w http.ResponseWriter, r *http.Request) error {
	page := web.Page{Title: "Emergency support", Data: governance.EmergencyInput{}}
	if r.URL.Query().Get("sent") != "" {
		page.Notice = governance.EmergencyAnswer
	}
	return x.view.Render(w, r, "emergency", page)
}

// EmergencySubmit is POST /support/emergency: the same as POST
// /v1/support/emergency, with the same answer for every well-formed
// request (a mistake is shown beside its field).
func (x *Pages) EmergencySubmit(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm.Get
	in := governance.EmergencyInput{OrgTIN: f("org_tin"), Name: f("name"), Email: f("email"), Phone: f("phone"), Message: f("message")}
	err := x.governance.Emergency(r.Context(), in, httpapi.ClientAddress(r), logging.RequestID(r.Context()))
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		return x.view.Render(w, r, "emergency", web.Page{Title: "Emergency support", Data: in, Errors: e, Status: status})
	}
	return web.Redirect(w, r, "/support/emergency?sent=1")
}
