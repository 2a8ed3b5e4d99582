// Package member is running an org's accounts (F14-F19): adding users,
// the searchable user list and its CSV export, detail and edit, lock and
// unlock, administrator password resets, logical delete and reactivation,
// per-module privileges, and the password set-up link a new user gets.
package member

import (
	"context"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

// Listing is a member as the user list shows it; the store keeps these
// fields on the membership item (denormalized from the user) so the list is
// served from one index without reading user items.
type Listing struct {
	UserID      string
	Username    string
	FirstName   string
	LastName    string
	Email       string
	Role        account.Role
	Scope       account.Scope
	Locked      bool
	LockoutTime *time.Time
	Deleted     bool
}

// Filter selects members of the user list (F15). Name filters are
// case-insensitive prefixes; Username is an exact (case-insensitive) match.
type Filter struct {
	FirstName string
	LastName  string
	Username  string
	Role      account.Role   // "" for any
	Scope     *account.Scope // nil for any
	Locked    *bool
	Deleted   *bool
}

// Matches reports whether l passes every filter; stores use it where they
// filter in memory, and tests use it as the reference.
func (f Filter) Matches(l Listing) bool {
	switch {
	case f.FirstName != "" && !strings.HasPrefix(strings.ToLower(l.FirstName), strings.ToLower(f.FirstName)):
		return false
	case f.LastName != "" && !strings.HasPrefix(strings.ToLower(l.LastName), strings.ToLower(f.LastName)):
		return false
	case f.Username != "" && account.NormalizeUsername(f.Username) != l.Username:
		return false
	case f.Role != "" && f.Role != l.Role:
		return false
	case f.Scope != nil && *f.Scope != l.Scope:
		return false
	case f.Locked != nil && *f.Locked != l.Locked:
		return false
	case f.Deleted != nil && *f.Deleted != l.Deleted:
		return false
	}
	return true
}

// Link is an emailed single-use link that lets a user set their password:
// the set-up link of a new user, or the reset link an administrator sends
// when the org hides temporary passwords. Only the token's SHA-256 is kept.
type Link struct {
	TokenHash string
	Purpose   string // LinkSetup or LinkEmail
	OrgID     ident.OrgID
	UserID    string
	// Email is the new address an email-change link confirms.
	Email     string
	ExpiresAt time.Time
	Attempts  int // wrong code words so far
}

// Link purposes: a set-up or administrator-reset link, and the link that
// confirms a new email address (sent to that address).
const (
	LinkSetup = "setup"
	LinkEmail = "email"
)

// LinkLifetime is how long set-up links and temporary passwords work.
const LinkLifetime = 24 * time.Hour

// NewMember is everything written when an administrator adds a user.
type NewMember struct {
	User       account.User
	Membership account.Membership
	// EmployeeID, when set, links the employee record to the new user; it
	// must exist in the org, be active and have no user yet.
	EmployeeID string
	Link       *Link
	Audit      audit.Entry
}

// Save is one administrator change of a user, written in one transaction
// with the audit entry: the login's own fields when they change (conditional
// on the login's revision as read) and the memberships that change (each
// conditional on its revision as read; every membership when the login's
// listed fields change, since each carries a copy of them).
type Save struct {
	User account.User
	// UserChanged writes the login's names, email, phone and preferences.
	UserChanged bool
	Memberships []account.Membership
	// PasswordChanged writes the password fields (hash, change required,
	// temporary expiry) too.
	PasswordChanged bool
	// ClearLoginLock lifts the login's lockout from failed sign-ins and
	// resets the failure counter; Memberships must then hold every
	// membership of the login (each carries a copy of the lock).
	ClearLoginLock bool
	// EndSessions ends every session of the login (SessionsNotBefore set to
	// the time of the write).
	EndSessions bool
	// UseLink, when set, is the hash of a link consumed by this change.
	UseLink string
	// KeepSiteAdmins maps an org id to another user whose membership there
	// must still be an active site administrator when the change commits:
	// no org loses its last one, even under concurrent changes.
	KeepSiteAdmins map[ident.OrgID]string
	Link           *Link
	Audit          audit.Entry
}

// LoginChanged reports whether the save writes the user item.
func (s Save) LoginChanged() bool {
	return s.UserChanged || s.PasswordChanged || s.ClearLoginLock || s.EndSessions
}

// Store is what running accounts needs from the table.
type Store interface {
	UserIDByUsername(ctx context.Context, username string) (string, error)
	UserWithMemberships(ctx context.Context, userID string) (account.User, []account.Membership, error)
	// CreateMember writes the user, its username claim, the membership, the
	// employee link, the set-up link and the audit entry in one transaction;
	// account.ErrUsernameTaken when the username is held, ErrEmployeeTaken
	// when the employee is missing, inactive or already has a user.
	CreateMember(ctx context.Context, in NewMember) error
	// SaveMember writes a Save; fault.ErrConflict when the login or a
	// membership changed since it was read, or the link was used, ErrKeepSiteAdminGone when a KeepSiteAdmins member no longer is one.
	SaveMember(ctx context.Context, in Save) error
	// ListMembers pages through an org's members matching f.
	ListMembers(ctx context.Context, orgID ident.OrgID, f Filter, limit int, cursor string) ([]Listing, string, error)
	// ActiveSiteAdmins lists the user ids of the org's active site
	// administrators from an index: a hint, checked again by SaveMember.
	ActiveSiteAdmins(ctx context.Context, orgID ident.OrgID) ([]string, error)
	// LinkByToken reads an unexpired or expired link; fault.ErrNotFound when unknown.
	LinkByToken(ctx context.Context, tokenHash string) (Link, error)
	// CountLinkAttempt counts a wrong code word on a link; fault.ErrConflict
	// once the link has used up its attempts.
	CountLinkAttempt(ctx context.Context, tokenHash string, max int) error
	// UseLink consumes the link and sets the user's password in one
	// transaction; fault.ErrConflict when the link was used meanwhile.
	UseLink(ctx context.Context, l Link, passwordHash string) error
}

// Orgs reads an org (name, providers, settings).
type Orgs interface {
	GetOrg(ctx context.Context, id ident.OrgID) (org.Org, error)
}

// Mailer sends rendered emails.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// Sessions ends every session of a user.
type Sessions interface {
	EndAll(ctx context.Context, userID string) error
}

// Errors callers see.
var (
	ErrNotFound          = fault.NotFound("user_not_found", "No such user in your reach.")
	ErrScopeTooWide      = fault.Forbidden("scope_too_wide", "You can only give access at your own scope or narrower.")
	ErrRoleTooHigh       = fault.Forbidden("role_too_high", "Only a site administrator can grant or manage the site administrator role.")
	ErrAboveOwnLevel     = fault.Forbidden("privilege_above_own", "You cannot grant more access than you have yourself.")
	ErrUsernameImmutable = fault.Invalid("username_immutable", "A username can never change.")
	ErrLastSiteAdmin     = fault.Conflict("last_site_admin", "This is the organization's last active site administrator; make someone else a site administrator first.")
	ErrEditConflict      = fault.Conflict("edit_conflict", "This user was changed by someone else at the same time; reload and try again.")
	ErrEmployeeTaken     = fault.Conflict("employee_unavailable", "This employee does not exist, is not active or already has a user account.")
	ErrLinkNotFound      = fault.NotFound("link_not_found", "This link is unknown or has already been used.")
	ErrLinkExpired       = fault.Gone("link_expired", "This link has expired; ask your administrator for a new one.")
	ErrCodeWordRequired  = fault.Invalid("code_word_required", "Enter your practice's code word; your administrator gives it to you in person or by phone.")
	ErrCodeWordMismatch  = fault.Unauthenticated("code_word_mismatch", "The code word is not correct.")
	ErrTooManyAttempts   = fault.Throttled("too_many_attempts", "Too many wrong code words for this link; ask your administrator for a new one.")
	// ErrKeepSiteAdminGone is the store's answer when the site
	// administrator that had to remain changed meanwhile.
	ErrKeepSiteAdminGone = fault.Conflict("last_site_admin", "This is the organization's last active site administrator.")
	// ErrSharedLogin refuses a change of what belongs to the login itself
	// (password, email, lockout) when the login is also in use in an office
	// the administrator does not administer at a covering scope.
	ErrSharedLogin = fault.Conflict("shared_login", "This login is also used in offices you do not administer; only its owner can change its password, email or second factors.")
)
