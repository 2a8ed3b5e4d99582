package auth

import (
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Handlers serves the sign-in and self routes.
type Handlers struct {
	svc      *Service
	sessions Sessions
}

// NewHandlers returns the handlers.
func NewHandlers(svc *Service, sessions Sessions) *Handlers {
	return &Handlers{svc: svc, sessions: sessions}
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	OTP      string `json:"otp"`
}

type loginResponse struct {
	Token                  string                   `json:"token"`
	ExpiresAt              time.Time                `json:"expires_at"`
	User                   account.UserView         `json:"user"`
	Memberships            []account.MembershipView `json:"memberships"`
	ActiveOrgID            ident.OrgID              `json:"active_org_id,omitempty"`
	MFARequired            bool                     `json:"mfa_required,omitempty"`
	PasswordChangeRequired bool                     `json:"password_change_required,omitempty"`
}

// Login is POST /v1/auth/login. mfa_required in a 200 means the login must
// enrol a second factor before it may act (F20, or an org's RequireMFA).
func (h *Handlers) Login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	res, err := h.svc.Login(r.Context(), Credentials{Username: req.Username, Password: req.Password, OTP: req.OTP, Address: httpapi.ClientAddress(r)})
	if err != nil {
		return err
	}
	return h.signedIn(w, res)
}

// signedIn answers a successful sign-in: the session cookie and the login body.
func (h *Handlers) signedIn(w http.ResponseWriter, res Result) error {
	http.SetCookie(w, SessionCookie(res.Token, res.Session.ExpiresAt))
	return httpapi.JSON(w, http.StatusOK, loginResponse{
		Token: res.Token, ExpiresAt: res.Session.ExpiresAt, User: res.User.View(), Memberships: account.Views(res.Memberships),
		ActiveOrgID: res.Session.ActiveOrgID, MFARequired: res.MFAEnrolmentRequired, PasswordChangeRequired: res.User.PasswordChangeRequired,
	})
}

// Logout is POST /v1/auth/logout.
func (h *Handlers) Logout(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	if err := h.sessions.End(r.Context(), p.Session.ID); err != nil {
		return err
	}
	http.SetCookie(w, SessionCookie("", time.Unix(0, 0)))
	return httpapi.NoContent(w)
}

// LogoutAll is POST /v1/auth/logout-all: every session of the login ends.
func (h *Handlers) LogoutAll(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	if err := h.sessions.EndAll(r.Context(), p.User.ID); err != nil {
		return err
	}
	http.SetCookie(w, SessionCookie("", time.Unix(0, 0)))
	return httpapi.NoContent(w)
}

