package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/web/browsertest"
)

const adminPassword = "a long admin passphrase"

// office is an office whose site administrator is signed in in the browser.
type office struct {
	b          *browsertest.Browser
	id         string
	admin      string // the administrator's username
	adminEmail string
	bearer     string // the administrator's API token, for setting up
}

// newOffice creates an office (providers Dr. Ada 1234567893, Dr. Grace
// 1245319599) and signs its site administrator in through the login page.
func newOffice(t *testing.T, b *browsertest.Browser, name, tin, username string) office {
	t.Helper()
	email := testenv.UniqueEmail(username)
	id, tok := b.H.CreateOrg(name, tin, email)
	o := office{b: b, id: id, admin: username, adminEmail: email, bearer: b.H.SignUp(tok, username, adminPassword)}
	signIn(b, username, adminPassword)
	return o
}

// signIn signs in through the login page, with the second step when asked.
func signIn(b *browsertest.Browser, username, password string) {
	b.T.Helper()
	b.Visit("/login")
	b.Fill("Username", username)
	b.Fill("Password", password)
	b.Press("Sign in")
	if b.HasField("Authentication Code") {
		b.Fill("Authentication Code", b.H.OTP(username))
		b.Press("Sign in")
	}
	if b.Alert() != "" {
		b.T.Fatalf("sign in as %s: %s", username, b.Alert())
	}
}

// menu opens the Administration menu and follows one of its entries.
func menu(b *browsertest.Browser, entry string) {
	b.T.Helper()
	b.Click("Administration")
	b.Press(entry)
}

// addUser adds a user through the API with a temporary password and returns its id.
func (o office) addUser(username, first, last, role, scope, password string) string {
	o.b.T.Helper()
	r := o.b.H.Do("POST", "/v1/orgs/"+o.id+"/users", map[string]string{"username": username, "first_name": first, "last_name": last,
		"email": testenv.UniqueEmail(username), "role": role, "scope": scope, "credentials": "temporary-password", "password": password},
		"Authorization", "Bearer "+o.bearer)
	if r.Status != 201 {
		o.b.T.Fatalf("add user %s: %d %s", username, r.Status, r.Raw)
	}
	return r.Body["id"].(string)
}

// firstSignIn signs a user with a temporary password in and has them choose their own.
func firstSignIn(b *browsertest.Browser, username, temporary, own string) {
	b.T.Helper()
	signIn(b, username, temporary)
	b.Fill("Current Password", temporary)
	b.Fill("New Password", own)
	b.Fill("Confirm Password", own)
	b.Press("Change password")
	if a := b.Alert(); a != "" {
		b.T.Fatalf("password change of %s: %s", username, a)
	}
}

