package governance

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/session"
)

// ListPrivilegeTickets pages through every office's privilege-change
// tickets in one status (default pending-ops), oldest first (ops).
func (s *Service) ListPrivilegeTickets(ctx context.Context, status Status, limit int, cursor string) ([]Ticket, string, error) {
	if status == "" {
		status = StatusPendingOps
	}
	switch status {
	case StatusPendingOps, StatusApproved, StatusRejected:
	default:
		return nil, "", fault.Validation(map[string]string{"status": `must be "pending-ops", "approved" or "rejected"`})
	}
	return s.store.ListPrivilegeTickets(ctx, status, limit, cursor)
}

// maxApplyAttempts bounds the retries of an approval whose kept site
// administrator changed meanwhile (the index is eventually consistent).
const maxApplyAttempts = 3

// DecidePrivilegeTicket is ops' decision on a privilege-change ticket
// (F22). An approval applies the change in the same transaction that marks
// the ticket approved, after checking again what filing checked: the
// author is still a site administrator of the office, support only for
// those eligible, and never an office without an active site administrator.
func (s *Service) DecidePrivilegeTicket(ctx context.Context, ticketID string, approve bool, note string) (Ticket, error) {
	if len(note) > 2000 {
		return Ticket{}, fault.Validation(map[string]string{"note": "must be at most 2000 characters"})
	}
	if ticketID == "" || len(ticketID) > 64 {
		return Ticket{}, ErrTicketNotFound
	}
	orgID, err := s.store.TicketOrg(ctx, ticketID)
	if errors.Is(err, fault.ErrNotFound) {
		return Ticket{}, ErrTicketNotFound
	}
	if err != nil {
		return Ticket{}, fmt.Errorf("find ticket %s: %w", ticketID, err)
	}
	for attempt := 1; ; attempt++ {
		t, err := s.ticket(ctx, orgID, ticketID)
		if err != nil {
			return Ticket{}, err
		}
		if t.Kind != KindPrivilegeChange {
			return Ticket{}, ErrTicketNotFound
		}
		if t.Status != StatusPendingOps {
			return Ticket{}, ErrTicketDecided
		}
		now := s.now().UTC()
		t.DecisionNote, t.DecidedAt, t.UpdatedAt = strings.TrimSpace(note), &now, now
		if !approve {
			t.Status = StatusRejected
			err := s.store.SaveTicket(ctx, t, withDetail(opsActor.Entry(orgID, ActionTicketReject, "ticket:"+t.ID, now), t.DecisionNote))
			if errors.Is(err, fault.ErrConflict) {
				return Ticket{}, ErrTicketDecided
			}
			if err != nil {
				return Ticket{}, fmt.Errorf("reject ticket %s: %w", t.ID, err)
			}
			t.Rev++
			s.tellFiler(ctx, t)
			return t, nil
		}
		t.Status = StatusApproved
		err = s.apply(ctx, t, attempt)
		switch {
		case errors.Is(err, member.ErrKeepSiteAdminGone) && attempt < maxApplyAttempts:
			continue
		case errors.Is(err, member.ErrKeepSiteAdminGone):
			return Ticket{}, ErrLastSiteAdmin
		case err != nil:
			return Ticket{}, err
		}
		t.Rev++
		s.tellFiler(ctx, t)
		return t, nil
	}
}

// tellFiler emails the ticket's author the decision. The decision stands
// whether or not the email goes out, so a failure is only logged.
func (s *Service) tellFiler(ctx context.Context, t Ticket) {
	filer, fms, err := s.store.UserWithMemberships(ctx, t.FiledBy)
	if err == nil && filer.Email != "" {
		orgName, target := t.OrgID.String(), t.Change.UserID
		for _, m := range fms {
			if m.OrgID == t.OrgID {
				orgName = m.OrgName
			}
		}
		if u, _, err := s.store.UserWithMemberships(ctx, t.Change.UserID); err == nil {
			target = strings.TrimSpace(u.FirstName+" "+u.LastName) + " (" + u.Username + ")"
		}
		var msg mail.Message
		msg, err = mail.Render("privilege-decided", filer.Email, map[string]string{"ID": t.ID, "OrgName": orgName, "Status": string(t.Status),
			"Action": string(t.Change.Action), "Grant": string(t.Change.Grant), "Target": target, "Note": t.DecisionNote})
		if err == nil {
			err = s.mailer.Send(ctx, msg)
		}
	}
	if err != nil {
		s.log.ErrorContext(ctx, "privilege decision notice to the filer failed", "ticket", t.ID, "error", err.Error())
	}
}

