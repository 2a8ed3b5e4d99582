package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/auth"
)

// signInHandlers are password sign-in and reset (the auth function).
func (p *Parts) signInHandlers() handlers {
	h := auth.NewHandlers(p.authService(), p.sessionService())
	return handlers{
		"login":          public(h.Login),
		"forgotPassword": public(h.Forgot),
		"resetPassword":  public(h.Reset),
	}
}

// authHandlers are the signed-in self routes (F1-F8, F20).
func (p *Parts) authHandlers() handlers {
	h := auth.NewHandlers(p.authService(), p.sessionService())
	return handlers{
		"logout":              signed(h.Logout),
		"logoutAll":           signed(h.LogoutAll),
		"changePassword":      signed(h.ChangePassword),
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
