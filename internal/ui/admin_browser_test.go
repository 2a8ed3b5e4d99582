package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/web/browsertest"
)

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
	b, h := browsertest.NewReview(t)
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
	// Paged: one entry a page, the next page holds the next older one.
	b.Visit("/orgs/" + o.id + "/registrations?status=PENDING-PROV-ADMIN-REVIEW&limit=1")
	if n, first := b.Count("tbody tr"), b.TextOf("tbody tr td:nth-child(5)"); n != 1 || first != "Morgan Modify" {
		t.Fatalf("first page: %d rows, %q", n, first)
	}
	b.Press("Next page")
	if n, first := b.Count("tbody tr"), b.TextOf("tbody tr td:nth-child(5)"); n != 1 || first != "Dana Deny" {
		t.Fatalf("second page: %d rows, %q", n, first)
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
	// Modify gave the role chosen: the new user is a clerical user.
	h.WaitExecution(modifyID, 15*time.Second)
	menu(b, "User List")
	b.Fill("Username", "reg.modify")
	b.Press("Search")
	b.Expect("Morgan Modify", "Provider - Clerical User")
}

// TestManageUserAccounts walks seed 001 part three: Add User through the
// employee search and "+ Add Employee", User Information with a temporary
// password shown once (which signs the user in), the User List search and
// Export, User Detail, Reset Password (a new temporary password shown
// once), Edit User (username not editable), Delete User with its
// confirmation (then Deleted Y), Reactivate, Lock and Unlock.
func TestManageUserAccounts(t *testing.T) {
	b := browsertest.New(t)
	o := newOffice(t, b, "Dogwood Family Care", "313456789", "dogwood.admin")

	// Add User: the note on levels, Next, search by Last Name, + Add Employee.
	menu(b, "User List")
	b.Press("+ Add User")
	b.Expect("same level you are registered at")
	b.Press("Next")
	b.Fill("Last Name", "Nguyen")
	b.Press("Search")
	b.Expect("No active employee without an account")
	b.Press("+ Add Employee")
	b.Press("Submit")
	if a := b.Alert(); !strings.Contains(a, "Last Name") || !strings.Contains(a, "First Name") {
		t.Fatalf("an empty employee: alert %q", a)
	}
	b.Fill("Provider Type", "Nurse")
	b.Fill("Last Name", "Nguyen")
	b.Fill("First Name", "Linh")
	b.Fill("Telephone", "555-0101")
	b.Fill("Email Address", testenv.UniqueEmail("linh"))
	b.Fill("Title/Position", "Front desk")
	b.Press("Submit")
	// Back on the search with the new employee found: select them.
	b.Expect("Nguyen, Linh", "Front desk")
	b.Press("select")
	b.Expect("User Information", "Nguyen, Linh")
	b.Fill("Username", "linh.nguyen")
	b.Choose("User Role", "Provider - Portal User")
	b.Choose("Temporary password that I give", "")
	b.Press("Submit")
	b.Expect("shown only now", "linh.nguyen")
	temporary := b.TextOf("#temporary-password")
	if len(temporary) < 10 {
		t.Fatalf("temporary password %q", temporary)
	}
	// Shown once: the user's page never shows it again.
	b.Press("Go to the user")
	if strings.Contains(b.Text(), temporary) {
		t.Fatal("the temporary password is shown again")
	}

	// The User List: search, columns, Export as text/csv.
	menu(b, "User List")
	b.Fill("Last Name", "Ngu")
	b.Press("Search")
	b.Expect("Name", "Username", "Office", "Role", "Locked", "Lockout Time", "Deleted", "Linh Nguyen", "linh.nguyen", "Dogwood Family Care", "Provider - Portal User")
	if n := b.Count("tbody tr"); n != 1 {
		t.Fatalf("%d rows for last name Ngu", n)
	}
	export := b.Fetch(b.Link("Export"))
	if export.Status != 200 || !strings.HasPrefix(export.ContentType, "text/csv") || !strings.Contains(export.Body, "linh.nguyen") || strings.Contains(export.Body, "dogwood.admin") {
		t.Fatalf("export: %d %s\n%s", export.Status, export.ContentType, export.Body)
	}

	// Paged, and each row offers Delete (seed 001's Delete User, step two).
	b.Visit("/orgs/" + o.id + "/users?limit=1")
	if n := b.Count("tbody tr"); n != 1 || !b.Has("Next page") {
		t.Fatalf("a page of one: %d rows", n)
	}
	b.Press("Next page")
	if n := b.Count("tbody tr"); n != 1 {
		t.Fatalf("the second page: %d rows", n)
	}
	b.Visit("/orgs/" + o.id + "/users?last_name=Ngu")
	if !strings.HasSuffix(b.Link("Delete"), "/delete") {
		t.Fatalf("the row's Delete link: %q", b.Link("Delete"))
	}

	// User Detail, Reset Password: a new temporary password, shown once.
	b.Press("Linh Nguyen")
	b.Expect("User Detail", "linh.nguyen", "Provider - Portal User", "Locked N", "Deleted N")
	b.Press("Reset Password")
	b.Press("Reset Password")
	b.Expect("New Password", "shown only now")
	reset := b.TextOf("#temporary-password")
	if reset == "" || reset == temporary {
		t.Fatalf("reset password %q (was %q)", reset, temporary)
	}
	// The reset answered with a redirect: a reload shows the confirmation
	// again, never the password.
	b.Load(b.Location())
	b.Expect("Reset the password of")
	if b.Count("#temporary-password") != 0 {
		t.Fatal("a reload shows the temporary password again")
	}
	b.Press("Cancel")

	// Edit User: First Name editable, Username not.
	b.Press("Edit User")
	if ro := b.Fetch(b.Location()).Body; !strings.Contains(ro, "readonly") {
		t.Fatal("the username field is editable")
	}
	b.Fill("First Name", "Linh Mai")
	b.Fill("Email", "not an email")
	b.Press("Submit")
	if a := b.Alert(); !strings.Contains(a, "Email") {
		t.Fatalf("bad email: alert %q", a)
	}
	b.Fill("Email", testenv.UniqueEmail("linh.mai"))
	b.Press("Submit")
	b.Expect("The user's information is saved", "Linh Mai Nguyen", "linh.nguyen")

	// Lock, Unlock.
	b.Press("Lock")
	b.Expect("Locked Y")
	b.Press("Unlock")
	b.Expect("Locked N")

	// Delete User: a confirmation named Delete, then Deleted Y; Reactivate.
	b.Press("Delete User")
	b.Expect("can no longer sign in")
	b.Press("Delete")
	b.Expect("Deleted Y")
	if b.Has("Reset Password") {
		t.Fatal("a deleted user offers Reset Password")
	}
	menu(b, "User List")
	b.Choose("Deleted", "Y")
	b.Press("Search")
	b.Expect("linh.nguyen")
	b.Press("Linh Mai Nguyen")
	b.Press("Reactivate")
	b.Expect("Deleted N")

	// The new user signs in with the reset temporary password and must change it.
	b.Press("Sign out")
	firstSignIn(b, "linh.nguyen", reset, "a fresh passphrase of linh")
	b.Expect("Dogwood Family Care", "Provider - Portal User")
	_ = o
}

