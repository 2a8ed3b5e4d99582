package auth

import (
	"encoding/json"
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

// BeginPasskeyRegistration is POST /v1/auth/mfa/passkeys/register/begin:
// re-authentication as for TOTP enrolment, then the creation options.
func (h *Handlers) BeginPasskeyRegistration(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	var req reauthRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	if err := h.svc.Reauthenticate(r.Context(), p, req.CurrentPassword); err != nil {
		return err
	}
	c, err := h.svc.BeginPasskeyRegistration(r.Context(), p)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, c)
}

type finishPasskeyRegistrationRequest struct {
	ChallengeID string          `json:"challenge_id"`
	Credential  json.RawMessage `json:"credential"`
	Name        string          `json:"name"`
}

// FinishPasskeyRegistration is POST /v1/auth/mfa/passkeys/register/finish.
func (h *Handlers) FinishPasskeyRegistration(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	var req finishPasskeyRegistrationRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	out, err := h.svc.FinishPasskeyRegistration(r.Context(), p, req.ChallengeID, req.Credential, req.Name)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusCreated, out)
}

// ListPasskeys is GET /v1/me/passkeys.
func (h *Handlers) ListPasskeys(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	keys, err := h.svc.ListPasskeys(r.Context(), p)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, httpapi.List[PasskeyView]{Items: keys})
}

// DeletePasskey is DELETE /v1/me/passkeys/{id}; the body may carry
// current_password (needed unless the session proved it recently).
func (h *Handlers) DeletePasskey(w http.ResponseWriter, r *http.Request, p caller.Caller) error {
	var req reauthRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	if err := h.svc.Reauthenticate(r.Context(), p, req.CurrentPassword); err != nil {
		return err
	}
	if err := h.svc.DeletePasskey(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	return httpapi.NoContent(w)
}

type beginPasskeyLoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// BeginPasskeyLogin is POST /v1/auth/login/passkey/begin.
func (h *Handlers) BeginPasskeyLogin(w http.ResponseWriter, r *http.Request) error {
	var req beginPasskeyLoginRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	c, err := h.svc.BeginPasskeyLogin(r.Context(), httpapi.ClientAddress(r), req.Username, req.Password)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, c)
}

type finishPasskeyLoginRequest struct {
	ChallengeID string          `json:"challenge_id"`
	Credential  json.RawMessage `json:"credential"`
}

// FinishPasskeyLogin is POST /v1/auth/login/passkey/finish: the same answer
// as POST /v1/auth/login.
func (h *Handlers) FinishPasskeyLogin(w http.ResponseWriter, r *http.Request) error {
	var req finishPasskeyLoginRequest
	if err := httpapi.Decode(r, &req); err != nil {
		return err
	}
	res, err := h.svc.FinishPasskeyLogin(r.Context(), req.ChallengeID, req.Credential)
	if err != nil {
		return err
	}
	return h.signedIn(w, res)
}
