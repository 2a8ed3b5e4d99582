// Package employee holds an org's person records (F13): people with or
// without a user account. `pms` employees come from the practice management
// system (roster sync, F27) and are read-only here; `manual` ones (out of
// practice: consultants, accountants) are added and edited by administrators.
package employee

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Sources of employee records.
const (
	SourceManual = "manual"
	SourcePMS    = "pms"
)

// Employee is a person of an org.
type Employee struct {
	ID            string      `json:"id"`
	OrgID         ident.OrgID `json:"-"`
	FirstName     string      `json:"first_name"`
	LastName      string      `json:"last_name"`
	MiddleInitial string      `json:"middle_initial,omitempty"`
	ProviderType  string      `json:"provider_type,omitempty"`
	EmployeeNo    string      `json:"employee_no,omitempty"`
	Phone         string      `json:"phone,omitempty"`
	Fax           string      `json:"fax,omitempty"`
	Email         string      `json:"email,omitempty"`
	Title         string      `json:"title,omitempty"`
	Active        bool        `json:"active"`
	Source        string      `json:"source"`
	UserID        string      `json:"user_id,omitempty"`
	CreatedAt     time.Time   `json:"created_at"`
	Rev           int         `json:"-"`
}

// Store keeps employees; every call is inside one org.
type Store interface {
	CreateEmployee(ctx context.Context, e Employee, a audit.Entry) error
	GetEmployee(ctx context.Context, orgID ident.OrgID, id string) (Employee, error)
	// SaveEmployee replaces an employee read at revision e.Rev; fault.ErrConflict if it changed.
	SaveEmployee(ctx context.Context, e Employee, a audit.Entry) error
	ListEmployees(ctx context.Context, orgID ident.OrgID, limit int, cursor string) ([]Employee, string, error)
}

var (
	ErrNotFound = fault.NotFound("employee_not_found", "No such employee in your reach.")
	ErrReadOnly = fault.Conflict("employee_read_only", "This employee comes from the practice management system; change it there.")
	ErrChanged  = fault.Conflict("edit_conflict", "This employee was changed by someone else at the same time; reload and try again.")
)

// Input is the body of POST and PATCH; nil fields are left alone on PATCH.
type Input struct {
	FirstName     *string `json:"first_name"`
	LastName      *string `json:"last_name"`
	MiddleInitial *string `json:"middle_initial"`
	ProviderType  *string `json:"provider_type"`
	EmployeeNo    *string `json:"employee_no"`
	Phone         *string `json:"phone"`
	Fax           *string `json:"fax"`
	Email         *string `json:"email"`
	Title         *string `json:"title"`
	Active        *bool   `json:"active"`
}

// apply copies the given fields onto e and validates the result.
func (in Input) apply(e *Employee) error {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&e.FirstName, in.FirstName}, {&e.LastName, in.LastName}, {&e.MiddleInitial, in.MiddleInitial}, {&e.ProviderType, in.ProviderType},
		{&e.EmployeeNo, in.EmployeeNo}, {&e.Phone, in.Phone}, {&e.Fax, in.Fax}, {&e.Email, in.Email}, {&e.Title, in.Title}} {
		if f.src != nil {
			*f.dst = strings.TrimSpace(*f.src)
		}
	}
	if in.Active != nil {
		e.Active = *in.Active
	}
	e.Email = account.NormalizeEmail(e.Email)
	fields := map[string]string{}
	if p := account.NameProblem(e.FirstName); p != "" {
		fields["first_name"] = p
	}
	if p := account.NameProblem(e.LastName); p != "" {
		fields["last_name"] = p
	}
	if len(e.MiddleInitial) > 3 {
		fields["middle_initial"] = "must be at most 3 characters"
	}
	if e.Email != "" {
		if p := account.EmailProblem(e.Email); p != "" {
			fields["email"] = p
		}
	}
	for name, v := range map[string]string{"provider_type": e.ProviderType, "employee_no": e.EmployeeNo, "phone": e.Phone, "fax": e.Fax, "title": e.Title} {
		if len(v) > 100 {
			fields[name] = "must be at most 100 characters"
		}
	}
	if len(fields) > 0 {
		return fault.Validation(fields)
	}
	return nil
}

// Handlers serves the employee routes.
type Handlers struct{ svc *Service }

// NewHandlers returns the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// List is GET /v1/orgs/{org}/employees.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	limit, cursor, err := httpapi.Page(r)
	if err != nil {
		return err
	}
	es, next, err := h.svc.List(r.Context(), c.Org, limit, cursor)
	if err != nil {
		return err
	}
	if es == nil {
		es = []Employee{}
	}
	return httpapi.JSON(w, http.StatusOK, httpapi.List[Employee]{Items: es, NextCursor: next})
}

// Create is POST /v1/orgs/{org}/employees: a `manual` employee.
func (h *Handlers) Create(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	var in Input
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	e, err := h.svc.Create(r.Context(), c, in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusCreated, e)
}

// Update is PATCH /v1/orgs/{org}/employees/{id}; `pms` employees are read-only.
func (h *Handlers) Update(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	var in Input
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	e, err := h.svc.Update(r.Context(), c, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, e)
}