// TestUsernamePrivileges walks seed 000's Username Privileges: Full Access,
// View Only or No Access per module, offering no more than the
// administrator holds, and enforced at once.
func TestUsernamePrivileges(t *testing.T) {
	b := browsertest.New(t)
	o := newOffice(t, b, "Elm Street Pediatrics", "314567890", "elm.admin")
	id := o.addUser("elm.clerk", "Casey", "Clerk", "provider-admin", "org", "temporary passphrase 7741")

	b.Visit("/orgs/" + o.id + "/users/" + id)
	b.Press("Username Privileges")
	for _, module := range []string{"Claims", "EOPs", "Eligibility", "Panel Roster", "User Administration"} {
		if !b.HasField(module) {
			t.Fatalf("no choice for %s:\n%s", module, b.Text())
		}
	}
	b.Choose("Claims", "View Only")
	b.Choose("EOPs", "No Access")
	b.Choose("User Administration", "View Only")
	b.Press("Save privileges")
	b.Expect("The username privileges are saved")
	got := b.H.Do("GET", "/v1/orgs/"+o.id+"/users/"+id, nil, "Authorization", "Bearer "+o.bearer)
	privs, _ := got.Body["privileges"].(map[string]any)
	if privs["claims"] != "view" || privs["eops"] != "none" || privs["user_admin"] != "view" || privs["eligibility"] != "full" {
		t.Fatalf("privileges after saving: %v", privs)
	}

	// Enforced at once: the user's own view of the office.
	b.Press("Sign out")
	firstSignIn(b, "elm.clerk", "temporary passphrase 7741", "violet harbor lanterns glow")
	menu(b, "User List") // view access reads the list
	b.Expect("elm.admin")
	b.Visit("/orgs/" + o.id + "/users/new/info")
	b.Fill("Username", "should.not.exist")
	b.Fill("First Name", "No")
	b.Fill("Last Name", "Way")
	b.Fill("Email", testenv.UniqueEmail("noway"))
	b.Press("Submit")
	b.Expect("Not allowed")

	// Changing privileges needs Full Access to user administration.
	b.Visit("/orgs/" + o.id + "/users/" + id + "/privileges")
	b.Press("Save privileges")
	b.Expect("Not allowed")
}

