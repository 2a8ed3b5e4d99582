package ui_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/web/browsertest"
)

// TestHelpCenterIsForEveryone: a clerical user (no administration at all)
// searches the Help Center from the menu and reads the best match.
func TestHelpCenterIsForEveryone(t *testing.T) {
	b := browsertest.New(t)
	orgID, admin := b.H.NewAdminOrg("Willow Clinic", "304567891", "willow.admin")
	clerk := b.H.AddMember(orgID, admin, "willow.clerk", "clerical-user", "org")
	signIn(b, clerk.Username, stacktest.MemberPassword)
	if strings.Contains(b.Text(), "Support Tickets") {
		t.Fatal("a clerical user is offered Support Tickets")
	}
	b.Press("Help Center")
	b.Expect("All articles", "Practice code words", "Two-step sign-in")
	b.Fill("Search the Help Center", "locked out of my account")
	b.Press("Search")
	b.Expect("Results for")
	if first := b.TextOf("ol.results li a"); !strings.HasPrefix(first, "Trouble signing in") {
		t.Fatalf("best match: %q", first)
	}
	b.Press("Trouble signing in")
	b.Expect("Forgot password", "Account locked", "Back to the Help Center")
	b.Press("Back to the Help Center")
	b.Fill("Search the Help Center", "zebra xylophone")
	b.Press("Search")
	b.Expect("No article matches")
}

// TestSupportTicketsPages: the site administrator sees the warning on the
// home page, files and closes a question, files a privilege change that
// waits for ops; a mistake is shown next to its field; a portal user is
// told whom to ask.
func TestSupportTicketsPages(t *testing.T) {
	b := browsertest.New(t)
	orgID, admin := b.H.NewAdminOrg("Aspen Practice", "305678912", "aspen.admin")
	b.H.AddMember(orgID, admin, "aspen.second", "provider-admin", "org")
	portal := b.H.AddMember(orgID, admin, "aspen.portal", "portal-user", "org")

	signIn(b, "aspen.admin", adminPassword)
	b.Expect("fewer than two site administrators")
	b.Press("Support Tickets")
	b.Choose("Kind", "Question")
	b.Fill("Subject", "Export columns")
	b.Fill("Details", "Can the user export include phone numbers?")
	b.Press("File ticket")
	b.Expect("Your ticket is filed", "Export columns", "open")
	b.Press("Close ticket")
	b.Expect("The ticket is closed", "closed")

	b.Press("Back to the tickets")
	b.Choose("Kind", "Privilege change")
	b.Fill("Subject", "Second site administrator")
	b.Fill("Details", "So that one of us is always available.")
	b.Choose("Person", "aspen.second")
	b.Choose("Privilege", "Site Administrator")
	b.Choose("Add or remove", "Add")
	b.Press("File ticket")
	b.Expect("Nothing changes until Gatehouse operations approves it", "pending-ops")

	b.Press("Back to the tickets")
	b.Choose("Kind", "Incident")
	b.Fill("Details", "The claims page is down.")
	b.Press("File ticket")
	if a := b.Alert(); !strings.Contains(a, "Subject") {
		t.Fatalf("a missing subject: alert %q", a)
	}

	b.Press("Sign out")
	signIn(b, portal.Username, stacktest.MemberPassword)
	b.Visit("/tickets")
	b.Expect("Only site administrators and support users")
}

