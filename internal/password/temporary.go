package password

import (
	"crypto/rand"
	"strings"
)

// temporaryAlphabet leaves out characters people confuse when reading a
// password aloud or off a screen (0/O, 1/l/I).
const temporaryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// Temporary returns a random, readable temporary password: four groups of
// four characters from a 31-letter alphabet (19 characters, ~79 bits), e.g.
// "k7wp-3mxa-9qtr-hf2e".
func Temporary() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		// 256 % 31 = 8: a negligible bias for a one-day secret; rejection
		// sampling keeps it exact anyway.
		for b[i] >= 248 {
			var one [1]byte
			if _, err := rand.Read(one[:]); err != nil {
				return "", err
			}
			b[i] = one[0]
		}
		sb.WriteByte(temporaryAlphabet[int(b[i])%len(temporaryAlphabet)])
	}
	return sb.String(), nil
}
