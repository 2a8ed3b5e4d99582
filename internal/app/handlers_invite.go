package app

import (
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
)

func (a *App) inviteHandlers() map[string]edge.HandlerFunc {
	h := invite.NewHandlers(a.Invites)
	admin := invite.NewAdminHandlers(a.Invites, a.Store)
	return map[string]edge.HandlerFunc{
		"getInvite":     h.View,
		"acceptInvite":  h.Accept,
		"createInvites": admin.Create,
		"listInvites":   admin.List,
		"resendInvite":  admin.Resend,
		"revokeInvite":  admin.Revoke,
	}
}
