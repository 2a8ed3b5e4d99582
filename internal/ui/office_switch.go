package ui

import (
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// OfficeSwitch is POST /switch-office: the same switch as PUT
// /v1/me/active-org; the person returns to the page they were on.
func (x *Pages) OfficeSwitch(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	if _, err := x.auth.SwitchOrg(r.Context(), c, ident.OrgID(r.PostForm.Get("org_id"))); err != nil {
		return err
	}
	return web.Redirect(w, r, localPath(r.PostForm.Get("next"), web.HomePath))
}
