package member

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
)

// API documents the user routes with their handlers' types (F30).
func API() openapi.Ops {
	roles := make([]string, 0, len(account.Roles))
	for _, r := range account.Roles {
		roles = append(roles, string(r.Role))
	}
	filters := []openapi.Param{
		{Name: "first_name", Doc: "Case-insensitive prefix."}, {Name: "last_name", Doc: "Case-insensitive prefix."},
		{Name: "username", Doc: "Exact username."}, {Name: "role", Enum: roles}, {Name: "scope", Doc: "org or provider:<NPI>."},
		{Name: "locked", Bool: true}, {Name: "deleted", Bool: true, Doc: "Default: both."},
	}
	user := map[int][]string{404: {"user_not_found"}}
	privileges := map[string]string{}
	return openapi.Ops{
		"listUsers": {Response: httpapi.List[ListItem]{}, Status: http.StatusOK, Paged: true, Query: filters,
			Doc: "A filtered page may come back short with a next_cursor: every request stays bounded."},
		"exportUsers": {CSV: CSVHeader, Status: http.StatusOK, Query: filters, Doc: "Every matching user, streamed."},
		"createUser": {Request: CreateInput{}, Response: createdView{}, Status: http.StatusCreated,
			Doc:    "temporary_password is in the answer when one was generated.",
			Errors: map[int][]string{403: {"scope_too_wide", "role_too_high"}, 404: {"employee_not_found"}, 409: {"username_taken", "employee_unavailable"}}},
		"getUser": {Response: Detail{}, Status: http.StatusOK, Errors: user},
		"updateUser": {Request: Patch{}, Response: Detail{}, Status: http.StatusOK,
			Errors: map[int][]string{400: {"username_immutable"}, 403: {"scope_too_wide", "role_too_high"}, 404: {"user_not_found"}, 409: {"last_site_admin", "edit_conflict", "user_deleted"}}},
		"deleteUser":     {Status: http.StatusNoContent, Doc: "A logical delete of the membership in this org.", Errors: map[int][]string{404: {"user_not_found"}, 409: {"last_site_admin"}}},
		"reactivateUser": {Response: Detail{}, Status: http.StatusOK, Errors: user},
		"resetUserPassword": {Response: resetView{}, Status: http.StatusOK, Doc: "The user is emailed a temporary password.",
			Errors: map[int][]string{404: {"user_not_found"}, 409: {"user_deleted"}}},
		"setUserPrivileges": {Request: privileges, Response: Detail{}, Status: http.StatusOK,
			Doc:    "{module: full | view | none} for any of the modules; a module left out keeps its level.",
			Errors: map[int][]string{403: {"privilege_above_own"}, 404: {"user_not_found"}}},
		"confirmEmail": {Request: confirmEmailRequest{}, Status: http.StatusNoContent, Doc: "Confirms a new email address from the link emailed to it.",
			Errors: map[int][]string{404: {"link_not_found"}, 410: {"link_expired"}}},
		"setupPassword": {Request: SetupInput{}, Status: http.StatusNoContent, Doc: "A first password from an emailed set-up link.",
			Errors: map[int][]string{400: {"weak_password", "code_word_required"}, 401: {"code_word_mismatch"}, 404: {"link_not_found"}, 410: {"link_expired"}, 429: {"too_many_attempts"}}},
	}
}
