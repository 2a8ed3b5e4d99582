// Package codeword is the one form of a practice code word (F6): it is shown
// as XXXX-XXXX-XXXX, read out over the phone, and typed back in any case,
// with or without the dashes or spaces. It is hashed and compared only in
// its normal form, everywhere it is checked (password reset, set-up links).
package codeword

import "strings"

// Alphabet has no look-alikes (0/O, 1/I/L), so a word read out is typed right.
const Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// Length is the number of characters of a generated code word (about 59 bits).
const Length = 12

// Normalize is the form a code word is hashed and compared in: upper case,
// without spaces, tabs, dashes or dots.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '\t', '-', '.', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// Format shows a normalized code word in groups of four: XXXX-XXXX-XXXX.
func Format(normalized string) string {
	var b strings.Builder
	for i, r := range normalized {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}
