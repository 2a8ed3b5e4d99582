package help

import (
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

// Handlers serves the Help Center routes (every signed-in user).
type Handlers struct{ center *Center }

// NewHandlers returns the handlers.
func NewHandlers(c *Center) *Handlers { return &Handlers{center: c} }

// Summary is an article in a list of results.
type Summary struct {
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// View is a whole article.
type View struct {
	Slug         string    `json:"slug"`
	Title        string    `json:"title"`
	Summary      string    `json:"summary"`
	BodyMarkdown string    `json:"body_markdown"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Search is GET /v1/help/articles?q=: matches ranked best first.
func (h *Handlers) Search(w http.ResponseWriter, r *http.Request, _ caller.Caller) error {
	arts, err := h.center.Search(r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	out := httpapi.List[Summary]{Items: make([]Summary, 0, len(arts))}
	for _, a := range arts {
		out.Items = append(out.Items, Summary{Slug: a.Slug, Title: a.Title, Summary: a.Summary})
	}
	return httpapi.JSON(w, http.StatusOK, out)
}

// Get is GET /v1/help/articles/{slug}.
func (h *Handlers) Get(w http.ResponseWriter, r *http.Request, _ caller.Caller) error {
	a, err := h.center.Get(r.PathValue("slug"))
	if err != nil {
		return err
	}
	return httpapi.JSON(w, http.StatusOK, View{Slug: a.Slug, Title: a.Title, Summary: a.Summary, BodyMarkdown: a.Body, UpdatedAt: a.UpdatedAt})
}