// waitEmailLink polls the mailbox until an email to addr links to path.
func waitEmailLink(b *browsertest.Browser, addr, path string) string {
	b.T.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		for _, m := range testenv.Emails(b.T, addr) {
			if i := strings.Index(m.Body.Text, b.URL(path)); i >= 0 {
				link := m.Body.Text[i:]
				if j := strings.IndexAny(link, " \n\r\t\"<>"); j >= 0 {
					link = link[:j]
				}
				return link
			}
		}
		if time.Now().After(deadline) {
			b.T.Fatalf("no email to %s links to %s", addr, path)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSendRegistrationLinks walks seed 001 part one: the Administration
// menu, Send Registration Links with a bad address named (and nothing
// sent), then two co-workers each getting their own link.
func TestSendRegistrationLinks(t *testing.T) {
	b := browsertest.New(t)
	o := newOffice(t, b, "Birch Lane Clinic", "311234567", "birch.admin")

	menu(b, "Send Registration Links")
	b.Expect("Self Registration Links", "Links expire after 24 hours")
	b.Choose("Provider Office", "Birch Lane Clinic")
	b.Choose("Provider Office", "Dr. Grace")
	b.Choose("Provider Office", "the whole office")
	b.Choose("User Role", "Provider - Clerical User")
	b.Choose("User Role", "Provider - Portal User")
	b.Choose("User Role", "Provider - Administrator")

	first, second := testenv.UniqueEmail("coworker.one"), testenv.UniqueEmail("coworker.two")
	b.Fill("Email of New User", first+",not-an-address,"+second)
	b.Press("Generate Self Registration Link")
	if a := b.Alert(); !strings.Contains(a, "not-an-address") {
		t.Fatalf("a bad address is not named: %q", a)
	}
	if n := len(testenv.Emails(t, first)); n != 0 {
		t.Fatalf("%d emails sent although one address was bad", n)
	}
	b.Fill("Email of New User", first+","+second)
	b.Choose("User Role", "Provider - Administrator")
	b.Press("Generate Self Registration Link")
	b.Expect("Registration links sent", first, second, "EMAIL-INT", "Provider - Administrator")
	if n := b.Count(".results li"); n != 2 {
		t.Fatalf("%d result lines for two emails", n)
	}
	// Each co-worker's link leads straight to choosing a username and password.
	b.Press("Sign out")
	b.Visit(b.EmailLink(second, "/invites/"))
	b.Expect("Birch Lane Clinic", "Provider - Administrator")
	if !b.HasField("Username") || !b.HasField("Confirm Password") {
		t.Fatalf("the invite link does not ask for a username and password:\n%s", b.Text())
	}
	_ = o
}

// TestRegistrationConsoleDecisions walks seed 001 part two: the reviewer
// email's link lands on the request's details (answers masked); Approve;
// Deny with a Reason (and a note for "other"), which cannot be undone;
// Modify with another Role; and the console's Status filter and Find.
func TestRegistrationConsoleDecisions(t *testing.T) {
	h := stacktest.NewPortalReview(t)
	b := browsertest.NewOn(t, h.Harness)
	o := newOffice(t, b, "Cedar Court Practice", "312345678", "cedar.admin")

	register := func(username, first, last string) string {
		email := testenv.UniqueEmail(username)
		r := h.Do("POST", "/v1/registrations", map[string]string{"tin": "312345678", "level": "org", "first_name": first, "last_name": last,
			"email": email, "username": username, "password": "registrant passphrase here", "claim_number": "CLM-77881", "provider_dob": "1970-04-01"})
		if r.Status != 202 {
			t.Fatalf("register %s: %d %s", username, r.Status, r.Raw)
		}
		if v := h.Do("POST", "/v1/registrations/verify", map[string]string{"token": h.VerifyToken(email)}); v.Status != 200 {
			t.Fatalf("verify %s: %d %s", username, v.Status, v.Raw)
		}
		id := r.Body["id"].(string)
		h.WaitStatus(o.id, o.bearer, id, "PENDING-PROV-ADMIN-REVIEW", 15*time.Second)
		return id
	}
	approveID := register("reg.approve", "Quinn", "Approve")
	denyID := register("reg.deny", "Dana", "Deny")
	modifyID := register("reg.modify", "Morgan", "Modify")

	// The reviewer email's link lands on the details page.
	link := waitEmailLink(b, o.adminEmail, "/orgs/"+o.id+"/registrations/"+approveID)
	b.Visit(link)
	b.Expect("User Account Requested for", "T312345678", "Cedar Court Practice", "Security Questions Answered", "User Information",
		"reg.approve", "Quinn", "Approve", "PENDING-PROV-ADMIN-REVIEW")
	if strings.Contains(b.Text(), "CLM-77881") || strings.Contains(b.Text(), "1970-04-01") {
		t.Fatalf("an answer is shown unmasked:\n%s", b.Text())
	}
	b.Press("Approve")
	b.Expect("MANUAL-PROV-ADMIN-APPROVED")
	if b.Has("Deny") {
		t.Fatal("a decided request still offers Deny")
	}

	// The console: Status, Find, newest first, Details.
	menu(b, "Registration Console")
	b.Choose("Status", "PENDING-PROV-ADMIN-REVIEW")
	b.Press("Find")
	b.Expect("Morgan Modify", "Dana Deny")
	if strings.Contains(b.Text(), "Quinn Approve") {
		t.Fatal("an approved request is listed as pending")
	}
	if first := b.TextOf("tbody tr td:nth-child(5)"); first != "Morgan Modify" {
		t.Fatalf("newest first: the first row is %q", first)
	}
	b.Visit("/orgs/" + o.id + "/registrations/" + denyID)
	b.Press("Deny")
	b.Expect("cannot be undone")
	b.Choose("Reason", "Other")
	b.Press("Confirm Deny")
	if a := b.Alert(); !strings.Contains(a, "Note") {
		t.Fatalf("other without a note: alert %q", a)
	}
	b.Fill("Note", "Not known at the front desk")
	b.Press("Confirm Deny")
	b.Expect("DECLINED")
	if b.Has("Approve") {
		t.Fatal("a denied request can still be approved")
	}

	b.Visit("/orgs/" + o.id + "/registrations/" + modifyID)
	b.Press("Modify")
	b.Choose("Role", "Provider - Clerical User")
	b.Press("Approve")
	b.Expect("MANUAL-PROV-ADMIN-APPROVED", "modify")

	menu(b, "Registration Console")
	b.Choose("Status", "DECLINED")
	b.Press("Find")
	b.Expect("Dana Deny")
	b.Press("Details")
	b.Expect("Not known at the front desk")
}
