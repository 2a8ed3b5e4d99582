package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/ident"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// One login, many orgs (F7) and linking accounts (F8).

// LinkStore joins accounts.
type LinkStore interface {
	// LinkAccounts adds memberships to the login into, marks from as linked
	// to into, uses up the second factor from presented (a TOTP step, a
	// recovery code) and writes the audit entries, in one transaction; it
	// fails with fault.ErrConflict when from was linked, deleted or changed
	// meanwhile, or the factor was used.
	LinkAccounts(ctx context.Context, into, from account.User, used FactorUse, add []account.Membership, entries []audit.Entry) error
	// DeleteLinkedUser logically deletes from if it is linked to into, and
	// ends its sessions.
	DeleteLinkedUser(ctx context.Context, into, from string, at time.Time, entries []audit.Entry) error
	// AddLogin creates the login u with the memberships ms and links from
	// into it, with the audit entries, in one transaction: the username
	// taken gives account.ErrUsernameTaken; from linked, deleted or changed
	// meanwhile gives fault.ErrConflict.
	AddLogin(ctx context.Context, u, from account.User, ms []account.Membership, entries []audit.Entry) error
}

// FactorUse is a one-time second factor presented: the TOTP step (0 when
// none) or the stored hash of the recovery code ("" when none).
type FactorUse struct {
	TOTPStep         int64
	RecoveryCodeHash string
}

// ErrNotMember refuses switching to an org the login is not an active member of.
var ErrNotMember = fault.Forbidden("not_a_member", "You are not an active member of this organization.")

// SwitchOrg makes orgID the org the session acts in.
func (s *Service) SwitchOrg(ctx context.Context, p caller.Caller, orgID ident.OrgID) (caller.Caller, error) {
	if _, ok := p.MembershipIn(orgID); !ok {
		return caller.Caller{}, ErrNotMember
	}
	if err := s.sessions.SetActiveOrg(ctx, p.Session.ID, orgID); err != nil {
		return caller.Caller{}, err
	}
	p.Session.ActiveOrgID = orgID
	return p, nil
}

// ErrLinkCredentials is a wrong username or password for the account to
// link; it is 403 rather than 401 because the caller stays signed in.
var ErrLinkCredentials = fault.Forbidden("invalid_credentials", "The username or password of the other account is not correct.")

// ErrLinkSelf refuses linking a login to itself.
var ErrLinkSelf = fault.Invalid("link_self", "That is the login you are signed in with.")

// Link proves the username and password (and second factor, when it has
// one) of another account, and joins that account's memberships to the
// signed-in login (F8). The check counts toward the other account's lockout.
// Orgs the login is already in are skipped. Both usernames are audited in
// every org joined.
func (s *Service) Link(ctx context.Context, p caller.Caller, username, pw, otp string) (caller.Caller, error) {
	other, oms, err := s.checkPassword(ctx, p.IP, username, pw)
	if errors.Is(err, ErrInvalidCredentials) {
		return caller.Caller{}, ErrLinkCredentials
	}
	if err != nil {
		return caller.Caller{}, err
	}
	if other.ID == p.User.ID {
		return caller.Caller{}, ErrLinkSelf
	}
	if other.LinkedTo != "" {
		return caller.Caller{}, fault.Conflict("already_linked", "That account has already been linked to a login.")
	}
	var used FactorUse
	if other.MFAEnabled {
		if otp == "" {
			return caller.Caller{}, ErrMFARequired
		}
		step, codeHash, ok := s.checkSecondFactor(other, otp)
		if !ok {
			s.recordFailure(ctx, other)
			return caller.Caller{}, ErrInvalidOTP
		}
		// A one-time factor is used up here as at sign-in.
		used = FactorUse{TOTPStep: step, RecoveryCodeHash: codeHash}
	}
	now := s.now().UTC()
	var add []account.Membership
	var entries []audit.Entry
	for _, m := range oms {
		if !m.Active {
			continue
		}
		// A membership of mine, even an inactive one, stays as its org left it.
		if hasOrg(p.Memberships, m.OrgID) {
			continue
		}
		m.UserID, m.CreatedAt = p.User.ID, now
		add = append(add, m)
		entries = append(entries, s.auditEntry(ctx, p, m.OrgID, "user.account_linked", other.Username))
	}
	err = s.store.LinkAccounts(ctx, p.User, other, used, add, entries)
	if errors.Is(err, fault.ErrConflict) {
		return caller.Caller{}, fault.Conflict("already_linked", "That account changed meanwhile; try again.")
	}
	if err != nil {
		return caller.Caller{}, fmt.Errorf("link %s into %s: %w", other.ID, p.User.ID, err)
	}
	p.Memberships = append(p.Memberships, add...)
	return p, nil
}

