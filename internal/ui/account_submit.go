package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/web"
	"github.com/gatehouse-dev/gatehouse/internal/web/form"
)

// EndSessionsSubmit is POST /account/sessions/end-all ("Sign out
// everywhere"): the same as POST /v1/auth/logout-all.
func (x *Pages) EndSessionsSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	if err := x.sessions.EndAll(r.Context(), c.User.ID); err != nil {
		return err
	}
	http.SetCookie(w, auth.SessionCookie("", time0))
	return web.Redirect(w, r, web.LoginPath+"?notice=signed-out-all")
}

// EndSessionSubmit is POST /account/sessions/{id}/end: the same as DELETE /v1/me/sessions/{id}.
func (x *Pages) EndSessionSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	if err := x.sessions.EndListed(r.Context(), c.User.ID, r.PathValue("id")); err != nil {
		return err
	}
	return web.Redirect(w, r, "/account?notice=session-ended#sessions")
}

// LinkSubmit is POST /account/links: link another account by its username
// and password (F8, seed 000's "Access Other Accounts"); the same as POST /v1/me/links.
func (x *Pages) LinkSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "My account")
	f := form.NewLink(r)
	page.Status = http.StatusBadRequest
	if e := problems(f.Validate()); e != nil {
		page.Errors = *e
		return x.renderAccount(w, r, c, page, "link")
	}
	if _, err := x.auth.Link(r.Context(), c, f.Username, f.Password, f.OTP); err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page.Errors, page.Status = e, status
		return x.renderAccount(w, r, c, page, "link")
	}
	return web.Redirect(w, r, "/account?notice=linked#access")
}

// DeleteLinkedSubmit is POST /account/links/delete: delete an unused linked
// username (seed 000); the same as DELETE /v1/me/links/{username}.
func (x *Pages) DeleteLinkedSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "My account")
	username := r.PostForm.Get("linked_username")
	err := error(nil)
	if username == "" {
		page.Errors = web.FieldErrors(map[string]string{"linked_username": "is required"})
	} else if err = x.auth.DeleteLinked(r.Context(), c, username); err == nil {
		return web.Redirect(w, r, "/account?notice=unlinked#access")
	}
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page.Errors, page.Status = e, status
	}
	if page.Status == 0 {
		page.Status = http.StatusBadRequest
	}
	return x.renderAccount(w, r, c, page, "unlink")
}

// DeletePasskeySubmit is POST /account/passkeys/{id}/delete: the same as DELETE /v1/me/passkeys/{id}.
func (x *Pages) DeletePasskeySubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "My account")
	err := x.auth.Reauthenticate(r.Context(), c, r.PostForm.Get("current_password"))
	if err == nil {
		err = x.auth.DeletePasskey(r.Context(), c, r.PathValue("id"))
	}
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page.Errors, page.Status = e, status
		return x.renderAccount(w, r, c, page, "passkeys")
	}
	return web.Redirect(w, r, "/account?notice=passkey-deleted#passkeys")
}

// AddUsernameSubmit is POST /account/usernames: a new username (and password)
// for this person, which becomes the master login; this one is linked into it
// (seed 000's "Allow Account Access" → "Add Username"). The person then
// signs in with the new username.
func (x *Pages) AddUsernameSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "My account")
	username, pw := strings.TrimSpace(r.PostForm.Get("new_username")), r.PostForm.Get("new_password")
	_, err := x.auth.AddUsername(r.Context(), c, username, pw, r.PostForm.Get("current_password"))
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		// The service names the API's fields; this form names them for itself.
		fields := map[string]string{}
		for k, v := range e.Fields {
			switch k {
			case "username":
				fields["new_username"] = v
			case "password":
				fields["new_password"] = v
			default:
				fields[k] = v
			}
		}
		e.Fields = fields
		page.Errors, page.Status = e, status
		return x.renderAccount(w, r, c, page, "add")
	}
	if err := x.sessions.End(r.Context(), c.Session.ID); err != nil {
		return err
	}
	http.SetCookie(w, auth.SessionCookie("", time0))
	return web.Redirect(w, r, web.LoginPath+"?notice=username-added")
}
