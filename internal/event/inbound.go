package event

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/event/rule"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
)

// InboundRules are the accepted events: the rules the CDK stack deploys and
// the local sink applies.
var InboundRules = rule.Inbound

// DeadLetter is an inbound event Gatehouse refused, and why. It changed nothing.
type DeadLetter struct {
	Reason string            `json:"reason"`
	Fields map[string]string `json:"fields,omitempty"`
	At     time.Time         `json:"at"`
	Event  json.RawMessage   `json:"event"`
}

// DeadLetters is the dead-letter queue.
type DeadLetters interface {
	Put(ctx context.Context, l DeadLetter) error
}

// Roster upserts the pms employees of the roster sync.
type Roster interface {
	Upsert(ctx context.Context, in employee.RosterEntry) (employee.Employee, error)
}

// Claims records claim references (only their hash is kept).
type Claims interface {
	RecordClaimReference(ctx context.Context, orgID ident.OrgID, claimNumber, npi string) error
}

// EmployeeUpserted is the Detail of pms.roster / EmployeeUpserted.
type EmployeeUpserted struct {
	OrgID        ident.OrgID `json:"org_id"`
	EmployeeNo   string      `json:"employee_no"`
	FirstName    string      `json:"first_name"`
	LastName     string      `json:"last_name"`
	Email        *string     `json:"email,omitempty"`
	Phone        *string     `json:"phone,omitempty"`
	Title        *string     `json:"title,omitempty"`
	ProviderType *string     `json:"provider_type,omitempty"`
	Active       *bool       `json:"active"`
}

// ClaimReferenceRecorded is the Detail of claims / ClaimReferenceRecorded.
type ClaimReferenceRecorded struct {
	OrgID       ident.OrgID `json:"org_id"`
	ClaimNumber string      `json:"claim_number"`
	NPI         string      `json:"npi,omitempty"`
}

// Inbound applies the accepted events. An event that cannot apply (unknown
// kind, malformed, invalid, unknown org) goes to the dead-letter queue with
// the reason and changes nothing; a failure of a dependency is returned, so
// Lambda retries the event.
type Inbound struct {
	roster Roster
	claims Claims
	dlq    DeadLetters
	log    *slog.Logger
	now    func() time.Time
}

// NewInbound returns the inbound handler; it does no I/O.
func NewInbound(roster Roster, claims Claims, dlq DeadLetters, log *slog.Logger, now func() time.Time) *Inbound {
	return &Inbound{roster: roster, claims: claims, dlq: dlq, log: log, now: now}
}

// refusal is why an event is dead-lettered.
type refusal struct {
	reason string
	fields map[string]string
}

func (r *refusal) Error() string { return r.reason }

// Handle applies one EventBridge event.
func (in *Inbound) Handle(ctx context.Context, ev events.EventBridgeEvent) error {
	ctx = logging.WithActor(ctx, ev.Source)
	err := in.apply(ctx, ev)
	var ref *refusal
	var fe *fault.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ref):
	case errors.As(err, &fe) && (fe.Kind == fault.KindInvalid || fe.Kind == fault.KindNotFound):
		ref = &refusal{reason: fe.Code + ": " + fe.Message, fields: fe.Fields}
	case errors.Is(err, fault.ErrNotFound):
		ref = &refusal{reason: "no such organization", fields: map[string]string{"org_id": "no such organization"}}
	default:
		return fmt.Errorf("%s / %s: %w", ev.Source, ev.DetailType, err)
	}
	raw, _ := json.Marshal(ev)
	in.log.WarnContext(ctx, "inbound event refused", "source", ev.Source, "detail_type", ev.DetailType, "id", ev.ID, "reason", ref.reason)
	if err := in.dlq.Put(ctx, DeadLetter{Reason: ref.reason, Fields: ref.fields, At: in.now().UTC(), Event: raw}); err != nil {
		return err
	}
	return nil
}

func (in *Inbound) apply(ctx context.Context, ev events.EventBridgeEvent) error {
	switch {
	case InboundRules[0].Matches(ev.Source, ev.DetailType):
		var d EmployeeUpserted
		if err := decodeStrict(ev.Detail, &d); err != nil {
			return err
		}
		if d.Active == nil {
			return &refusal{reason: "invalid detail", fields: map[string]string{"active": "is required"}}
		}
		e, err := in.roster.Upsert(ctx, employee.RosterEntry{OrgID: d.OrgID, EmployeeNo: d.EmployeeNo, FirstName: d.FirstName, LastName: d.LastName,
			Email: d.Email, Phone: d.Phone, Title: d.Title, ProviderType: d.ProviderType, Active: *d.Active})
		if err == nil {
			in.log.InfoContext(ctx, "roster: employee upserted", "org_id", d.OrgID, "employee_id", e.ID)
		}
		return err
	case InboundRules[1].Matches(ev.Source, ev.DetailType):
		var d ClaimReferenceRecorded
		if err := decodeStrict(ev.Detail, &d); err != nil {
			return err
		}
		return in.claims.RecordClaimReference(ctx, d.OrgID, d.ClaimNumber, d.NPI)
	}
	return &refusal{reason: fmt.Sprintf("no rule accepts source %q detail-type %q", ev.Source, ev.DetailType)}
}

// decodeStrict decodes one JSON object, refusing unknown fields and trailing data.
func decodeStrict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &refusal{reason: "malformed detail: " + err.Error()}
	}
	if dec.More() {
		return &refusal{reason: "malformed detail: trailing data"}
	}
	return nil
}
