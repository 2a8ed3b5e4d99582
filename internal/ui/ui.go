// Package ui holds the portal's page handlers (F29), one small file per page
// action in the shape of miniflux's ui package: a *_show.go renders a page,
// a *_submit.go handles its form. Each parses a form (package form), calls
// the same service method the JSON handler calls, and renders with the one
// Renderer (package web); no rule lives here.
package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/governance"
	"github.com/gatehouse-dev/gatehouse/internal/help"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/web"
	"github.com/gatehouse-dev/gatehouse/internal/web/form"
)

// Pages serves every page of the portal's public and self-service half.
type Pages struct {
	view     *web.Renderer
	auth     *auth.Service
	sessions auth.Sessions
	invites  *invite.Service
	reviews  *review.Service
	members  *member.Service

	help       *help.Center
	governance *governance.Service
	codes      *codelist.Service
}

// Shared adds the pages of governance (tickets, the home page's warning),
// the Help Center and Copy Codes (F20-F25), over their services.
func (x *Pages) Shared(helpCenter *help.Center, gov *governance.Service, codes *codelist.Service) *Pages {
	x.help, x.governance, x.codes = helpCenter, gov, codes
	return x
}

// New returns the pages over the services the JSON handlers use.
func New(view *web.Renderer, authSvc *auth.Service, sessions auth.Sessions, invites *invite.Service, reviews *review.Service, members *member.Service) *Pages {
	return &Pages{view: view, auth: authSvc, sessions: sessions, invites: invites, reviews: reviews, members: members}
}

// frameOf is the signed-in frame of a principal: the current office (the
// session's, else the first active one) and every office to switch to.
func frameOf(c caller.Caller) *web.Frame {
	f := &web.Frame{Name: strings.TrimSpace(c.User.FirstName + " " + c.User.LastName), Restricted: c.User.PasswordChangeRequired}
	if f.Name == "" {
		f.Name = c.User.Username
	}
	for _, m := range c.Memberships {
		if !m.Active {
			continue
		}
		o := web.Office{ID: m.OrgID, Name: m.OrgName, ClientName: m.ClientName, Role: m.Role.DisplayName(), Label: web.OfficeLabel(m.OrgName, m.ClientName)}
		f.Offices = append(f.Offices, o)
		if m.OrgID == c.Session.ActiveOrgID || (f.Current.ID == "" && c.Session.ActiveOrgID == "") {
			f.Current, f.Tickets = o, governance.UsesTickets(m)
			f.AdminLinks = adminLinks(m)
		}
	}
	return f
}

// signedIn is the page data of a signed-in page.
func signedIn(c caller.Caller, title string) web.Page {
	return web.Page{Title: title, Frame: frameOf(c)}
}

// problems turns a form's own findings into a refusal to show, or nil.
func problems(c form.Problems) *web.Errors {
	if len(c) == 0 {
		return nil
	}
	e := web.FieldErrors(c)
	return &e
}

// refusal is what a form shows for a service's refusal; other errors go to
// the page edge.
func refusal(err error) (web.Errors, int, bool) {
	e, ok := web.ErrorsOf(err)
	if !ok {
		return web.Errors{}, 0, false
	}
	return e, statusOf(err), true
}

// localPath accepts only a path on this site as a place to return to.
func localPath(next, fallback string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return fallback
}

// notices are the success messages shown after a redirect (?notice=…).
var notices = map[string]string{
	"password-changed": "Your password has been changed.",
	"password-reset":   "Your password has been set. Sign in with it now.",
	"password-set":     "Your password has been set. Sign in with it now.",
	"account-created":  "Your account is ready. Sign in with your new username and password.",
	"joined":           "You have joined the office. Choose it under \"Switch office\".",
	"signed-out-all":   "Every session of your login has ended, this one too. Sign in again.",
	"signed-out":       "You have signed out.",
	"linked":           "The other account is linked. Its offices are now in \"Switch office\".",
	"unlinked":         "The linked username has been deleted.",
	"switched":         "You are now working in this office.",
	"passkey-deleted":  "The passkey has been removed.",
	"passkey-added":    "The passkey has been added.",
	"session-ended":    "The session has ended.",
	"email-confirmed":  "Your new email address is confirmed: the portal's emails now go to it.",
	"ticket-filed":     "Your ticket is filed.",
	"privilege-filed":  "Your privilege change is filed. Nothing changes until Gatehouse operations approves it.",
	"ticket-closed":    "The ticket is closed.",
	"codes-copied":     "The codes are copied.",
	"username-added":   "Your new username is ready and this login is linked to it. Sign in with the new username now.",
}

func noticeOf(r *http.Request) string { return notices[r.URL.Query().Get("notice")] }
