package ui

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/governance"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// inCurrentOffice is the caller acting in the office the page's frame
// shows (the session's active office, else the first active one); the
// office's pages act there, as the JSON routes act in the path's office.
func inCurrentOffice(c caller.Caller) (caller.Caller, error) {
	m, ok := c.MembershipIn(frameOf(c).Current.ID)
	if !ok {
		return caller.Caller{}, caller.ErrNotInOrg
	}
	return c.InOrg(m), nil
}

// ticketsData is the Support Tickets page: the office's tickets, the
// new-ticket form and, for site administrators, the people a privilege
// change may name.
type ticketsData struct {
	Tickets   []governance.Ticket
	Next      string
	SiteAdmin bool
	People    []member.Listing
	Form      ticketForm
}

type ticketForm struct{ Kind, Subject, Body, UserID, Grant, Action string }

func newTicketForm(r *http.Request) ticketForm {
	v := r.PostForm.Get
	return ticketForm{Kind: v("kind"), Subject: v("subject"), Body: v("body"), UserID: v("user_id"), Grant: v("grant"), Action: v("action")}
}

// input is the same body POST /v1/orgs/{org}/tickets takes.
func (f ticketForm) input() governance.TicketInput {
	in := governance.TicketInput{Kind: f.Kind, Subject: f.Subject, Body: f.Body}
	if f.Kind == string(governance.KindPrivilegeChange) {
		in.PrivilegeChange = &governance.PrivilegeChange{UserID: f.UserID, Grant: governance.Grant(f.Grant), Action: governance.Action(f.Action)}
	}
	return in
}

// ticketsPage fills the Support Tickets page of the office.
func (x *Pages) ticketsPage(r *http.Request, c caller.Caller, f ticketForm) (web.Page, error) {
	page := signedIn(c, "Support Tickets")
	ts, next, err := x.governance.ListTickets(r.Context(), c, 50, r.URL.Query().Get("cursor"))
	if err != nil {
		return page, err
	}
	d := ticketsData{Tickets: ts, Next: next, SiteAdmin: c.Membership.Role == account.RoleSiteAdmin, Form: f}
	if d.SiteAdmin {
		if d.People, _, err = x.members.List(r.Context(), c, member.Filter{}, 200, ""); err != nil {
			return page, err
		}
	}
	page.Data = d
	return page, nil
}

// TicketsShow is GET /tickets: site administrators and support users of
// the current office read and file its tickets (F21); everyone else is
// told whom to ask.
func (x *Pages) TicketsShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	c, err := inCurrentOffice(c)
	if err != nil {
		return err
	}
	page, err := x.ticketsPage(r, c, ticketForm{Kind: string(governance.KindQuestion)})
	if err != nil {
		return err
	}
	page.Notice = noticeOf(r)
	return x.view.Render(w, r, "tickets", page)
}

// TicketSubmit is POST /tickets: the same as POST /v1/orgs/{org}/tickets.
func (x *Pages) TicketSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	c, err := inCurrentOffice(c)
	if err != nil {
		return err
	}
	f := newTicketForm(r)
	t, err := x.governance.FileTicket(r.Context(), c, f.input())
	if err == nil {
		notice := "ticket-filed"
		if t.Change != nil {
			notice = "privilege-filed"
		}
		return web.Redirect(w, r, "/tickets/"+t.ID+"?notice="+notice)
	}
	e, status, ok := refusal(err)
	if !ok {
		return err
	}
	page, perr := x.ticketsPage(r, c, f)
	if perr != nil {
		return perr
	}
	page.Errors, page.Status = e, status
	return x.view.Render(w, r, "tickets", page)
}

// TicketShow is GET /tickets/{id}.
func (x *Pages) TicketShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	c, err := inCurrentOffice(c)
	if err != nil {
		return err
	}
	t, err := x.governance.GetTicket(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	page := signedIn(c, "Ticket: "+t.Subject)
	page.Notice = noticeOf(r)
	page.Data = t
	return x.view.Render(w, r, "ticket", page)
}

// TicketClose is POST /tickets/{id}/close.
func (x *Pages) TicketClose(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	c, err := inCurrentOffice(c)
	if err != nil {
		return err
	}
	t, err := x.governance.CloseTicket(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/tickets/"+t.ID+"?notice=ticket-closed")
}
