package app

import (
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/ui"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// pageHandlers are the portal's pages (F29): the public half served by the
// auth function, the signed-in half by portal, over the same services.
func (a *App) pageHandlers() handlers {
	p := ui.New(a.View, a.Auth, a.Sessions, a.Invites, a.Reviews, a.Members)
	return handlers{
		"asset":                  public(web.Asset),
		"loginPage":              optional(p.LoginShow),
		"loginForm":              public(p.LoginSubmit),
		"forgotPage":             public(p.ForgotShow),
		"forgotForm":             public(p.ForgotSubmit),
		"resetPage":              public(p.ResetShow),
		"resetForm":              public(p.ResetSubmit),
		"setupPage":              public(p.SetupShow),
		"setupForm":              public(p.SetupSubmit),
		"invitePage":             optional(p.InviteShow),
		"inviteForm":             optional(p.InviteSubmit),
		"registrationPage":       public(p.RegistrationShow),
		"registrationForm":       public(p.RegistrationSubmit),
		"registrationSentPage":   public(p.RegistrationSent),
		"registrationVerifyPage": public(p.RegistrationVerify),
		"homePage":               signed(p.HomeShow),
		"logoutForm":             signed(p.LogoutSubmit),
		"switchOfficeForm":       signed(p.OfficeSwitch),
		"accountPage":            signed(p.AccountShow),
		"passwordPage":           signed(p.PasswordShow),
		"passwordForm":           signed(p.PasswordSubmit),
		"twoFactorPage":          signed(p.TwoFactorShow),
		"twoFactorStartForm":     signed(p.TwoFactorStart),
		"twoFactorVerifyForm":    signed(p.TwoFactorVerify),
		"endSessionsForm":        signed(p.EndSessionsSubmit),
		"endSessionForm":         signed(p.EndSessionSubmit),
		"linkAccountForm":        signed(p.LinkSubmit),
		"deleteLinkedForm":       signed(p.DeleteLinkedSubmit),
		"addUsernameForm":        signed(p.AddUsernameSubmit),
		"deletePasskeyForm":      signed(p.DeletePasskeySubmit),
	}
}

// guard is what every route passes through before its handler: the session
// guard, and for pages the page edge around it (headers, CSRF, refusals as
// pages and redirects rather than JSON).
func (a *App) guard(rt route.Route, h edge.HandlerFunc) edge.HandlerFunc {
	if rt.Page() {
		return a.View.Wrap(rt, h, a.Guard.Wrap)
	}
	return a.Guard.Wrap(rt, h)
}
