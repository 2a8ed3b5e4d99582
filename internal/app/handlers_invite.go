package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/invite"
)

// inviteLinkHandlers are the emailed invite link (F9).
func (p *Parts) inviteLinkHandlers() handlers {
	h := invite.NewHandlers(p.inviteService())
	return handlers{
		"getInvite":    public(h.View),
		"acceptInvite": optional(h.Accept),
	}
}

// inviteHandlers are an office's invites (F9).
func (p *Parts) inviteHandlers() handlers {
	admin := invite.NewAdminHandlers(p.inviteService(), p.storeOf())
	return handlers{
		"createInvites": inOrg(admin.Create),
		"listInvites":   inOrg(admin.List),
		"resendInvite":  inOrg(admin.Resend),
		"revokeInvite":  inOrg(admin.Revoke),
	}
}
