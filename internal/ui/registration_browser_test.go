package ui_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/web/browsertest"
)

// TestRegistrationVerifiesAndWaitsForReview walks seed 001 part two: a
// stranger asks for access at the office level, sees each problem next to
// its field, then confirms the email from the emailed link and reads that
// the request waits for review.
func TestRegistrationVerifiesAndWaitsForReview(t *testing.T) {
	b, h := browsertest.NewReview(t)
	h.NewAdminOrg("Oak Ridge Clinic", "307890123", "oak.admin")
	email := testenv.UniqueEmail("rory")

	b.Visit("/login")
	b.Press("Request access")
	b.Fill("Tax ID", "12")
	b.Press("Request access")
	if a := b.Alert(); !strings.Contains(a, "Tax ID") {
		t.Fatalf("bad TIN: alert %q", a)
	}
	if b.Count(".field.invalid") == 0 {
		t.Fatal("no error next to a field")
	}
	b.Fill("Tax ID", "30-7890123")
	b.Choose("The whole office", "")
	b.Fill("First Name", "Rory")
	b.Fill("Last Name", "Registrant")
	b.Fill("Email", email)
	b.Fill("Phone", "555-0100")
	b.Fill("Username", "rory.reg")
	b.Fill("Password", "a sturdy passphrase for the clinic")
	b.Press("Request access")
	if a := b.Alert(); a != "" {
		t.Fatalf("registration refused: %s", a)
	}
	b.Expect("Check your email")

	b.Visit(b.EmailLink(email, "/registrations/verify?token="))
	b.Expect("email address is confirmed", "waiting for review")
}
