package password

import (
	"strings"
	"testing"
)

func TestTemporary(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p, err := Temporary()
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != 19 || strings.Count(p, "-") != 3 || strings.ContainsAny(p, "01lIoO") || seen[p] {
			t.Fatalf("temporary password %q: wrong shape, confusable or repeated", p)
		}
		seen[p] = true
	}
}
