package password

import (
	"strings"
	"unicode/utf8"
)

// Policy is an org's password rule: length over complexity (NIST 800-63B).
type Policy struct {
	MinLength int // 12 by default; an org may choose 8-64
}

// DefaultPolicy applies where an org has not chosen.
var DefaultPolicy = Policy{MinLength: 12}

// MaxLength is the longest password accepted (ASVS asks for at least 64; we take 128).
const MaxLength = 128

// Problem explains why pw is not acceptable, or returns "". personal holds
// the user's own words (username, names, email, org name) that a password must
// not be built on.
func (p Policy) Problem(pw string, personal ...string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < p.MinLength:
		return "must be at least " + itoa(p.MinLength) + " characters"
	case n > MaxLength:
		return "must be at most " + itoa(MaxLength) + " characters"
	}
	lower := strings.ToLower(pw)
	for _, w := range personal {
		w = strings.ToLower(strings.TrimSpace(w))
		if len(w) >= 4 && strings.Contains(lower, w) {
			return "must not contain your name, username, email or organization"
		}
	}
	return ""
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