// apply writes an approved change.
func (s *Service) apply(ctx context.Context, t Ticket, attempt int) error {
	filer, _, fm, err := s.target(ctx, t.OrgID, t.FiledBy)
	if errors.Is(err, ErrUserNotFound) || err == nil && (fm.Role != account.RoleSiteAdmin || !fm.Active || filer.Deleted) {
		return ErrFilerNotSiteAdmin
	}
	if err != nil {
		return err
	}
	u, ms, m, err := s.target(ctx, t.OrgID, t.Change.UserID)
	if errors.Is(err, ErrUserNotFound) {
		return ErrTargetUnavailable
	}
	if err != nil {
		return err
	}
	if err := s.changeProblem(ctx, u, m, *t.Change); err != nil {
		return err
	}
	next := m
	next.Privileges = maps.Clone(m.Privileges)
	switch {
	case t.Change.Grant == GrantSiteAdmin && t.Change.Action == ActionAdd:
		// A site administrator administers the whole office and never holds support (F20).
		next.Role, next.Scope, next.Support = account.RoleSiteAdmin, account.OrgScope, false
		delete(next.Privileges, account.ModuleSupport)
	case t.Change.Grant == GrantSiteAdmin && t.Change.Action == ActionRemove:
		next.Role = account.RoleProviderAdmin
	case t.Change.Grant == GrantSupport:
		next.Support = t.Change.Action == ActionAdd
	}
	keep := map[ident.OrgID]string{}
	if m.ActiveSiteAdmin(u) && !next.ActiveSiteAdmin(u) {
		other, err := s.otherSiteAdmin(ctx, t.OrgID, u.ID, attempt)
		if err != nil {
			return err
		}
		keep[t.OrgID] = other
	}
	var newMs []account.Membership
	for _, x := range ms {
		if x.OrgID == t.OrgID {
			x = next
		}
		newMs = append(newMs, x)
	}
	action := ActionGrantPrefix + string(t.Change.Grant) + "." + string(t.Change.Action)
	entry := withDetail(opsActor.Entry(t.OrgID, action, "user:"+u.ID, t.UpdatedAt), "ticket "+t.ID+noteSuffix(t.DecisionNote))
	err = s.store.ApplyPrivilegeChange(ctx, PrivilegeApply{User: u, Memberships: newMs, KeepSiteAdmins: keep, Ticket: t, Audit: entry})
	switch {
	case errors.Is(err, ErrTicketDecided), errors.Is(err, member.ErrKeepSiteAdminGone):
		return err
	case errors.Is(err, fault.ErrConflict):
		return ErrTicketChanged
	case err != nil:
		return fmt.Errorf("apply ticket %s: %w", t.ID, err)
	}
	return nil
}

func noteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return ": " + note
}

func withDetail(e audit.Entry, detail string) audit.Entry {
	e.Detail = detail
	return e
}

// setupLinkLifetime is how long the break-glass set-up link works.
const setupLinkLifetime = 24 * time.Hour

// ReactivateSiteAdmin is ops' break-glass (F23): only when no site
// administrator of the office can act (each is deleted, deactivated or
// locked), it reactivates and unlocks one, keeps the authorization (the
// owner's ticket or email) in the audit log, and emails them a set-up link
// so they choose a new password and reactivate the others.
func (s *Service) ReactivateSiteAdmin(ctx context.Context, orgID ident.OrgID, userID, authorization string) error {
	authorization = strings.TrimSpace(authorization)
	switch {
	case authorization == "":
		return fault.Validation(map[string]string{"authorization": "is required: name the owner's ticket or email that authorizes this"})
	case len(authorization) > 1000:
		return fault.Validation(map[string]string{"authorization": "must be at most 1000 characters"})
	}
	o, err := s.orgs.GetOrg(ctx, orgID)
	if errors.Is(err, fault.ErrNotFound) {
		return fault.NotFound("org_not_found", "No such organization.")
	}
	if err != nil {
		return fmt.Errorf("read org %s: %w", orgID, err)
	}
	u, ms, m, err := s.target(ctx, orgID, userID)
	if err != nil {
		return err
	}
	if m.Role != account.RoleSiteAdmin {
		return ErrNotSiteAdminOfOffice
	}
	admins, err := s.store.SiteAdmins(ctx, orgID)
	if err != nil {
		return fmt.Errorf("site administrators of %s: %w", orgID, err)
	}
	for _, a := range admins {
		if a.CanAct() {
			return ErrSiteAdminAvailable
		}
	}
	token, tokenHash, err := session.NewToken()
	if err != nil {
		return err
	}
	now := s.now().UTC()
	link := member.Link{TokenHash: tokenHash, Purpose: member.LinkSetup, OrgID: orgID, UserID: u.ID, ExpiresAt: now.Add(setupLinkLifetime)}
	// The membership in this office is reactivated and unlocked; the
	// login's lockout is lifted and its sessions end (the set-up link
	// starts afresh).
	// Every membership is written: each carries the copy of the login's lock.
	var newMs []account.Membership
	for _, x := range ms {
		if x.OrgID == orgID {
			x.SetLocked(false, now)
			x.SetDeleted(false)
			x.Active = true
		}
		newMs = append(newMs, x)
	}
	entry := withDetail(opsActor.Entry(orgID, ActionBreakGlass, "user:"+u.ID, now), "authorization: "+authorization)
	err = s.store.SaveMember(ctx, member.Save{User: u, Memberships: newMs, ClearLoginLock: true, EndSessions: true,
		Link: &link, Audit: entry})
	if errors.Is(err, fault.ErrConflict) {
		return ErrTicketChanged
	}
	if err != nil {
		return fmt.Errorf("reactivate %s: %w", u.ID, err)
	}
	msg, err := mail.Render("break-glass-setup", u.Email, map[string]any{
		"OrgName": o.Name, "Username": u.Username, "Link": s.link("/setup", url.Values{"token": {token}}),
		"ExpiresAt": link.ExpiresAt.Format(time.RFC3339), "CodeWord": o.Settings.CodeWordHash != "",
	})
	if err != nil {
		return err
	}
	if err := s.mailer.Send(ctx, msg); err != nil {
		return fmt.Errorf("email set-up link to %s: %w", u.ID, err)
	}
	return nil
}
