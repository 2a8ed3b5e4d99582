package governance

import (
	"context"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// EmergencyLimiter is the emergency form's Limiter over the shared rate
// limits (internal/throttle: emergency_per_address, emergency_per_email,
// configurable with GATEHOUSE_LIMITS like every other door).
type EmergencyLimiter struct {
	Limits *throttle.Limiter
}

// AllowEmergency counts the request against both limits (both are counted,
// so a flood from one address also uses up that email's allowance); past
// either it is a too_many_requests error (the form still answers 202).
func (l EmergencyLimiter) AllowEmergency(ctx context.Context, address, email string) error {
	var refused error
	for _, c := range []struct {
		name    throttle.Name
		subject string
	}{{throttle.EmergencyAddress, address}, {throttle.EmergencyIdentifier, email}} {
		err := l.Limits.Allow(ctx, c.name, c.subject)
		switch {
		case fault.Is(err, throttle.CodeTooManyRequests):
			refused = err
		case err != nil:
			return err
		}
	}
	return refused
}
