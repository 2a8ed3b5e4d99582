package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"strconv"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/settings"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// settingsData is the office's Settings page.
type settingsData struct {
	Base     string
	Settings settings.View
	MinLen   string // as typed
	// CodeWord is a freshly rotated practice code word, shown once.
	CodeWord string
}

// SettingsShow is GET /orgs/{org}/settings: the same as GET /v1/orgs/{org}/settings.
func (x *Admin) SettingsShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Settings")
	var d settingsData
	web.TakeOnce(w, r, &d.CodeWord)
	return x.renderSettings(w, r, a, d)
}

func (x *Admin) renderSettings(w http.ResponseWriter, r *http.Request, a acting, d settingsData) error {
	v, err := x.settings.Get(r.Context(), a.c)
	if err != nil {
		return err
	}
	d.Base, d.Settings = a.base, v
	if d.MinLen == "" {
		d.MinLen = strconv.Itoa(v.PasswordMinLength)
	}
	a.page.Data = d
	return x.view.Render(w, r, "admin-settings", a.page)
}

// SettingsSubmit is POST /orgs/{org}/settings: the same as PATCH
// /v1/orgs/{org}/settings (checkboxes: an unchecked box is false).
func (x *Admin) SettingsSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Settings")
	f := r.PostForm
	requireMFA, seesTemp := f.Get("require_mfa") == "on", f.Get("admin_sees_temporary_password") == "on"
	p := settings.PatchBody{RequireMFA: &requireMFA, AdminSeesTemporaryPassword: &seesTemp}
	typed := strings.TrimSpace(f.Get("password_min_length"))
	n, err := strconv.Atoi(typed)
	if err != nil {
		a.page.Errors, a.page.Status = web.FieldErrors(map[string]string{"password_min_length": "must be a whole number from 8 to 64"}), http.StatusBadRequest
		return x.renderSettings(w, r, a, settingsData{MinLen: typed})
	}
	p.PasswordMinLength = &n
	if _, err := x.settings.Update(r.Context(), a.c, p); err != nil {
		if err := a.note(err); err != nil {
			return err
		}
		return x.renderSettings(w, r, a, settingsData{MinLen: typed})
	}
	return web.Redirect(w, r, a.base+"/settings?notice=settings-saved")
}

// CodeWordSubmit is POST /orgs/{org}/settings/code-word: the same as PUT
// /v1/orgs/{org}/code-word. The new code word is kept only as a hash: the
// Settings page the browser is sent to shows it once (web.ShowOnce).
func (x *Admin) CodeWordSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Settings")
	word, err := x.auth.RotateCodeWord(r.Context(), a.c)
	if err != nil {
		return err
	}
	return web.ShowOnce(w, r, a.base+"/settings", word)
}
