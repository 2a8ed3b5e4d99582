package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/auth"
)

func (a *App) authHandlers() handlers {
	h := auth.NewHandlers(a.Auth, a.Sessions)
	return handlers{
		"login":               public(h.Login),
		"logout":              signed(h.Logout),
		"logoutAll":           signed(h.LogoutAll),
		"changePassword":      signed(h.ChangePassword),
		"forgotPassword":      public(h.Forgot),
		"resetPassword":       public(h.Reset),
		"startTOTP":           signed(h.StartTOTP),
		"verifyTOTP":          signed(h.VerifyTOTP),
		"getMe":               signed(h.Me),
		"listSessions":        signed(h.ListSessions),
		"endSession":          signed(h.EndSession),
		"setActiveOrg":        signed(h.SwitchOrg),
		"linkAccount":         signed(h.Link),
		"deleteLinkedAccount": signed(h.DeleteLinked),
		"rotateCodeWord":      inOrg(h.RotateCodeWord),
	}
}
