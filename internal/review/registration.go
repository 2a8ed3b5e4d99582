// Package review is self-registration and its review (F10-F12): a stranger
// asks for access to an office, proves their email, and is auto-approved by a
// claim number on file or waits for an administrator's decision. The review
// runs as a Step Functions state machine (statemachine.asl.json, its picture
// statemachine.mermaid); its task handlers are in task.go.
package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

// Status is a registration console entry status (seed 001).
type Status string

const (
	StatusPendingEmail     Status = "PENDING-EMAIL-VERIFICATION"
	StatusAutoApproved     Status = "AUTO-APPROVED"
	StatusDeclined         Status = "DECLINED"
	StatusInvalidated      Status = "INVALIDATED"
	StatusAdminApproved    Status = "MANUAL-ADMIN-APPROVED"
	StatusProvAdminApprove Status = "MANUAL-PROV-ADMIN-APPROVED"
	StatusPendingAdmin     Status = "PENDING-ADMIN-REVIEW"
	StatusPendingProvAdmin Status = "PENDING-PROV-ADMIN-REVIEW"
	StatusInviteSent       Status = "EMAIL-INT"
	StatusInviteUsed       Status = "EMAIL-SUCCESS"
)

// Statuses lists every status the console filters by.
var Statuses = []Status{StatusPendingEmail, StatusAutoApproved, StatusDeclined, StatusInviteSent, StatusInviteUsed,
	StatusInvalidated, StatusAdminApproved, StatusProvAdminApprove, StatusPendingAdmin, StatusPendingProvAdmin}

// Pending reports whether the registration waits for a reviewer.
func (s Status) Pending() bool { return s == StatusPendingAdmin || s == StatusPendingProvAdmin }

// Level is what a registrant asks for: the whole office (TIN level) or one
// individual provider (NPI).
type Level string

const (
	LevelOrg      Level = "org"
	LevelProvider Level = "provider"
)

// pendingStatus is where a request of this level waits for a decision.
func (l Level) pendingStatus() Status {
	if l == LevelOrg {
		return StatusPendingProvAdmin
	}
	return StatusPendingAdmin
}

// approvedStatus is the status a manual approval of this level gives.
func (l Level) approvedStatus() Status {
	if l == LevelOrg {
		return StatusProvAdminApprove
	}
	return StatusAdminApproved
}

// Decision kinds, as the state machine's ApplyDecision Choice reads them.
const (
	DecisionApprove     = "approve"
	DecisionDeny        = "deny"
	DecisionModify      = "modify"
	DecisionInvalidated = "invalidated"
)

// DenyReasons are the reasons an administrator may give for a denial.
var DenyReasons = []string{"identity_not_verified", "not_affiliated", "duplicate_request", "other"}

// Decision is the one decision on a registration, claimed on its item.
type Decision struct {
	Kind   string        `json:"decision"`
	Role   account.Role  `json:"role,omitempty"`
	Scope  account.Scope `json:"-"`
	Reason string        `json:"reason,omitempty"`
	Note   string        `json:"note,omitempty"`
	By     string        `json:"by"`      // user id, or "ops"
	ByName string        `json:"by_name"` // for the history
	At     time.Time     `json:"at"`
}

