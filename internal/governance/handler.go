package governance

import (
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
)

// Handlers serves the governance routes.
type Handlers struct{ svc *Service }

// NewHandlers returns the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// TicketView is a ticket as the API shows it.
type TicketView struct {
	ID              string           `json:"id"`
	OrgID           ident.OrgID      `json:"org_id"`
	Kind            Kind             `json:"kind"`
	Subject         string           `json:"subject"`
	Body            string           `json:"body"`
	Status          Status           `json:"status"`
	FiledBy         string           `json:"filed_by"`
	FiledByUsername string           `json:"filed_by_username"`
	CreatedAt       time.Time        `json:"created_at"`
	UpdatedAt       time.Time        `json:"updated_at"`
	PrivilegeChange *PrivilegeChange `json:"privilege_change,omitempty"`
	DecisionNote    string           `json:"decision_note,omitempty"`
	DecidedAt       *time.Time       `json:"decided_at,omitempty"`
}

func viewOf(t Ticket) TicketView {
	return TicketView{ID: t.ID, OrgID: t.OrgID, Kind: t.Kind, Subject: t.Subject, Body: t.Body, Status: t.Status, FiledBy: t.FiledBy,
		FiledByUsername: t.FiledByUsername, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, PrivilegeChange: t.Change,
		DecisionNote: t.DecisionNote, DecidedAt: t.DecidedAt}
}

// Governance is GET /v1/orgs/{org}/governance.
func (h *Handlers) Governance(w http.ResponseWriter, r *http.Request, who caller.Caller) error {
	g, err := h.svc.Status(r.Context(), who.Org)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, g)
}

// FileTicket is POST /v1/orgs/{org}/tickets.
func (h *Handlers) FileTicket(w http.ResponseWriter, r *http.Request, who caller.Caller) error {
	var in TicketInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	t, err := h.svc.FileTicket(r.Context(), who, in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusCreated, viewOf(t))
}

// ListTickets is GET /v1/orgs/{org}/tickets.
func (h *Handlers) ListTickets(w http.ResponseWriter, r *http.Request, who caller.Caller) error {
	limit, cursor, err := httpapi.Page(r)
	if err != nil {
		return err
	}
	ts, next, err := h.svc.ListTickets(r.Context(), who, limit, cursor)
	if err != nil {
		return err
	}
	out := httpapi.List[TicketView]{Items: make([]TicketView, 0, len(ts)), NextCursor: next}
	for _, t := range ts {
		out.Items = append(out.Items, viewOf(t))
	}
	return httpapi.JSON(w, http.StatusOK, out)
}

// GetTicket is GET /v1/orgs/{org}/tickets/{id}.
func (h *Handlers) GetTicket(w http.ResponseWriter, r *http.Request, who caller.Caller) error {
	t, err := h.svc.GetTicket(r.Context(), who, r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, viewOf(t))
}

// CloseTicket is POST /v1/orgs/{org}/tickets/{id}/close.
func (h *Handlers) CloseTicket(w http.ResponseWriter, r *http.Request, who caller.Caller) error {
	t, err := h.svc.CloseTicket(r.Context(), who, r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, viewOf(t))
}

// emergencyReceived is the one answer of the emergency form.
var emergencyReceived = map[string]string{"status": "received", "message": EmergencyAnswer}

// Emergency is POST /v1/support/emergency (public): 202 with the same body
// for every well-formed request.
func (h *Handlers) Emergency(w http.ResponseWriter, r *http.Request) error {
	var in EmergencyInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	if err := h.svc.Emergency(r.Context(), in, httpapi.ClientAddress(r), logging.RequestID(r.Context())); err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusAccepted, emergencyReceived)
}
