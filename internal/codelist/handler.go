package codelist

import (
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
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

func kindOf(r *http.Request) (Kind, error) {
	k, ok := ParseKind(r.PathValue("kind"))
	if !ok {
		return "", ErrKindNotFound
	}
	return k, nil
}

// List is GET /v1/orgs/{org}/code-lists/{kind}?q=&limit=&cursor=.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request, who caller.Caller) error {
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
func (h *Handlers) Add(w http.ResponseWriter, r *http.Request, who caller.Caller) error {
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
func (h *Handlers) Delete(w http.ResponseWriter, r *http.Request, who caller.Caller) error {
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
func (h *Handlers) Copy(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	var in CopyInput
	if err := httpapi.Decode(r, &in); err != nil {
		return err
	}
	res, err := h.svc.Copy(r.Context(), c, in)
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, res)
}
