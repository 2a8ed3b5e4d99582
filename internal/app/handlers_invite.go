package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/invite"
)

func (a *App) inviteHandlers() handlers {
	h := invite.NewHandlers(a.Invites)
	admin := invite.NewAdminHandlers(a.Invites, a.Store)
	return handlers{
		"getInvite":     public(h.View),
		"acceptInvite":  optional(h.Accept),
		"createInvites": inOrg(admin.Create),
		"listInvites":   inOrg(admin.List),
		"resendInvite":  inOrg(admin.Resend),
		"revokeInvite":  inOrg(admin.Revoke),
	}
}
