package password

import (
	"strings"
	"unicode/utf8"

	"github.com/gatehouse-dev/gatehouse/internal/password/zxcvbn"
)

// Policy is an org's password rule after NIST 800-63B: length over
// complexity, no composition rules, no forced rotation, and screening against
// common passwords and the person's own words.
type Policy struct {
	MinLength int // 12 by default; an org may choose 8-64
}

// DefaultPolicy applies where an org has not chosen.
var DefaultPolicy = Policy{MinLength: 12}

// MaxLength is the longest password accepted (ASVS asks for at least 64; we take 128).
const MaxLength = 128

// Bounds of an org's own minimum length (F4).
const (
	MinLengthFloor   = 8
	MinLengthCeiling = 64
)

// MinScore is the least zxcvbn score accepted: 3 means "safely unguessable"
// (more than 10^8 guesses), which rejects the common and breached-list
// passwords zxcvbn ships (dictionary, keyboard patterns, dates, l33t
// substitutions) and passwords built on the person's own words.
const MinScore = 3

// PolicyFor returns the policy for an org minimum length (0 means the default).
func PolicyFor(minLength int) Policy {
	switch {
	case minLength == 0:
		return DefaultPolicy
	case minLength < MinLengthFloor:
		return Policy{MinLength: MinLengthFloor}
	case minLength > MinLengthCeiling:
		return Policy{MinLength: MinLengthCeiling}
	}
	return Policy{MinLength: minLength}
}

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
	words := personalWords(personal)
	for _, w := range words {
		if len(w) >= 4 && strings.Contains(lower, w) {
			return "must not contain your name, username, email or organization"
		}
	}
	if zxcvbn.PasswordStrength(pw, words).Score < MinScore {
		return "is too common or too easy to guess; a few unrelated words make a strong one"
	}
	return ""
}

// personalWords lower-cases the person's words and adds the local part and
// domain name of an email address.
func personalWords(in []string) []string {
	var out []string
	for _, w := range in {
		w = strings.ToLower(strings.TrimSpace(w))
		if w == "" {
			continue
		}
		out = append(out, w)
		if local, domain, ok := strings.Cut(w, "@"); ok {
			out = append(out, local, strings.Split(domain, ".")[0])
		}
	}
	return out
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
