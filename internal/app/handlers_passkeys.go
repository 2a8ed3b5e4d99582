package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/auth"
)

func (a *App) passkeyHandlers() handlers {
	h := auth.NewHandlers(a.Auth, a.Sessions)
	return handlers{
		"beginPasskeyRegistration":  signed(h.BeginPasskeyRegistration),
		"finishPasskeyRegistration": signed(h.FinishPasskeyRegistration),
		"listPasskeys":              signed(h.ListPasskeys),
		"deletePasskey":             signed(h.DeletePasskey),
		"beginPasskeyLogin":         public(h.BeginPasskeyLogin),
		"finishPasskeyLogin":        public(h.FinishPasskeyLogin),
	}
}
