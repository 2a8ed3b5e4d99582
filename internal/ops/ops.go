// Package ops holds the organization commands of the operator function
// (F28): no HTTP route, invoked with IAM credentials as {"command": "...", ...}.
package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/command"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

// Orgs creates and lists organizations.
type Orgs interface {
	Create(ctx context.Context, in org.CreateInput) (org.Org, error)
	List(ctx context.Context, limit int, cursor string) ([]org.Org, string, error)
}

// Invites sends invites.
type Invites interface {
	Create(ctx context.Context, in invite.CreateInput) (invite.Invite, error)
}

// Commands are the organization commands.
type Commands struct {
	orgs    Orgs
	invites Invites
	log     *slog.Logger
}

// NewCommands returns the organization commands.
func NewCommands(orgs Orgs, invites Invites, log *slog.Logger) *Commands {
	return &Commands{orgs: orgs, invites: invites, log: log}
}

// All names every command, for command.Mux.Register.
func (h *Commands) All() map[string]command.Func {
	return map[string]command.Func{
		"CreateOrganization": h.createOrganization,
		"ListOrganizations":  h.listOrganizations,
	}
}

type createOrganization struct {
	Command    string         `json:"command"`
	Name       string         `json:"name"`
	TIN        string         `json:"tin"`
	Providers  []org.Provider `json:"providers"`
	AdminEmail string         `json:"admin_email"`
}

type createdOrganization struct {
	OrgID    ident.OrgID `json:"org_id"`
	InviteID string      `json:"invite_id,omitempty"`
}

func (h *Commands) createOrganization(ctx context.Context, payload json.RawMessage) (any, error) {
	var in createOrganization
	if err := command.Decode(payload, &in); err != nil {
		return nil, err
	}
	email := account.NormalizeEmail(in.AdminEmail)
	if email != "" {
		if p := account.EmailProblem(email); p != "" {
			return nil, fault.Validation(map[string]string{"admin_email": p})
		}
	}
	o, err := h.orgs.Create(ctx, org.CreateInput{Name: in.Name, TIN: in.TIN, Providers: in.Providers})
	if err != nil {
		return nil, err
	}
	out := createdOrganization{OrgID: o.ID}
	if email == "" {
		return out, nil
	}
	inv, err := h.invites.Create(ctx, invite.CreateInput{
		OrgID: o.ID, OrgName: o.Name, Email: email, Role: account.RoleSiteAdmin, Scope: account.OrgScope,
		InvitedBy: "ops", InvitedByName: "Gatehouse operations",
	})
	if err != nil {
		h.log.ErrorContext(ctx, "first administrator invite failed", "org_id", o.ID, "error", err.Error())
		return nil, &command.CommandError{Code: "invite_failed", Message: fmt.Sprintf("Organization %s was created but its administrator invite could not be sent; send it again.", o.ID)}
	}
	out.InviteID = inv.ID
	return out, nil
}

type orgView struct {
	OrgID     ident.OrgID    `json:"org_id"`
	Name      string         `json:"name"`
	TIN       string         `json:"tin"`
	Providers []org.Provider `json:"providers"`
	CreatedAt time.Time      `json:"created_at"`
}

func (h *Commands) listOrganizations(ctx context.Context, payload json.RawMessage) (any, error) {
	page, err := command.DecodePage(payload)
	if err != nil {
		return nil, err
	}
	orgs, next, err := h.orgs.List(ctx, page.Limit, page.Cursor)
	if err != nil {
		return nil, err
	}
	items := make([]orgView, 0, len(orgs))
	for _, o := range orgs {
		items = append(items, orgView{OrgID: o.ID, Name: o.Name, TIN: o.TIN, Providers: o.Providers, CreatedAt: o.CreatedAt})
	}
	return map[string]any{"items": items, "next_cursor": next}, nil
}
