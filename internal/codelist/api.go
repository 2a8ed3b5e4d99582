package codelist

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
)

// API documents the code list routes with their handlers' types (F30).
func API() openapi.Ops {
	kind := map[int][]string{404: {"code_list_not_found"}}
	return openapi.Ops{
		"listCodes": {Response: httpapi.List[View]{}, Status: http.StatusOK, Paged: true, Errors: kind,
			Query: []openapi.Param{{Name: "q", Doc: "Codes or descriptions that start with these words."}}},
		"addCode":    {Request: AddInput{}, Response: View{}, Status: http.StatusCreated, Errors: map[int][]string{403: {"scope_too_narrow"}, 404: {"code_list_not_found"}, 409: {"code_exists"}}},
		"deleteCode": {Status: http.StatusNoContent, Errors: map[int][]string{403: {"scope_too_narrow"}, 404: {"code_list_not_found", "code_not_found"}}},
		"copyCodeLists": {Request: CopyInput{}, Response: CopyResult{}, Status: http.StatusOK,
			Doc:    "Codes already in to_org are skipped, never overwritten; needs code_lists full access in both orgs.",
			Errors: map[int][]string{403: {"insufficient_privilege", "scope_too_narrow", "mfa_enrolment_required"}, 404: {"org_not_found", "code_list_not_found"}}},
	}
}
