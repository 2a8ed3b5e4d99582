package invite

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

// AdminStore is what administrators' invite management needs beyond Store.
type AdminStore interface {
	GetOrg(ctx context.Context, id ident.OrgID) (org.Org, error)
	GetInvite(ctx context.Context, orgID ident.OrgID, id string) (Invite, error)
	ListInvites(ctx context.Context, orgID ident.OrgID, status Status, limit int, cursor string) ([]Invite, string, error)
	// ResendInvite revokes old and stores next in one transaction (fault.ErrConflict once old is used).
	ResendInvite(ctx context.Context, old, next Invite) error
	// RevokeInvite ends an unused invite and its link (fault.ErrConflict once used).
	RevokeInvite(ctx context.Context, inv Invite) error
	UserExistsByEmail(ctx context.Context, email string) (bool, error)
}

// MaxPerRequest is how many addresses one invite request may carry.
const MaxPerRequest = 50

var (
	ErrScopeTooWide = fault.Forbidden("scope_too_wide", "You cannot invite to a role or scope wider than your own.")
	ErrInviteGone   = fault.NotFound("invite_not_found", "No such unused invite in this organization.")
	ErrInviteUsed   = fault.Conflict("invite_used", "This invite has already been used.")
)

// BulkInput is POST /v1/orgs/{org}/invites.
type BulkInput struct {
	Emails string `json:"emails"`
	Scope  string `json:"scope"`
	Role   string `json:"role"`
}

