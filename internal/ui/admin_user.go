package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"net/url"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// userData is the User Detail page and the pages that act on one user.
type userData struct {
	Base   string
	User   member.Detail
	Office string
	// Edit form choices.
	Roles   []web.Option
	Offices []web.Option
	// Modules are the Username Privileges choices.
	Modules []moduleChoice
	// Reset is the outcome of a password reset, shown once.
	Reset *member.ResetResult
}

// moduleChoice is one module's select on the Username Privileges page.
type moduleChoice struct {
	Name, Label string
	Options     []web.Option
}

// moduleLabels are the modules as seed 000's Username Privileges names them.
var moduleLabels = map[account.Module]string{
	account.ModuleClaims: "Claims", account.ModuleEOPs: "EOPs", account.ModuleEligibility: "Eligibility",
	account.ModulePanelRoster: "Panel Roster", account.ModulePracticeInsights: "Practice Insights",
	account.ModuleUserAdmin: "User Administration", account.ModuleCodeLists: "Code Lists",
	account.ModuleClientPortal: "Client Portal", account.ModuleSupport: "Support",
}

// levelLabels are the access levels in seed 000's words, widest first.
var levelLabels = []struct {
	Level account.Level
	Label string
}{{account.LevelFull, "Full Access"}, {account.LevelView, "View Only"}, {account.LevelNone, "No Access"}}

func (a acting) userPath(id string) string { return a.base + "/users/" + url.PathEscape(id) }

// user reads the member of the page's path, within the administrator's reach.
func (x *Admin) user(r *http.Request, a acting) (userData, error) {
	d, err := x.members.Get(r.Context(), a.c, r.PathValue("id"))
	if err != nil {
		return userData{}, err
	}
	o, err := x.orgs.Get(r.Context(), a.c.Org)
	if err != nil {
		return userData{}, err
	}
	scope, _ := account.ParseScope(d.Scope)
	out := userData{Base: a.base, User: d, Office: member.OfficeName(o, scope)}
	out.Roles = roleOptions(a.m, d.Role)
	out.Offices = officeOptions(a.m, o, d.Scope)
	return out, nil
}

func (x *Admin) renderUser(w http.ResponseWriter, r *http.Request, a acting, tmpl string) error {
	d, err := x.user(r, a)
	if err != nil {
		return err
	}
	if tmpl == "admin-privileges" {
		d.Modules = x.moduleChoices(a.m, d.User)
	}
	a.page.Data = d
	return x.view.Render(w, r, tmpl, a.page)
}

// UserShow is GET /orgs/{org}/users/{id}: the User Detail page.
func (x *Admin) UserShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.renderUser(w, r, x.open(r, c, "User Detail"), "admin-user")
}

// EditUserShow is GET /orgs/{org}/users/{id}/edit; the username is shown, never editable.
func (x *Admin) EditUserShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.renderUser(w, r, x.open(r, c, "Edit User"), "admin-user-edit")
}

// EditUserSubmit is POST /orgs/{org}/users/{id}/edit: the same as PATCH
// /v1/orgs/{org}/users/{id}. Role and office are sent only when changed, so
// an edit of a name never trips over the role rules.
func (x *Admin) EditUserSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Edit User")
	cur, err := x.members.Get(r.Context(), a.c, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := r.PostForm
	p := member.Patch{FirstName: ptr(f.Get("first_name")), MiddleName: ptr(f.Get("middle_name")), LastName: ptr(f.Get("last_name")),
		Email: ptr(f.Get("email")), Phone: ptr(f.Get("phone"))}
	if role := f.Get("role"); role != "" && role != string(cur.Role) {
		p.Role = &role
	}
	if scope := f.Get("scope"); scope != "" && scope != cur.Scope {
		p.Scope = &scope
	}
	if _, err := x.members.Update(r.Context(), a.c, cur.ID, p); err != nil {
		if err := a.note(err); err != nil {
			return err
		}
		d, derr := x.user(r, a)
		if derr != nil {
			return derr
		}
		// Show what was typed, not what is stored.
		d.User.FirstName, d.User.MiddleName, d.User.LastName, d.User.Email, d.User.Phone = f.Get("first_name"), f.Get("middle_name"), f.Get("last_name"), f.Get("email"), f.Get("phone")
		a.page.Data = d
		return x.view.Render(w, r, "admin-user-edit", a.page)
	}
	return web.Redirect(w, r, a.userPath(cur.ID)+"?notice=user-saved")
}

func ptr(s string) *string { return &s }

// ResetPasswordShow is GET /orgs/{org}/users/{id}/reset-password: what a
// reset does, before it is done.
func (x *Admin) ResetPasswordShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Reset Password")
	var res member.ResetResult
	if !web.TakeOnce(w, r, &res) {
		return x.renderUser(w, r, a, "admin-user-reset")
	}
	d, err := x.user(r, a)
	if err != nil {
		return err
	}
	d.Reset = &res
	a.page.Data = d
	return x.view.Render(w, r, "admin-user-reset", a.page)
}

