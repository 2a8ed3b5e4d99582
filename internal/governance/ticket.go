package governance

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/member"
)

// TicketInput is POST /v1/orgs/{org}/tickets.
type TicketInput struct {
	Subject         string           `json:"subject"`
	Body            string           `json:"body"`
	Kind            string           `json:"kind"`
	PrivilegeChange *PrivilegeChange `json:"privilege_change"`
}

// UsesTickets reports whether a member files and reads the office's support
// tickets: site administrators and support users only (seed 002).
func UsesTickets(m account.Membership) bool {
	return m.Active && (m.Role == account.RoleSiteAdmin || m.Level(account.ModuleSupport) == account.LevelFull)
}

func mayUseTickets(who caller.Caller) error {
	if UsesTickets(who.Membership) {
		return nil
	}
	return ErrNotSupportUser
}

// FileTicket files a question, an incident or (site administrators only) a
// privilege change, which waits for ops (F21, F22).
func (s *Service) FileTicket(ctx context.Context, who caller.Caller, in TicketInput) (Ticket, error) {
	if err := mayUseTickets(who); err != nil {
		return Ticket{}, err
	}
	fields := map[string]string{}
	subject, body := strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
	switch {
	case subject == "":
		fields["subject"] = "is required"
	case len(subject) > 200:
		fields["subject"] = "must be at most 200 characters"
	}
	switch {
	case body == "":
		fields["body"] = "is required"
	case len(body) > 10000:
		fields["body"] = "must be at most 10000 characters"
	}
	kind := Kind(in.Kind)
	switch kind {
	case KindQuestion, KindIncident:
		if in.PrivilegeChange != nil {
			fields["privilege_change"] = "is only for kind privilege_change"
		}
	case KindPrivilegeChange:
		if in.PrivilegeChange == nil {
			fields["privilege_change"] = "is required: {user_id, grant, action}"
		} else {
			c := in.PrivilegeChange
			if c.UserID == "" {
				fields["privilege_change.user_id"] = "is required"
			}
			if c.Grant != GrantSiteAdmin && c.Grant != GrantSupport {
				fields["privilege_change.grant"] = `must be "site-admin" or "support"`
			}
			if c.Action != ActionAdd && c.Action != ActionRemove {
				fields["privilege_change.action"] = `must be "add" or "remove"`
			}
		}
	default:
		fields["kind"] = `must be "question", "incident" or "privilege_change"`
	}
	if len(fields) > 0 {
		return Ticket{}, fault.Validation(fields)
	}
	now := s.now().UTC()
	t := Ticket{ID: newID(), OrgID: who.Org, Kind: kind, Subject: subject, Body: body, Status: StatusOpen,
		FiledBy: who.User.ID, FiledByUsername: who.User.Username, CreatedAt: now, UpdatedAt: now}
	var targetName string
	if kind == KindPrivilegeChange {
		if who.Membership.Role != account.RoleSiteAdmin {
			return Ticket{}, ErrSiteAdminRequired
		}
		change := *in.PrivilegeChange
		u, _, m, err := s.target(ctx, t.OrgID, change.UserID)
		if err != nil {
			return Ticket{}, err
		}
		if err := s.changeProblem(ctx, u, m, change); err != nil {
			return Ticket{}, err
		}
		t.Change, t.Status = &change, StatusPendingOps
		targetName = strings.TrimSpace(u.FirstName+" "+u.LastName) + " (" + u.Username + ")"
	}
	if err := s.store.CreateTicket(ctx, t, audit.ActorOf(who).Entry(t.OrgID, ActionTicketFile, "ticket:"+t.ID, now)); err != nil {
		return Ticket{}, fmt.Errorf("file ticket: %w", err)
	}
	if t.Change != nil {
		orgName := who.Membership.OrgName
		err := s.tellOps(ctx, "privilege-ticket", map[string]string{"ID": t.ID, "OrgID": t.OrgID.String(), "OrgName": orgName, "Subject": t.Subject,
			"FiledBy": who.User.Username, "Action": string(t.Change.Action), "Grant": string(t.Change.Grant), "Target": targetName})
		if err != nil {
			// The ticket is filed and listed for ops; the notice is a courtesy.
			s.log.ErrorContext(ctx, "privilege ticket notice to ops failed", "ticket", t.ID, "error", err.Error())
		}
	}
	return t, nil
}

