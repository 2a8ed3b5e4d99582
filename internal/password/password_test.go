package password

import (
	"strings"
	"testing"
)

var fast = Params{MemoryKiB: 64, Time: 1, Threads: 1}

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple", OWASP)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash does not carry the OWASP parameters: %s", h)
	}
	tests := []struct {
		name   string
		secret string
		want   bool
	}{
		{"right", "correct horse battery staple", true},
		{"wrong", "correct horse battery stapler", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := Verify(tc.secret, h)
			if err != nil || ok != tc.want {
				t.Fatalf("Verify = %v, %v; want %v", ok, err, tc.want)
			}
		})
	}
}

func TestSaltsDiffer(t *testing.T) {
	a, _ := Hash("same", fast)
	b, _ := Hash("same", fast)
	if a == b {
		t.Fatal("two hashes of one secret are equal: salt not random")
	}
}

func TestMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AAAA$AAAA", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA"} {
		if _, err := Verify("x", h); err == nil {
			t.Errorf("Verify(%q) accepted a malformed hash", h)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	weak, _ := Hash("x", fast)
	strong, _ := Hash("x", OWASP)
	if !NeedsRehash(weak, OWASP) || NeedsRehash(strong, OWASP) {
		t.Fatal("NeedsRehash wrong")
	}
}

func BenchmarkHashOWASP(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("correct horse battery staple", OWASP); err != nil {
			b.Fatal(err)
		}
	}
}

// The timing equaliser must cost what a real verification costs: the same
// parameters as new hashes, a well-formed hash, and a key of the same size.
func TestDummyHashCostsWhatARealOneDoes(t *testing.T) {
	p, salt, key, err := decode(dummyHash)
	if err != nil {
		t.Fatal(err)
	}
	if p != OWASP || len(salt) != saltLen || len(key) != keyLen || NeedsRehash(dummyHash, OWASP) {
		t.Fatalf("dummy hash params %+v, salt %d, key %d; want %+v, %d, %d", p, len(salt), len(key), OWASP, saltLen, keyLen)
	}
	if ok, err := Verify("gatehouse-timing-equaliser", dummyHash); err != nil || !ok {
		t.Fatalf("the constant is not the hash of its phrase: %v %v", ok, err)
	}
}
