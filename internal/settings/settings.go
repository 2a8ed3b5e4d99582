// Package settings serves an org's own rules (GET/PATCH /v1/orgs/{org}/settings).
package settings

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

// Store reads an org and writes its settings with an audit entry.
type Store interface {
	GetOrg(ctx context.Context, id ident.OrgID) (org.Org, error)
	SaveOrgSettings(ctx context.Context, orgID ident.OrgID, s org.Settings, a audit.Entry) error
}

// Service reads and changes an org's settings: the JSON routes and the
// portal's pages both go through it.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns a Service; it does no I/O.
func NewService(store Store, now func() time.Time) *Service { return &Service{store: store, now: now} }

// Handlers serves GET/PATCH /v1/orgs/{org}/settings.
type Handlers struct{ svc *Service }

// NewHandlers returns the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// View is an org's settings as the API shows them. The code word
// itself is never shown, only whether there is one (F6).
type View struct {
	AdminSeesTemporaryPassword bool `json:"admin_sees_temporary_password"`
	RequireMFA                 bool `json:"require_mfa"`
	PasswordMinLength          int  `json:"password_min_length"`
	CodeWordSet                bool `json:"code_word_set"`
}

func viewOf(s org.Settings) View {
	minLen := s.PasswordMinLength
	if minLen == 0 {
		minLen = 12
	}
	return View{AdminSeesTemporaryPassword: !s.HideTemporaryPassword, RequireMFA: s.RequireMFA,
		PasswordMinLength: minLen, CodeWordSet: s.CodeWordHash != ""}
}

// PatchBody is PATCH /v1/orgs/{org}/settings; nil fields are left alone.
type PatchBody struct {
	AdminSeesTemporaryPassword *bool `json:"admin_sees_temporary_password"`
	RequireMFA                 *bool `json:"require_mfa"`
	PasswordMinLength          *int  `json:"password_min_length"`
}

// Get returns the settings of the caller's org.
func (s *Service) Get(ctx context.Context, c caller.Caller) (View, error) {
	o, err := s.store.GetOrg(ctx, c.Org)
	if errors.Is(err, fault.ErrNotFound) {
		return View{}, org.ErrNotFound
	}
	if err != nil {
		return View{}, fmt.Errorf("read org settings: %w", err)
	}
	return viewOf(o.Settings), nil
}

// Update changes the settings of the caller's org, audited as theirs.
func (s *Service) Update(ctx context.Context, c caller.Caller, p PatchBody) (View, error) {
	if p.PasswordMinLength != nil && (*p.PasswordMinLength < 8 || *p.PasswordMinLength > 64) {
		return View{}, fault.Validation(map[string]string{"password_min_length": "must be from 8 to 64"})
	}
	orgID := c.Org
	o, err := s.store.GetOrg(ctx, orgID)
	if errors.Is(err, fault.ErrNotFound) {
		return View{}, org.ErrNotFound
	}
	if err != nil {
		return View{}, fmt.Errorf("read org settings: %w", err)
	}
	st := o.Settings
	if p.AdminSeesTemporaryPassword != nil {
		st.HideTemporaryPassword = !*p.AdminSeesTemporaryPassword
	}
	if p.RequireMFA != nil {
		st.RequireMFA = *p.RequireMFA
	}
	if p.PasswordMinLength != nil {
		st.PasswordMinLength = *p.PasswordMinLength
	}
	entry := audit.ActorOf(c).Entry(orgID, audit.ActionOrgSettings, "org:"+orgID.String(), s.now())
	if err := s.store.SaveOrgSettings(ctx, orgID, st, entry); err != nil {
		return View{}, fmt.Errorf("save org settings: %w", err)
	}
	return viewOf(st), nil
}

// Get is GET /v1/orgs/{org}/settings.
func (h *Handlers) Get(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	v, err := h.svc.Get(r.Context(), c)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, v)
}

// Patch is PATCH /v1/orgs/{org}/settings.
func (h *Handlers) Patch(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	var p PatchBody
	if err := httpapi.Decode(r, &p); err != nil {
		return err
	}
	v, err := h.svc.Update(r.Context(), c, p)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, v)
}
