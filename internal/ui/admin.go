package ui

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/settings"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// Admin serves the administration pages of an office (seed 001 parts one
// to three, seed 004): each parses its form, calls the service the JSON
// route calls, and renders. The guard has already checked the membership
// in the path's office and the module level of the route.
type Admin struct {
	view        *web.Renderer
	auth        *auth.Service
	orgs        Orgs
	invites     *invite.Service
	inviteStore invite.AdminStore
	reviews     *review.Service
	members     *member.Service
	employees   *employee.Service
	settings    *settings.Service
	audit       audit.Store
	codes       *codelist.Service
}

// Orgs reads an office (its name, TIN and providers name things on the pages).
type Orgs interface {
	Get(ctx context.Context, id ident.OrgID) (org.Org, error)
}

// AdminServices are the services the administration pages call.
type AdminServices struct {
	Auth        *auth.Service
	Orgs        Orgs
	Invites     *invite.Service
	InviteStore invite.AdminStore
	Reviews     *review.Service
	Members     *member.Service
	Employees   *employee.Service
	Settings    *settings.Service
	Audit       audit.Store
	CodeLists   *codelist.Service
}

// NewAdmin returns the administration pages over the services.
func NewAdmin(view *web.Renderer, s AdminServices) *Admin {
	return &Admin{view: view, auth: s.Auth, orgs: s.Orgs, invites: s.Invites, inviteStore: s.InviteStore, reviews: s.Reviews,
		members: s.Members, employees: s.Employees, settings: s.Settings, audit: s.Audit, codes: s.CodeLists}
}

// adminMenu is the "Administration" menu, in seed 001's words, each entry
// with the page route whose access decides whether it is shown.
var adminMenu = []struct{ Label, Route, Path string }{
	{"Send Registration Links", "adminInvitesPage", "/invites/new"},
	{"Registration Console", "adminRegistrationsPage", "/registrations"},
	{"User List", "adminUsersPage", "/users"},
	{"Employees", "adminEmployeesPage", "/employees"},
	{"Settings", "adminSettingsPage", "/settings"},
	{"Audit Log", "adminAuditPage", "/audit"},
	{"Code Lists", "codeListPage", "/code-lists/diagnosis"},
}

// adminLinks is the Administration menu of one membership: the entries
// whose page the guard would let it open.
func adminLinks(m account.Membership) []web.Link {
	if !m.Active {
		return nil
	}
	var out []web.Link
	for _, e := range adminMenu {
		if rt, ok := routeNamed(e.Route); ok && mayOpen(m, rt) {
			out = append(out, web.Link{Label: e.Label, Href: officePath(m.OrgID) + e.Path})
		}
	}
	return out
}

// mayOpen mirrors the guard's check of a page route for a member: the
// module level a read needs, and the whole office's scope for the pages
// that act on the whole office (route.OrgWide).
func mayOpen(m account.Membership, rt route.Route) bool {
	if route.OrgWide[rt.Name] && !m.Scope.IsOrg() {
		return false
	}
	return rt.Module == "" || m.Level(account.Module(rt.Module)).Allows(account.LevelView)
}

func routeNamed(name string) (route.Route, bool) {
	for _, rt := range route.Table {
		if rt.Name == name {
			return rt, true
		}
	}
	return route.Route{}, false
}

// officePath is where an office's administration pages live.
func officePath(orgID ident.OrgID) string { return "/orgs/" + url.PathEscape(orgID.String()) }

// acting is the administrator on one page: the caller (with their
// membership in the path's office, checked by the guard) and the page with
// its frame set to that office.
type acting struct {
	c    caller.Caller
	m    account.Membership
	page web.Page
	base string // officePath of the office
}

// open starts an administration page: the frame shows the path's office
// as the one being worked in, whatever the session's current office.
func (x *Admin) open(r *http.Request, c caller.Caller, title string) acting {
	page := signedIn(c, title)
	for _, o := range page.Frame.Offices {
		if o.ID == c.Org {
			page.Frame.Current = o
		}
	}
	page.Frame.AdminLinks = adminLinks(c.Membership)
	page.Notice = adminNotices[r.URL.Query().Get("notice")]
	return acting{c: c, m: c.Membership, page: page, base: officePath(c.Org)}
}

// note puts a service's refusal on the page, which still shows; it
// returns the errors a page cannot explain, for the page edge.
func (a *acting) note(err error) error {
	if err == nil {
		return nil
	}
	e, status, ok := refusal(err)
	if !ok {
		return err
	}
	a.page.Errors, a.page.Status = e, status
	return nil
}

// refuse shows a service's refusal on the form that caused it; other
// errors go to the page edge.
func (x *Admin) refuse(w http.ResponseWriter, r *http.Request, a acting, tmpl string, err error) error {
	if err := a.note(err); err != nil {
		return err
	}
	return x.view.Render(w, r, tmpl, a.page)
}

// adminNotices are the administration pages' success messages (?notice=…).
var adminNotices = map[string]string{
	"user-deleted":      "The user is deleted: they can no longer sign in. The record stays (Deleted Y).",
	"user-reactivated":  "The user is active again and can sign in.",
	"user-locked":       "The user is locked out until an administrator unlocks them.",
	"user-unlocked":     "The user is unlocked and can sign in again.",
	"user-saved":        "The user's information is saved.",
	"privileges-saved":  "The username privileges are saved.",
	"user-created":      "The user account is created.",
	"user-created-link": "The user account is created. We emailed the user a link to set their password.",
	"employee-added":    "The employee is added.",
	"employee-saved":    "The employee is saved.",
	"settings-saved":    "The settings are saved.",
	"registration-done": "The decision is recorded; the registrant is emailed the outcome.",
	"code-added":        "The code is added.",
	"code-deleted":      "The code is deleted.",
}

// roleOptions are the roles a member may grant, by display name: seed
// 001's three provider roles first, then the others they may give. Site
// Administrator is given only through an approved privilege ticket (F22),
// so it is offered only where it is already the role.
func roleOptions(m account.Membership, selected account.Role) []web.Option {
	order := []account.Role{account.RoleProviderAdmin, account.RolePortalUser, account.RoleClericalUser, account.RoleSiteAdmin, account.RoleClient}
	var out []web.Option
	for _, role := range order {
		if role == account.RoleSiteAdmin && selected != role {
			continue
		}
		if m.Role.MayGrant(role) {
			out = append(out, web.Option{Value: string(role), Label: role.DisplayName(), Selected: role == selected})
		}
	}
	return out
}

// officeOptions are the levels a member may give access at: the whole
// office (by its name and TIN) and each provider, limited to their own scope.
func officeOptions(m account.Membership, o org.Org, selected string) []web.Option {
	var out []web.Option
	if m.Scope.IsOrg() {
		out = append(out, web.Option{Value: account.OrgScope.String(), Label: o.Name + " (TIN " + o.TIN + ", the whole office)", Selected: selected == "org"})
	}
	for _, p := range o.Providers {
		s := account.Scope{NPI: p.NPI}
		if m.Scope.Covers(s) {
			out = append(out, web.Option{Value: s.String(), Label: p.Name + " (NPI " + p.NPI + ")", Selected: selected == s.String()})
		}
	}
	return out
}
