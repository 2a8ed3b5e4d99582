package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// accountData is the person's own settings page.
type accountData struct {
	Username   string
	Email      string
	MFAEnabled bool
	Passkeys   []auth.PasskeyView
	Sessions   []sessionRow
	// Section names the form whose errors the page shows ("link", "unlink").
	Section string
}

type sessionRow struct {
	ID                    string
	Current               bool
	Office                string
	CreatedAt, LastSeenAt time.Time
}

// AccountShow is GET /account: password, two-step sign-in, passkeys,
// sessions and Account Access (seed 000).
func (x *Pages) AccountShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "My account")
	page.Notice = noticeOf(r)
	return x.renderAccount(w, r, c, page, "")
}

func (x *Pages) renderAccount(w http.ResponseWriter, r *http.Request, c caller.Caller, page web.Page, section string) error {
	d := accountData{Username: c.User.Username, Email: c.User.Email, MFAEnabled: c.User.MFAEnabled, Section: section}
	keys, err := x.auth.ListPasskeys(r.Context(), c)
	if err != nil {
		return err
	}
	d.Passkeys = keys
	all, err := x.sessions.List(r.Context(), c.User.ID)
	if err != nil {
		return err
	}
	names := map[ident.OrgID]string{}
	for _, o := range page.Frame.Offices {
		names[o.ID] = o.Label
	}
	for _, s := range all {
		if s.RenewedAt.Before(c.User.SessionsNotBefore) {
			continue // revoked; its item is being deleted
		}
		d.Sessions = append(d.Sessions, sessionRow{ID: s.PublicID(), Current: s.ID == c.Session.ID, Office: names[s.ActiveOrgID],
			CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt})
	}
	page.Data = d
	return x.view.Render(w, r, "account", page)
}
