package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ops"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

// Handlers serves the registration and review routes.
type Handlers struct{ svc *Service }

// NewHandlers returns the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Submit is POST /v1/registrations.
func (h *Handlers) Submit(w http.ResponseWriter, r *http.Request) error {
	var in Request
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	out, err := h.svc.Submit(r.Context(), in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusAccepted, out)
}

type verifyRequest struct {
	Token string `json:"token"`
}

type decidedView struct {
	Status Status `json:"status"`
}

// Verify is POST /v1/registrations/verify.
func (h *Handlers) Verify(w http.ResponseWriter, r *http.Request) error {
	var in verifyRequest
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Token) == "" {
		return fault.Validation(map[string]string{"token": "is required"})
	}
	out, err := h.svc.Verify(r.Context(), in.Token)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, out)
}

type entryView struct {
	ID                     string    `json:"id"`
	Kind                   string    `json:"kind"`
	Status                 Status    `json:"status"`
	OtherIdentifiers       string    `json:"other_identifiers"`
	IDCodeQualifier        string    `json:"id_code_qualifier"`
	RegisteredProviderName string    `json:"registered_provider_name"`
	SubmittedAt            time.Time `json:"submitted_at"`
	RequestedRole          string    `json:"requested_role"`
	Level                  Level     `json:"level"`
	Email                  string    `json:"email,omitempty"`
	Name                   string    `json:"name,omitempty"`
}

// List is GET /v1/orgs/{org}/registrations?status=.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request) error {
	m, _ := auth.OrgMembership(r.Context())
	limit, cursor, err := httpapi.Page(r)
	if err != nil {
		return err
	}
	entries, next, err := h.svc.List(r.Context(), m, r.URL.Query().Get("status"), limit, cursor)
	if err != nil {
		return err
	}
	o, err := h.svc.store.GetOrg(r.Context(), m.OrgID)
	if err != nil {
		return err
	}
	items := make([]entryView, 0, len(entries))
	for _, e := range entries {
		v := entryView{ID: e.ID, Kind: e.Kind, Status: e.Status, SubmittedAt: e.CreatedAt, RequestedRole: string(e.Role), Level: e.Level,
			Email: e.Email, OtherIdentifiers: o.TIN, IDCodeQualifier: "24", RegisteredProviderName: o.Name}
		if e.FirstName != "" {
			v.Name = e.FirstName + " " + e.LastName
		}
		if e.NPI != "" {
			v.OtherIdentifiers, v.IDCodeQualifier = e.NPI, "XX"
			for _, p := range o.Providers {
				if p.NPI == e.NPI {
					v.RegisteredProviderName = p.Name
				}
			}
		}
		items = append(items, v)
	}
	return httpapi.JSON(w, http.StatusOK, httpapi.List[entryView]{Items: items, NextCursor: next})
}

type detailView struct {
	ID               string `json:"id"`
	Status           Status `json:"status"`
	Level            Level  `json:"level"`
	RequestedAccount struct {
		ProviderNo       string `json:"provider_no"`
		OtherIdentifiers string `json:"other_identifiers"`
		IDCodeQualifier  string `json:"id_code_qualifier"`
		Organization     string `json:"provider_organization"`
		ProviderName     string `json:"provider_name,omitempty"`
	} `json:"requested_account"`
	Answers struct {
		ClaimNumber string `json:"claim_number"`
		ProviderDOB string `json:"provider_dob"`
	} `json:"answers"`
	User struct {
		RequestedRole     account.Role `json:"requested_role"`
		RequestedRoleName string       `json:"requested_role_name"`
		Username          string       `json:"username"`
		FirstName         string       `json:"first_name"`
		LastName          string       `json:"last_name"`
		Email             string       `json:"email"`
		Phone             string       `json:"phone,omitempty"`
	} `json:"user"`
	SubmittedAt time.Time     `json:"submitted_at"`
	VerifiedAt  *time.Time    `json:"verified_at,omitempty"`
	Escalated   bool          `json:"escalated,omitempty"`
	Decision    *decisionView `json:"decision,omitempty"`
	UserID      string        `json:"user_id,omitempty"`
	History     []Event       `json:"history"`
}

