// Package account holds users (one login each), their memberships in
// organizations, roles and scopes.
package account

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Role is a membership's role (API value).
type Role string

const (
	RoleSiteAdmin     Role = "site-admin"
	RoleProviderAdmin Role = "provider-admin"
	RolePortalUser    Role = "portal-user"
	RoleClericalUser  Role = "clerical-user"
	RoleClient        Role = "client"
)

// Roles lists every role with its display name, widest first.
var Roles = []struct {
	Role        Role
	DisplayName string
}{
	{RoleSiteAdmin, "Site Administrator"},
	{RoleProviderAdmin, "Provider - Administrator"},
	{RolePortalUser, "Provider - Portal User"},
	{RoleClericalUser, "Provider - Clerical User"},
	{RoleClient, "Portal Client"},
}

// ParseRole accepts an API role value.
func ParseRole(s string) (Role, bool) {
	for _, r := range Roles {
		if string(r.Role) == s {
			return r.Role, true
		}
	}
	return "", false
}

// DisplayName is the role's name as the portal shows it.
func (r Role) DisplayName() string {
	for _, x := range Roles {
		if x.Role == r {
			return x.DisplayName
		}
	}
	return string(r)
}

// MayGrant reports whether a holder of r may give role want to someone (an
// invite, a review decision, a new user): never a role above one's own, and
// site administrator only from a site administrator. (Whether the holder may
// administer users at all is the user_admin module's level, checked by the
// guard.)
func (r Role) MayGrant(want Role) bool {
	if want == RoleSiteAdmin {
		return r == RoleSiteAdmin
	}
	return rank(want) <= rank(r)
}

// rank orders the roles by what they may see; a client sees only the client portal.
func rank(r Role) int {
	switch r {
	case RoleSiteAdmin:
		return 4
	case RoleProviderAdmin:
		return 3
	case RolePortalUser:
		return 2
	case RoleClericalUser, RoleClient:
		return 1
	}
	return 0
}

// Scope is the level a membership sees: the whole office (TIN level) or one
// individual provider (NPI).
type Scope struct {
	NPI string // empty means the whole organization
}

// OrgScope is the TIN-level scope.
var OrgScope = Scope{}

// ParseScope accepts "org" or "provider:<NPI>".
func ParseScope(s string) (Scope, error) {
	switch {
	case s == "org":
		return OrgScope, nil
	case strings.HasPrefix(s, "provider:"):
		npi := strings.TrimPrefix(s, "provider:")
		if !ValidNPI(npi) {
			return Scope{}, fmt.Errorf("%q is not a valid NPI", npi)
		}
		return Scope{NPI: npi}, nil
	}
	return Scope{}, fmt.Errorf("scope must be \"org\" or \"provider:<NPI>\"")
}

func (s Scope) String() string {
	if s.NPI == "" {
		return "org"
	}
	return "provider:" + s.NPI
}

// IsOrg reports whether the scope is the whole organization.
func (s Scope) IsOrg() bool { return s.NPI == "" }

// Covers reports whether a holder of s may act at scope o: the org scope
// covers everything, a provider scope only itself.
func (s Scope) Covers(o Scope) bool { return s.IsOrg() || s == o }