// ParseEmails splits a comma-separated list: spaces trimmed, empty entries
// skipped, duplicates (any case) dropped; every bad address is named by its
// position in the list (fields["emails[i]"]).
func ParseEmails(list string) ([]string, map[string]string) {
	fields := map[string]string{}
	seen := map[string]bool{}
	var out []string
	for i, raw := range strings.Split(list, ",") {
		e := account.NormalizeEmail(raw)
		if e == "" {
			continue
		}
		if p := account.EmailProblem(e); p != "" {
			fields[fmt.Sprintf("emails[%d]", i)] = fmt.Sprintf("%q: %s", strings.TrimSpace(raw), p)
			continue
		}
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	switch {
	case len(out) == 0 && len(fields) == 0:
		fields["emails"] = "is required: one or more addresses separated by commas"
	case len(out) > MaxPerRequest:
		fields["emails"] = fmt.Sprintf("at most %d addresses per request", MaxPerRequest)
	}
	return out, fields
}

// CreateMany sends one invite per address, after checking the role and scope
// are no wider than the inviter's and the NPI is the org's.
func (s *Service) CreateMany(ctx context.Context, admin AdminStore, who caller.Caller, in BulkInput) ([]Invite, error) {
	emails, fields := ParseEmails(in.Emails)
	role, ok := account.ParseRole(in.Role)
	if !ok {
		fields["role"] = "unknown role"
	}
	scope, err := account.ParseScope(in.Scope)
	if err != nil {
		fields["scope"] = err.Error()
	}
	o, oerr := admin.GetOrg(ctx, who.Org)
	if oerr != nil {
		return nil, fmt.Errorf("create invites: %w", oerr)
	}
	if err == nil && scope.NPI != "" && !o.HasProvider(scope.NPI) {
		fields["scope"] = "is not a provider of this organization"
	}
	if len(fields) > 0 {
		return nil, fault.Validation(fields)
	}
	if !who.Membership.Scope.Covers(scope) || !who.Membership.Role.MayGrant(role) {
		return nil, ErrScopeTooWide
	}
	if account.TicketOnly("", role) {
		return nil, account.ErrPrivilegeTicketRequired
	}
	out := make([]Invite, 0, len(emails))
	for _, e := range emails {
		hasLogin, err := admin.UserExistsByEmail(ctx, e)
		if err != nil {
			return nil, fmt.Errorf("create invites: %w", err)
		}
		inv, err := s.create(ctx, CreateInput{OrgID: o.ID, OrgName: o.Name, Email: e, Role: role, Scope: scope, InvitedBy: who.User.ID, InvitedByName: who.Name()}, hasLogin, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, nil
}

// List pages an org's invites; status is "", EMAIL-INT or EMAIL-SUCCESS.
func (s *Service) List(ctx context.Context, admin AdminStore, who caller.Caller, status string, limit int, cursor string) ([]Invite, string, error) {
	st := Status(status)
	if status != "" && st != StatusSent && st != StatusAccepted {
		return nil, "", fault.Validation(map[string]string{"status": "must be EMAIL-INT or EMAIL-SUCCESS"})
	}
	invs, next, err := admin.ListInvites(ctx, who.Org, st, limit, cursor)
	if err != nil {
		return nil, "", fmt.Errorf("list invites: %w", err)
	}
	out := invs[:0]
	for _, inv := range invs {
		if who.Membership.Scope.Covers(inv.Scope) {
			out = append(out, inv)
		}
	}
	return out, next, nil
}

func (s *Service) reachable(ctx context.Context, admin AdminStore, who caller.Caller, id string) (Invite, error) {
	inv, err := admin.GetInvite(ctx, who.Org, id)
	if errors.Is(err, fault.ErrNotFound) {
		return Invite{}, ErrInviteGone
	}
	if err != nil {
		return Invite{}, fmt.Errorf("get invite %s: %w", id, err)
	}
	if !who.Membership.Scope.Covers(inv.Scope) {
		return Invite{}, ErrInviteGone
	}
	if inv.Status != StatusSent {
		return Invite{}, ErrInviteUsed
	}
	return inv, nil
}

// Resend replaces an unused invite with a new one (new link, new 24 h); the
// old link stops working in the same transaction.
func (s *Service) Resend(ctx context.Context, admin AdminStore, who caller.Caller, id string) (Invite, error) {
	old, err := s.reachable(ctx, admin, who, id)
	if err != nil {
		return Invite{}, err
	}
	if account.TicketOnly("", old.Role) {
		// Only ops invites a site administrator (an office's first); an office never re-sends it.
		return Invite{}, account.ErrPrivilegeTicketRequired
	}
	hasLogin, err := admin.UserExistsByEmail(ctx, old.Email)
	if err != nil {
		return Invite{}, fmt.Errorf("resend invite: %w", err)
	}
	replace := func(ctx context.Context, next Invite) error {
		err := admin.ResendInvite(ctx, old, next)
		if errors.Is(err, fault.ErrConflict) {
			return ErrInviteUsed
		}
		return err
	}
	return s.create(ctx, CreateInput{OrgID: old.OrgID, OrgName: old.OrgName, Email: old.Email, Role: old.Role, Scope: old.Scope,
		InvitedBy: who.User.ID, InvitedByName: who.Name()}, hasLogin, replace)
}

// Revoke ends an unused invite; its link stops working.
func (s *Service) Revoke(ctx context.Context, admin AdminStore, who caller.Caller, id string) error {
	inv, err := s.reachable(ctx, admin, who, id)
	if err != nil {
		return err
	}
	if err := admin.RevokeInvite(ctx, inv); errors.Is(err, fault.ErrConflict) {
		return ErrInviteUsed
	} else if err != nil {
		return fmt.Errorf("revoke invite %s: %w", id, err)
	}
	return nil
}

// AdminHandlers serve the administrators' invite routes (F9).
type AdminHandlers struct {
	svc   *Service
	admin AdminStore
}

// NewAdminHandlers returns the handlers.
func NewAdminHandlers(svc *Service, admin AdminStore) *AdminHandlers {
	return &AdminHandlers{svc: svc, admin: admin}
}

type inviteView struct {
	ID        string       `json:"id"`
	Email     string       `json:"email"`
	Status    Status       `json:"status"`
	Role      account.Role `json:"role"`
	Scope     string       `json:"scope"`
	CreatedAt time.Time    `json:"created_at"`
	ExpiresAt time.Time    `json:"expires_at"`
}

func viewOf(inv Invite) inviteView {
	return inviteView{ID: inv.ID, Email: inv.Email, Status: inv.Status, Role: inv.Role, Scope: inv.Scope.String(), CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt}
}

// Create is POST /v1/orgs/{org}/invites.
func (h *AdminHandlers) Create(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	var in BulkInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	invs, err := h.svc.CreateMany(r.Context(), h.admin, c, in)
	if err != nil {
		return err
	}
	items := make([]inviteView, 0, len(invs))
	for _, inv := range invs {
		items = append(items, viewOf(inv))
	}
	return httpapi.JSON(w, http.StatusCreated, map[string]any{"items": items})
}

// List is GET /v1/orgs/{org}/invites?status=.
func (h *AdminHandlers) List(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	limit, cursor, err := httpapi.Page(r)
	if err != nil {
		return err
	}
	invs, next, err := h.svc.List(r.Context(), h.admin, c, r.URL.Query().Get("status"), limit, cursor)
	if err != nil {
		return err
	}
	items := make([]inviteView, 0, len(invs))
	for _, inv := range invs {
		items = append(items, viewOf(inv))
	}
	return httpapi.JSON(w, http.StatusOK, httpapi.List[inviteView]{Items: items, NextCursor: next})
}

// Resend is POST /v1/orgs/{org}/invites/{id}/resend.
func (h *AdminHandlers) Resend(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	inv, err := h.svc.Resend(r.Context(), h.admin, c, r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusCreated, viewOf(inv))
}

// Revoke is DELETE /v1/orgs/{org}/invites/{id}.
func (h *AdminHandlers) Revoke(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	if err := h.svc.Revoke(r.Context(), h.admin, c, r.PathValue("id")); err != nil {
		return err
	}
	return httpapi.NoContent(w)
}
