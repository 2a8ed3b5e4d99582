// Package ops is the operator command function (F28): no HTTP route, invoked
// with IAM credentials as {"command": "...", ...}.
package ops

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

// CommandError is what a failed command returns. Its type name becomes the
// Lambda errorType; its message is safe to show to the operator.
type CommandError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (e *CommandError) Error() string {
	b, _ := json.Marshal(e)
	return string(b)
}

// Orgs creates and lists organizations.
type Orgs interface {
	Create(ctx context.Context, in org.CreateInput) (org.Org, error)
	List(ctx context.Context, limit int, cursor string) ([]org.Org, string, error)
}

// Invites sends invites.
type Invites interface {
	Create(ctx context.Context, in invite.CreateInput) (invite.Invite, error)
}

// AuditLog writes an audit entry on its own.
type AuditLog interface {
	PutAudit(ctx context.Context, e audit.Entry) error
}

// Handler runs operator commands.
type Handler struct {
	orgs    Orgs
	invites Invites
	// Audit, when set, records each command that acts in an org in that
	// org's audit log (F26), after the command succeeded.
	Audit    AuditLog
	log      *slog.Logger
	commands map[string]func(context.Context, json.RawMessage) (any, error)
}

// NewHandler returns the ops command handler.
func NewHandler(orgs Orgs, invites Invites, log *slog.Logger) *Handler {
	h := &Handler{orgs: orgs, invites: invites, log: log}
	h.commands = map[string]func(context.Context, json.RawMessage) (any, error){
		"CreateOrganization": h.createOrganization,
		"ListOrganizations":  h.listOrganizations,
	}
	return h
}

// Register adds a command (used by features that bring their own).
func (h *Handler) Register(name string, run func(context.Context, json.RawMessage) (any, error)) {
	h.commands[name] = run
}

// Handle runs one command. It is the Lambda handler of the ops function.
func (h *Handler) Handle(ctx context.Context, payload json.RawMessage) (any, error) {
	var head struct {
		Command string `json:"command"`
	}
	if err := json.Unmarshal(payload, &head); err != nil {
		return nil, &CommandError{Code: "malformed_json", Message: "The payload is not a JSON object."}
	}
	run, ok := h.commands[head.Command]
	if !ok {
		names := make([]string, 0, len(h.commands))
		for n := range h.commands {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, &CommandError{Code: "unknown_command", Message: fmt.Sprintf("Unknown command %q; known: %s.", head.Command, strings.Join(names, ", "))}
	}
	ctx = logging.WithActor(ctx, Actor)
	h.log.InfoContext(ctx, "ops command", "command", head.Command)
	out, err := run(ctx, payload)
	if err != nil {
		return nil, h.commandError(ctx, head.Command, err)
	}
	if err := h.audit(ctx, head.Command, payload, out); err != nil {
		// The command is done; a missing entry is logged loudly, not reported as its failure.
		h.log.ErrorContext(ctx, "ops command not audited", "command", head.Command, "error", err.Error())
	}
	return out, nil
}

// Actor is the actor of operator commands in audit entries and events.
const Actor = "ops"

// audit records a command that names its org (in its payload or its
// result) in that org's log; reads (List…) name none.
func (h *Handler) audit(ctx context.Context, command string, payload json.RawMessage, out any) error {
	if h.Audit == nil || strings.HasPrefix(command, "List") {
		return nil
	}
	var in, res struct {
		OrgID          string `json:"org_id"`
		RegistrationID string `json:"registration_id"`
	}
	_ = json.Unmarshal(payload, &in)
	if raw, err := json.Marshal(out); err == nil {
		_ = json.Unmarshal(raw, &res)
	}
	orgID := cmp.Or(res.OrgID, in.OrgID)
	if orgID == "" {
		return nil
	}
	target := "org:" + orgID
	if id := cmp.Or(res.RegistrationID, in.RegistrationID); id != "" {
		target = "registration:" + id
	}
	return h.Audit.PutAudit(ctx, audit.ActorOf(ctx).Entry(orgID, audit.ActionOps+command, target, time.Now()))
}

func (h *Handler) commandError(ctx context.Context, command string, err error) error {
	var ce *CommandError
	if errors.As(err, &ce) {
		return ce
	}
	if fe, ok := fault.As(err); ok && fe.Kind != fault.KindInternal {
		if fe.Kind == fault.KindUnavailable {
			h.log.ErrorContext(ctx, "ops command failed", "command", command, "error", err.Error())
		}
		return &CommandError{Code: fe.Code, Message: fe.Message, Fields: fe.Fields}
	}
	h.log.ErrorContext(ctx, "ops command failed", "command", command, "error", err.Error())
	return &CommandError{Code: "internal", Message: "The command failed; see the function's log."}
}

// Decode reads a command's payload strictly: an unknown field is an error,
// since a typo in an operator command should not pass silently.
func Decode(payload json.RawMessage, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &CommandError{Code: "invalid_command", Message: "The command's fields are not valid: " + err.Error()}
	}
	return nil
}

type createOrganization struct {
	Command    string         `json:"command"`
	Name       string         `json:"name"`
	TIN        string         `json:"tin"`
	Providers  []org.Provider `json:"providers"`
	AdminEmail string         `json:"admin_email"`
}

type createdOrganization struct {
	OrgID    string `json:"org_id"`
	InviteID string `json:"invite_id,omitempty"`
}

func (h *Handler) createOrganization(ctx context.Context, payload json.RawMessage) (any, error) {
	var in createOrganization
	if err := Decode(payload, &in); err != nil {
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
		return nil, &CommandError{Code: "invite_failed", Message: fmt.Sprintf("Organization %s was created but its administrator invite could not be sent; send it again.", o.ID)}
	}
	out.InviteID = inv.ID
	return out, nil
}

type orgView struct {
	OrgID     string         `json:"org_id"`
	Name      string         `json:"name"`
	TIN       string         `json:"tin"`
	Providers []org.Provider `json:"providers"`
	CreatedAt time.Time      `json:"created_at"`
}

func (h *Handler) listOrganizations(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command string `json:"command"`
		Limit   int    `json:"limit"`
		Cursor  string `json:"cursor"`
	}
	if err := Decode(payload, &in); err != nil {
		return nil, err
	}
	if in.Limit == 0 {
		in.Limit = 50
	}
	if in.Limit < 1 || in.Limit > 200 {
		return nil, fault.Validation(map[string]string{"limit": "must be from 1 to 200"})
	}
	orgs, next, err := h.orgs.List(ctx, in.Limit, in.Cursor)
	if err != nil {
		return nil, err
	}
	items := make([]orgView, 0, len(orgs))
	for _, o := range orgs {
		items = append(items, orgView{OrgID: o.ID, Name: o.Name, TIN: o.TIN, Providers: o.Providers, CreatedAt: o.CreatedAt})
	}
	return map[string]any{"items": items, "next_cursor": next}, nil
}
