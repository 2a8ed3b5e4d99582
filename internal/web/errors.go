package web

import (
	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// Errors is what a page shows when a form was refused: the API's message in
// the alert summary, and each field's problem next to the field.
type Errors struct {
	Message string
	Fields  map[string]string
}

// Any reports whether there is an error to show.
func (e Errors) Any() bool { return e.Message != "" || len(e.Fields) > 0 }

// ErrorsOf turns a refusal of a service into what the form shows, in the
// API's words. It reports false for errors a form cannot explain (internal
// failures), which the page edge answers instead.
func ErrorsOf(err error) (Errors, bool) {
	fe, ok := fault.As(err)
	if !ok || fe.Kind == fault.KindInternal || fe.Kind == fault.KindUnavailable {
		return Errors{}, false
	}
	return Errors{Message: fe.Message, Fields: fe.Fields}, true
}

// FieldErrors is a refusal found by a form's own Validate, before any service ran.
func FieldErrors(fields map[string]string) Errors {
	return Errors{Message: "Some fields are not valid.", Fields: fields}
}

// fieldLabels are the label words of form fields (web-contract.md), by the
// field names the API uses, so the alert summary can say which field.
var fieldLabels = map[string]string{
	"username": "Username", "password": "Password", "confirm_password": "Confirm Password",
	"current_password": "Current Password", "new_password": "New Password", "code_word": "Code Word",
	"otp": "Authentication Code", "first_name": "First Name", "last_name": "Last Name", "email": "Email",
	"phone": "Phone", "tin": "Tax ID", "level": "Level", "npi": "NPI", "claim_number": "Claim Number",
	"provider_dob": "Provider Date of Birth", "org_id": "Office", "name": "Name", "linked_username": "Linked username",
	"subject": "Subject", "body": "Details", "kind": "Kind", "q": "Search the Help Center", "from_org": "Copy From", "to_org": "Copy To",
	"kinds": "Files to copy", "user_id": "Person", "privilege_change": "Privilege change", "privilege_change.user_id": "Person",
	"new_username": "New Username", "code": "Code", "description": "Description",
	"org_tin": "Office Tax ID", "message": "What happened",
	// The administration pages (seed 001, seed 004).
	"emails": "Email of New User", "scope": "Office", "role": "User Role", "reason": "Reason", "note": "Note",
	"middle_name": "Middle Name", "middle_initial": "Middle Initial", "credentials": "Credentials", "provider_type": "Provider Type",
	"employee_no": "Prov Employee No", "fax": "Fax", "title": "Title/Position", "password_min_length": "Minimum password length",
	"status": "Status", "locked": "Locked", "deleted": "Deleted", "limit": "Page size", "cursor": "Page",
}

// FieldProblem is one line of the alert summary.
type FieldProblem struct {
	Field, Label, Problem string
}

// Problems lists the field errors for the summary, in a stable order.
func (e Errors) Problems() []FieldProblem {
	var out []FieldProblem
	for _, name := range sortedKeys(e.Fields) {
		label := fieldLabels[name]
		if label == "" {
			label = name
		}
		out = append(out, FieldProblem{Field: name, Label: label, Problem: e.Fields[name]})
	}
	return out
}
