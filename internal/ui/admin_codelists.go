package ui

import (
	"net/http"
	"net/url"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// codeListData is the Code Lists page of an office (seed 000's "Master
// Files for Group Setup"): one list at a time, searched and paged, with
// the add and delete forms for those who may change it.
type codeListData struct {
	Base    string // /orgs/{org}/code-lists
	Kind    string
	Name    string // the list's display name
	Tabs    []web.Link
	Query   string
	Entries []codelist.Entry
	Next    string
	// MayChange: full access to code lists at the whole office's scope
	// (the lists belong to the office; the service refuses anyone else).
	MayChange bool
	Form      codelist.AddInput
}

// codeList opens the Code Lists page of the path's office for the list
// named in the path; an unknown list is the page edge's 404.
func (x *Admin) codeList(r *http.Request, c caller.Caller) (acting, codeListData, error) {
	kind, ok := codelist.ParseKind(r.PathValue("kind"))
	if !ok {
		return acting{}, codeListData{}, codelist.ErrKindNotFound
	}
	a := x.open(r, c, "Code Lists")
	base := a.base + "/code-lists"
	d := codeListData{Base: base, Kind: string(kind), Name: kind.DisplayName(),
		MayChange: a.m.Scope.IsOrg() && a.m.Level(account.ModuleCodeLists).Allows(account.LevelFull)}
	for _, k := range codelist.Kinds {
		d.Tabs = append(d.Tabs, web.Link{Label: k.DisplayName(), Href: base + "/" + string(k), Current: k == kind})
	}
	return a, d, nil
}

// CodeListShow is GET /orgs/{org}/code-lists/{kind}: the same as GET
// /v1/orgs/{org}/code-lists/{kind}?q=&limit=&cursor=.
func (x *Admin) CodeListShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a, d, err := x.codeList(r, c)
	if err != nil {
		return err
	}
	d.Query = r.URL.Query().Get("q")
	return x.renderCodeList(w, r, a, d, nil)
}

// renderCodeList shows the list's page, with a service's refusal of the
// form that was sent (if any) beside its field.
func (x *Admin) renderCodeList(w http.ResponseWriter, r *http.Request, a acting, d codeListData, refused error) error {
	if err := a.note(x.listCodes(r, a, &d)); err != nil {
		return err
	}
	if err := a.note(refused); err != nil {
		return err
	}
	a.page.Data = d
	return x.view.Render(w, r, "admin-code-list", a.page)
}

// listCodes fills one page of the list; the next page keeps the search
// and the page size asked for.
func (x *Admin) listCodes(r *http.Request, a acting, d *codeListData) error {
	limit, cursor, err := httpapi.Page(r)
	if err != nil {
		return err
	}
	var next string
	d.Entries, next, err = x.codes.List(r.Context(), a.c, codelist.Kind(d.Kind), d.Query, limit, cursor)
	if err != nil {
		return err
	}
	if next != "" {
		q := url.Values{"cursor": {next}}
		if d.Query != "" {
			q.Set("q", d.Query)
		}
		if l := r.URL.Query().Get("limit"); l != "" {
			q.Set("limit", l)
		}
		d.Next = d.Base + "/" + d.Kind + "?" + q.Encode()
	}
	return nil
}

// CodeAddSubmit is POST /orgs/{org}/code-lists/{kind}: the same as POST
// /v1/orgs/{org}/code-lists/{kind}; a refusal is shown beside the field.
func (x *Admin) CodeAddSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a, d, err := x.codeList(r, c)
	if err != nil {
		return err
	}
	d.Form = codelist.AddInput{Code: r.PostForm.Get("code"), Description: r.PostForm.Get("description")}
	e, err := x.codes.Add(r.Context(), a.c, codelist.Kind(d.Kind), d.Form)
	if err != nil {
		return x.renderCodeList(w, r, a, d, err)
	}
	return web.Redirect(w, r, d.Base+"/"+d.Kind+"?"+url.Values{"notice": {"code-added"}, "q": {e.Code}}.Encode())
}

// CodeDeleteSubmit is POST /orgs/{org}/code-lists/{kind}/{code}/delete:
// the same as DELETE /v1/orgs/{org}/code-lists/{kind}/{code}.
func (x *Admin) CodeDeleteSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	a, d, err := x.codeList(r, c)
	if err != nil {
		return err
	}
	if err := x.codes.Delete(r.Context(), a.c, codelist.Kind(d.Kind), r.PathValue("code")); err != nil {
		return x.renderCodeList(w, r, a, d, err)
	}
	return web.Redirect(w, r, d.Base+"/"+d.Kind+"?notice=code-deleted")
}
