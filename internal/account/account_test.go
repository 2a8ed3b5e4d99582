package account

import "testing"

func TestValidNPI(t *testing.T) {
	tests := []struct {
		npi  string
		want bool
	}{
		{"1234567893", true}, // the CMS example
		{"1245319599", true},
		{"1234567890", false},
		{"123456789", false},
		{"12345678a3", false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.npi, func(t *testing.T) {
			if got := ValidNPI(tc.npi); got != tc.want {
				t.Fatalf("ValidNPI(%q) = %v", tc.npi, got)
			}
		})
	}
}

func TestParseScope(t *testing.T) {
	tests := []struct {
		in      string
		want    Scope
		wantErr bool
	}{
		{"org", OrgScope, false},
		{"provider:1234567893", Scope{NPI: "1234567893"}, false},
		{"provider:1234567890", Scope{}, true},
		{"tin", Scope{}, true},
		{"", Scope{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseScope(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("ParseScope(%q) = %v, %v", tc.in, got, err)
			}
			if err == nil && got.String() != tc.in {
				t.Fatalf("round trip %q -> %q", tc.in, got.String())
			}
		})
	}
	if !OrgScope.Covers(Scope{NPI: "1234567893"}) || (Scope{NPI: "1234567893"}).Covers(OrgScope) {
		t.Fatal("Covers wrong")
	}
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		got  string
		bad  bool
	}{
		{"good email", EmailProblem("a.b@example.org"), false},
		{"email with name", EmailProblem("Bob <b@example.org>"), true},
		{"email without domain dot", EmailProblem("b@localhost"), true},
		{"not email", EmailProblem("nope"), true},
		{"good username", UsernameProblem("jane.doe-2"), false},
		{"short username", UsernameProblem("ab"), true},
		{"username with space", UsernameProblem("jane doe"), true},
		{"username non-ascii", UsernameProblem("jané"), true},
		{"empty name", NameProblem("  "), true},
		{"good tin", map[bool]string{true: "", false: "bad"}[ValidTIN("12-3456789")], false},
		{"bad tin", map[bool]string{true: "", false: "bad"}[ValidTIN("12345678")], true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if (tc.got != "") != tc.bad {
				t.Fatalf("problem = %q, want bad=%v", tc.got, tc.bad)
			}
		})
	}
}
