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

// Handlers serves GET/PATCH /v1/orgs/{org}/settings.
type Handlers struct {
	store Store
	now   func() time.Time
}

// NewHandlers returns the handlers.
func NewHandlers(store Store, now func() time.Time) *Handlers {
	return &Handlers{store: store, now: now}
}

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

// Get is GET /v1/orgs/{org}/settings.
func (h *Handlers) Get(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	o, err := h.store.GetOrg(r.Context(), c.Org)
	if errors.Is(err, fault.ErrNotFound) {
		return org.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read org settings: %w", err)
	}
	return httpapi.JSON(w, http.StatusOK, viewOf(o.Settings))
}

// Patch is PATCH /v1/orgs/{org}/settings.
func (h *Handlers) Patch(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	var p PatchBody
	if err := httpapi.Decode(r, &p); err != nil {
		return err
	}
	if p.PasswordMinLength != nil && (*p.PasswordMinLength < 8 || *p.PasswordMinLength > 64) {
		return fault.Validation(map[string]string{"password_min_length": "must be from 8 to 64"})
	}
	orgID := c.Org
	o, err := h.store.GetOrg(r.Context(), orgID)
	if errors.Is(err, fault.ErrNotFound) {
		return org.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read org settings: %w", err)
	}
	s := o.Settings
	if p.AdminSeesTemporaryPassword != nil {
		s.HideTemporaryPassword = !*p.AdminSeesTemporaryPassword
	}
	if p.RequireMFA != nil {
		s.RequireMFA = *p.RequireMFA
	}
	if p.PasswordMinLength != nil {
		s.PasswordMinLength = *p.PasswordMinLength
	}
	entry := audit.ActorOf(c).Entry(orgID, audit.ActionOrgSettings, "org:"+orgID.String(), h.now())
	if err := h.store.SaveOrgSettings(r.Context(), orgID, s, entry); err != nil {
		return fmt.Errorf("save org settings: %w", err)
	}
	return httpapi.JSON(w, http.StatusOK, viewOf(s))
}
