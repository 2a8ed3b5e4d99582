package app

import (
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/ui"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// renderer is the portal's page renderer (templates parsed once per cold start).
func (p *Parts) renderer() *web.Renderer {
	if p.view == nil && p.viewErr == nil {
		p.view, p.viewErr = web.NewRenderer(p.cfg.BaseURL, p.log)
	}
	return p.view
}

// pages are the portal's page handlers over the services the JSON routes use.
func (p *Parts) pages() *ui.Pages {
	return ui.New(p.renderer(), p.passkeyService(), p.sessionService(), p.inviteService(), p.reviewService(), p.memberService()).
		Shared(p.helpCenter(), p.governanceService(), p.codeListService())
}

// publicPageHandlers are the portal's public pages (F29), served by auth.
func (p *Parts) publicPageHandlers() handlers {
	x := p.pages()
	return handlers{
		"asset":                  public(web.Asset),
		"loginPage":              optional(x.LoginShow),
		"loginForm":              public(x.LoginSubmit),
		"forgotPage":             public(x.ForgotShow),
		"forgotForm":             public(x.ForgotSubmit),
		"resetPage":              public(x.ResetShow),
		"resetForm":              public(x.ResetSubmit),
		"setupPage":              public(x.SetupShow),
		"setupForm":              public(x.SetupSubmit),
		"invitePage":             optional(x.InviteShow),
		"inviteForm":             optional(x.InviteSubmit),
		"registrationPage":       public(x.RegistrationShow),
		"registrationForm":       public(x.RegistrationSubmit),
		"registrationSentPage":   public(x.RegistrationSent),
		"registrationVerifyPage": public(x.RegistrationVerify),
		"emailConfirmPage":       public(x.EmailConfirmShow),
		"emailConfirmForm":       public(x.EmailConfirmSubmit),
		"emergencyPage":          public(x.EmergencyShow),
		"emergencyForm":          public(x.EmergencySubmit),
	}
}

// signedPageHandlers are the portal's signed-in pages (F29), served by portal.
func (p *Parts) signedPageHandlers() handlers {
	x := p.pages()
	return handlers{
		"homePage":            signed(x.HomeShow),
		"logoutForm":          signed(x.LogoutSubmit),
		"switchOfficeForm":    signed(x.OfficeSwitch),
		"accountPage":         signed(x.AccountShow),
		"helpPage":            signed(x.HelpShow),
		"helpArticlePage":     signed(x.HelpArticleShow),
		"ticketsPage":         signed(x.TicketsShow),
		"ticketForm":          signed(x.TicketSubmit),
		"ticketPage":          signed(x.TicketShow),
		"ticketCloseForm":     signed(x.TicketClose),
		"copyCodesPage":       signed(x.CopyCodesShow),
		"copyCodesForm":       signed(x.CopyCodesSubmit),
		"passwordPage":        signed(x.PasswordShow),
		"passwordForm":        signed(x.PasswordSubmit),
		"twoFactorPage":       signed(x.TwoFactorShow),
		"twoFactorStartForm":  signed(x.TwoFactorStart),
		"twoFactorVerifyForm": signed(x.TwoFactorVerify),
		"endSessionsForm":     signed(x.EndSessionsSubmit),
		"endSessionForm":      signed(x.EndSessionSubmit),
		"linkAccountForm":     signed(x.LinkSubmit),
		"deleteLinkedForm":    signed(x.DeleteLinkedSubmit),
		"addUsernameForm":     signed(x.AddUsernameSubmit),
		"deletePasskeyForm":   signed(x.DeletePasskeySubmit),
	}
}

// routeGuard is what every route passes through before its handler: the
// session guard, and for pages the page edge around it (headers, CSRF,
// refusals as pages and redirects rather than JSON).
func (p *Parts) routeGuard(rt route.Route, h edge.HandlerFunc) edge.HandlerFunc {
	if rt.Page() {
		return p.renderer().Wrap(rt, h, p.guardOf().Wrap)
	}
	return p.guardOf().Wrap(rt, h)
}
