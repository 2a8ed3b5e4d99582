package codelist

import (
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/session"
)

// Handlers serves the code-list routes.
type Handlers struct{ svc *Service }

// NewHandlers returns the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// View is a code as the API shows it.
type View struct {
	Kind        Kind      `json:"kind"`
	Code        string    `json:"code"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

func viewOf(e Entry) View { return View(e) }

// actor is the caller as a member of the route's office (set by the guard).
func actor(r *http.Request) (Actor, error) {
	m, ok := auth.OrgMembership(r.Context())
	p, signed := auth.FromContext(r.Context())
	if !ok || !signed {
		return Actor{}, session.ErrNoSession
	}
	return Actor{Membership: m, Audit: audit.ActorFrom(r, p.User.ID, p.User.Username)}, nil
}

func kindOf(r *http.Request) (Kind, error) {
	k, ok := ParseKind(r.PathValue("kind"))
	if !ok {
		return "", ErrKindNotFound
	}
	return k, nil
}

// List is GET /v1/orgs/{org}/code-lists/{kind}?q=&limit=&cursor=.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request) error {
	who, err := actor(r)
	if err != nil {
		return err
	}
	kind, err := kindOf(r)
	if err != nil {
		return err
	}
	limit, cursor, err := httpapi.Page(r)
	if err != nil {
		return err
	}
	entries, next, err := h.svc.List(r.Context(), who, kind, r.URL.Query().Get("q"), limit, cursor)
	if err != nil {
		return err
	}
	out := httpapi.List[View]{Items: make([]View, 0, len(entries)), NextCursor: next}
	for _, e := range entries {
		out.Items = append(out.Items, viewOf(e))
	}
	return httpapi.JSON(w, http.StatusOK, out)
}

// Add is POST /v1/orgs/{org}/code-lists/{kind}.
func (h *Handlers) Add(w http.ResponseWriter, r *http.Request) error {
	who, err := actor(r)
	if err != nil {
		return err
	}
	kind, err := kindOf(r)
	if err != nil {
		return err
	}
	var in AddInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	e, err := h.svc.Add(r.Context(), who, kind, in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusCreated, viewOf(e))
}

// Delete is DELETE /v1/orgs/{org}/code-lists/{kind}/{code}.
func (h *Handlers) Delete(w http.ResponseWriter, r *http.Request) error {
	who, err := actor(r)
	if err != nil {
		return err
	}
	kind, err := kindOf(r)
	if err != nil {
		return err
	}
	if err := h.svc.Delete(r.Context(), who, kind, r.PathValue("code")); err != nil {
		return err
	}
	return httpapi.NoContent(w)
}

// Copy is POST /v1/code-lists/copy.
func (h *Handlers) Copy(w http.ResponseWriter, r *http.Request) error {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		return session.ErrNoSession
	}
	var in CopyInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	res, err := h.svc.Copy(r.Context(), Copier{User: p.User, Memberships: p.Memberships, Audit: audit.ActorFrom(r, p.User.ID, p.User.Username)}, in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, res)
}
