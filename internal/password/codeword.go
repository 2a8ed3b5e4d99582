package password

import "strings"

// NormalizeCodeWord makes the comparison of a practice code word forgiving
// of case, spaces and dashes, the way people read it out (F6). Code words
// are hashed and checked in this form, by the reset and the set-up link alike.
func NormalizeCodeWord(s string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s)))
}
