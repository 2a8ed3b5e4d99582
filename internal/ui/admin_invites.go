package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"sort"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// invitesData is the "Send Registration Links" page (seed 001 part one).
type invitesData struct {
	Base    string
	Emails  string
	Offices []web.Option
	Roles   []web.Option
	// Sent are the result lines of the links just sent, one per email.
	Sent []invite.Invite
	// Bad names every address that was refused, with why.
	Bad []string
}

// InvitesShow is GET /orgs/{org}/invites/new; after a send, ?sent= holds
// the new invites' ids and the page shows one result line per email.
func (x *Admin) InvitesShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Send Registration Links")
	d := invitesData{Base: a.base}
	if ids := r.URL.Query().Get("sent"); ids != "" {
		sent, err := x.invites.Sent(r.Context(), x.inviteStore, a.c, strings.Split(ids, "."))
		if err != nil {
			return err
		}
		d.Sent = sent
	}
	return x.renderInvites(w, r, a, d, "", string(account.RolePortalUser))
}

// InvitesSubmit is POST /orgs/{org}/invites/new: the same as POST
// /v1/orgs/{org}/invites. Nothing is sent unless every address is good.
func (x *Admin) InvitesSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Send Registration Links")
	in := invite.BulkInput{Emails: r.PostForm.Get("emails"), Scope: r.PostForm.Get("scope"), Role: r.PostForm.Get("role")}
	sent, err := x.invites.CreateMany(r.Context(), x.inviteStore, a.c, in)
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		d := invitesData{Base: a.base, Emails: in.Emails}
		e.Fields = namedAddresses(e.Fields, &d.Bad)
		a.page.Errors, a.page.Status = e, status
		return x.renderInvites(w, r, a, d, in.Scope, in.Role)
	}
	ids := make([]string, 0, len(sent))
	for _, inv := range sent {
		ids = append(ids, inv.ID)
	}
	return web.Redirect(w, r, a.base+"/invites/new?sent="+strings.Join(ids, "."))
}

// namedAddresses folds the per-address problems (emails[i]) into one
// problem of the Email field and a line per bad address.
func namedAddresses(fields map[string]string, bad *[]string) map[string]string {
	out := map[string]string{}
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, "emails[") {
			*bad = append(*bad, fields[k])
			continue
		}
		out[k] = fields[k]
	}
	if len(*bad) > 0 && out["emails"] == "" {
		out["emails"] = "has addresses that are not valid; nothing was sent: " + strings.Join(*bad, "; ")
	}
	return out
}

func (x *Admin) renderInvites(w http.ResponseWriter, r *http.Request, a acting, d invitesData, scope, role string) error {
	o, err := x.orgs.Get(r.Context(), a.c.Org)
	if err != nil {
		return err
	}
	if scope == "" && !a.m.Scope.IsOrg() {
		scope = a.m.Scope.String()
	}
	if scope == "" {
		scope = account.OrgScope.String()
	}
	d.Offices = officeOptions(a.m, o, scope)
	d.Roles = roleOptions(a.m, account.Role(role))
	a.page.Data = d
	return x.view.Render(w, r, "admin-invites", a.page)
}
