package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

func (a *App) authHandlers() map[string]edge.HandlerFunc {
	h := auth.NewHandlers(a.Auth, a.Sessions)
	return map[string]edge.HandlerFunc{
		"login":  h.Login,
		"logout": h.Logout,
		"getMe":  h.Me,
	}
}
