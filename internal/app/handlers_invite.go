package app

import (
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
)

func (a *App) inviteHandlers() map[string]edge.HandlerFunc {
	h := invite.NewHandlers(a.Invites)
	return map[string]edge.HandlerFunc{
		"getInvite":    h.View,
		"acceptInvite": h.Accept,
	}
}