// SessionView is one session in the caller's session list. ID is a digest,
// never the token or its stored hash.
type SessionView struct {
	ID          string      `json:"id"`
	Current     bool        `json:"current"`
	ActiveOrgID ident.OrgID `json:"active_org_id,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	LastSeenAt  time.Time   `json:"last_seen_at"`
	ExpiresAt   time.Time   `json:"expires_at"`
}

// ListSessions is GET /v1/me/sessions.
func (h *Handlers) ListSessions(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	all, err := h.sessions.List(r.Context(), p.User.ID)
	if err != nil {
		return err
	}
	out := httpapi.List[SessionView]{Items: make([]SessionView, 0, len(all))}
	for _, x := range all {
		if x.RenewedAt.Before(p.User.SessionsNotBefore) {
			continue // revoked; its item is being deleted
		}
		out.Items = append(out.Items, SessionView{ID: x.PublicID(), Current: x.ID == p.Session.ID, ActiveOrgID: x.ActiveOrgID,
			CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt, ExpiresAt: x.ExpiresAt})
	}
	return httpapi.JSON(w, http.StatusOK, out)
}

// EndSession is DELETE /v1/me/sessions/{id}.
func (h *Handlers) EndSession(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	if err := h.sessions.EndListed(r.Context(), p.User.ID, r.PathValue("id")); err != nil {
		return err
	}
	return httpapi.NoContent(w)
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// ChangePassword is POST /v1/auth/password.
func (h *Handlers) ChangePassword(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	var req changePasswordRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	if err := h.svc.ChangePassword(r.Context(), p, req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return httpapi.NoContent(w)
}

type forgotRequest struct {
	Username string `json:"username"`
	Email    string `json:"email"`
}

// Forgot is POST /v1/auth/password/forgot: 202 with the same body always.
func (h *Handlers) Forgot(w http.ResponseWriter, r *http.Request) error {
	var req forgotRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	if err := h.svc.Forgot(r.Context(), httpapi.ClientAddress(r), req.Username, req.Email); err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusAccepted, map[string]string{
		"message": "If an account matches, we have emailed it a link to set a new password. The link works for one hour.",
	})
}

type resetRequest struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
	CodeWord    string `json:"code_word"`
}

// Reset is POST /v1/auth/password/reset.
func (h *Handlers) Reset(w http.ResponseWriter, r *http.Request) error {
	var req resetRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	if err := h.svc.Reset(r.Context(), ResetInput(req)); err != nil {
		return err
	}
	return httpapi.NoContent(w)
}

// RotateCodeWord is PUT /v1/orgs/{org}/code-word: the new code word, shown once.
func (h *Handlers) RotateCodeWord(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	word, err := h.svc.RotateCodeWord(r.Context(), p)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, map[string]string{"code_word": word})
}

type reauthRequest struct {
	CurrentPassword string `json:"current_password"`
	OTP             string `json:"otp"`
}

// StartTOTP is POST /v1/auth/mfa/totp. Changing the second factor needs the
// current password (re-authentication).
func (h *Handlers) StartTOTP(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	var req reauthRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	if err := h.svc.Reauthenticate(r.Context(), p, req.CurrentPassword); err != nil {
		return err
	}
	e, err := h.svc.StartTOTP(r.Context(), p)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, e)
}

// VerifyTOTP is POST /v1/auth/mfa/totp/verify.
func (h *Handlers) VerifyTOTP(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	var req reauthRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	codes, err := h.svc.VerifyTOTP(r.Context(), p, req.OTP)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, map[string][]string{"recovery_codes": codes})
}

// MeView is the body of GET /v1/me.
type MeView struct {
	User        account.UserView         `json:"user"`
	Memberships []account.MembershipView `json:"memberships"`
	ActiveOrgID ident.OrgID              `json:"active_org_id"`
}

func meView(p caller.Caller) MeView {
	return MeView{User: p.User.View(), Memberships: account.Views(p.Memberships), ActiveOrgID: p.Session.ActiveOrgID}
}

// Me is GET /v1/me.
func (h *Handlers) Me(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	return httpapi.JSON(w, http.StatusOK, meView(p))
}

// SwitchOrg is PUT /v1/me/active-org.
func (h *Handlers) SwitchOrg(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	var req struct {
		OrgID ident.OrgID `json:"org_id"`
	}
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	p, err := h.svc.SwitchOrg(r.Context(), p, req.OrgID)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, meView(p))
}

type linkRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	OTP      string `json:"otp"`
}

// Link is POST /v1/me/links (F8).
func (h *Handlers) Link(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	var req linkRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	p, err := h.svc.Link(r.Context(), p, req.Username, req.Password, req.OTP)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, meView(p))
}

// DeleteLinked is DELETE /v1/me/links/{username}: the linked account is deleted.
func (h *Handlers) DeleteLinked(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	if err := h.svc.DeleteLinked(r.Context(), p, r.PathValue("username")); err != nil {
		return err
	}
	return httpapi.NoContent(w)
}

// SessionCookie is the session cookie (an empty value clears it); browsers
// treat http://localhost as a secure context, so Secure works in local
// development too.
func SessionCookie(value string, expires time.Time) *http.Cookie {
	c := &http.Cookie{Name: CookieName, Value: value, Path: "/", Expires: expires, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}
	if value == "" {
		c.MaxAge = -1
	}
	return c
}
