package review

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
)

// API documents the registration and review routes with their handlers' types (F30).
func API() openapi.Ops {
	statuses := make([]string, 0, len(Statuses))
	for _, s := range Statuses {
		statuses = append(statuses, string(s))
	}
	decided := map[int][]string{403: {"scope_too_wide"}, 404: {"registration_not_found"}, 409: {"already_decided", "not_reviewable"}}
	return openapi.Ops{
		"submitRegistration": {Request: Request{}, Response: Submitted{}, Status: http.StatusAccepted,
			Doc: "Asks for access; a verification email is sent. The answer is the same for taken usernames (the registrant is told by email)."},
		"verifyRegistration": {Request: verifyRequest{}, Response: Submitted{}, Status: http.StatusOK, Doc: "The review starts.",
			Errors: map[int][]string{404: {"link_not_found"}, 410: {"link_expired"}}},
		"listRegistrations": {Response: httpapi.List[entryView]{}, Status: http.StatusOK, Paged: true, Doc: "Invites appear with their EMAIL-* status; newest first.",
			Query: []openapi.Param{{Name: "status", Doc: "Only entries with this status.", Enum: statuses}}},
		"getRegistration":     {Response: detailView{}, Status: http.StatusOK, Errors: map[int][]string{404: {"registration_not_found"}}},
		"approveRegistration": {Request: DecisionInput{}, OptionalBody: true, Response: decidedView{}, Status: http.StatusOK, Errors: decided},
		"denyRegistration":    {Request: DecisionInput{}, Response: decidedView{}, Status: http.StatusOK, Doc: "reason is required; note too when the reason is other.", Errors: decided},
		"modifyRegistration":  {Request: DecisionInput{}, Response: decidedView{}, Status: http.StatusOK, Doc: "Approves with another role (and scope).", Errors: decided},
	}
}