// ResetPasswordSubmit is POST /orgs/{org}/users/{id}/reset-password: the
// same as POST /v1/orgs/{org}/users/{id}/reset-password. The temporary
// password is never stored readable: the page the browser is sent to shows
// it once (web.ShowOnce).
func (x *Admin) ResetPasswordSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Reset Password")
	d, err := x.user(r, a)
	if err != nil {
		return err
	}
	res, err := x.members.ResetPassword(r.Context(), a.c, d.User.ID)
	if err != nil {
		a.page.Data = d
		return x.refuse(w, r, a, "admin-user-reset", err)
	}
	return web.ShowOnce(w, r, a.userPath(d.User.ID)+"/reset-password", res)
}

// DeleteUserShow is GET /orgs/{org}/users/{id}/delete: the confirmation.
func (x *Admin) DeleteUserShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.renderUser(w, r, x.open(r, c, "Delete User"), "admin-user-delete")
}

// DeleteUserSubmit is POST /orgs/{org}/users/{id}/delete: the logical
// delete, the same as DELETE /v1/orgs/{org}/users/{id}.
func (x *Admin) DeleteUserSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.act(w, r, c, "Delete User", "admin-user-delete", "user-deleted", func(a acting, id string) error {
		return x.members.Delete(r.Context(), a.c, id)
	})
}

// ReactivateUserSubmit is POST /orgs/{org}/users/{id}/reactivate.
func (x *Admin) ReactivateUserSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.act(w, r, c, "User Detail", "admin-user", "user-reactivated", func(a acting, id string) error {
		_, err := x.members.Reactivate(r.Context(), a.c, id)
		return err
	})
}

// LockUserSubmit and UnlockUserSubmit are POST /orgs/{org}/users/{id}/lock
// and /unlock: the same as PATCH /v1/orgs/{org}/users/{id} with locked.
func (x *Admin) LockUserSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.setLocked(w, r, c, true, "user-locked")
}

func (x *Admin) UnlockUserSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.setLocked(w, r, c, false, "user-unlocked")
}

func (x *Admin) setLocked(w http.ResponseWriter, r *http.Request, c caller.Caller, locked bool, notice string) error {
	return x.act(w, r, c, "User Detail", "admin-user", notice, func(a acting, id string) error {
		_, err := x.members.Update(r.Context(), a.c, id, member.Patch{Locked: &locked})
		return err
	})
}

// act runs one change of a user and returns to the User Detail page, or
// shows the refusal on the page the form was on.
func (x *Admin) act(w http.ResponseWriter, r *http.Request, c caller.Caller, title, tmpl, notice string, change func(acting, string) error) error {
	a := x.open(r, c, title)
	id := r.PathValue("id")
	if err := change(a, id); err != nil {
		if err := a.note(err); err != nil {
			return err
		}
		return x.renderUser(w, r, a, tmpl)
	}
	return web.Redirect(w, r, a.userPath(id)+"?notice="+notice)
}

// PrivilegesShow is GET /orgs/{org}/users/{id}/privileges: Username
// Privileges (seed 000), a choice per module of Full Access, View Only or
// No Access, offering no more than the administrator holds.
func (x *Admin) PrivilegesShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return x.renderUser(w, r, x.open(r, c, "Username Privileges"), "admin-privileges")
}

// PrivilegesSubmit is POST /orgs/{org}/users/{id}/privileges: the same as
// PUT /v1/orgs/{org}/users/{id}/privileges. Only levels that differ from
// the role's defaults are kept as the user's own, so a later role change
// still brings that role's defaults.
func (x *Admin) PrivilegesSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Username Privileges")
	cur, err := x.members.Get(r.Context(), a.c, r.PathValue("id"))
	if err != nil {
		return err
	}
	levels := map[string]string{}
	for _, mod := range account.Modules {
		v := r.PostForm.Get(string(mod))
		if v == "" {
			continue
		}
		if account.Level(v) != account.DefaultLevel(cur.Role, mod) {
			levels[string(mod)] = v
		}
	}
	return x.act(w, r, c, "Username Privileges", "admin-privileges", "privileges-saved", func(a acting, id string) error {
		_, err := x.members.SetPrivileges(r.Context(), a.c, id, levels)
		return err
	})
}

// moduleChoices offers, per module, the levels up to the administrator's
// own, and the user's current level (so the page shows it truthfully).
func (x *Admin) moduleChoices(m account.Membership, u member.Detail) []moduleChoice {
	var out []moduleChoice
	for _, mod := range account.Modules {
		cur := u.Privileges[mod]
		c := moduleChoice{Name: string(mod), Label: moduleLabels[mod]}
		for _, l := range levelLabels {
			if m.Level(mod).Allows(l.Level) || l.Level == cur {
				c.Options = append(c.Options, web.Option{Value: string(l.Level), Label: l.Label, Selected: l.Level == cur})
			}
		}
		out = append(out, c)
	}
	return out
}
