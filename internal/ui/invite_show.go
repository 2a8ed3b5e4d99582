package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/web"
	"github.com/gatehouse-dev/gatehouse/internal/web/form"
)

// inviteData is the invite a link carries, and whether the person is signed
// in (then they "Join" with their login; else they make a new one).
type inviteData struct {
	OrgName, Email, RoleName, Scope string
	ExpiresAt                       time.Time
	SignedInAs                      string
	Token                           string
}

func inviteDataOf(inv invite.Invite, token string, c caller.Caller, signedIn bool) inviteData {
	d := inviteData{OrgName: inv.OrgName, Email: inv.Email, RoleName: inv.Role.DisplayName(), ExpiresAt: inv.ExpiresAt, Token: token}
	if !inv.Scope.IsOrg() {
		d.Scope = inv.Scope.String()
	}
	if signedIn {
		d.SignedInAs = c.User.Username
	}
	return d
}

// InviteShow is GET /invites/{token}: the emailed one-click invite (F9, seed
// 001 part one) goes straight to choosing a username and password.
func (x *Pages) InviteShow(w http.ResponseWriter, r *http.Request, c caller.Caller, signedIn bool) error {
	token := r.PathValue("token")
	inv, err := x.invites.View(r.Context(), token)
	if err != nil {
		return err
	}
	return x.view.Render(w, r, "invite", web.Page{Title: "Join " + inv.OrgName, Form: form.Invite{}, Data: inviteDataOf(inv, token, c, signedIn)})
}

// InviteSubmit is POST /invites/{token}: the same as POST
// /v1/invites/{token}/accept: a new login, or the signed-in one joins.
func (x *Pages) InviteSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller, signedIn bool) error {
	token := r.PathValue("token")
	inv, err := x.invites.View(r.Context(), token)
	if err != nil {
		return err
	}
	if signedIn && r.PostForm.Get("join") != "" {
		_, joined, err := x.invites.AcceptExisting(r.Context(), token, c.User.ID)
		if err != nil {
			return err
		}
		// Work in the office just joined: the session's principal predates it.
		c.Memberships = append(c.Memberships, joined...)
		if _, err := x.auth.SwitchOrg(r.Context(), c, inv.OrgID); err != nil {
			return web.Redirect(w, r, web.HomePath+"?notice=joined")
		}
		return web.Redirect(w, r, web.HomePath+"?notice=switched")
	}
	f := form.NewInvite(r)
	page := web.Page{Title: "Join " + inv.OrgName, Form: form.Invite{Username: f.Username, FirstName: f.FirstName, LastName: f.LastName},
		Data: inviteDataOf(inv, token, c, signedIn), Status: http.StatusBadRequest}
	if e := problems(f.Validate()); e != nil {
		page.Errors = *e
		return x.view.Render(w, r, "invite", page)
	}
	_, _, err = x.invites.AcceptNew(r.Context(), token, invite.NewLogin{Username: f.Username, Password: f.Password, FirstName: f.FirstName, LastName: f.LastName})
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page.Errors, page.Status = e, status
		return x.view.Render(w, r, "invite", page)
	}
	return web.Redirect(w, r, web.LoginPath+"?notice=account-created")
}
