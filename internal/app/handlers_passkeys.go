package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/auth"
)

// passkeyHandlers are passkeys: registration, sign-in, list, removal (the
// auth function: only it links WebAuthn).
func (p *Parts) passkeyHandlers() handlers {
	h := auth.NewHandlers(p.passkeyService(), p.sessionService())
	return handlers{
		"beginPasskeyRegistration":  signed(h.BeginPasskeyRegistration),
		"finishPasskeyRegistration": signed(h.FinishPasskeyRegistration),
		"listPasskeys":              signed(h.ListPasskeys),
		"deletePasskey":             signed(h.DeletePasskey),
		"beginPasskeyLogin":         public(h.BeginPasskeyLogin),
		"finishPasskeyLogin":        public(h.FinishPasskeyLogin),
	}
}
