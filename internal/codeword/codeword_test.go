package codeword

import "testing"

func TestNormalizeAcceptsTheWordAsShownAndAsTyped(t *testing.T) {
	const word = "ABCD2345WXYZ"
	for _, tc := range []struct{ name, typed string }{
		{"as shown", "ABCD-2345-WXYZ"},
		{"lower case", "abcd-2345-wxyz"},
		{"spaces", " abcd 2345 wxyz "},
		{"no separators", "abcd2345wxyz"},
		{"mixed separators", "AbCd 2345-wXyZ"},
		{"en dash from a word processor", "ABCD–2345–WXYZ"},
		{"non-breaking space", "ABCD\u00a02345\u00a0WXYZ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Normalize(tc.typed); got != word {
				t.Fatalf("Normalize(%q) = %q, want %q", tc.typed, got, word)
			}
		})
	}
	if Normalize("ABCD-2345-WXYQ") == word {
		t.Fatal("a different word normalized to the same form")
	}
}

func TestFormatShowsGroupsOfFour(t *testing.T) {
	if got := Format("ABCD2345WXYZ"); got != "ABCD-2345-WXYZ" {
		t.Fatalf("Format = %q", got)
	}
	if got := Normalize(Format("ABCD2345WXYZ")); got != "ABCD2345WXYZ" {
		t.Fatalf("Normalize(Format(w)) = %q", got)
	}
}
