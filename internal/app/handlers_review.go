package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/review"
)

// registrationHandlers are self-registration and its email verification (F10).
func (p *Parts) registrationHandlers() handlers {
	h := review.NewHandlers(p.reviewService())
	return handlers{
		"submitRegistration": public(h.Submit),
		"verifyRegistration": public(h.Verify),
	}
}

// reviewHandlers are an office's registration console and decisions (F11-F12).
func (p *Parts) reviewHandlers() handlers {
	h := review.NewHandlers(p.reviewService())
	return handlers{
		"listRegistrations":   inOrg(h.List),
		"getRegistration":     inOrg(h.Get),
		"approveRegistration": inOrg(h.Approve),
		"denyRegistration":    inOrg(h.Deny),
		"modifyRegistration":  inOrg(h.Modify),
	}
}
