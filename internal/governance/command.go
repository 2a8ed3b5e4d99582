package governance

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/command"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Commands are governance's operator commands (F22, F23): each decodes its
// payload at the command edge and calls the service.
type Commands struct{ svc *Service }

// NewCommands returns governance's operator commands.
func NewCommands(svc *Service) *Commands { return &Commands{svc: svc} }

// All names every command, for command.Mux.Register.
func (c *Commands) All() map[string]command.Func {
	return map[string]command.Func{
		"ListPrivilegeTickets":  c.listPrivilegeTickets,
		"DecidePrivilegeTicket": c.decidePrivilegeTicket,
		"ReactivateSiteAdmin":   c.reactivateSiteAdmin,
		"ListEmergencyRequests": c.listEmergencyRequests,
	}
}

func (c *Commands) listPrivilegeTickets(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command string `json:"command"`
		Status  Status `json:"status"`
		Limit   int    `json:"limit"`
		Cursor  string `json:"cursor"`
	}
	if err := command.Decode(payload, &in); err != nil {
		return nil, err
	}
	limit, err := command.Limit(in.Limit)
	if err != nil {
		return nil, err
	}
	ts, next, err := c.svc.ListPrivilegeTickets(ctx, in.Status, limit, in.Cursor)
	if err != nil {
		return nil, err
	}
	items := make([]TicketView, 0, len(ts))
	for _, t := range ts {
		items = append(items, viewOf(t))
	}
	return httpapi.List[TicketView]{Items: items, NextCursor: next}, nil
}

func (c *Commands) decidePrivilegeTicket(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command  string `json:"command"`
		TicketID string `json:"ticket_id"`
		Approve  *bool  `json:"approve"`
		Note     string `json:"note"`
	}
	if err := command.Decode(payload, &in); err != nil {
		return nil, err
	}
	if in.Approve == nil {
		return nil, fault.Validation(map[string]string{"approve": "is required: true or false"})
	}
	t, err := c.svc.DecidePrivilegeTicket(ctx, in.TicketID, *in.Approve, in.Note)
	if err != nil {
		return nil, err
	}
	return viewOf(t), nil
}

func (c *Commands) reactivateSiteAdmin(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command       string      `json:"command"`
		OrgID         ident.OrgID `json:"org_id"`
		UserID        string      `json:"user_id"`
		Authorization string      `json:"authorization"`
	}
	if err := command.Decode(payload, &in); err != nil {
		return nil, err
	}
	if err := c.svc.ReactivateSiteAdmin(ctx, in.OrgID, in.UserID, in.Authorization); err != nil {
		return nil, err
	}
	return map[string]any{"org_id": in.OrgID, "user_id": in.UserID, "reactivated": true, "setup_link_sent": true}, nil
}

// EmergencyView is one emergency request as ListEmergencyRequests gives it.
type EmergencyView struct {
	ID         string      `json:"id"`
	OrgTIN     string      `json:"org_tin"`
	OrgID      ident.OrgID `json:"org_id,omitempty"` // absent when no office has the TIN
	Name       string      `json:"name"`
	Email      string      `json:"email"`
	Phone      string      `json:"phone,omitempty"`
	Message    string      `json:"message"`
	ReceivedAt time.Time   `json:"received_at"`
}

func (c *Commands) listEmergencyRequests(ctx context.Context, payload json.RawMessage) (any, error) {
	page, err := command.DecodePage(payload)
	if err != nil {
		return nil, err
	}
	rs, next, err := c.svc.ListEmergencyRequests(ctx, page.Limit, page.Cursor)
	if err != nil {
		return nil, err
	}
	items := make([]EmergencyView, 0, len(rs))
	for _, r := range rs {
		items = append(items, EmergencyView{ID: r.ID, OrgTIN: r.TIN, OrgID: r.OrgID, Name: r.Name, Email: r.Email, Phone: r.Phone,
			Message: r.Message, ReceivedAt: r.ReceivedAt})
	}
	return httpapi.List[EmergencyView]{Items: items, NextCursor: next}, nil
}
