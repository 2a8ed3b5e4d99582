package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"net/url"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// consoleData is the Registration Console (seed 001 part two).
type consoleData struct {
	Base     string
	Statuses []web.Option
	Rows     []consoleRow
	Next     string
}

// consoleRow is one entry, with seed 001's columns.
type consoleRow struct {
	ID, Kind, Status, OtherIdentifiers, IDCodeQualifier, ProviderName, Name, Email, Role string
	Submitted                                                                            time.Time
}

// RegistrationsShow is GET /orgs/{org}/registrations?status=: the console,
// newest first, paged; the same as GET /v1/orgs/{org}/registrations.
func (x *Admin) RegistrationsShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Registration Console")
	status := r.URL.Query().Get("status")
	d := consoleData{Base: a.base, Statuses: []web.Option{{Value: "", Label: "All statuses", Selected: status == ""}}}
	for _, s := range review.Statuses {
		d.Statuses = append(d.Statuses, web.Option{Value: string(s), Label: string(s), Selected: string(s) == status})
	}
	limit, cursor, err := httpapi.Page(r)
	if err == nil {
		var o org.Org
		var entries []review.Entry
		if o, entries, d.Next, err = x.reviews.List(r.Context(), a.c, status, limit, cursor); err == nil {
			d.Rows = consoleRows(o, entries)
		}
	}
	if err := a.note(err); err != nil {
		return err
	}
	if d.Next != "" {
		d.Next = a.base + "/registrations?" + nextPage(r, url.Values{"status": {status}}, d.Next)
	}
	a.page.Data = d
	return x.view.Render(w, r, "admin-registrations", a.page)
}

// consoleRows are the console's lines, in seed 001's columns.
func consoleRows(o org.Org, entries []review.Entry) []consoleRow {
	var rows []consoleRow
	for _, e := range entries {
		row := consoleRow{ID: e.ID, Kind: e.Kind, Status: string(e.Status), Email: e.Email, Submitted: e.CreatedAt, Role: e.Role.DisplayName()}
		row.OtherIdentifiers, row.IDCodeQualifier, row.ProviderName = review.Identifiers(o, e.NPI)
		if e.FirstName != "" {
			row.Name = e.FirstName + " " + e.LastName
		}
		rows = append(rows, row)
	}
	return rows
}

// registrationData is the Provider Registration Details page.
type registrationData struct {
	Base     string
	Reg      review.Registration
	Other    string
	IDCode   string
	Provider string
	// Open reports whether the request still waits for a decision.
	Open    bool
	Reasons []web.Option
	Roles   []web.Option
	Offices []web.Option
	Note    string
	// ReasonLabels name the deny reasons in the decision.
	ReasonLabels map[string]string
}

// RegistrationShow is GET /orgs/{org}/registrations/{id}, where the
// reviewer email's link lands: everything the registrant gave (answers
// masked), the history, and Approve, Deny and Modify while it is open.
func (x *Admin) RegistrationShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Provider Registration Details")
	return x.renderRegistration(w, r, a, "admin-registration")
}

func (x *Admin) renderRegistration(w http.ResponseWriter, r *http.Request, a acting, tmpl string) error {
	reg, err := x.reviews.Get(r.Context(), a.c, r.PathValue("id"))
	if err != nil {
		return err
	}
	o, err := x.orgs.Get(r.Context(), a.c.Org)
	if err != nil {
		return err
	}
	d := registrationData{Base: a.base, Reg: reg, Open: reg.Status.Pending() && reg.Decision == nil,
		Note: r.PostFormValue("note"), ReasonLabels: review.DenyReasonLabels}
	d.Other, d.IDCode, d.Provider = review.Identifiers(o, reg.NPI)
	reason := r.PostFormValue("reason")
	for _, k := range review.DenyReasons {
		d.Reasons = append(d.Reasons, web.Option{Value: k, Label: review.DenyReasonLabels[k], Selected: k == reason})
	}
	role := account.Role(r.PostFormValue("role"))
	if role == "" {
		role = reg.RequestedRole
	}
	d.Roles = roleOptions(a.m, role)
	scope := r.PostFormValue("scope")
	if scope == "" {
		scope = reg.RequestedScope().String()
	}
	d.Offices = officeOptions(a.m, o, scope)
	a.page.Data = d
	return x.view.Render(w, r, tmpl, a.page)
}

// DenyShow is GET /orgs/{org}/registrations/{id}/deny: the Reason, and the
// warning that a denial cannot be undone, before it is confirmed.
func (x *Admin) DenyShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.renderRegistration(w, r, x.open(r, c, "Deny the request"), "admin-deny")
}

// ModifyShow is GET /orgs/{org}/registrations/{id}/modify: another Role,
// then Approve.
func (x *Admin) ModifyShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.renderRegistration(w, r, x.open(r, c, "Modify and approve the request"), "admin-modify")
}

// ApproveSubmit, DenySubmit and ModifySubmit are the decisions: the same
// as POST /v1/orgs/{org}/registrations/{id}/{approve,deny,modify}.
func (x *Admin) ApproveSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.decide(w, r, c, "Provider Registration Details", "admin-registration", review.DecisionInput{Kind: review.DecisionApprove})
}

func (x *Admin) DenySubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.decide(w, r, c, "Deny the request", "admin-deny",
		review.DecisionInput{Kind: review.DecisionDeny, Reason: r.PostForm.Get("reason"), Note: r.PostForm.Get("note")})
}

func (x *Admin) ModifySubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.decide(w, r, c, "Modify and approve the request", "admin-modify",
		review.DecisionInput{Kind: review.DecisionModify, Role: r.PostForm.Get("role"), Scope: r.PostForm.Get("scope")})
}

func (x *Admin) decide(w http.ResponseWriter, r *http.Request, c caller.Caller, title, tmpl string, in review.DecisionInput) error {
	a := x.open(r, c, title)
	id := r.PathValue("id")
	if _, err := x.reviews.Decide(r.Context(), a.c, id, in); err != nil {
		if err := a.note(err); err != nil {
			return err
		}
		return x.renderRegistration(w, r, a, tmpl)
	}
	return web.Redirect(w, r, a.base+"/registrations/"+url.PathEscape(id)+"?notice=registration-done")
}

// nextPage is the query of the page after this one: q with the cursor, and
// the page size the person asked for, so every page has the same length.
func nextPage(r *http.Request, q url.Values, cursor string) string {
	q.Set("cursor", cursor)
	if l := r.URL.Query().Get("limit"); l != "" {
		q.Set("limit", l)
	}
	return q.Encode()
}
