package ui

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/governance"
)

// homeData is what the home page shows beyond the frame: for a site
// administrator, the office's governance (F20).
type homeData struct {
	Governance    *governance.Governance
	FewSiteAdmins bool // the fewer-than-two-site-administrators warning
}

func fewSiteAdmins(g *governance.Governance) bool {
	if g == nil {
		return false
	}
	for _, w := range g.Warnings {
		if w == governance.WarningFewSiteAdmins {
			return true
		}
	}
	return false
}

// HomeShow is GET /: the current office and what the person can do there;
// a site administrator also sees the office's governance warning.
func (x *Pages) HomeShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "Home")
	page.Notice = noticeOf(r)
	var d homeData
	if m, ok := c.MembershipIn(page.Frame.Current.ID); ok && m.Role == account.RoleSiteAdmin && x.governance != nil {
		g, err := x.governance.Status(r.Context(), m.OrgID)
		if err != nil {
			return err
		}
		d.Governance = &g
	}
	d.FewSiteAdmins = fewSiteAdmins(d.Governance)
	page.Data = d
	return x.view.Render(w, r, "home", page)
}
