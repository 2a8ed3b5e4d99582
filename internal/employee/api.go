package employee

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
)

// API documents the employee routes with their handlers' types (F30).
func API() openapi.Ops {
	return openapi.Ops{
		"listEmployees":  {Response: httpapi.List[Employee]{}, Status: http.StatusOK, Paged: true},
		"createEmployee": {Request: Input{}, Response: Employee{}, Status: http.StatusCreated, Doc: "A manual employee; pms employees arrive from the roster sync."},
		"updateEmployee": {Request: Input{}, Response: Employee{}, Status: http.StatusOK,
			Errors: map[int][]string{404: {"employee_not_found"}, 409: {"employee_read_only", "edit_conflict"}}},
	}
}
