package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"net/url"

	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// employeesData is the Employees page (seed 004): in practice employees
// from the roster (read-only here), out of practice ones added by hand.
type employeesData struct {
	Base      string
	Employees []employee.Employee
	Next      string
	Employee  employee.Employee // the add or edit form
	Then      string            // "add-user": return to the Add User search
}

// EmployeesShow is GET /orgs/{org}/employees: the same as GET /v1/orgs/{org}/employees.
func (x *Admin) EmployeesShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Employees")
	d := employeesData{Base: a.base}
	limit, cursor, err := httpapi.Page(r)
	if err == nil {
		d.Employees, d.Next, err = x.employees.List(r.Context(), a.c.Org, limit, cursor)
	}
	if err := a.note(err); err != nil {
		return err
	}
	if d.Next != "" {
		d.Next = a.base + "/employees?" + url.Values{"cursor": {d.Next}}.Encode()
	}
	a.page.Data = d
	return x.view.Render(w, r, "admin-employees", a.page)
}

// AddEmployeeShow is GET /orgs/{org}/employees/new: "Add Provider Employee".
func (x *Admin) AddEmployeeShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Add Provider Employee")
	a.page.Data = employeesData{Base: a.base, Then: r.URL.Query().Get("then"), Employee: employee.Employee{Active: true}}
	return x.view.Render(w, r, "admin-employee", a.page)
}

// employeeInput reads the employee form; Active is a checkbox.
func employeeInput(r *http.Request) (employee.Input, employee.Employee) {
	f := r.PostForm
	e := employee.Employee{FirstName: f.Get("first_name"), LastName: f.Get("last_name"), MiddleInitial: f.Get("middle_initial"),
		ProviderType: f.Get("provider_type"), EmployeeNo: f.Get("employee_no"), Phone: f.Get("phone"), Fax: f.Get("fax"),
		Email: f.Get("email"), Title: f.Get("title"), Active: f.Get("active") == "on"}
	return employee.Input{FirstName: &e.FirstName, LastName: &e.LastName, MiddleInitial: &e.MiddleInitial, ProviderType: &e.ProviderType,
		EmployeeNo: &e.EmployeeNo, Phone: &e.Phone, Fax: &e.Fax, Email: &e.Email, Title: &e.Title, Active: &e.Active}, e
}

// AddEmployeeSubmit is POST /orgs/{org}/employees/new: the same as POST
// /v1/orgs/{org}/employees. From Add User, it returns to the employee
// search with the new name looked up.
func (x *Admin) AddEmployeeSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Add Provider Employee")
	in, typed := employeeInput(r)
	then := r.PostForm.Get("then")
	e, err := x.employees.Create(r.Context(), a.c, in)
	if err != nil {
		a.page.Data = employeesData{Base: a.base, Then: then, Employee: typed}
		return x.refuse(w, r, a, "admin-employee", err)
	}
	if then == "add-user" {
		return web.Redirect(w, r, a.base+"/users/new/employee?"+url.Values{"last_name": {e.LastName}}.Encode())
	}
	return web.Redirect(w, r, a.base+"/employees?notice=employee-added")
}

// EmployeeShow is GET /orgs/{org}/employees/{id}.
func (x *Admin) EmployeeShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Employee")
	e, err := x.employees.Get(r.Context(), a.c.Org, r.PathValue("id"))
	if err != nil {
		return err
	}
	a.page.Data = employeesData{Base: a.base, Employee: e}
	return x.view.Render(w, r, "admin-employee", a.page)
}

// EmployeeSubmit is POST /orgs/{org}/employees/{id}: the same as PATCH
// /v1/orgs/{org}/employees/{id}; the Active checkbox is seed 004's.
func (x *Admin) EmployeeSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Employee")
	in, typed := employeeInput(r)
	id := r.PathValue("id")
	if _, err := x.employees.Update(r.Context(), a.c, id, in); err != nil {
		cur, gerr := x.employees.Get(r.Context(), a.c.Org, id)
		if gerr != nil {
			return gerr
		}
		typed.ID, typed.Source, typed.UserID = cur.ID, cur.Source, cur.UserID
		a.page.Data = employeesData{Base: a.base, Employee: typed}
		return x.refuse(w, r, a, "admin-employee", err)
	}
	return web.Redirect(w, r, a.base+"/employees?notice=employee-saved")
}