// TestCopyCodesPage: a person with code_lists full in two offices copies
// the diagnosis codes from one to the other under Account Access; someone
// without that access in the target is refused in the API's words.
func TestCopyCodesPage(t *testing.T) {
	b := browsertest.New(t)
	from, adminFrom := b.H.NewAdminOrg("Cedar North", "306789123", "cedar.north")
	to, adminTo := b.H.NewAdminOrg("Cedar South", "307891234", "cedar.south")
	for _, code := range []string{"E11.9", "I10"} {
		if r := b.H.Do("POST", "/v1/orgs/"+from+"/code-lists/diagnosis", map[string]string{"code": code, "description": "Diagnosis " + code},
			"Authorization", "Bearer "+adminFrom); r.Status != 201 {
			t.Fatalf("seed %s: %d %s", code, r.Status, r.Raw)
		}
	}
	if r := b.H.Do("POST", "/v1/orgs/"+to+"/code-lists/diagnosis", map[string]string{"code": "I10", "description": "Theirs"},
		"Authorization", "Bearer "+adminTo); r.Status != 201 {
		t.Fatalf("seed target: %d %s", r.Status, r.Raw)
	}
	person := b.H.AddMember(from, adminFrom, "cedar.both", "provider-admin", "org")
	b.H.JoinOrg(to, adminTo, person, "provider-admin", "org")
	viewer := b.H.AddMember(from, adminFrom, "cedar.viewer", "provider-admin", "org")
	b.H.JoinOrg(to, adminTo, viewer, "portal-user", "org")

	signIn(b, person.Username, stacktest.MemberPassword)
	b.Visit("/account")
	b.Press("Copy Codes to Another Account")
	b.Choose("Copy From", "Cedar North")
	b.Choose("Copy To", "Cedar South")
	b.Choose("Diagnosis codes", "")
	b.Press("Copy Now")
	b.Expect("The codes are copied", "Diagnosis codes")
	if got := b.TextOf("tbody tr"); !strings.Contains(got, "1\t1") && !strings.Contains(got, "1 1") {
		t.Fatalf("counts: %q", got)
	}
	r := b.H.Do("GET", "/v1/orgs/"+to+"/code-lists/diagnosis", nil, "Authorization", "Bearer "+adminTo)
	if !strings.Contains(r.Raw, "E11.9") || !strings.Contains(r.Raw, "Theirs") {
		t.Fatalf("target list: %s", r.Raw)
	}

	b.Press("Sign out")
	signIn(b, viewer.Username, stacktest.MemberPassword)
	b.Visit("/account/copy-codes")
	b.Choose("Copy From", "Cedar North")
	b.Choose("Copy To", "Cedar South")
	b.Choose("Insurance payers", "")
	b.Press("Copy Now")
	if a := b.Alert(); !strings.Contains(a, "full access to code lists in both offices") {
		t.Fatalf("refusal: alert %q", a)
	}
}

// TestEmergencySupportPage: someone who cannot sign in reaches the
// emergency form from the sign-in page; a mistake is shown beside its
// field; a well-formed request gets the API's one answer, whether or not
// the Tax ID is an office's, and ops is emailed each request.
func TestEmergencySupportPage(t *testing.T) {
	ops := testenv.UniqueEmail("gatehouse.ops")
	b := browsertest.New(t, func(c *config.Config) { c.OpsEmail = ops })
	b.H.NewAdminOrg("Juniper Clinic", "308912345", "juniper.admin")

	b.Visit("/login")
	b.Press("Emergency support")
	b.Fill("Office Tax ID", "30-891")
	b.Fill("Your Name", "Dana Owner")
	b.Fill("Email", testenv.UniqueEmail("dana.owner"))
	b.Press("Send request")
	if a, beside := b.Alert(), b.TextOf("#e-org_tin"); !strings.Contains(a, "Office Tax ID") || !strings.Contains(beside, "nine-digit") {
		t.Fatalf("a short Tax ID: alert %q, beside the field %q", a, beside)
	}
	if !strings.Contains(b.TextOf("#e-message"), "What happened is required") {
		t.Fatalf("no message: %q", b.TextOf("#e-message"))
	}
	// Name and email are kept: fixing the two mistakes is enough.
	b.Fill("Office Tax ID", "30-8912345")
	b.Fill("What happened", "Our only site administrator has left the practice.")
	b.Press("Send request")
	known := b.TextOf(".notice")

	b.Visit("/support/emergency")
	b.Fill("Office Tax ID", "999999999")
	b.Fill("Your Name", "Dana Owner")
	b.Fill("Email", testenv.UniqueEmail("dana.owner"))
	b.Fill("What happened", "Our only site administrator has left the practice.")
	b.Press("Send request")
	if unknown := b.TextOf(".notice"); known == "" || known != unknown || !strings.Contains(known, "Gatehouse support will contact you") {
		t.Fatalf("the answers differ or are missing: %q / %q", known, unknown)
	}
	mails := testenv.Emails(t, ops)
	if len(mails) != 2 || !strings.Contains(mails[0].Subject+mails[1].Subject, "Juniper Clinic") ||
		!strings.Contains(mails[0].Body.Text, "only site administrator has left") {
		t.Fatalf("ops emails: %d", len(mails))
	}
}
