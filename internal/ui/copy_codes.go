package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// copyCodesData is the "Copy Codes to Another Account" page (seed 000):
// the offices to copy from and to, the lists, and the last copy's counts.
type copyCodesData struct {
	Form   codelist.CopyInput
	Kinds  []codelist.Kind
	Result []copiedList
}

type copiedList struct {
	Kind            codelist.Kind
	Copied, Skipped int
}

// CopyCodesShow is GET /account/copy-codes.
func (x *Pages) CopyCodesShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "Copy Codes to Another Account")
	d := copyCodesData{Kinds: codelist.Kinds, Form: codelist.CopyInput{FromOrg: page.Frame.Current.ID}}
	q := r.URL.Query()
	for _, k := range codelist.Kinds {
		copied, err1 := strconv.Atoi(q.Get("copied_" + string(k)))
		skipped, err2 := strconv.Atoi(q.Get("skipped_" + string(k)))
		if err1 == nil && err2 == nil {
			d.Result = append(d.Result, copiedList{Kind: k, Copied: copied, Skipped: skipped})
		}
	}
	page.Notice, page.Data = noticeOf(r), d
	return x.view.Render(w, r, "copy-codes", page)
}

// CopyCodesSubmit is POST /account/copy-codes: the same as POST
// /v1/code-lists/copy; the counts are shown after the redirect.
func (x *Pages) CopyCodesSubmit(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	in := codelist.CopyInput{FromOrg: ident.OrgID(r.PostForm.Get("from_org")), ToOrg: ident.OrgID(r.PostForm.Get("to_org")), Kinds: r.PostForm["kinds"]}
	res, err := x.codes.Copy(r.Context(), c, in)
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page := signedIn(c, "Copy Codes to Another Account")
		page.Errors, page.Status = e, status
		page.Data = copyCodesData{Kinds: codelist.Kinds, Form: in}
		return x.view.Render(w, r, "copy-codes", page)
	}
	q := url.Values{"notice": {"codes-copied"}}
	for k, n := range res.Copied {
		q.Set("copied_"+string(k), strconv.Itoa(n))
		q.Set("skipped_"+string(k), strconv.Itoa(res.Skipped[k]))
	}
	return web.Redirect(w, r, "/account/copy-codes?"+q.Encode())
}
