package governance

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
)

// API documents the governance routes with their handlers' types (F30).
func API() openapi.Ops {
	ticket := map[int][]string{403: {"not_support_user"}, 404: {"ticket_not_found"}}
	return openapi.Ops{
		"getGovernance": {Response: Governance{}, Status: http.StatusOK},
		"listTickets":   {Response: httpapi.List[TicketView]{}, Status: http.StatusOK, Paged: true, Errors: map[int][]string{403: {"not_support_user"}}},
		"fileTicket": {Request: TicketInput{}, Response: TicketView{}, Status: http.StatusCreated,
			Doc: "privilege_change only from a site administrator; it applies when ops approves it (F22).",
			Errors: map[int][]string{400: {"not_a_person"}, 403: {"not_support_user", "site_admin_required"}, 404: {"user_not_found"},
				409: {"too_new", "site_admin_no_support", "already_granted", "not_granted", "last_site_admin"}}},
		"getTicket":   {Response: TicketView{}, Status: http.StatusOK, Errors: ticket},
		"closeTicket": {Response: TicketView{}, Status: http.StatusOK, Errors: map[int][]string{403: {"not_support_user"}, 404: {"ticket_not_found"}, 409: {"ticket_not_open"}}},
		"emergencySupport": {Request: EmergencyInput{}, Response: emergencyReceived, Status: http.StatusAccepted,
			Doc: "The same answer for every well-formed request; throttled per client and per email."},
	}
}
