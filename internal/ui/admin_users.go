package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"net/url"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// usersData is the User List (seed 001 part three).
type usersData struct {
	Base   string
	Query  url.Values // the search as typed, for the form, Export and paging
	Roles  []web.Option
	Office []web.Option
	Locked []web.Option
	Delete []web.Option
	Rows   []userRow
	Export string
	Next   string
	Search bool // a search ran (the Results section shows)
}

type userRow struct {
	ID, Name, Username, Office, Role string
	Locked, Deleted                  bool
	LockoutTime                      any
}

// UsersShow is GET /orgs/{org}/users: search by First Name, Last Name,
// Username, User Role, Office, Locked and Deleted; the same filters and
// service as GET /v1/orgs/{org}/users, and Export is its CSV twin.
func (x *Admin) UsersShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "User List")
	q := r.URL.Query()
	o, err := x.orgs.Get(r.Context(), a.c.Org)
	if err != nil {
		return err
	}
	d := usersData{Base: a.base, Query: q, Search: true}
	d.Roles = append([]web.Option{{Value: "", Label: "Any role"}}, allRoles(account.Role(q.Get("role")))...)
	d.Office = append([]web.Option{{Value: "", Label: "Any office"}}, officeOptions(a.m, o, q.Get("scope"))...)
	d.Locked = flagOptions(q.Get("locked"))
	d.Delete = flagOptions(q.Get("deleted"))
	filter := url.Values{}
	for _, k := range []string{"first_name", "last_name", "username", "role", "scope", "locked", "deleted"} {
		if v := q.Get(k); v != "" {
			filter.Set(k, v)
		}
	}
	d.Export = "/v1" + a.base + "/users/export"
	if len(filter) > 0 {
		d.Export += "?" + filter.Encode()
	}
	f, err := member.ParseFilter(r)
	var page []member.Listing
	var next string
	if err == nil {
		var limit int
		var cursor string
		if limit, cursor, err = httpapi.Page(r); err == nil {
			page, next, err = x.members.List(r.Context(), a.c, f, limit, cursor)
		}
	}
	if err := a.note(err); err != nil {
		return err
	}
	for _, l := range page {
		d.Rows = append(d.Rows, userRow{ID: l.UserID, Name: l.FirstName + " " + l.LastName, Username: l.Username, Office: member.OfficeName(o, l.Scope),
			Role: l.Role.DisplayName(), Locked: l.Locked, Deleted: l.Deleted, LockoutTime: l.LockoutTime})
	}
	if next != "" {
		filter.Set("cursor", next)
		d.Next = a.base + "/users?" + filter.Encode()
	}
	a.page.Data = d
	return x.view.Render(w, r, "admin-users", a.page)
}

// allRoles lists every role by its display name (a search may look for any).
func allRoles(selected account.Role) []web.Option {
	out := make([]web.Option, 0, len(account.Roles))
	for _, r := range account.Roles {
		out = append(out, web.Option{Value: string(r.Role), Label: r.DisplayName, Selected: r.Role == selected})
	}
	return out
}

// flagOptions are the Y/N choices of the Locked and Deleted searches.
func flagOptions(v string) []web.Option {
	return []web.Option{{Value: "", Label: "Any", Selected: v == ""}, {Value: "true", Label: "Y", Selected: v == "true"},
		{Value: "false", Label: "N", Selected: v == "false"}}
}