// keyboardMenu opens the Administration menu and an entry with Tab and Enter.
func keyboardMenu(b *browsertest.Browser, entry string) {
	b.T.Helper()
	b.TabTo("Administration")
	b.Keys("\r")
	b.TabTo(entry)
	b.KeysThenLoad("\r")
}

// TestEmployeesAndUserAccountsByKeyboard walks seed 004 with the keyboard
// alone: an out of practice person added under Employees (Active checked),
// their user account created from the employee's row with an emailed
// set-up link, the practice code word rotated (shown once, to be given by
// phone or in person), and the new user setting their password with it.
// In practice employees (from the roster) are read-only.
func TestEmployeesAndUserAccountsByKeyboard(t *testing.T) {
	b := browsertest.New(t)
	o := newOffice(t, b, "Fir Hill Dental", "315678901", "fir.admin")
	roster := employee.Employee{ID: "pms-emp-1", OrgID: ident.OrgID(o.id), FirstName: "Ravi", LastName: "Rostered", Email: testenv.UniqueEmail("ravi"),
		Title: "Hygienist", Active: true, Source: employee.SourcePMS, CreatedAt: time.Now()}
	if err := b.H.App.Store.CreateEmployee(context.Background(), roster, audit.Entry{ID: "roster-sync-1", OrgID: ident.OrgID(o.id), At: time.Now(), Actor: "roster", Action: "employee.create", Target: "employee:pms-emp-1"}); err != nil {
		t.Fatal(err)
	}
	b.Visit("/")

	keyboardMenu(b, "Employees")
	b.Expect("Rostered, Ravi", "In practice")
	b.TabTo("+ Add Employee")
	b.KeysThenLoad("\r")
	email := testenv.UniqueEmail("ada.okafor")
	for _, f := range []struct{ label, value string }{
		{"Last Name", "Okafor"}, {"First Name", "Ada"}, {"Email Address", email}, {"Title/Position", "Accountant"},
	} {
		b.TabTo(f.label)
		b.Keys(f.value)
	}
	b.TabTo("Submit")
	b.KeysThenLoad("\r")
	b.Expect("The employee is added", "Okafor, Ada", "Out of practice")

	b.TabTo("Create user account for Ada Okafor")
	b.KeysThenLoad("\r")
	b.Expect("User Information", "Okafor, Ada")
	b.TabTo("Username")
	b.Keys("ada.okafor")
	b.TabTo("Submit")
	b.KeysThenLoad("\r")
	b.Expect("We emailed the user a link to set their password", "ada.okafor")

	keyboardMenu(b, "Settings")
	b.TabTo("Rotate code word")
	b.KeysThenLoad("\r")
	b.Expect("shown only now", "by phone or in person, never by email")
	word := b.TextOf("#code-word")
	if len(word) != 14 {
		t.Fatalf("code word %q", word)
	}
	b.Visit(b.URL("/orgs/" + o.id + "/settings"))
	if strings.Contains(b.Text(), word) {
		t.Fatal("the code word is shown again")
	}

	// The in practice employee's page is read-only.
	b.Visit("/orgs/" + o.id + "/employees/pms-emp-1")
	b.Expect("practice management system")
	if b.Has("Submit") {
		t.Fatal("a roster employee can be edited")
	}

	// The new user sets their password from the emailed link, with the code word.
	b.TabTo("Sign out")
	b.KeysThenLoad("\r")
	b.Visit(b.EmailLink(email, "/setup"))
	b.TabTo("New Password")
	b.Keys("quiet orchard morning bell")
	b.TabTo("Confirm Password")
	b.Keys("quiet orchard morning bell")
	b.TabTo("Code Word")
	b.Keys(word)
	b.KeysThenLoad("\r")
	b.Expect("Your password has been set")
	signIn(b, "ada.okafor", "quiet orchard morning bell")
	b.Expect("Fir Hill Dental", "Provider - Portal User")
}

