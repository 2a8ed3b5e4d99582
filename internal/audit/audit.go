// Package audit is the org's audit log (F26): every administrative action,
// who did it, to what, when and from where, written in the same transaction
// as the change where the store allows it.
package audit

import (
	"context"
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Entry is one administrative action in one org.
type Entry struct {
	ID            string
	OrgID         ident.OrgID
	At            time.Time
	Actor         string // user id of the administrator
	ActorUsername string
	Action        string // e.g. "user.lock"
	Target        string // e.g. "user:<id>"
	RequestID     string
	IP            string
	// Detail says more than the target where an action needs it: the counts
	// of a code-list copy, the authorization of a break-glass reactivation.
	Detail string
}

// Actions written by running accounts.
const (
	ActionUserCreate     = "user.create"
	ActionUserUpdate     = "user.update"
	ActionUserLock       = "user.lock"
	ActionUserUnlock     = "user.unlock"
	ActionUserDelete     = "user.delete"
	ActionUserReactivate = "user.reactivate"
	ActionUserReset      = "user.reset_password"
	ActionUserPrivileges = "user.privileges"
	// ActionUserEmailRequested: a new email address waits for its own confirmation.
	ActionUserEmailRequested = "user.email_change_requested"
	ActionUserEmailChanged   = "user.email_changed"
	ActionEmployeeCreate     = "employee.create"
	ActionEmployeeUpdate     = "employee.update"
	ActionOrgSettings        = "org.settings"
)

// Actor is who acts and from where; ActorOf builds it from the caller.
type Actor struct {
	UserID    string
	Username  string
	RequestID string
	IP        string
}

// ActorOf is the actor of a signed-in caller's request.
func ActorOf(c caller.Caller) Actor {
	return Actor{UserID: c.User.ID, Username: c.User.Username, RequestID: c.RequestID, IP: c.IP}
}

// Entry records action on target in org, now.
func (a Actor) Entry(orgID ident.OrgID, action, target string, at time.Time) Entry {
	return Entry{ID: ident.New(), OrgID: orgID, At: at.UTC(), Actor: a.UserID, ActorUsername: a.Username, Action: action,
		Target: target, RequestID: a.RequestID, IP: a.IP}
}

// Store reads the audit log.
type Store interface {
	// ListAudit pages through an org's entries, newest first.
	ListAudit(ctx context.Context, orgID ident.OrgID, limit int, cursor string) ([]Entry, string, error)
}

// Handlers serves GET /v1/orgs/{org}/audit.
type Handlers struct{ store Store }

// NewHandlers returns the handlers.
func NewHandlers(store Store) *Handlers { return &Handlers{store: store} }

// View is an entry as the API shows it.
type View struct {
	At            time.Time `json:"at"`
	Actor         string    `json:"actor"`
	ActorUsername string    `json:"actor_username,omitempty"`
	Action        string    `json:"action"`
	Target        string    `json:"target"`
	RequestID     string    `json:"request_id"`
	IP            string    `json:"ip"`
	Detail        string    `json:"detail,omitempty"`
}

// List is GET /v1/orgs/{org}/audit: newest first, paged.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	limit, cursor, err := httpapi.Page(r)
	if err != nil {
		return err
	}
	entries, next, err := h.store.ListAudit(r.Context(), c.Org, limit, cursor)
	if err != nil {
		return err
	}
	out := httpapi.List[View]{Items: make([]View, 0, len(entries)), NextCursor: next}
	for _, e := range entries {
		out.Items = append(out.Items, View{At: e.At, Actor: e.Actor, ActorUsername: e.ActorUsername, Action: e.Action,
			Target: e.Target, RequestID: e.RequestID, IP: e.IP, Detail: e.Detail})
	}
	return httpapi.JSON(w, http.StatusOK, out)
}

// CSVHeader is the audit export's header row.
var CSVHeader = []string{"at", "actor", "actor_username", "action", "target", "request_id", "ip"}

// exportPage is how many entries the export reads per query.
const exportPage = 200

// Export is GET /v1/orgs/{org}/audit/export: the whole log as text/csv,
// newest first, streamed page by page (F26).
func (h *Handlers) Export(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	out := httpapi.NewCSV(w, "audit.csv", CSVHeader)
	cursor := ""
	for {
		entries, next, err := h.store.ListAudit(r.Context(), c.Org, exportPage, cursor)
		if err != nil {
			return out.Close(err)
		}
		rows := make([][]string, 0, len(entries))
		for _, e := range entries {
			rows = append(rows, []string{e.At.UTC().Format(time.RFC3339Nano), httpapi.SafeCell(e.Actor), httpapi.SafeCell(e.ActorUsername),
				httpapi.SafeCell(e.Action), httpapi.SafeCell(e.Target), httpapi.SafeCell(e.RequestID), httpapi.SafeCell(e.IP)})
		}
		if err := out.Write(rows); err != nil {
			return out.Close(err)
		}
		if next == "" {
			return out.Close(nil)
		}
		cursor = next
	}
}
