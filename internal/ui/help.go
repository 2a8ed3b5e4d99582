package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/web/template"
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/help"
)

// helpData is the Help Center page: the query and its ranked results.
type helpData struct {
	Query   string
	Results []help.Article
}

// HelpShow is GET /help?q=: every signed-in person searches the Help Center
// (F24) with the same ranking as GET /v1/help/articles.
func (x *Pages) HelpShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "Help Center")
	q := r.URL.Query().Get("q")
	arts, err := x.help.Search(q)
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page.Errors, page.Status = e, status
	}
	page.Data = helpData{Query: q, Results: arts}
	return x.view.Render(w, r, "help", page)
}

// helpArticleData is one article, rendered.
type helpArticleData struct {
	Article help.Article
	Body    template.HTML
}

// HelpArticleShow is GET /help/{slug}.
func (x *Pages) HelpArticleShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a, err := x.help.Get(r.PathValue("slug"))
	if err != nil {
		return err
	}
	body, err := a.HTML()
	if err != nil {
		return err
	}
	page := signedIn(c, a.Title)
	page.Data = helpArticleData{Article: a, Body: body}
	return x.view.Render(w, r, "help-article", page)
}
