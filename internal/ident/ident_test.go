package ident

import "testing"

func TestNewIsUniqueAndOrdered(t *testing.T) {
	seen := map[string]bool{}
	prev := ""
	for range 1000 {
		id := New()
		if len(id) != 26 || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		if id[:9] < prev[:min(9, len(prev))] {
			t.Fatalf("time prefix went backwards: %s after %s", id, prev)
		}
		seen[id], prev = true, id
	}
}
