package ui

import (
	"net/http"
)

// HomeShow is GET /: the current office and what the person can do there.
func (x *Pages) HomeShow(w http.ResponseWriter, r *http.Request) error {
	_, page := signedIn(r, "Home")
	page.Notice = noticeOf(r)
	return x.view.Render(w, r, "home", page)
}
