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
