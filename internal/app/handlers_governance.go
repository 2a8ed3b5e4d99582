package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/governance"
)

// emergencyHandlers is the public emergency support form (F23).
func (p *Parts) emergencyHandlers() handlers {
	h := governance.NewHandlers(p.governanceService())
	return handlers{
		"emergencySupport": public(h.Emergency),
	}
}

// governanceHandlers are an office's governance and support tickets (F20-F22).
func (p *Parts) governanceHandlers() handlers {
	h := governance.NewHandlers(p.governanceService())
	return handlers{
		"getGovernance": inOrg(h.Governance),
		"listTickets":   inOrg(h.ListTickets),
		"fileTicket":    inOrg(h.FileTicket),
		"getTicket":     inOrg(h.GetTicket),
		"closeTicket":   inOrg(h.CloseTicket),
	}
}
