// Package event is Gatehouse's integration surface on EventBridge (F27): the
// lifecycle events it publishes from the table's stream (the outbox) and the
// roster and claim events it accepts.
package event

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/event/rule"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Source is the EventBridge source of every event Gatehouse publishes.
const Source = rule.Published

// DetailType names a published event.
type DetailType string

// The published events (api-contract.md, "Events (F27)").
const (
	UserCreated           DetailType = "UserCreated"
	UserChanged           DetailType = "UserChanged"
	UserLocked            DetailType = "UserLocked"
	UserUnlocked          DetailType = "UserUnlocked"
	UserDeleted           DetailType = "UserDeleted"
	UserReactivated       DetailType = "UserReactivated"
	PrivilegesChanged     DetailType = "PrivilegesChanged"
	InviteSent            DetailType = "InviteSent"
	InviteUsed            DetailType = "InviteUsed"
	InviteRevoked         DetailType = "InviteRevoked"
	RegistrationSubmitted DetailType = "RegistrationSubmitted"
	RegistrationDecided   DetailType = "RegistrationDecided"
	PasswordReset         DetailType = "PasswordReset"
	EmployeeChanged       DetailType = "EmployeeChanged"
	CodeListCopied        DetailType = "CodeListCopied"
)

// Published lists every DetailType Gatehouse publishes; each has a JSON
// Schema of its Detail in events/schemas/<DetailType>.json.
var Published = []DetailType{UserCreated, UserChanged, UserLocked, UserUnlocked, UserDeleted, UserReactivated,
	PrivilegesChanged, InviteSent, InviteUsed, InviteRevoked, RegistrationSubmitted, RegistrationDecided,
	PasswordReset, EmployeeChanged, CodeListCopied}

// SystemActor is the actor of changes no person made in a request (the
// review workflow, the roster sync, a lockout).
const SystemActor = "system"

// Detail is the Detail of a published event: who did it, when, in which
// request, and the ids of what it is about. Never a secret: no password,
// token, code word, answer or TOTP secret has a field here.
type Detail struct {
	// EventID is stable across retries (derived from the stream record), so
	// consumers drop the duplicates an at-least-once outbox can deliver.
	EventID        string            `json:"event_id"`
	OrgID          ident.OrgID       `json:"org_id"`
	Actor          string            `json:"actor"`
	At             time.Time         `json:"at"`
	RequestID      string            `json:"request_id,omitempty"`
	UserID         string            `json:"user_id,omitempty"`
	InviteID       string            `json:"invite_id,omitempty"`
	RegistrationID string            `json:"registration_id,omitempty"`
	EmployeeID     string            `json:"employee_id,omitempty"`
	EmployeeNo     string            `json:"employee_no,omitempty"`
	Source         string            `json:"source,omitempty"` // EmployeeChanged: pms or manual
	Active         *bool             `json:"active,omitempty"` // EmployeeChanged
	Role           string            `json:"role,omitempty"`
	Scope          string            `json:"scope,omitempty"`
	Level          string            `json:"level,omitempty"`  // RegistrationSubmitted: org or provider
	Status         string            `json:"status,omitempty"` // invites and registrations
	Changed        []string          `json:"changed,omitempty"`
	Privileges     map[string]string `json:"privileges,omitempty"`  // PrivilegesChanged: the per-module overrides now
	FromOrgID      ident.OrgID       `json:"from_org_id,omitempty"` // CodeListCopied
	Copied         map[string]int    `json:"copied,omitempty"`      // CodeListCopied: entries copied per kind
}

// Event is one event to publish.
type Event struct {
	DetailType DetailType
	Detail     Detail
}
