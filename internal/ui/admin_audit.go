package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"
	"net/url"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

// auditData is the Audit Log page (F26).
type auditData struct {
	Base    string
	Entries []audit.Entry
	Next    string
	Export  string
}

// AuditShow is GET /orgs/{org}/audit: newest first, paged; the same read
// as GET /v1/orgs/{org}/audit, and Export is GET /v1/orgs/{org}/audit/export.
func (x *Admin) AuditShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a := x.open(r, c, "Audit Log")
	d := auditData{Base: a.base, Export: "/v1" + a.base + "/audit/export"}
	limit, cursor, err := httpapi.Page(r)
	if err == nil {
		d.Entries, d.Next, err = x.audit.ListAudit(r.Context(), a.c.Org, limit, cursor)
	}
	if err := a.note(err); err != nil {
		return err
	}
	if d.Next != "" {
		d.Next = a.base + "/audit?" + nextPage(r, url.Values{}, d.Next)
	}
	a.page.Data = d
	return x.view.Render(w, r, "admin-audit", a.page)
}
