package member

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

// Handlers serves the user routes of running accounts.
type Handlers struct{ svc *Service }

// NewHandlers returns the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Detail is a member as GET /v1/orgs/{org}/users/{id} shows it.
type Detail struct {
	ID                      string          `json:"id"`
	Username                string          `json:"username"`
	FirstName               string          `json:"first_name"`
	MiddleName              string          `json:"middle_name,omitempty"`
	LastName                string          `json:"last_name"`
	Email                   string          `json:"email"`
	Phone                   string          `json:"phone,omitempty"`
	Role                    account.Role    `json:"role"`
	RoleName                string          `json:"role_name"`
	Scope                   string          `json:"scope"`
	NotificationPreferences map[string]bool `json:"notification_preferences"`
	Locked                  bool            `json:"locked"`
	LockoutTime             *time.Time      `json:"lockout_time,omitempty"`
	Deleted                 bool            `json:"deleted"`
	// PendingEmail is a new address waiting for its own confirmation.
	PendingEmail           string                           `json:"pending_email,omitempty"`
	MFAEnabled             bool                             `json:"mfa_enabled"`
	PasswordChangeRequired bool                             `json:"password_change_required"`
	CreatedAt              time.Time                        `json:"created_at"`
	Privileges             map[account.Module]account.Level `json:"privileges"`
	// Support is the support privilege (F21), changed only by a privilege-change ticket (F22).
	Support bool `json:"support"`
}

// detailOf is a member as this office sees it: locked when the office
// locked the membership or while the login is locked out (F2), deleted when
// the office deleted the membership.
func detailOf(u account.User, m account.Membership, now time.Time) Detail {
	prefs := u.NotificationPreferences
	if prefs == nil {
		prefs = map[string]bool{}
	}
	locked, lockedAt := m.Locked, m.LockedAt
	if !locked && u.LockActive(now) {
		locked, lockedAt = true, u.LockoutTime
	}
	return Detail{ID: u.ID, Username: u.Username, FirstName: u.FirstName, MiddleName: u.MiddleName, LastName: u.LastName,
		Email: u.Email, Phone: u.Phone, Role: m.Role, RoleName: m.Role.DisplayName(), Scope: m.Scope.String(),
		NotificationPreferences: prefs, Locked: locked, LockoutTime: lockedAt, Deleted: m.Deleted,
		MFAEnabled: u.MFAEnabled, PasswordChangeRequired: u.PasswordChangeRequired, CreatedAt: u.CreatedAt,
		Privileges: m.EffectivePrivileges(), Support: m.Level(account.ModuleSupport) == account.LevelFull}
}

// ListItem is one row of GET /v1/orgs/{org}/users.
type ListItem struct {
	ID          string       `json:"id"`
	Username    string       `json:"username"`
	FirstName   string       `json:"first_name"`
	LastName    string       `json:"last_name"`
	Email       string       `json:"email"`
	Role        account.Role `json:"role"`
	Scope       string       `json:"scope"`
	Locked      bool         `json:"locked"`
	LockoutTime *time.Time   `json:"lockout_time,omitempty"`
	Deleted     bool         `json:"deleted"`
}

type createdView struct {
	Detail
	TemporaryPassword string `json:"temporary_password,omitempty"`
}

// Create is POST /v1/orgs/{org}/users.
func (h *Handlers) Create(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	var in CreateInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	made, err := h.svc.Create(r.Context(), c, in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusCreated, createdView{Detail: made.Detail, TemporaryPassword: made.TemporaryPassword})
}

// ParseFilter reads the user list's query filters.
func ParseFilter(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	f := Filter{FirstName: strings.TrimSpace(q.Get("first_name")), LastName: strings.TrimSpace(q.Get("last_name")),
		Username: strings.TrimSpace(q.Get("username"))}
	fields := map[string]string{}
	for name, v := range map[string]string{"first_name": f.FirstName, "last_name": f.LastName, "username": f.Username} {
		if len(v) > 100 {
			fields[name] = "must be at most 100 characters"
		}
	}
	if v := q.Get("role"); v != "" {
		role, ok := account.ParseRole(v)
		if !ok {
			fields["role"] = "is not a role"
		}
		f.Role = role
	}
	if v := q.Get("scope"); v != "" {
		sc, err := account.ParseScope(v)
		if err != nil {
			fields["scope"] = err.Error()
		}
		f.Scope = &sc
	}
	for name, dst := range map[string]**bool{"locked": &f.Locked, "deleted": &f.Deleted} {
		switch q.Get(name) {
		case "":
		case "true":
			t := true
			*dst = &t
		case "false":
			f := false
			*dst = &f
		default:
			fields[name] = `must be "true" or "false"`
		}
	}
	if len(fields) > 0 {
		return Filter{}, fault.Validation(fields)
	}
	return f, nil
}

