package ui

import "testing"

func TestLocalPathKeepsPeopleOnThisSite(t *testing.T) {
	tests := []struct{ name, next, want string }{
		{"a page", "/account", "/account"},
		{"a page with a query", "/invites/abc?x=1", "/invites/abc?x=1"},
		{"empty", "", "/"},
		{"scheme-relative", "//evil.example/", "/"},
		{"backslash trick", "/\\evil.example", "/"},
		{"absolute URL", "https://evil.example/", "/"},
		{"javascript", "javascript:alert(1)", "/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := localPath(tc.next, "/"); got != tc.want {
				t.Fatalf("localPath(%q) = %q, want %q", tc.next, got, tc.want)
			}
		})
	}
}
