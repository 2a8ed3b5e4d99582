package ui_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/web/browsertest"
)

// TestPasskeyIsAddedAndSignsIn adds a passkey on the account page (the one
// script of the portal) and signs in with it instead of the Authentication
// Code, through a virtual authenticator.
func TestPasskeyIsAddedAndSignsIn(t *testing.T) {
	b := browsertest.New(t)
	b.H.NewAdminOrg("Juniper Eye Care", "308901234", "juniper.admin")
	b.VirtualAuthenticator()
	signIn(b, "juniper.admin", adminPassword)
	b.Visit("/account")
	b.Fill("Passkey name", "Front desk laptop")
	b.Fill("Current Password", adminPassword)
	b.Press("Add a passkey")
	b.Expect("The passkey has been added", "Front desk laptop")

	b.Press("Sign out")
	b.Fill("Username", "juniper.admin")
	b.Fill("Password", adminPassword)
	b.Press("Sign in")
	b.Press("Use a passkey")
	if strings.Contains(b.Location(), "/login") {
		t.Fatalf("still on sign-in: %s", b.Text())
	}
	b.Expect("Juniper Eye Care", "Sign out")
}
