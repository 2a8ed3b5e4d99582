package invite

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
)

// API documents the invite routes with their handlers' types (F30).
func API() openapi.Ops {
	return openapi.Ops{
		"getInvite": {Response: linkView{}, Status: http.StatusOK, Errors: map[int][]string{404: {"invite_not_found"}, 410: {"link_expired"}}},
		"acceptInvite": {Request: NewLogin{}, Response: acceptedView{}, Status: http.StatusCreated,
			Doc:    "A new login from the body; or, with an empty object and a session, the signed-in login joins the org.",
			Errors: map[int][]string{400: {"weak_password"}, 403: {"invite_email_mismatch"}, 404: {"invite_not_found"}, 409: {"username_taken", "already_member"}, 410: {"link_expired"}}},
		"createInvites": {Request: BulkInput{}, Response: httpapi.List[inviteView]{}, Status: http.StatusCreated,
			Doc: "One invite per address, each emailed its own link (24 h, single use); fields names each bad address (emails[i]).", Errors: map[int][]string{403: {"scope_too_wide"}}},
		"listInvites": {Response: httpapi.List[inviteView]{}, Status: http.StatusOK, Paged: true,
			Query: []openapi.Param{{Name: "status", Doc: "Only invites with this status.", Enum: []string{string(StatusSent), string(StatusAccepted)}}}},
		"resendInvite": {Response: inviteView{}, Status: http.StatusCreated, Doc: "A new invite (new link, new 24 h); the old link stops working.",
			Errors: map[int][]string{404: {"invite_not_found"}, 409: {"invite_used"}}},
		"revokeInvite": {Status: http.StatusNoContent, Errors: map[int][]string{404: {"invite_not_found"}, 409: {"invite_used"}}},
	}
}
