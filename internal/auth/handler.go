package auth

import (
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
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
	ActiveOrgID            string                   `json:"active_org_id,omitempty"`
	PasswordChangeRequired bool                     `json:"password_change_required,omitempty"`
}

// Login is POST /v1/auth/login.
func (h *Handlers) Login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	res, err := h.svc.Login(r.Context(), req.Username, req.Password)
	if err != nil {
		return err
	}
	http.SetCookie(w, h.cookie(res.Token, res.Session.ExpiresAt))
	return httpapi.JSON(w, http.StatusOK, loginResponse{
		Token: res.Token, ExpiresAt: res.Session.ExpiresAt, User: res.User.View(), Memberships: account.Views(res.Memberships),
		ActiveOrgID: res.Session.ActiveOrgID, PasswordChangeRequired: res.User.PasswordChangeRequired,
	})
}

// Logout is POST /v1/auth/logout.
func (h *Handlers) Logout(w http.ResponseWriter, r *http.Request) error {
	p, _ := FromContext(r.Context())
	if err := h.sessions.End(r.Context(), p.Session.ID); err != nil {
		return err
	}
	http.SetCookie(w, h.cookie("", time.Unix(0, 0)))
	return httpapi.NoContent(w)
}

// MeView is the body of GET /v1/me.
type MeView struct {
	User        account.UserView         `json:"user"`
	Memberships []account.MembershipView `json:"memberships"`
	ActiveOrgID string                   `json:"active_org_id"`
}

// Me is GET /v1/me.
func (h *Handlers) Me(w http.ResponseWriter, r *http.Request) error {
	p, _ := FromContext(r.Context())
	return httpapi.JSON(w, http.StatusOK, MeView{User: p.User.View(), Memberships: account.Views(p.Memberships), ActiveOrgID: p.Session.ActiveOrgID})
}

// cookie is the session cookie; browsers treat http://localhost as a secure
// context, so Secure works in local development too.
func (h *Handlers) cookie(value string, expires time.Time) *http.Cookie {
	c := &http.Cookie{Name: CookieName, Value: value, Path: "/", Expires: expires, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}
	if value == "" {
		c.MaxAge = -1
	}
	return c
}
