// Package throttle is the rate limiting of the public doors: named limits
// (so many attempts per window) counted per subject (a client address, a
// username, an email, a claim number, a link) in fixed windows kept in the
// table, one conditional update per check (see internal/store/dynamo/keys.go).
package throttle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// Name names a limit; it is also part of the counter's key.
type Name string

// The limits. Each public door checks the client address and the thing it
// acts on; "address" is the API Gateway source IP of the request.
const (
	SignInAddress       Name = "signin_per_address"      // POST /v1/auth/login, passkey sign-in
	SignInUsername      Name = "signin_per_username"     // any attempt on one username, known or not
	ForgotAddress       Name = "forgot_per_address"      // POST /v1/auth/password/forgot
	ForgotIdentifier    Name = "forgot_per_identifier"   // one email sent per username/email per window
	RegisterAddress     Name = "register_per_address"    // POST /v1/registrations
	RegisterIdentifier  Name = "register_per_identifier" // per email and per username asked for
	ClaimNumber         Name = "claim_number_tries"      // registrations giving one claim number
	LinkAddress         Name = "link_per_address"        // emailed links redeemed or read (invite, reset, set-up, verify)
	LinkToken           Name = "link_per_token"          // uses of one link
	CodeWordAddress     Name = "code_word_per_address"   // code words tried from one address
	ResendAddress       Name = "resend_per_address"      // invite resends from one address
	ResendOrg           Name = "resend_per_org"          // invite resends in one office
	EmergencyAddress    Name = "emergency_per_address"   // POST /v1/support/emergency
	EmergencyIdentifier Name = "emergency_per_email"     // emergency requests naming one email
)

// CodeTooManyRequests is the error code of a refused check.
const CodeTooManyRequests = "too_many_requests"

// Limit allows Max checks per Window for one subject; Max 0 switches it off.
type Limit struct {
	Max    int
	Window time.Duration
}

func (l Limit) String() string {
	if l.Max == 0 {
		return "off"
	}
	return strconv.Itoa(l.Max) + "/" + l.Window.String()
}

// Limits are the configured limits by name.
type Limits map[Name]Limit

// Defaults are the limits unless configured otherwise (README "Limits").
var Defaults = Limits{
	SignInAddress:       {100, 5 * time.Minute},
	SignInUsername:      {20, 15 * time.Minute},
	ForgotAddress:       {20, time.Hour},
	ForgotIdentifier:    {1, 5 * time.Minute},
	RegisterAddress:     {10, time.Hour},
	RegisterIdentifier:  {3, time.Hour},
	ClaimNumber:         {20, 24 * time.Hour},
	LinkAddress:         {60, 15 * time.Minute},
	LinkToken:           {20, 15 * time.Minute},
	CodeWordAddress:     {20, time.Hour},
	ResendAddress:       {30, time.Hour},
	ResendOrg:           {50, time.Hour},
	EmergencyAddress:    {5, time.Hour},
	EmergencyIdentifier: {3, time.Hour},
}

// Parse reads "name=max/window,…" (e.g. "signin_per_address=50/5m",
// "forgot_per_identifier=off") over the defaults; an unknown name or a bad
// value is an error that names it.
func Parse(s string) (Limits, error) {
	out := Limits{}
	for n, l := range Defaults {
		out[n] = l
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		n := Name(strings.TrimSpace(name))
		if _, known := Defaults[n]; !ok || !known {
			return nil, fmt.Errorf("limit %q: want name=max/window with a name of %s", part, strings.Join(names(), ", "))
		}
		value = strings.TrimSpace(value)
		if value == "off" {
			out[n] = Limit{}
			continue
		}
		maxS, winS, _ := strings.Cut(value, "/")
		max, err1 := strconv.Atoi(maxS)
		win, err2 := time.ParseDuration(winS)
		if err1 != nil || err2 != nil || max < 1 || win < time.Second {
			return nil, fmt.Errorf("limit %q: want max/window, e.g. 10/15m, or off", part)
		}
		out[n] = Limit{Max: max, Window: win}
	}
	return out, nil
}

func names() []string {
	var out []string
	for n := range Defaults {
		out = append(out, string(n))
	}
	sort.Strings(out)
	return out
}

// Counter counts checks in fixed windows; the dynamo adapter implements it
// with one conditional UpdateItem on a TTL'd item (RATE#<key>#<window start>).
type Counter interface {
	// CountInWindow counts one check of key in the window starting at start
	// if fewer than max were counted there; it reports whether it counted.
	CountInWindow(ctx context.Context, key string, start time.Time, window time.Duration, max int) (bool, error)
}

// Limiter checks named limits.
type Limiter struct {
	counter Counter
	limits  Limits
	now     func() time.Time
}

// New returns a Limiter; nil limits mean Defaults.
func New(counter Counter, limits Limits, now func() time.Time) *Limiter {
	if limits == nil {
		limits = Defaults
	}
	return &Limiter{counter: counter, limits: limits, now: now}
}

// Limit returns the configured limit of a name.
func (l *Limiter) Limit(name Name) Limit { return l.limits[name] }

// Allow counts one check of subject against the named limit: nil while
// within it, else a 429 too_many_requests whose RetryAfter is the end of
// the window. An empty subject (e.g. no address) is not counted.
func (l *Limiter) Allow(ctx context.Context, name Name, subject string) error {
	ok, retry, err := l.take(ctx, name, subject)
	if err != nil {
		return err
	}
	if !ok {
		return fault.TooManyRequests(retry)
	}
	return nil
}

// AllowAll checks several subjects of one limit (e.g. the email and the
// username of a registration); every one is counted.
func (l *Limiter) AllowAll(ctx context.Context, name Name, subjects ...string) error {
	var refused error
	for _, s := range subjects {
		err := l.Allow(ctx, name, s)
		switch {
		case fault.Is(err, CodeTooManyRequests):
			refused = err
		case err != nil:
			return err
		}
	}
	return refused
}

func (l *Limiter) take(ctx context.Context, name Name, subject string) (bool, time.Duration, error) {
	lim, known := l.limits[name]
	if !known {
		return false, 0, fmt.Errorf("throttle: no limit named %q", name)
	}
	subject = strings.ToLower(strings.TrimSpace(subject))
	if lim.Max == 0 || subject == "" {
		return true, 0, nil
	}
	now := l.now().UTC()
	start := now.Truncate(lim.Window)
	ok, err := l.counter.CountInWindow(ctx, Key(name, subject), start, lim.Window, lim.Max)
	if err != nil {
		return false, 0, fmt.Errorf("throttle %s: %w", name, err)
	}
	return ok, start.Add(lim.Window).Sub(now), nil
}

// Key is the counter key of a subject: the name and a SHA-256 of the
// subject, so no address, email, claim number or token is stored in clear.
func Key(name Name, subject string) string {
	sum := sha256.Sum256([]byte(string(name) + "\x00" + subject))
	return string(name) + "#" + hex.EncodeToString(sum[:])
}

// With returns a copy of l with one limit changed.
func (l Limits) With(name Name, lim Limit) Limits {
	out := Limits{}
	for n, x := range l {
		out[n] = x
	}
	out[name] = lim
	return out
}

// Unlimited is every limit switched off (benchmarks that repeat one request).
func Unlimited() Limits {
	out := Limits{}
	for n := range Defaults {
		out[n] = Limit{}
	}
	return out
}
