package governance

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/session"
)

// Handlers serves the governance routes.
type Handlers struct{ svc *Service }

// NewHandlers returns the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// TicketView is a ticket as the API shows it.
type TicketView struct {
	ID              string           `json:"id"`
	OrgID           string           `json:"org_id"`
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

// actor is the caller as a member of the route's office (set by the guard).
func actor(r *http.Request) (Actor, error) {
	m, ok := auth.OrgMembership(r.Context())
	p, signed := auth.FromContext(r.Context())
	if !ok || !signed {
		return Actor{}, session.ErrNoSession
	}
	return Actor{User: p.User, Membership: m, Audit: audit.ActorFrom(r, p.User.ID, p.User.Username)}, nil
}

// Governance is GET /v1/orgs/{org}/governance.
func (h *Handlers) Governance(w http.ResponseWriter, r *http.Request) error {
	who, err := actor(r)
	if err != nil {
		return err
	}
	g, err := h.svc.Status(r.Context(), who.Membership.OrgID)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, g)
}

// FileTicket is POST /v1/orgs/{org}/tickets.
func (h *Handlers) FileTicket(w http.ResponseWriter, r *http.Request) error {
	who, err := actor(r)
	if err != nil {
		return err
	}
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
func (h *Handlers) ListTickets(w http.ResponseWriter, r *http.Request) error {
	who, err := actor(r)
	if err != nil {
		return err
	}
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
func (h *Handlers) GetTicket(w http.ResponseWriter, r *http.Request) error {
	who, err := actor(r)
	if err != nil {
		return err
	}
	t, err := h.svc.GetTicket(r.Context(), who, r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, viewOf(t))
}

// CloseTicket is POST /v1/orgs/{org}/tickets/{id}/close.
func (h *Handlers) CloseTicket(w http.ResponseWriter, r *http.Request) error {
	who, err := actor(r)
	if err != nil {
		return err
	}
	t, err := h.svc.CloseTicket(r.Context(), who, r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, viewOf(t))
}

// emergencyReceived is the one answer of the emergency form.
var emergencyReceived = map[string]string{"status": "received",
	"message": "Thank you. If the details match an office, Gatehouse support will contact you."}

// Emergency is POST /v1/support/emergency (public): 202 with the same body
// for every well-formed request.
func (h *Handlers) Emergency(w http.ResponseWriter, r *http.Request) error {
	var in EmergencyInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	if err := h.svc.Emergency(r.Context(), in, clientAddress(r), logging.RequestID(r.Context())); err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusAccepted, emergencyReceived)
}

// clientAddress is the source IP (API Gateway's sourceIp reaches Lambda as RemoteAddr).
func clientAddress(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// OpsCommands are governance's ops commands (F22, F23), by name.
func (s *Service) OpsCommands() map[string]func(context.Context, json.RawMessage) (any, error) {
	return map[string]func(context.Context, json.RawMessage) (any, error){
		"ListPrivilegeTickets":  s.listPrivilegeTicketsCommand,
		"DecidePrivilegeTicket": s.decidePrivilegeTicketCommand,
		"ReactivateSiteAdmin":   s.reactivateSiteAdminCommand,
	}
}

// decodeCommand reads a command strictly: a typo in an operator command
// must not pass silently.
func decodeCommand(payload json.RawMessage, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fault.Invalid("invalid_command", "The command's fields are not valid: "+err.Error())
	}
	return nil
}

func (s *Service) listPrivilegeTicketsCommand(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command string `json:"command"`
		Status  Status `json:"status"`
		Limit   int    `json:"limit"`
		Cursor  string `json:"cursor"`
	}
	if err := decodeCommand(payload, &in); err != nil {
		return nil, err
	}
	if in.Limit == 0 {
		in.Limit = 50
	}
	if in.Limit < 1 || in.Limit > 200 {
		return nil, fault.Validation(map[string]string{"limit": "must be from 1 to 200"})
	}
	ts, next, err := s.ListPrivilegeTickets(ctx, in.Status, in.Limit, in.Cursor)
	if err != nil {
		return nil, err
	}
	items := make([]TicketView, 0, len(ts))
	for _, t := range ts {
		items = append(items, viewOf(t))
	}
	return httpapi.List[TicketView]{Items: items, NextCursor: next}, nil
}

func (s *Service) decidePrivilegeTicketCommand(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command  string `json:"command"`
		TicketID string `json:"ticket_id"`
		Approve  *bool  `json:"approve"`
		Note     string `json:"note"`
	}
	if err := decodeCommand(payload, &in); err != nil {
		return nil, err
	}
	if in.Approve == nil {
		return nil, fault.Validation(map[string]string{"approve": "is required: true or false"})
	}
	t, err := s.DecidePrivilegeTicket(ctx, in.TicketID, *in.Approve, in.Note)
	if err != nil {
		return nil, err
	}
	return viewOf(t), nil
}

func (s *Service) reactivateSiteAdminCommand(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command       string `json:"command"`
		OrgID         string `json:"org_id"`
		UserID        string `json:"user_id"`
		Authorization string `json:"authorization"`
	}
	if err := decodeCommand(payload, &in); err != nil {
		return nil, err
	}
	if err := s.ReactivateSiteAdmin(ctx, in.OrgID, in.UserID, in.Authorization); err != nil {
		return nil, err
	}
	return map[string]any{"org_id": in.OrgID, "user_id": in.UserID, "reactivated": true, "setup_link_sent": true}, nil
}