// Event is one line of a registration's history.
type Event struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"` // "registrant", "workflow", "ops" or a user id
	Name   string    `json:"actor_name,omitempty"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// Registration is one self-registration request.
type Registration struct {
	ID            string
	OrgID         ident.OrgID
	OrgName       string
	TIN           string
	NPI           string // for LevelProvider
	ProviderName  string
	Level         Level
	RequestedRole account.Role
	FirstName     string
	LastName      string
	Email         string
	Phone         string
	Username      string
	PasswordHash  string // removed when the request is declined or invalidated
	ClaimHash     string // SHA-256 of org id and the normalized claim number; "" when none given
	ClaimMasked   string
	// ApprovedByClaim names the claim reference that auto-approved the
	// request (its key: hash and NPI, or "-" for the office as a whole).
	ApprovedByClaim string
	DOBHash         string
	DOBMasked       string
	Status          Status
	SubmittedAt     time.Time
	VerifiedAt      time.Time
	VerifyToken     string // task token of AwaitVerification
	DecisionToken   string // task token of WaitForDecision
	Decision        *Decision
	Escalated       bool
	UserID          string    // the login created on approval
	NotifiedAt      time.Time // when the registrant was emailed the outcome
	ExecutionARN    string
	History         []Event
}

// FinalScope is the scope the approved membership gets.
func (r Registration) FinalScope() account.Scope {
	if r.Decision != nil && r.Decision.Kind == DecisionModify {
		return r.Decision.Scope
	}
	if r.Level == LevelProvider {
		return account.Scope{NPI: r.NPI}
	}
	return account.OrgScope
}

// FinalRole is the role the approved membership gets.
func (r Registration) FinalRole() account.Role {
	if r.Decision != nil && r.Decision.Kind == DecisionModify {
		return r.Decision.Role
	}
	return r.RequestedRole
}

// RequestedScope is the scope the registrant asked for.
func (r Registration) RequestedScope() account.Scope {
	if r.Level == LevelProvider {
		return account.Scope{NPI: r.NPI}
	}
	return account.OrgScope
}

// ClaimReference is a hashed claim number on file for an org, optionally one NPI.
type ClaimReference struct {
	OrgID ident.OrgID
	NPI   string // "" for the TIN as a whole
	Hash  string
}

// Entry is one line of the registration console: a registration or an invite.
type Entry struct {
	ID          string
	Kind        string // "registration" or "invite"
	Status      Status
	CreatedAt   time.Time
	Level       Level
	NPI         string
	Role        account.Role
	Email       string
	FirstName   string
	LastName    string
	RequestedBy string
}

// Store keeps registrations; the dynamo adapter implements it.
type Store interface {
	// CreateRegistration stores the request, reserves its username and stores
	// its verification link, in one transaction (account.ErrUsernameTaken).
	CreateRegistration(ctx context.Context, r Registration, linkHash string, linkExpires time.Time) error
	// DiscardRegistration undoes CreateRegistration (the request, its id
	// pointer, its link and its username claim, in one transaction) when its
	// execution could not be started.
	DiscardRegistration(ctx context.Context, r Registration, linkHash string) error
	GetRegistration(ctx context.Context, orgID ident.OrgID, id string) (Registration, error)
	// RegistrationOrg finds the org of a registration id (ops commands).
	RegistrationOrg(ctx context.Context, id string) (ident.OrgID, error)
	// RegistrationByVerifyLink follows a verification link (fault.ErrNotFound).
	RegistrationByVerifyLink(ctx context.Context, linkHash string) (Registration, time.Time, error)
	// MarkVerified sets VerifiedAt while the request still waits for it and
	// consumes the link; fault.ErrConflict when it no longer does.
	MarkVerified(ctx context.Context, r Registration, linkHash string, ev Event) (Registration, error)
	// SetVerifyToken stores AwaitVerification's task token and returns the item.
	SetVerifyToken(ctx context.Context, orgID ident.OrgID, id, token string) (Registration, error)
	// ExpireVerification invalidates a request still unverified (fault.ErrConflict otherwise).
	ExpireVerification(ctx context.Context, orgID ident.OrgID, id string, ev Event) error
	// SetAutoApproved moves a verified request to AUTO-APPROVED and records
	// the claim reference that approved it.
	SetAutoApproved(ctx context.Context, orgID ident.OrgID, id string, by ClaimReference, ev Event) error
	// AwaitDecision sets the pending status and the decision task token while
	// no decision is claimed (fault.ErrConflict otherwise).
	AwaitDecision(ctx context.Context, orgID ident.OrgID, id string, status Status, token string, escalated bool, ev Event) (Registration, error)
	// ClaimDecision records the one decision while the request is pending and
	// undecided (fault.ErrConflict otherwise) and returns the item.
	ClaimDecision(ctx context.Context, r Registration, d Decision, status Status, ev Event) (Registration, error)
	// ExpireReview invalidates a request still pending and undecided (fault.ErrConflict otherwise).
	ExpireReview(ctx context.Context, orgID ident.OrgID, id string, ev Event) error
	// Provision creates the login and membership and moves the username
	// claim to the user, in one transaction; fault.ErrConflict when the
	// registration is already provisioned or the claim is no longer its own.
	Provision(ctx context.Context, r Registration, u account.User, m account.Membership, ev Event) error
	// ReleaseUsername frees the username reserved by a registration (idempotent).
	ReleaseUsername(ctx context.Context, r Registration) error
	// MarkNotified records that the registrant was emailed the outcome (with
	// the history line), once: fault.ErrConflict when it is recorded already.
	MarkNotified(ctx context.Context, orgID ident.OrgID, id string, ev Event) error
	// ListEntries pages the console (registrations and invites), newest first.
	ListEntries(ctx context.Context, orgID ident.OrgID, status Status, limit int, cursor string) ([]Entry, string, error)
	// ListEscalated pages the requests escalated to ops and still pending,
	// newest first.
	ListEscalated(ctx context.Context, limit int, cursor string) ([]Registration, string, error)
	// ClaimReferenceExists reports whether the hash is on file for the org:
	// for that NPI, or for the office as a whole when npi is "".
	ClaimReferenceExists(ctx context.Context, orgID ident.OrgID, npi, hash string) (bool, error)
	PutClaimReferences(ctx context.Context, refs []ClaimReference) error

	OrgIDByTIN(ctx context.Context, tin string) (ident.OrgID, error)
	GetOrg(ctx context.Context, id ident.OrgID) (org.Org, error)
	UserIDByUsername(ctx context.Context, username string) (string, error)
	OrgMembers(ctx context.Context, orgID ident.OrgID) ([]account.Membership, error)
	UserWithMemberships(ctx context.Context, userID string) (account.User, []account.Membership, error)
}

// Workflow starts and answers the review state machine.
type Workflow interface {
	// Start starts the execution named name (idempotent for the same input).
	Start(ctx context.Context, name string, input any) (string, error)
	// Succeed completes a waiting task; ErrTaskGone when it no longer waits.
	Succeed(ctx context.Context, token string, output any) error
}

// ErrTaskGone is returned by Workflow.Succeed for a task that timed out or was completed.
var ErrTaskGone = fault.Conflict("task_gone", "The workflow step no longer waits for this answer.")

// Mailer sends rendered emails.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

var (
	ErrNotFound        = fault.NotFound("registration_not_found", "No such registration in your reach.")
	ErrAlreadyDecided  = fault.Conflict("already_decided", "This registration has already been decided.")
	ErrNotReviewable   = fault.Conflict("not_reviewable", "This registration is not waiting for a decision (the registrant has not verified their email yet).")
	ErrLinkNotFound    = fault.NotFound("link_not_found", "This verification link is unknown or has already been used.")
	ErrLinkExpired     = fault.Gone("link_expired", "This verification link has expired; submit your request again.")
	ErrScopeTooWide    = fault.Forbidden("scope_too_wide", "You cannot grant a role or scope wider than your own.")
	ErrNotEscalated    = fault.Conflict("not_escalated", "This registration has eligible reviewers in its office; ops decides only escalated requests.")
	errUnknownDecision = fault.Invalid("unknown_decision", "decision must be approve, deny or modify.")
)

// NormalizeClaimNumber is how claim numbers are compared: upper case, no
// spaces or dashes.
func NormalizeClaimNumber(s string) string {
	r := strings.NewReplacer(" ", "", "-", "", "\t", "")
	return strings.ToUpper(r.Replace(strings.TrimSpace(s)))
}

// HashClaimNumber is the only form a claim number is stored in: SHA-256 of
// the org id and the normalized number (so equal numbers in two orgs differ).
func HashClaimNumber(orgID ident.OrgID, claim string) string {
	return hashFor(orgID, "claim", NormalizeClaimNumber(claim))
}

func hashFor(orgID ident.OrgID, kind, v string) string {
	sum := sha256.Sum256([]byte(string(orgID) + "\x00" + kind + "\x00" + v))
	return hex.EncodeToString(sum[:])
}

func maskTail(s string, keep int) string {
	if len(s) <= keep {
		return strings.Repeat("•", len(s))
	}
	return strings.Repeat("•", len(s)-keep) + s[len(s)-keep:]
}

// eligible reports whether a membership may decide a registration: an active
// member with full user administration whose scope covers the request (TIN
// level requests need a TIN-level administrator).
func eligible(m account.Membership, r Registration) bool {
	if !m.Active || !m.Level(account.ModuleUserAdmin).Allows(account.LevelFull) {
		return false
	}
	return m.Scope.Covers(r.RequestedScope())
}
