package review

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/command"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Commands are the review's operator commands (the ops function): each
// decodes its payload at the command edge and calls the service.
type Commands struct{ svc *Service }

// NewCommands returns the review's operator commands.
func NewCommands(svc *Service) *Commands { return &Commands{svc: svc} }

// All names every command, for command.Mux.Register.
func (c *Commands) All() map[string]command.Func {
	return map[string]command.Func{
		"ImportClaimReferences":      c.importClaimReferences,
		"DecideRegistration":         c.decideRegistration,
		"ListEscalatedRegistrations": c.listEscalated,
	}
}

func (c *Commands) importClaimReferences(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command string       `json:"command"`
		OrgID   ident.OrgID  `json:"org_id"`
		Claims  []ClaimInput `json:"claims"`
	}
	if err := command.Decode(payload, &in); err != nil {
		return nil, err
	}
	n, err := c.svc.ImportClaimReferences(ctx, in.OrgID, in.Claims)
	if err != nil {
		return nil, err
	}
	return map[string]int{"imported": n}, nil
}

func (c *Commands) decideRegistration(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command        string `json:"command"`
		RegistrationID string `json:"registration_id"`
		Decision       string `json:"decision"`
		Role           string `json:"role"`
		Scope          string `json:"scope"`
		Reason         string `json:"reason"`
		Note           string `json:"note"`
	}
	if err := command.Decode(payload, &in); err != nil {
		return nil, err
	}
	status, err := c.svc.DecideAsOps(ctx, in.RegistrationID,
		DecisionInput{Kind: in.Decision, Role: in.Role, Scope: in.Scope, Reason: in.Reason, Note: in.Note})
	if err != nil {
		return nil, err
	}
	return map[string]any{"registration_id": in.RegistrationID, "status": status}, nil
}

// escalatedView is one request waiting for ops (ListEscalatedRegistrations).
type escalatedView struct {
	RegistrationID string       `json:"registration_id"`
	OrgID          ident.OrgID  `json:"org_id"`
	OrgName        string       `json:"org_name"`
	Status         Status       `json:"status"`
	Level          Level        `json:"level"`
	NPI            string       `json:"npi,omitempty"`
	RequestedRole  account.Role `json:"requested_role"`
	Name           string       `json:"name"`
	Email          string       `json:"email"`
	SubmittedAt    time.Time    `json:"submitted_at"`
}

// listEscalated pages the requests no one in their office may decide,
// newest first; ops decides them with DecideRegistration.
func (c *Commands) listEscalated(ctx context.Context, payload json.RawMessage) (any, error) {
	page, err := command.DecodePage(payload)
	if err != nil {
		return nil, err
	}
	regs, next, err := c.svc.ListEscalated(ctx, page.Limit, page.Cursor)
	if err != nil {
		return nil, err
	}
	items := make([]escalatedView, 0, len(regs))
	for _, r := range regs {
		items = append(items, escalatedView{RegistrationID: r.ID, OrgID: r.OrgID, OrgName: r.OrgName, Status: r.Status, Level: r.Level, NPI: r.NPI,
			RequestedRole: r.RequestedRole, Name: r.FirstName + " " + r.LastName, Email: r.Email, SubmittedAt: r.SubmittedAt})
	}
	return map[string]any{"items": items, "next_cursor": next}, nil
}