// TestSettingsAndAuditLog: the office's sign-in rules (an out-of-range
// length refused next to its field), and the Audit Log, newest first,
// paged, with an Export as text/csv.
func TestSettingsAndAuditLog(t *testing.T) {
	b := browsertest.New(t)
	o := newOffice(t, b, "Ginkgo Health", "316789012", "ginkgo.admin")
	for i := range 3 {
		o.addUser(fmt.Sprintf("ginkgo.user%d", i), "Gin", fmt.Sprintf("Kgo%d", i), "portal-user", "org", "temporary passphrase 5512")
	}

	menu(b, "Settings")
	b.Fill("Minimum password length", "4")
	b.Press("Save settings")
	if a := b.Alert(); !strings.Contains(a, "Minimum password length") {
		t.Fatalf("length 4: alert %q", a)
	}
	b.Fill("Minimum password length", "14")
	b.Choose("Administrators see temporary passwords", "")
	b.Press("Save settings")
	b.Expect("The settings are saved")
	got := b.H.Do("GET", "/v1/orgs/"+o.id+"/settings", nil, "Authorization", "Bearer "+o.bearer)
	if got.Body["password_min_length"] != float64(14) || got.Body["require_mfa"] != false {
		t.Fatalf("settings: %s", got.Raw)
	}

	menu(b, "Audit Log")
	b.Expect("org.settings", "user.create", "ginkgo.admin")
	if first := b.TextOf("tbody tr td:nth-child(3)"); first != "org.settings" {
		t.Fatalf("newest first: the first action is %q", first)
	}
	b.Visit("/orgs/" + o.id + "/audit?limit=2")
	if n := b.Count("tbody tr"); n != 2 {
		t.Fatalf("%d rows on a page of 2", n)
	}
	b.Press("Next page")
	if n := b.Count("tbody tr"); n != 2 {
		t.Fatalf("%d rows on the second page", n)
	}
	export := b.Fetch(b.Link("Export"))
	if export.Status != 200 || !strings.HasPrefix(export.ContentType, "text/csv") || strings.Count(export.Body, "user.create") != 3 {
		t.Fatalf("audit export: %d %s\n%s", export.Status, export.ContentType, export.Body)
	}
}

// TestAdministrationRefusals: a portal user sees no Administration menu and
// is refused the pages by URL (403), another office's pages answer as if
// they did not exist (404), and a provider-scoped administrator can neither
// pick the whole office nor have it accepted when the form is forged.
func TestAdministrationRefusals(t *testing.T) {
	b := browsertest.New(t)
	o := newOffice(t, b, "Hazel Row Clinic", "317890123", "hazel.admin")
	userID := o.addUser("hazel.portal", "Pat", "Portal", "portal-user", "org", "temporary passphrase 8812")
	o.addUser("hazel.npi", "Pia", "Provider", "provider-admin", "provider:1234567893", "temporary passphrase 9913")
	other, _ := b.H.NewAdminOrg("Other Office", "318901234", "other.admin")
	b.Press("Sign out")

	firstSignIn(b, "hazel.portal", "temporary passphrase 8812", "mossy stones by the river")
	if b.Has("Administration") {
		t.Fatal("a portal user sees the Administration menu")
	}
	for _, path := range []string{"/users", "/users/" + userID, "/registrations", "/invites/new", "/employees", "/settings", "/audit", "/users/new/info"} {
		b.Visit("/orgs/" + o.id + path)
		b.Expect("Not allowed")
		if !strings.Contains(b.Alert(), "does not allow") {
			t.Errorf("%s: alert %q", path, b.Alert())
		}
	}
	b.Visit("/orgs/" + other + "/users")
	b.Expect("not available")
	b.Visit("/")
	b.Press("Sign out")

	firstSignIn(b, "hazel.npi", "temporary passphrase 9913", "amber kites over quiet fields")
	menu(b, "Send Registration Links")
	if strings.Contains(b.Text(), "the whole office") || strings.Contains(b.Text(), "Dr. Grace") {
		t.Fatalf("a provider-scoped administrator is offered the whole office or another provider:\n%s", b.Text())
	}
	b.Expect("Dr. Ada")
	b.Fill("Email of New User", testenv.UniqueEmail("forged"))
	b.Force("Provider Office", "org")
	b.Press("Generate Self Registration Link")
	if a := b.Alert(); !strings.Contains(a, "wider than your own") {
		t.Fatalf("a forged whole-office invite: alert %q", a)
	}
	// The office-wide pages are neither offered nor served to them.
	b.Click("Administration")
	for _, entry := range []string{"Employees", "Settings", "Audit Log"} {
		if b.Has(entry) {
			t.Errorf("a provider-scoped administrator is offered %s", entry)
		}
	}
	for _, path := range []string{"/settings", "/employees", "/audit", "/users/new/employee"} {
		b.Visit("/orgs/" + o.id + path)
		if !strings.Contains(b.Alert(), "whole office") {
			t.Errorf("%s for a provider-scoped administrator: %q", path, b.Alert())
		}
	}
	// Their User List holds their provider's users only.
	b.Visit("/")
	menu(b, "User List")
	b.Expect("hazel.npi")
	if strings.Contains(b.Text(), "hazel.portal") || strings.Contains(b.Text(), "hazel.admin") {
		t.Fatalf("a provider-scoped administrator lists office-level users:\n%s", b.Text())
	}
	b.Visit("/orgs/" + o.id + "/users/" + userID)
	b.Expect("not available")
}
