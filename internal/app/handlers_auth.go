package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

func (a *App) authHandlers() map[string]edge.HandlerFunc {
	h := auth.NewHandlers(a.Auth, a.Sessions)
	return map[string]edge.HandlerFunc{
		"login":               h.Login,
		"logout":              h.Logout,
		"logoutAll":           h.LogoutAll,
		"changePassword":      h.ChangePassword,
		"forgotPassword":      h.Forgot,
		"resetPassword":       h.Reset,
		"startTOTP":           h.StartTOTP,
		"verifyTOTP":          h.VerifyTOTP,
		"getMe":               h.Me,
		"listSessions":        h.ListSessions,
		"endSession":          h.EndSession,
		"setActiveOrg":        h.SwitchOrg,
		"linkAccount":         h.Link,
		"deleteLinkedAccount": h.DeleteLinked,
		"rotateCodeWord":      h.RotateCodeWord,
	}
}