func hasOrg(ms []account.Membership, orgID ident.OrgID) bool {
	for _, m := range ms {
		if m.OrgID == orgID {
			return true
		}
	}
	return false
}

// ErrNotLinked is the answer for a username that is not an account linked to the caller.
var ErrNotLinked = fault.NotFound("link_not_found", "No account with that username is linked to your login.")

// DeleteLinked logically deletes an account that was linked to the signed-in
// login (F8: the unused username goes away) and ends its sessions; the
// deletion is audited in every org the caller is an active member of.
func (s *Service) DeleteLinked(ctx context.Context, p caller.Caller, username string) error {
	id, err := s.store.UserIDByUsername(ctx, username)
	if errors.Is(err, fault.ErrNotFound) {
		return ErrNotLinked
	}
	if err != nil {
		return fmt.Errorf("delete linked account: %w", err)
	}
	other, _, err := s.store.UserWithMemberships(ctx, id)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && (other.LinkedTo != p.User.ID || other.Deleted)) {
		return ErrNotLinked
	}
	if err != nil {
		return fmt.Errorf("delete linked account: %w", err)
	}
	var entries []audit.Entry
	for _, m := range p.Memberships {
		if m.Active {
			entries = append(entries, s.auditEntry(ctx, p, m.OrgID, "user.linked_account_deleted", other.Username))
		}
	}
	err = s.store.DeleteLinkedUser(ctx, p.User.ID, other.ID, s.now().UTC(), entries)
	if errors.Is(err, fault.ErrConflict) {
		return ErrNotLinked
	}
	if err != nil {
		return fmt.Errorf("delete linked account %s: %w", other.ID, err)
	}
	return nil
}

// ErrUsernameTaken refuses a new username someone already has.
var ErrUsernameTaken = fault.Validation(map[string]string{"username": "is taken; choose another"})

// AddUsername makes a new login, with its own username and password, for
// the signed-in person and links the signed-in login into it (seed 000's
// "Allow Account Access": the new username becomes the master username).
// The new login gets the person's name and email and every active
// membership; the old one stays until deleted as an unused username. All in
// one write, audited in every org. It needs the current password.
func (s *Service) AddUsername(ctx context.Context, p caller.Caller, username, pw, current string) (account.User, error) {
	if err := s.Reauthenticate(ctx, p, current); err != nil {
		return account.User{}, err
	}
	if problem := account.UsernameProblem(strings.TrimSpace(username)); problem != "" {
		return account.User{}, fault.Validation(map[string]string{"username": problem})
	}
	now := s.now().UTC()
	u := account.User{ID: ident.New(), Username: account.NormalizeUsername(username), FirstName: p.User.FirstName,
		LastName: p.User.LastName, Email: p.User.Email, Phone: p.User.Phone, CreatedAt: now}
	var ms []account.Membership
	var entries []audit.Entry
	for _, m := range p.Memberships {
		if !m.Active {
			continue
		}
		m.UserID, m.CreatedAt, m.Rev = u.ID, now, 0
		ms = append(ms, m)
		entries = append(entries, s.auditEntry(ctx, p, m.OrgID, "user.username_added", u.Username))
	}
	if err := s.checkNewPassword(ctx, u, ms, "password", pw); err != nil {
		return account.User{}, err
	}
	hash, err := s.hash(pw)
	if err != nil {
		return account.User{}, err
	}
	u.PasswordHash = hash
	err = s.store.AddLogin(ctx, u, p.User, ms, entries)
	switch {
	case errors.Is(err, account.ErrUsernameTaken):
		return account.User{}, ErrUsernameTaken
	case errors.Is(err, fault.ErrConflict):
		return account.User{}, fault.Conflict("already_linked", "This login is already linked to another; add the username there.")
	case err != nil:
		return account.User{}, fmt.Errorf("add username for %s: %w", p.User.ID, err)
	}
	return u, nil
}
