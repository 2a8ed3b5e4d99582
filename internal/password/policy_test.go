package password

import (
	"strings"
	"testing"
)

func TestPolicy(t *testing.T) {
	personal := []string{"river.admin", "Rita", "Riverton", "rita.riverton@clinic-mail.org", "Riverside Clinic"}
	for _, tc := range []struct {
		name    string
		policy  Policy
		pw      string
		problem string // a part of the expected problem; "" for accepted
	}{
		{"long passphrase", DefaultPolicy, "plenty of unrelated words", ""},
		{"too short", DefaultPolicy, "xK9#mq2!", "at least 12"},
		{"org minimum 8 allows short strong", PolicyFor(8), "xK9#mq2!vT", ""},
		{"org minimum above ceiling is 64", PolicyFor(100), strings.Repeat("horse staple ", 4), "at least 64"},
		{"too long", DefaultPolicy, strings.Repeat("abcdefgh", 17), "at most 128"},
		{"common password", DefaultPolicy, "password1234", "too common"},
		{"keyboard walk", DefaultPolicy, "qwertyuiop12", "too common"},
		{"repeated", DefaultPolicy, "aaaaaaaaaaaaaaaa", "too common"},
		{"season and year", DefaultPolicy, "Summer2024!!!", "too common"},
		{"contains username", DefaultPolicy, "xx river.admin 9481 zz", "your name"},
		{"contains surname", DefaultPolicy, "the Riverton family rocks", "your name"},
		{"contains email local part", DefaultPolicy, "Rita.Riverton#2024#x", "your name"},
		{"no composition rules", DefaultPolicy, "correct horse battery staple", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.policy.Problem(tc.pw, personal...)
			if tc.problem == "" && got != "" || tc.problem != "" && !strings.Contains(got, tc.problem) {
				t.Fatalf("Problem(%q) = %q, want %q", tc.pw, got, tc.problem)
			}
		})
	}
}

func TestPolicyFor(t *testing.T) {
	for in, want := range map[int]int{0: 12, 4: 8, 8: 8, 20: 20, 64: 64, 65: 64} {
		if got := PolicyFor(in).MinLength; got != want {
			t.Errorf("PolicyFor(%d) = %d, want %d", in, got, want)
		}
	}
}