// List is GET /v1/orgs/{org}/users.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	f, err := ParseFilter(r)
	if err != nil {
		return err
	}
	limit, cursor, err := httpapi.Page(r)
	if err != nil {
		return err
	}
	page, next, err := h.svc.List(r.Context(), c, f, limit, cursor)
	if err != nil {
		return err
	}
	out := httpapi.List[ListItem]{Items: make([]ListItem, 0, len(page)), NextCursor: next}
	for _, l := range page {
		out.Items = append(out.Items, ListItem{ID: l.UserID, Username: l.Username, FirstName: l.FirstName, LastName: l.LastName,
			Email: l.Email, Role: l.Role, Scope: l.Scope.String(), Locked: l.Locked, LockoutTime: l.LockoutTime, Deleted: l.Deleted})
	}
	return httpapi.JSON(w, http.StatusOK, out)
}

// CSVHeader is the export's header row (api-contract.md).
var CSVHeader = []string{"name", "username", "office", "role", "locked", "lockout_time", "deleted"}

// Export is GET /v1/orgs/{org}/users/export: text/csv, written and flushed
// page by page so memory stays flat however large the office.
func (h *Handlers) Export(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	f, err := ParseFilter(r)
	if err != nil {
		return err
	}
	out := httpapi.NewCSV(w, "users.csv", CSVHeader)
	err = h.svc.Export(r.Context(), c, f, func(o org.Org, page []Listing) error {
		rows := make([][]string, 0, len(page))
		for _, l := range page {
			rows = append(rows, CSVRow(o, l))
		}
		return out.Write(rows)
	})
	return out.Close(err)
}

// CSVRow is one member as an export row. Every cell is made safe against
// CSV (formula) injection.
func CSVRow(o org.Org, l Listing) []string {
	lockout := ""
	if l.LockoutTime != nil {
		lockout = l.LockoutTime.UTC().Format(time.RFC3339)
	}
	return []string{
		httpapi.SafeCell(strings.TrimSpace(l.LastName + ", " + l.FirstName)),
		httpapi.SafeCell(l.Username),
		httpapi.SafeCell(OfficeName(o, l.Scope)),
		httpapi.SafeCell(l.Role.DisplayName()),
		yn(l.Locked),
		lockout,
		yn(l.Deleted),
	}
}

// OfficeName names the scope the way the portal does: the office (TIN level)
// or one of its providers.
func OfficeName(o org.Org, s account.Scope) string {
	if s.IsOrg() {
		return o.Name
	}
	for _, p := range o.Providers {
		if p.NPI == s.NPI {
			return p.Name + " (NPI " + p.NPI + ")"
		}
	}
	return "NPI " + s.NPI
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

// Get is GET /v1/orgs/{org}/users/{id}.
func (h *Handlers) Get(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	d, err := h.svc.Get(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, d)
}

// Update is PATCH /v1/orgs/{org}/users/{id}.
func (h *Handlers) Update(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	var p Patch
	if err := httpapi.Decode(r, &p); err != nil {
		return err
	}
	d, err := h.svc.Update(r.Context(), c, r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, d)
}

// Delete is DELETE /v1/orgs/{org}/users/{id}.
func (h *Handlers) Delete(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	if err := h.svc.Delete(r.Context(), c, r.PathValue("id")); err != nil {
		return err
	}
	return httpapi.NoContent(w)
}

// Reactivate is POST /v1/orgs/{org}/users/{id}/reactivate.
func (h *Handlers) Reactivate(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	d, err := h.svc.Reactivate(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, d)
}

type resetView struct {
	TemporaryPassword string `json:"temporary_password,omitempty"`
	Delivery          string `json:"delivery"`
}

// ResetPassword is POST /v1/orgs/{org}/users/{id}/reset-password.
func (h *Handlers) ResetPassword(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	res, err := h.svc.ResetPassword(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, resetView(res))
}

// SetPrivileges is PUT /v1/orgs/{org}/users/{id}/privileges.
func (h *Handlers) SetPrivileges(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	var in map[string]string
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	d, err := h.svc.SetPrivileges(r.Context(), c, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, d)
}

// Setup is POST /v1/auth/setup: a new password from a set-up or reset link.
func (h *Handlers) Setup(w http.ResponseWriter, r *http.Request) error {
	var in SetupInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	if err := h.svc.Setup(r.Context(), in); err != nil {
		return err
	}
	return httpapi.NoContent(w)
}

type confirmEmailRequest struct {
	Token string `json:"token"`
}

// ConfirmEmail is POST /v1/auth/email/confirm: the link sent to a new
// address makes it the login's email.
func (h *Handlers) ConfirmEmail(w http.ResponseWriter, r *http.Request) error {
	var in confirmEmailRequest
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	from := audit.Actor{RequestID: logging.RequestID(r.Context()), IP: r.RemoteAddr}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		from.IP = host
	}
	if err := h.svc.ConfirmEmail(r.Context(), in.Token, from); err != nil {
		return err
	}
	return httpapi.NoContent(w)
}