// Get is GET /v1/orgs/{org}/registrations/{id}: everything the registrant
// gave, answers masked, and the decision history.
func (h *Handlers) Get(w http.ResponseWriter, r *http.Request) error {
	m, _ := auth.OrgMembership(r.Context())
	reg, err := h.svc.Get(r.Context(), m, r.PathValue("id"))
	if err != nil {
		return err
	}
	var v detailView
	v.ID, v.Status, v.Level, v.SubmittedAt, v.Escalated, v.UserID, v.History = reg.ID, reg.Status, reg.Level, reg.SubmittedAt, reg.Escalated, reg.UserID, reg.History
	v.RequestedAccount.ProviderNo, v.RequestedAccount.OtherIdentifiers, v.RequestedAccount.IDCodeQualifier = "T"+reg.TIN, reg.TIN, "24"
	v.RequestedAccount.Organization = reg.OrgName
	if reg.Level == LevelProvider {
		v.RequestedAccount.OtherIdentifiers, v.RequestedAccount.IDCodeQualifier, v.RequestedAccount.ProviderName = reg.NPI, "XX", reg.ProviderName
	}
	v.Answers.ClaimNumber, v.Answers.ProviderDOB = orNone(reg.ClaimMasked), orNone(reg.DOBMasked)
	v.User.RequestedRole, v.User.RequestedRoleName = reg.RequestedRole, reg.RequestedRole.DisplayName()
	v.User.Username, v.User.FirstName, v.User.LastName, v.User.Email, v.User.Phone = reg.Username, reg.FirstName, reg.LastName, reg.Email, reg.Phone
	if !reg.VerifiedAt.IsZero() {
		v.VerifiedAt = &reg.VerifiedAt
	}
	if d := reg.Decision; d != nil {
		v.Decision = &decisionView{Decision: d.Kind, Role: string(d.Role), Reason: d.Reason, Note: d.Note, By: d.By, ByName: d.ByName, At: d.At}
		if d.Kind == DecisionModify {
			v.Decision.Scope = d.Scope.String()
		}
	}
	if v.History == nil {
		v.History = []Event{}
	}
	return httpapi.JSON(w, http.StatusOK, v)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Approve, Deny and Modify are POST /v1/orgs/{org}/registrations/{id}/{approve,deny,modify}.
func (h *Handlers) Approve(w http.ResponseWriter, r *http.Request) error {
	return h.decide(w, r, DecisionApprove)
}
func (h *Handlers) Deny(w http.ResponseWriter, r *http.Request) error {
	return h.decide(w, r, DecisionDeny)
}
func (h *Handlers) Modify(w http.ResponseWriter, r *http.Request) error {
	return h.decide(w, r, DecisionModify)
}

func (h *Handlers) decide(w http.ResponseWriter, r *http.Request, kind string) error {
	var in DecisionInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	in.Kind = kind
	m, _ := auth.OrgMembership(r.Context())
	p, _ := auth.FromContext(r.Context())
	who := Reviewer{Membership: m, UserID: p.User.ID, Name: strings.TrimSpace(p.User.FirstName + " " + p.User.LastName)}
	status, err := h.svc.Decide(r.Context(), m.OrgID, r.PathValue("id"), who, in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, decidedView{Status: status})
}

// OpsCommands are the review's operator commands, for ops.Handler.Register.
func (s *Service) OpsCommands() map[string]func(context.Context, json.RawMessage) (any, error) {
	return map[string]func(context.Context, json.RawMessage) (any, error){
		"ImportClaimReferences":      s.importClaimReferences,
		"DecideRegistration":         s.decideRegistration,
		"ListEscalatedRegistrations": s.listEscalated,
	}
}

func (s *Service) importClaimReferences(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command string `json:"command"`
		OrgID   string `json:"org_id"`
		Claims  []struct {
			ClaimNumber string `json:"claim_number"`
			NPI         string `json:"npi"`
		} `json:"claims"`
	}
	if err := ops.Decode(payload, &in); err != nil {
		return nil, err
	}
	o, err := s.store.GetOrg(ctx, in.OrgID)
	if err != nil {
		return nil, fault.Validation(map[string]string{"org_id": "no such organization"})
	}
	fields := map[string]string{}
	if len(in.Claims) == 0 || len(in.Claims) > 1000 {
		fields["claims"] = "must hold 1 to 1000 claims"
	}
	refs := make([]ClaimReference, 0, len(in.Claims))
	seen := map[string]bool{}
	for i, c := range in.Claims {
		ref, field, problem := claimReference(o, c.ClaimNumber, c.NPI)
		switch {
		case problem != "":
			fields[fmtIndex("claims", i, field)] = problem
		case !seen[ref.NPI+ref.Hash]:
			seen[ref.NPI+ref.Hash] = true
			refs = append(refs, ref)
		}
	}
	if len(fields) > 0 {
		return nil, fault.Validation(fields)
	}
	if err := s.store.PutClaimReferences(ctx, refs); err != nil {
		return nil, err
	}
	return map[string]int{"imported": len(refs)}, nil
}