// changeProblem checks that a privilege change makes sense for the member
// now: what it adds is missing, what it removes is held, support only for
// those eligible, and an office never left without an active site administrator.
func (s *Service) changeProblem(ctx context.Context, u account.User, m account.Membership, c PrivilegeChange) error {
	if !m.Active || u.Deleted {
		return ErrTargetUnavailable
	}
	switch {
	case c.Grant == GrantSiteAdmin && c.Action == ActionAdd:
		if m.Role == account.RoleSiteAdmin {
			return ErrAlreadyGranted
		}
	case c.Grant == GrantSiteAdmin && c.Action == ActionRemove:
		if m.Role != account.RoleSiteAdmin {
			return ErrNotGranted
		}
		if m.ActiveSiteAdmin(u) {
			if _, err := s.otherSiteAdmin(ctx, m.OrgID, u.ID, 1); err != nil {
				return err
			}
		}
	case c.Grant == GrantSupport && c.Action == ActionAdd:
		if m.Support && m.Role != account.RoleSiteAdmin {
			return ErrAlreadyGranted
		}
		return s.SupportProblem(ctx, u, m)
	case c.Grant == GrantSupport && c.Action == ActionRemove:
		if !m.Support {
			return ErrNotGranted
		}
	}
	return nil
}

// otherSiteAdmin picks an active site administrator of org other than
// userID; later attempts pick later candidates (the index may be stale).
func (s *Service) otherSiteAdmin(ctx context.Context, orgID ident.OrgID, userID string, attempt int) (string, error) {
	id, err := member.OtherSiteAdmin(ctx, s.store, orgID, userID, attempt)
	if errors.Is(err, member.ErrLastSiteAdmin) {
		return "", ErrLastSiteAdmin
	}
	return id, err
}

// ListTickets pages through the office's tickets, newest first.
func (s *Service) ListTickets(ctx context.Context, who caller.Caller, limit int, cursor string) ([]Ticket, string, error) {
	if err := mayUseTickets(who); err != nil {
		return nil, "", err
	}
	return s.store.ListTickets(ctx, who.Org, limit, cursor)
}

// GetTicket reads one ticket of the office.
func (s *Service) GetTicket(ctx context.Context, who caller.Caller, id string) (Ticket, error) {
	if err := mayUseTickets(who); err != nil {
		return Ticket{}, err
	}
	return s.ticket(ctx, who.Org, id)
}

func (s *Service) ticket(ctx context.Context, orgID ident.OrgID, id string) (Ticket, error) {
	if id == "" || len(id) > 64 {
		return Ticket{}, ErrTicketNotFound
	}
	t, err := s.store.GetTicket(ctx, orgID, id)
	if errors.Is(err, fault.ErrNotFound) {
		return Ticket{}, ErrTicketNotFound
	}
	if err != nil {
		return Ticket{}, fmt.Errorf("read ticket %s: %w", id, err)
	}
	return t, nil
}

// CloseTicket closes an open question or incident.
func (s *Service) CloseTicket(ctx context.Context, who caller.Caller, id string) (Ticket, error) {
	t, err := s.GetTicket(ctx, who, id)
	if err != nil {
		return Ticket{}, err
	}
	if t.Status != StatusOpen {
		return Ticket{}, ErrTicketNotOpen
	}
	now := s.now().UTC()
	t.Status, t.UpdatedAt = StatusClosed, now
	err = s.store.SaveTicket(ctx, t, audit.ActorOf(who).Entry(t.OrgID, ActionTicketClose, "ticket:"+t.ID, now))
	if errors.Is(err, fault.ErrConflict) {
		return Ticket{}, ErrTicketChanged
	}
	if err != nil {
		return Ticket{}, fmt.Errorf("close ticket %s: %w", id, err)
	}
	t.Rev++
	return t, nil
}
