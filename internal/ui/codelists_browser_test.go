package ui_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/web/browsertest"
)

// TestCodeListsPage walks seed 000's "Master Files for Group Setup" in
// one office: the administrator opens Code Lists from the Administration
// menu, adds codes (a mistake and a duplicate are refused beside the
// field), searches, pages, switches lists and deletes a code; a
// provider-scoped administrator reads the lists without the forms; a
// clerical user is neither offered nor served them.
func TestCodeListsPage(t *testing.T) {
	b := browsertest.New(t)
	o := newOffice(t, b, "Linden Family Practice", "319012345", "linden.admin")
	o.addUser("linden.npi", "Pia", "Provider", "provider-admin", "provider:1234567893", "temporary passphrase 4417")
	o.addUser("linden.clerk", "Cal", "Clerk", "clerical-user", "org", "temporary passphrase 5528")

	menu(b, "Code Lists")
	b.Expect("Diagnosis codes", "Billing codes", "Insurance payers", "No codes in this list yet")
	for _, c := range [][2]string{{"e11.9", "Type 2 diabetes mellitus without complications"}, {"I10", "Essential (primary) hypertension"}, {"J45.909", "Unspecified asthma"}} {
		b.Fill("Code", c[0])
		b.Fill("Description", c[1])
		b.Press("Add code")
		b.Expect("The code is added", strings.ToUpper(c[0]))
	}
	b.Visit("/orgs/" + o.id + "/code-lists/diagnosis")
	b.Fill("Code", "I10")
	b.Fill("Description", "Again")
	b.Press("Add code")
	if a := b.Alert(); !strings.Contains(a, "already in the list") {
		t.Fatalf("a duplicate code: alert %q", a)
	}
	b.Fill("Code", "E11/9")
	b.Press("Add code")
	if a, beside := b.Alert(), b.TextOf("#e-code"); !strings.Contains(a, "may contain only letters") || !strings.Contains(beside, "Code may contain only letters") {
		t.Fatalf("a malformed code: alert %q, beside the field %q", a, beside)
	}

	b.Fill("Search codes", "diabetes")
	b.Press("Search")
	if n, code := b.Count("tbody tr"), b.TextOf("tbody tr td"); n != 1 || code != "E11.9" {
		t.Fatalf("search diabetes: %d rows, first %q", n, code)
	}
	b.Visit("/orgs/" + o.id + "/code-lists/diagnosis?limit=2")
	if n := b.Count("tbody tr"); n != 2 || !b.Has("Next page") {
		t.Fatalf("a page of two: %d rows", n)
	}
	b.Press("Next page")
	if n, code := b.Count("tbody tr"), b.TextOf("tbody tr td"); n != 1 || code != "J45.909" {
		t.Fatalf("second page: %d rows, first %q", n, code)
	}

	b.Press("Billing codes")
	b.Expect("No codes in this list yet")
	b.Press("Diagnosis codes")
	b.Press("Delete I10")
	b.Expect("The code is deleted")
	if strings.Contains(b.TextOf("tbody"), "I10") {
		t.Fatalf("I10 is still listed: %s", b.TextOf("tbody"))
	}
	b.Visit("/orgs/" + o.id + "/code-lists/procedures")
	b.Expect("no such code list")
	b.Visit("/")
	b.Press("Sign out")

	firstSignIn(b, "linden.npi", "temporary passphrase 4417", "amber kites over quiet fields")
	menu(b, "Code Lists")
	b.Expect("E11.9", "You can read these lists")
	if b.HasField("Description") || b.Has("Add code") || b.Has("Delete E11.9") {
		t.Fatal("a provider-scoped administrator is offered the forms of the office's lists")
	}
	b.Visit("/")
	b.Press("Sign out")

	firstSignIn(b, "linden.clerk", "temporary passphrase 5528", "mossy stones by the river")
	if b.Has("Administration") {
		t.Fatal("a clerical user sees the Administration menu")
	}
	b.Visit("/orgs/" + o.id + "/code-lists/diagnosis")
	if !strings.Contains(b.Alert(), "does not allow") {
		t.Fatalf("a clerical user: alert %q", b.Alert())
	}
}
