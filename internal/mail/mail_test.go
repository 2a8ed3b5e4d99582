package mail

import (
	"strings"
	"testing"
)

func TestRenderInvite(t *testing.T) {
	m, err := Render("invite", "a@example.org", map[string]string{
		"OrgName": "Smith & Sons <Clinic>", "InvitedBy": "Gatehouse operations", "RoleName": "Site Administrator",
		"Link": "https://portal.example.org/invite?t=abc", "ExpiresAt": "2026-11-24T10:00:00Z",
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "You are invited to Smith & Sons <Clinic> on Gatehouse" {
		t.Fatalf("subject %q", m.Subject)
	}
	if !strings.Contains(m.Text, "https://portal.example.org/invite?t=abc") {
		t.Fatalf("text has no link: %s", m.Text)
	}
	if !strings.Contains(m.HTML, "Smith &amp; Sons &lt;Clinic&gt;") {
		t.Fatalf("html does not escape the org name: %s", m.HTML)
	}
	if _, err := Render("no-such-kind", "a@example.org", nil); err == nil {
		t.Fatal("unknown template rendered")
	}
}

func TestEveryTemplateRendersAndEscapes(t *testing.T) {
	all, err := templates()
	if err != nil {
		t.Fatal(err)
	}
	kinds := 0
	for name := range all {
		kind, ok := strings.CutSuffix(name, ".html.tmpl")
		if !ok {
			continue
		}
		kinds++
		t.Run(kind, func(t *testing.T) {
			m, err := Render(kind, "a@example.org", map[string]any{"OrgName": "A & <B>", "HasLogin": true, "CodeWord": "", "Reason": "x"})
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject == "" || m.Text == "" || m.HTML == "" || strings.Contains(m.HTML+m.Text+m.Subject, "{{") {
				t.Fatalf("%+v", m)
			}
			if strings.Contains(m.HTML, "A & <B>") {
				t.Fatalf("html does not escape: %s", m.HTML)
			}
		})
	}
	if kinds < 10 {
		t.Fatalf("only %d kinds", kinds)
	}
}

func TestConditionsChooseTheirBranch(t *testing.T) {
	tests := []struct {
		name     string
		hasLogin any
		want     string
	}{
		{"true", true, "Sign in first"},
		{"false", false, "choose your username and password"},
		{"missing", nil, "choose your username and password"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Render("invite", "a@example.org", map[string]any{"HasLogin": tc.hasLogin, "OrgName": "O", "Link": "https://x"})
			if err != nil || !strings.Contains(m.Text, tc.want) {
				t.Fatalf("%v: %s", err, m.Text)
			}
		})
	}
}

func TestParseRefusesWhatItDoesNotSupport(t *testing.T) {
	for _, src := range []string{"{{.A", "{{if .A}}x", "{{end}}", "{{else}}", "{{range .A}}{{end}}", "{{.A | html}}"} {
		if _, _, err := parse(src); err == nil {
			t.Errorf("%q parsed", src)
		}
	}
}