// ValidNPI checks a National Provider Identifier: ten digits whose last is a
// Luhn check digit computed with the 80840 prefix (CMS NPI standard).
func ValidNPI(npi string) bool {
	if len(npi) != 10 || !allDigits(npi) {
		return false
	}
	sum := 24 // the Luhn contribution of the "80840" prefix
	for i := 8; i >= 0; i-- {
		d := int(npi[i] - '0')
		if (8-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10-sum%10)%10 == int(npi[9]-'0')
}

// ValidTIN checks a tax identification number: nine digits (dashes allowed).
func ValidTIN(tin string) bool {
	return len(NormalizeTIN(tin)) == 9
}

// NormalizeTIN removes dashes; it returns "" when tin is not nine digits.
func NormalizeTIN(tin string) string {
	t := strings.ReplaceAll(strings.TrimSpace(tin), "-", "")
	if len(t) != 9 || !allDigits(t) {
		return ""
	}
	return t
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// User is one login.
type User struct {
	ID                     string
	Username               string
	FirstName              string
	LastName               string
	Email                  string
	PasswordHash           string
	PasswordChangeRequired bool
	MFAEnabled             bool
	Locked                 bool
	LockoutTime            *time.Time
	Deleted                bool
	CreatedAt              time.Time
	// Running accounts (F14-F17).
	MiddleName              string
	Phone                   string
	NotificationPreferences map[string]bool
	// TemporaryPasswordExpiresAt ends a generated temporary password (F14,
	// F17): it works for 24 h and must be changed at the next sign-in.
	TemporaryPasswordExpiresAt *time.Time
	// SessionsNotBefore ends every session started before it (sign out
	// everywhere, password change, lock, delete).
	SessionsNotBefore time.Time

	// Sign-in state (identity).
	// FailedLogins counts failed attempts in the window that began at
	// FailureWindowStart (F2); both are changed only by conditional updates.
	FailedLogins       int
	FailureWindowStart *time.Time
	// LockedByAdmin marks a lock an administrator set: it does not expire.
	LockedByAdmin bool
	// TOTPSecret is the base32 TOTP secret once enrolment is verified;
	// TOTPPendingSecret the one being enrolled. Never logged.
	TOTPSecret        string
	TOTPPendingSecret string
	// TOTPLastStep is the last TOTP time step accepted, so a code is used once.
	TOTPLastStep int64
	// RecoveryCodeHashes are argon2id hashes of the unused recovery codes.
	RecoveryCodeHashes []string
	// LinkedTo is the login this account's memberships were joined to (F8).
	LinkedTo string
	// Rev is the store's revision of the login's own fields (password,
	// email, names, factors, revocations): every write of them is
	// conditional on the revision it read, so a stale write fails.
	Rev int
}

// LockoutDuration is how long a lock from failed sign-ins lasts (F2).
const LockoutDuration = 30 * time.Minute

// LockActive reports whether the account is locked at now: an administrator's
// lock holds until lifted; a lockout from failed sign-ins for LockoutDuration.
func (u User) LockActive(now time.Time) bool {
	if !u.Locked {
		return false
	}
	if u.LockedByAdmin || u.LockoutTime == nil {
		return true
	}
	return now.Before(u.LockoutTime.Add(LockoutDuration))
}

// CanSignIn reports whether the account may start a session at all.
func (u User) CanSignIn() bool { return !u.Deleted }

// TemporaryPasswordExpired reports whether the user's password is a
// generated temporary one that is no longer valid at now.
func (u User) TemporaryPasswordExpired(now time.Time) bool {
	return u.TemporaryPasswordExpiresAt != nil && !now.Before(*u.TemporaryPasswordExpiresAt)
}

// SessionValid reports whether a session the user started at created may
// still be used: not after delete or lock, nor one older than a revocation.
func (u User) SessionValid(created time.Time) bool {
	return !u.Deleted && !u.Locked && !created.Before(u.SessionsNotBefore)
}

// Membership is a user's place in one organization.
type Membership struct {
	UserID     string
	OrgID      ident.OrgID
	OrgName    string
	Role       Role
	Scope      Scope
	ClientName string
	Active     bool
	CreatedAt  time.Time
	// Privileges are per-user overrides of the role's defaults (F19).
	Privileges map[Module]Level
	// Locked and Deleted are this office's lock and logical delete of the
	// membership (F16, F18): they never touch the person's other offices.
	// Active is kept equal to !Locked && !Deleted by SetLocked and
	// SetDeleted, so every check of Active honours both.
	Locked   bool
	LockedAt *time.Time
	Deleted  bool
	// Support is the support privilege (F21): it lets the member file
	// support tickets. It is granted and removed only by an approved
	// privilege-change ticket (F22) and never held by a site administrator.
	Support bool
	// Rev is the store's revision of the membership item, for optimistic
	// concurrency of administrator edits; 0 for an item never edited.
	Rev int
}

// SetLocked locks (at) or unlocks the membership in its office.
func (m *Membership) SetLocked(locked bool, at time.Time) {
	m.Locked, m.LockedAt = locked, nil
	if locked {
		at = at.UTC()
		m.LockedAt = &at
	}
	m.Active = !m.Locked && !m.Deleted
}

// SetDeleted deletes (logically) or reactivates the membership in its office.
func (m *Membership) SetDeleted(deleted bool) {
	m.Deleted = deleted
	m.Active = !m.Locked && !m.Deleted
}

// ActiveSiteAdmin reports whether m counts as an active site administrator
// of its org for user u (F20, the last-site-administrator rule).
func (m Membership) ActiveSiteAdmin(u User) bool {
	return m.Role == RoleSiteAdmin && m.Active && !u.Deleted && !u.Locked
}

// NormalizeUsername lower-cases and trims a username; usernames are unique
// regardless of case.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// UsernameProblem explains why a username is not acceptable, or returns "".
func UsernameProblem(s string) string {
	if len(s) < 3 || len(s) > 64 {
		return "must be 3 to 64 characters"
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) && r < unicode.MaxASCII || unicode.IsDigit(r) && r < unicode.MaxASCII || strings.ContainsRune("._-@", r)) {
			return "may contain only letters, digits and . _ - @"
		}
	}
	return ""
}

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// EmailProblem explains why s is not a plain email address, or returns "".
func EmailProblem(s string) string {
	if s == "" {
		return "is required"
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || len(s) > 254 {
		return "not an email address"
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") {
		return "not an email address"
	}
	return ""
}

// NameProblem checks a person's first or last name.
func NameProblem(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "is required"
	case len(s) > 100:
		return "must be at most 100 characters"
	}
	return ""
}

// ErrUsernameTaken is returned when a username is already held by a login.
var ErrUsernameTaken = fault.Conflict("username_taken", "This username is taken; choose another.")

// ErrPrivilegeTicketRequired refuses every way of granting or removing the
// site administrator role or support other than an approved privilege-change
// ticket (F22): invites, adding a user, editing a role or privileges, and
// registration decisions.
var ErrPrivilegeTicketRequired = fault.Forbidden("privilege_ticket_required",
	"Site administrator and support are granted or removed only by a privilege-change ticket from a site administrator, approved by Gatehouse operations.")

// TicketOnly reports whether moving a membership from role from to role to
// grants or removes the site administrator role, which only an approved
// privilege-change ticket may do (F22).
func TicketOnly(from, to Role) bool { return (from == RoleSiteAdmin) != (to == RoleSiteAdmin) }

// ErrAlreadyMember is returned when a login already belongs to the org.
var ErrAlreadyMember = fault.Conflict("already_member", "This login is already a member of the organization.")

// Lockout policy (F2): MaxFailedLogins failures within FailureWindow lock the
// account for LockoutDuration.
const (
	MaxFailedLogins = 5
	FailureWindow   = 15 * time.Minute
)
