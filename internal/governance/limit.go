package governance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// Counter counts hits of a key in fixed windows kept in the table.
type Counter interface {
	// CountInWindow counts one hit of key in the window starting at start
	// if fewer than max were counted there; it reports whether it counted.
	CountInWindow(ctx context.Context, key string, start time.Time, window time.Duration, max int) (bool, error)
}

// Emergency form limits: per client address and per email, per hour.
const (
	emergencyWindow     = time.Hour
	emergencyPerAddress = 5
	emergencyPerEmail   = 3
)

// WindowLimiter is the emergency form's Limiter over a Counter.
type WindowLimiter struct {
	Counter Counter
	Now     func() time.Time
}

// ErrTooManyRequests refuses a request past a limit.
var ErrTooManyRequests = fault.Throttled("too_many_requests", "Too many requests; try again later.")

// AllowEmergency counts the request against both limits (both are counted,
// so a flood from one address also uses up that email's allowance).
func (l WindowLimiter) AllowEmergency(ctx context.Context, address, email string) error {
	start := l.Now().UTC().Truncate(emergencyWindow)
	refused := false
	for _, c := range []struct {
		name, subject string
		max           int
	}{{"emergency_per_address", address, emergencyPerAddress}, {"emergency_per_email", email, emergencyPerEmail}} {
		subject := strings.ToLower(strings.TrimSpace(c.subject))
		if subject == "" {
			continue
		}
		sum := sha256.Sum256([]byte(c.name + "\x00" + subject)) // no address or email stored in clear
		ok, err := l.Counter.CountInWindow(ctx, c.name+"#"+hex.EncodeToString(sum[:]), start, emergencyWindow, c.max)
		if err != nil {
			return fmt.Errorf("throttle %s: %w", c.name, err)
		}
		refused = refused || !ok
	}
	if refused {
		return ErrTooManyRequests
	}
	return nil
}
