package invite

import (
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

// Handlers serves the public invite-link routes.
type Handlers struct{ svc *Service }

// NewHandlers returns the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

type linkView struct {
	OrgName   string       `json:"org_name"`
	Email     string       `json:"email"`
	Role      account.Role `json:"role"`
	RoleName  string       `json:"role_name"`
	Scope     string       `json:"scope"`
	ExpiresAt time.Time    `json:"expires_at"`
}

// View is GET /v1/invites/{token}.
func (h *Handlers) View(w http.ResponseWriter, r *http.Request) error {
	inv, err := h.svc.View(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, linkView{OrgName: inv.OrgName, Email: inv.Email, Role: inv.Role,
		RoleName: inv.Role.DisplayName(), Scope: inv.Scope.String(), ExpiresAt: inv.ExpiresAt})
}

type acceptedView struct {
	User        account.UserView         `json:"user"`
	Memberships []account.MembershipView `json:"memberships"`
}

// Accept is POST /v1/invites/{token}/accept: a new login from the body, or,
// with an empty body and a session, the signed-in login joins the org.
func (h *Handlers) Accept(w http.ResponseWriter, r *http.Request, c caller.Caller, signedIn bool) error {
	var in NewLogin
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	token := r.PathValue("token")
	var (
		u   account.User
		ms  []account.Membership
		err error
	)
	if signedIn && in.Username == "" {
		u, ms, err = h.svc.AcceptExisting(r.Context(), token, c.User.ID)
	} else {
		u, ms, err = h.svc.AcceptNew(r.Context(), token, in)
	}
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusCreated, acceptedView{User: u.View(), Memberships: account.Views(ms)})
}
