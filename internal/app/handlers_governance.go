package app

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/governance"
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

// newGovernance builds governance (F20-F23) and registers its ops commands.
func (a *App) newGovernance(mailer governance.Mailer, now func() time.Time) {
	limiter := governance.WindowLimiter{Counter: a.Store, Now: now}
	a.Governance = governance.NewService(a.Store, a.Store, mailer, limiter, a.Config.Link, a.Config.OpsEmail, a.Log, now)
	for name, run := range a.Governance.OpsCommands() {
		a.Ops.Register(name, run)
	}
}

func (a *App) governanceHandlers() map[string]edge.HandlerFunc {
	h := governance.NewHandlers(a.Governance)
	return map[string]edge.HandlerFunc{
		"getGovernance":    h.Governance,
		"listTickets":      h.ListTickets,
		"fileTicket":       h.FileTicket,
		"getTicket":        h.GetTicket,
		"closeTicket":      h.CloseTicket,
		"emergencySupport": h.Emergency,
	}
}
