package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"net/url"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// addUserData is the "+ Add User" path of seed 001 part three: a note on
// levels, the employee search, then User Information.
type addUserData struct {
	Base string
	// OrgLevel reports whether the administrator works at the whole office's
	// level (and so picks an employee first).
	OrgLevel  bool
	LastName  string
	Employees []employee.Employee
	Searched  bool
	// User Information.
	Employee    *employee.Employee
	In          member.CreateInput
	Roles       []web.Option
	Offices     []web.Option
	Created     *member.Created
	CreatedName string
}

// AddUserShow is GET /orgs/{org}/users/new: step three of seed 001's Add User.
func (x *Admin) AddUserShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Add User")
	a.page.Data = addUserData{Base: a.base, OrgLevel: a.m.Scope.IsOrg()}
	return x.view.Render(w, r, "admin-add-user", a.page)
}

// employeeSearchLimit is how many employees one search shows.
const employeeSearchLimit = 50

// AddUserEmployeeShow is GET /orgs/{org}/users/new/employee?last_name=:
// search the office's employees without an account by Last Name, or add one.
func (x *Admin) AddUserEmployeeShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Add User: find the employee")
	d := addUserData{Base: a.base, OrgLevel: a.m.Scope.IsOrg(), LastName: r.URL.Query().Get("last_name")}
	if _, ok := r.URL.Query()["last_name"]; ok {
		es, err := x.employees.Search(r.Context(), a.c.Org, d.LastName, employeeSearchLimit)
		if err != nil {
			return err
		}
		d.Employees, d.Searched = es, true
	}
	a.page.Data = d
	return x.view.Render(w, r, "admin-add-user-employee", a.page)
}

// AddUserInfoShow is GET /orgs/{org}/users/new/info?employee=: User
// Information, filled in from the employee when one was selected.
func (x *Admin) AddUserInfoShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "User Information")
	var made member.Created
	if web.TakeOnce(w, r, &made) {
		a.page.Title = "User created"
		a.page.Data = addUserData{Base: a.base, Created: &made}
		return x.view.Render(w, r, "admin-add-user-info", a.page)
	}
	in := member.CreateInput{EmployeeID: r.URL.Query().Get("employee"), Credentials: member.CredentialsEmailLink, Role: string(account.RolePortalUser)}
	return x.renderAddUserInfo(w, r, a, in)
}

func (x *Admin) renderAddUserInfo(w http.ResponseWriter, r *http.Request, a acting, in member.CreateInput) error {
	d := addUserData{Base: a.base, OrgLevel: a.m.Scope.IsOrg()}
	if in.EmployeeID != "" {
		e, err := x.employees.Get(r.Context(), a.c.Org, in.EmployeeID)
		if err != nil {
			return err
		}
		d.Employee = &e
		if in.FirstName == "" && in.LastName == "" {
			in.FirstName, in.LastName, in.Email, in.Phone = e.FirstName, e.LastName, e.Email, e.Phone
			in.MiddleName = e.MiddleInitial
		}
	}
	o, err := x.orgs.Get(r.Context(), a.c.Org)
	if err != nil {
		return err
	}
	if in.Scope == "" {
		in.Scope = a.m.Scope.String()
	}
	in.Password = ""
	d.In, d.Roles, d.Offices = in, roleOptions(a.m, account.Role(in.Role)), officeOptions(a.m, o, in.Scope)
	a.page.Data = d
	return x.view.Render(w, r, "admin-add-user-info", a.page)
}

// AddUserInfoSubmit is POST /orgs/{org}/users/new/info: the same as POST
// /v1/orgs/{org}/users. A generated temporary password is never stored
// readable: the page the browser is sent to shows it once (web.ShowOnce);
// a typed one or an emailed link shows the user.
func (x *Admin) AddUserInfoSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "User Information")
	f := r.PostForm
	in := member.CreateInput{EmployeeID: f.Get("employee_id"), FirstName: f.Get("first_name"), MiddleName: f.Get("middle_name"),
		LastName: f.Get("last_name"), Email: f.Get("email"), Phone: f.Get("phone"), Username: f.Get("username"), Role: f.Get("role"),
		Scope: f.Get("scope"), Credentials: f.Get("credentials"), Password: f.Get("password")}
	if in.Credentials == member.CredentialsTemporary && in.Password != f.Get("confirm_password") {
		a.page.Errors, a.page.Status = web.FieldErrors(map[string]string{"confirm_password": "does not match the password"}), http.StatusBadRequest
		return x.renderAddUserInfo(w, r, a, in)
	}
	made, err := x.members.Create(r.Context(), a.c, in)
	if err != nil {
		if err := a.note(err); err != nil {
			return err
		}
		return x.renderAddUserInfo(w, r, a, in)
	}
	if made.TemporaryPassword == "" {
		notice := "user-created"
		if in.Credentials == member.CredentialsEmailLink {
			notice = "user-created-link"
		}
		return web.Redirect(w, r, a.userPath(made.Detail.ID)+"?"+url.Values{"notice": {notice}}.Encode())
	}
	return web.ShowOnce(w, r, a.base+"/users/new/info", made)
}