// claimReference checks one claim number (and provider) of org o; a problem
// names the field it is about.
func claimReference(o org.Org, claimNumber, npi string) (ref ClaimReference, field, problem string) {
	n := NormalizeClaimNumber(claimNumber)
	switch {
	case len(n) < 5 || len(n) > 40:
		return ref, "claim_number", "must be 5 to 40 characters"
	case npi != "" && !o.HasProvider(npi):
		return ref, "npi", "is not a provider of this organization"
	}
	return ClaimReference{OrgID: o.ID, NPI: npi, Hash: HashClaimNumber(o.ID, n)}, "", ""
}

// RecordClaimReference records one claim reference from the claims system
// (claims / ClaimReferenceRecorded, F27): only its hash is kept.
func (s *Service) RecordClaimReference(ctx context.Context, orgID, claimNumber, npi string) error {
	if orgID == "" {
		return fault.Validation(map[string]string{"org_id": "is required"})
	}
	o, err := s.store.GetOrg(ctx, orgID)
	if errors.Is(err, fault.ErrNotFound) {
		return fault.Validation(map[string]string{"org_id": "no such organization"})
	}
	if err != nil {
		return fmt.Errorf("record claim reference: %w", err)
	}
	ref, field, problem := claimReference(o, claimNumber, npi)
	if problem != "" {
		return fault.Validation(map[string]string{field: problem})
	}
	return s.store.PutClaimReferences(ctx, []ClaimReference{ref})
}

func fmtIndex(list string, i int, field string) string {
	return list + "[" + itoa(i) + "]." + field
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func (s *Service) decideRegistration(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command        string `json:"command"`
		RegistrationID string `json:"registration_id"`
		Decision       string `json:"decision"`
		Role           string `json:"role"`
		Scope          string `json:"scope"`
		Reason         string `json:"reason"`
		Note           string `json:"note"`
	}
	if err := ops.Decode(payload, &in); err != nil {
		return nil, err
	}
	orgID, err := s.store.RegistrationOrg(ctx, in.RegistrationID)
	if err != nil {
		return nil, ErrNotFound
	}
	status, err := s.Decide(ctx, orgID, in.RegistrationID, Reviewer{Ops: true, UserID: "ops", Name: "Gatehouse operations"},
		DecisionInput{Kind: in.Decision, Role: in.Role, Scope: in.Scope, Reason: in.Reason, Note: in.Note})
	if err != nil {
		return nil, err
	}
	return map[string]any{"registration_id": in.RegistrationID, "org_id": orgID, "status": status}, nil
}

// escalatedView is one request waiting for ops (ListEscalatedRegistrations).
type escalatedView struct {
	RegistrationID string       `json:"registration_id"`
	OrgID          string       `json:"org_id"`
	OrgName        string       `json:"org_name"`
	Status         Status       `json:"status"`
	Level          Level        `json:"level"`
	NPI            string       `json:"npi,omitempty"`
	RequestedRole  account.Role `json:"requested_role"`
	Name           string       `json:"name"`
	Email          string       `json:"email"`
	SubmittedAt    time.Time    `json:"submitted_at"`
}

// listEscalated pages the requests no one in their office may decide,
// newest first; ops decides them with DecideRegistration.
func (s *Service) listEscalated(ctx context.Context, payload json.RawMessage) (any, error) {
	var in struct {
		Command string `json:"command"`
		Limit   int    `json:"limit"`
		Cursor  string `json:"cursor"`
	}
	if err := ops.Decode(payload, &in); err != nil {
		return nil, err
	}
	if in.Limit == 0 {
		in.Limit = 50
	}
	if in.Limit < 1 || in.Limit > 200 {
		return nil, fault.Validation(map[string]string{"limit": "must be from 1 to 200"})
	}
	regs, next, err := s.store.ListEscalated(ctx, in.Limit, in.Cursor)
	if err != nil {
		return nil, err
	}
	items := make([]escalatedView, 0, len(regs))
	for _, r := range regs {
		items = append(items, escalatedView{RegistrationID: r.ID, OrgID: r.OrgID, OrgName: r.OrgName, Status: r.Status, Level: r.Level, NPI: r.NPI,
			RequestedRole: r.RequestedRole, Name: r.FirstName + " " + r.LastName, Email: r.Email, SubmittedAt: r.SubmittedAt})
	}
	return map[string]any{"items": items, "next_cursor": next}, nil
}

// decisionView is a reviewer's decision as the console shows it.
type decisionView struct {
	Decision string    `json:"decision"`
	Role     string    `json:"role,omitempty"`
	Scope    string    `json:"scope,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Note     string    `json:"note,omitempty"`
	By       string    `json:"by"`
	ByName   string    `json:"by_name"`
	At       time.Time `json:"at"`
}
