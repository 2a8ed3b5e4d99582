package app

import (
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/ui"
	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// pageHandlers are the portal's pages (F29): the public half served by the
// auth function, the signed-in half by portal, over the same services.
func (a *App) pageHandlers() map[string]edge.HandlerFunc {
	p := ui.New(a.View, a.Auth, a.Sessions, a.Invites, a.Reviews, a.Members)
	return map[string]edge.HandlerFunc{
		"asset":                  web.Asset,
		"loginPage":              p.LoginShow,
		"loginForm":              p.LoginSubmit,
		"forgotPage":             p.ForgotShow,
		"forgotForm":             p.ForgotSubmit,
		"resetPage":              p.ResetShow,
		"resetForm":              p.ResetSubmit,
		"setupPage":              p.SetupShow,
		"setupForm":              p.SetupSubmit,
		"invitePage":             p.InviteShow,
		"inviteForm":             p.InviteSubmit,
		"registrationPage":       p.RegistrationShow,
		"registrationForm":       p.RegistrationSubmit,
		"registrationSentPage":   p.RegistrationSent,
		"registrationVerifyPage": p.RegistrationVerify,
		"homePage":               p.HomeShow,
		"logoutForm":             p.LogoutSubmit,
		"switchOfficeForm":       p.OfficeSwitch,
		"accountPage":            p.AccountShow,
		"passwordPage":           p.PasswordShow,
		"passwordForm":           p.PasswordSubmit,
		"twoFactorPage":          p.TwoFactorShow,
		"twoFactorStartForm":     p.TwoFactorStart,
		"twoFactorVerifyForm":    p.TwoFactorVerify,
		"endSessionsForm":        p.EndSessionsSubmit,
		"endSessionForm":         p.EndSessionSubmit,
		"linkAccountForm":        p.LinkSubmit,
		"deleteLinkedForm":       p.DeleteLinkedSubmit,
		"deletePasskeyForm":      p.DeletePasskeySubmit,
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
