package app

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/governance"
)

// newGovernance builds governance (F20-F23).
func (a *App) newGovernance(mailer governance.Mailer, now func() time.Time) {
	limiter := governance.EmergencyLimiter{Limits: a.Limiter}
	a.Governance = governance.NewService(a.Store, a.Store, mailer, limiter, a.Config.Link, a.Config.OpsEmail, a.Log, now)
}

func (a *App) governanceHandlers() handlers {
	h := governance.NewHandlers(a.Governance)
	return handlers{
		"getGovernance":    inOrg(h.Governance),
		"listTickets":      inOrg(h.ListTickets),
		"fileTicket":       inOrg(h.FileTicket),
		"getTicket":        inOrg(h.GetTicket),
		"closeTicket":      inOrg(h.CloseTicket),
		"emergencySupport": public(h.Emergency),
	}
}
