package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

func (a *App) passkeyHandlers() map[string]edge.HandlerFunc {
	h := auth.NewHandlers(a.Auth, a.Sessions)
	return map[string]edge.HandlerFunc{
		"beginPasskeyRegistration":  h.BeginPasskeyRegistration,
		"finishPasskeyRegistration": h.FinishPasskeyRegistration,
		"listPasskeys":              h.ListPasskeys,
		"deletePasskey":             h.DeletePasskey,
		"beginPasskeyLogin":         h.BeginPasskeyLogin,
		"finishPasskeyLogin":        h.FinishPasskeyLogin,
	}
}
