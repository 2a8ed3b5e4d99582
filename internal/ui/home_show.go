package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
)

// HomeShow is GET /: the current office and what the person can do there.
func (x *Pages) HomeShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "Home")
	page.Notice = noticeOf(r)
	return x.view.Render(w, r, "home", page)
}
