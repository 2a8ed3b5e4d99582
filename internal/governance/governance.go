// Package governance is seed 002's rules for who administers an office and
// who may ask support (F20-F23): the fewer-than-two-site-administrators
// warning, the support privilege and its eligibility, support tickets, the
// privilege-change tickets that alone grant or remove site administrator
// and support (applied when ops approves them), the public emergency form
// and ops' break-glass reactivation of a site administrator.
package governance

import (
	"context"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

// Kind is a ticket's kind.
type Kind string

const (
	KindQuestion        Kind = "question"
	KindIncident        Kind = "incident"
	KindPrivilegeChange Kind = "privilege_change"
)

// Status is where a ticket stands.
type Status string

const (
	StatusOpen       Status = "open"        // a question or incident, until closed
	StatusPendingOps Status = "pending-ops" // a privilege change waiting for ops
	StatusApproved   Status = "approved"    // applied
	StatusRejected   Status = "rejected"
	StatusClosed     Status = "closed"
)

// Grant is a privilege only a privilege-change ticket changes.
type Grant string

const (
	GrantSiteAdmin Grant = "site-admin"
	GrantSupport   Grant = "support"
)

// Action adds or removes a grant.
type Action string

const (
	ActionAdd    Action = "add"
	ActionRemove Action = "remove"
)

// PrivilegeChange is what a privilege-change ticket asks for.
type PrivilegeChange struct {
	UserID string `json:"user_id"`
	Grant  Grant  `json:"grant"`
	Action Action `json:"action"`
}

// Ticket is a support ticket of one office.
type Ticket struct {
	ID              string
	OrgID           ident.OrgID
	Kind            Kind
	Subject         string
	Body            string
	Status          Status
	FiledBy         string // user id
	FiledByUsername string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Change          *PrivilegeChange
	DecisionNote    string
	DecidedAt       *time.Time
	// Rev counts the ticket's changes (optimistic concurrency).
	Rev int
}

// SiteAdmin is one site-administrator membership of an office and whether
// that person can act (break-glass, F23).
type SiteAdmin struct {
	UserID  string
	Active  bool // the membership
	Locked  bool // the login, a lock in force now
	Deleted bool // the login
}

// CanAct reports whether the site administrator can sign in and act.
func (a SiteAdmin) CanAct() bool { return a.Active && !a.Locked && !a.Deleted }

// EmergencyRequest is one use of the public emergency form.
type EmergencyRequest struct {
	ID         string
	TIN        string
	OrgID      ident.OrgID // "" when no office has the TIN
	Name       string
	Email      string
	Phone      string
	Message    string
	ReceivedAt time.Time
}

// PrivilegeApply is an approved privilege change, written at once: the
// target's memberships (with the revisions read), the site administrators
// that must remain, the ticket's decided state (only if it is still
// pending-ops) and the audit entry.
type PrivilegeApply struct {
	User           account.User
	Memberships    []account.Membership
	KeepSiteAdmins map[ident.OrgID]string
	Ticket         Ticket
	Audit          audit.Entry
}

// Store is what governance needs from the table.
type Store interface {
	UserWithMemberships(ctx context.Context, userID string) (account.User, []account.Membership, error)
	UserIDsByEmail(ctx context.Context, email string, limit int) ([]string, error)
	// ActiveSiteAdmins lists the office's active site administrators (an index: a hint).
	ActiveSiteAdmins(ctx context.Context, orgID ident.OrgID) ([]string, error)
	// SiteAdmins lists every site-administrator membership of the office.
	SiteAdmins(ctx context.Context, orgID ident.OrgID) ([]SiteAdmin, error)

	CreateTicket(ctx context.Context, t Ticket, a audit.Entry) error
	// GetTicket reads a ticket of the office; fault.ErrNotFound otherwise.
	GetTicket(ctx context.Context, orgID ident.OrgID, id string) (Ticket, error)
	// TicketOrg finds the office of a ticket (ops); fault.ErrNotFound when unknown.
	TicketOrg(ctx context.Context, id string) (ident.OrgID, error)
	// ListTickets pages through the office's tickets, newest first.
	ListTickets(ctx context.Context, orgID ident.OrgID, limit int, cursor string) ([]Ticket, string, error)
	// ListPrivilegeTickets pages through every office's privilege-change tickets in a status, oldest first.
	ListPrivilegeTickets(ctx context.Context, status Status, limit int, cursor string) ([]Ticket, string, error)
	// SaveTicket writes a ticket read at revision t.Rev with its audit
	// entry; fault.ErrConflict when it changed meanwhile.
	SaveTicket(ctx context.Context, t Ticket, a audit.Entry) error
	// ApplyPrivilegeChange writes an approval; ErrTicketDecided when the
	// ticket changed, member.ErrKeepSiteAdminGone when a kept site
	// administrator is gone, fault.ErrConflict when the membership changed.
	ApplyPrivilegeChange(ctx context.Context, p PrivilegeApply) error
	// SaveMember is running accounts' write of a user (break-glass).
	SaveMember(ctx context.Context, sv member.Save) error

	OrgIDByTIN(ctx context.Context, tin string) (ident.OrgID, error)
	PutEmergencyRequest(ctx context.Context, e EmergencyRequest) error
	// ListEmergencyRequests pages through every emergency request, newest first.
	ListEmergencyRequests(ctx context.Context, limit int, cursor string) ([]EmergencyRequest, string, error)
	PutAudit(ctx context.Context, e audit.Entry) error
}

// Orgs reads an office.
type Orgs interface {
	GetOrg(ctx context.Context, id ident.OrgID) (org.Org, error)
}

// Mailer sends rendered emails.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// Limiter throttles the public emergency form per client address and per
// email; it returns a 429 fault past a limit.
type Limiter interface {
	AllowEmergency(ctx context.Context, address, email string) error
}

// Warnings of GET /v1/orgs/{org}/governance.
const WarningFewSiteAdmins = "fewer_than_two_site_admins"

// Audit actions.
const (
	ActionTicketFile       = "ticket.file"
	ActionTicketClose      = "ticket.close"
	ActionTicketReject     = "ticket.reject"
	ActionGrantPrefix      = "privilege." // privilege.site-admin.add, privilege.support.remove, …
	ActionBreakGlass       = "user.reactivate_break_glass"
	ActionEmergencyRequest = "support.emergency"
)

// opsActor is who ops commands act as in the audit log.
var opsActor = audit.Actor{UserID: "ops", Username: "Gatehouse operations"}

// Errors callers see.
var (
	ErrNotSupportUser       = fault.Forbidden("not_support_user", "Only site administrators and support users file and read support tickets; ask one of them, or search the Help Center.")
	ErrSiteAdminRequired    = fault.Forbidden("site_admin_required", "Only a site administrator files a privilege change.")
	ErrTicketNotFound       = fault.NotFound("ticket_not_found", "No such ticket in your reach.")
	ErrUserNotFound         = fault.NotFound("user_not_found", "No such user in your reach.")
	ErrNotAPerson           = fault.Invalid("not_a_person", "Support is only for a real person: a first and last name, and an email address no other user has.")
	ErrTooNew               = fault.Conflict("too_new", "Support is only for people who have used the portal for at least six months.")
	ErrSiteAdminNoSupport   = fault.Conflict("site_admin_no_support", "Site administrators never hold support access.")
	ErrAlreadyGranted       = fault.Conflict("already_granted", "This person already has it.")
	ErrNotGranted           = fault.Conflict("not_granted", "This person does not have it.")
	ErrLastSiteAdmin        = fault.Conflict("last_site_admin", "This would leave the office without an active site administrator.")
	ErrTicketDecided        = fault.Conflict("already_decided", "This ticket has already been decided.")
	ErrTicketNotOpen        = fault.Conflict("ticket_not_open", "Only an open question or incident can be closed; ops decides privilege changes.")
	ErrTicketChanged        = fault.Conflict("edit_conflict", "This ticket or this person changed at the same time; try again.")
	ErrFilerNotSiteAdmin    = fault.Conflict("filer_not_site_admin", "The ticket's author is no longer a site administrator of the office; a current one must file it again.")
	ErrTargetUnavailable    = fault.Conflict("target_unavailable", "This person is no longer an active member of the office.")
	ErrSiteAdminAvailable   = fault.Conflict("site_admin_available", "A site administrator of this office can still act; they reactivate users, not ops.")
	ErrNotSiteAdminOfOffice = fault.Conflict("not_site_admin", "This user is not a site administrator of the office.")
)
