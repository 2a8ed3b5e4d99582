package review

import (
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
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
	in.Address = httpapi.ClientAddress(r)
	out, err := h.svc.Submit(r.Context(), in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusAccepted, out)
}

// Verify is POST /v1/registrations/verify.
func (h *Handlers) Verify(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token string `json:"token"`
	}
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
func (h *Handlers) List(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	limit, cursor, err := httpapi.Page(r)
	if err != nil {
		return err
	}
	o, entries, next, err := h.svc.List(r.Context(), c, r.URL.Query().Get("status"), limit, cursor)
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
func (h *Handlers) Get(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	reg, err := h.svc.Get(r.Context(), c, r.PathValue("id"))
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
func (h *Handlers) Approve(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return h.decide(w, r, c, DecisionApprove)
}
func (h *Handlers) Deny(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return h.decide(w, r, c, DecisionDeny)
}
func (h *Handlers) Modify(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	return h.decide(w, r, c, DecisionModify)
}

func (h *Handlers) decide(w http.ResponseWriter, r *http.Request, c caller.Caller, kind string) error {
	var in DecisionInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	in.Kind = kind
	status, err := h.svc.Decide(r.Context(), c, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, map[string]Status{"status": status})
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
