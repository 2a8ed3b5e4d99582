package ui_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/web/browsertest"
)

const adminPassword = "a long admin passphrase" // stacktest.NewAdminOrg's

// signIn signs a login in through /login, with its Authentication Code when
// the harness enrolled it in TOTP.
func signIn(b *browsertest.Browser, username, pw string) {
	b.T.Helper()
	b.Visit("/login")
	b.Fill("Username", username)
	b.Fill("Password", pw)
	b.Press("Sign in")
	if b.HasField("Authentication Code") {
		b.Fill("Authentication Code", b.H.OTP(username))
		b.Press("Sign in")
	}
}

// newUser adds a user to an office through the API; credentials is
// "email-link" or "temporary-password". It returns the email address and
// the temporary password (if any).
func newUser(b *browsertest.Browser, orgID, admin, username, credentials string) (string, string) {
	b.T.Helper()
	email := testenv.UniqueEmail(username)
	r := b.H.Do("POST", "/v1/orgs/"+orgID+"/users", map[string]string{"first_name": "Pat", "last_name": "Okafor", "email": email,
		"username": username, "role": "clerical-user", "scope": "org", "credentials": credentials}, "Authorization", "Bearer "+admin)
	if r.Status != 201 {
		b.T.Fatalf("add %s: %d %s", username, r.Status, r.Raw)
	}
	temp, _ := r.Body["temporary_password"].(string)
	return email, temp
}

// TestSetUpLinkAndResetAskForTheCodeWord walks seed 004: the office has a
// code word; the employee follows the set-up email, sets a password with the
// code word (a wrong one first), signs in; later forgets it and resets it
// from the emailed link, again with the code word.
func TestSetUpLinkAndResetAskForTheCodeWord(t *testing.T) {
	b := browsertest.New(t)
	orgID, admin := b.H.NewAdminOrg("Birch Dental", "303456789", "birch.admin")
	word := b.H.Do("PUT", "/v1/orgs/"+orgID+"/code-word", nil, "Authorization", "Bearer "+admin)
	codeWord, _ := word.Body["code_word"].(string)
	if word.Status != 200 || codeWord == "" {
		t.Fatalf("code word: %d %s", word.Status, word.Raw)
	}
	email, _ := newUser(b, orgID, admin, "pat.okafor", "email-link")

	b.Visit(b.EmailLink(email, "/setup?token="))
	const first = "lanterns glow over the harbour"
	b.Fill("New Password", first)
	b.Fill("Confirm Password", first)
	b.Fill("Code Word", "not-the-word")
	b.Press("Set password")
	if a := b.Alert(); !strings.Contains(a, "code word is not correct") {
		t.Fatalf("wrong code word: alert %q", a)
	}
	b.Fill("New Password", first)
	b.Fill("Confirm Password", first+" typo")
	b.Fill("Code Word", codeWord)
	b.Press("Set password")
	if a := b.Alert(); !strings.Contains(a, "Confirm Password") {
		t.Fatalf("mismatched passwords: alert %q", a)
	}
	b.Fill("New Password", first)
	b.Fill("Confirm Password", first)
	b.Fill("Code Word", codeWord)
	b.Press("Set password")
	if a := b.Alert(); a != "" {
		t.Fatalf("set-up refused: %s", a)
	}
	b.Expect("Your password has been set")
	signIn(b, "pat.okafor", first)
	b.Expect("Birch Dental", "Sign out")
	b.Press("Sign out")

	// Forgot password: the same answer for a known and an unknown name.
	b.Visit("/login")
	b.Press("Forgot password")
	b.Fill("Username or Email", "nobody.we.know")
	b.Press("Send link")
	unknown := b.TextOf("[role=status]")
	b.Fill("Username or Email", "pat.okafor")
	b.Press("Send link")
	if known := b.TextOf("[role=status]"); known == "" || known != unknown {
		t.Fatalf("forgot answers differ: %q vs %q", known, unknown)
	}
	b.Visit(b.EmailLink(email, "/password/reset?token="))
	const second = "tides turn beneath the old pier"
	b.Fill("New Password", second)
	b.Fill("Confirm Password", second)
	b.Fill("Code Word", codeWord)
	b.Press("Set password")
	b.Expect("Your password has been set")
	signIn(b, "pat.okafor", second)
	b.Expect("Birch Dental")
}

// TestTemporaryPasswordIsChangedFirst: a login with a temporary password is
// held on the password change until it has its own (F4, F17).
func TestTemporaryPasswordIsChangedFirst(t *testing.T) {
	b := browsertest.New(t)
	orgID, admin := b.H.NewAdminOrg("Cedar Family Care", "304567890", "cedar.admin")
	_, temp := newUser(b, orgID, admin, "tess.temp", "temporary-password")
	if temp == "" {
		t.Fatal("no temporary password")
	}
	signIn(b, "tess.temp", temp)
	if !strings.HasSuffix(b.Location(), "/account/password") {
		t.Fatalf("after sign-in with a temporary password: %s", b.Location())
	}
	b.Expect("temporary password")
	b.Visit("/")
	if !strings.HasSuffix(b.Location(), "/account/password") {
		t.Fatalf("home before the change: %s", b.Location())
	}
	const own = "quiet meadows after the rain"
	b.Fill("Current Password", temp)
	b.Fill("New Password", own)
	b.Fill("Confirm Password", own)
	b.Press("Change password")
	b.Expect("Your password has been changed", "Cedar Family Care")
}

// TestAccountAccessLinksSwitchesAndSignsOutEverywhere walks seed 000 and
// seed 003: link another account by its username and password, switch
// between the two offices, delete the unused username, and sign out
// everywhere.
func TestAccountAccessLinksSwitchesAndSignsOutEverywhere(t *testing.T) {
	b := browsertest.New(t)
	b.H.NewAdminOrg("Aspen Pediatrics", "305678901", "aspen.admin")
	b.H.NewAdminOrg("Willow Therapy", "306789012", "willow.admin")
	signIn(b, "aspen.admin", adminPassword)
	b.Expect("Aspen Pediatrics")
	if b.HasField("Switch office") {
		t.Fatal("a login with one office is offered Switch office")
	}
	b.Visit("/account")
	b.Fill("Username", "willow.admin")
	b.Fill("Password", "a wrong password for willow")
	b.Press("Join Account")
	if a := b.Alert(); !strings.Contains(a, "not correct") {
		t.Fatalf("wrong password of the other account: alert %q", a)
	}
	b.Fill("Username", "willow.admin")
	b.Fill("Password", adminPassword)
	b.Fill("Authentication Code", b.H.OTP("willow.admin"))
	b.Press("Join Account")
	b.Expect("The other account is linked")

	b.Choose("Switch office", "Willow Therapy")
	b.Press("Switch")
	if got := b.TextOf(".office-name"); got != "Willow Therapy" {
		t.Fatalf("current office after the switch: %q", got)
	}

	b.Fill("Linked username", "willow.admin")
	b.Press("Delete username")
	b.Expect("The linked username has been deleted")

	b.Press("Sign out everywhere")
	if !strings.Contains(b.Location(), "/login") {
		t.Fatalf("after sign out everywhere: %s", b.Location())
	}
	b.Expect("Every session of your login has ended")
	b.Visit("/")
	if !strings.Contains(b.Location(), "/login") {
		t.Fatalf("home after sign out everywhere: %s", b.Location())
	}
}

// TestSignedInPersonJoinsFromAnInvite: a person who already has a login
// follows another office's invite, presses "Join", and works there.
func TestSignedInPersonJoinsFromAnInvite(t *testing.T) {
	b := browsertest.New(t)
	b.H.NewAdminOrg("Hazel Orthopedics", "309012345", "hazel.admin")
	orgID, admin := b.H.NewAdminOrg("Rowan Rehab", "310123456", "rowan.admin")
	me := b.H.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+b.H.Login("hazel.admin", adminPassword))
	email, _ := me.Body["user"].(map[string]any)["email"].(string)
	if r := b.H.Do("POST", "/v1/orgs/"+orgID+"/invites", map[string]string{"emails": email, "scope": "org", "role": "portal-user"},
		"Authorization", "Bearer "+admin); r.Status >= 300 {
		t.Fatalf("invite: %d %s", r.Status, r.Raw)
	}
	signIn(b, "hazel.admin", adminPassword)
	b.Visit(b.EmailLink(email, "/invites/"))
	b.Expect("Rowan Rehab", "signed in as hazel.admin")
	b.Press("Join")
	if got := b.TextOf(".office-name"); got != "Rowan Rehab" {
		t.Fatalf("current office after joining: %q\n%s", got, b.Text())
	}
	b.Choose("Switch office", "Hazel Orthopedics")
	b.Press("Switch")
	if got := b.TextOf(".office-name"); got != "Hazel Orthopedics" {
		t.Fatalf("current office after switching back: %q", got)
	}
}

// TestAddUsernameMakesAMasterLogin walks seed 000's "Allow Account Access":
// a new username and password become the master login, with the offices of
// the login that made it; a taken username is refused next to the field.
func TestAddUsernameMakesAMasterLogin(t *testing.T) {
	b := browsertest.New(t)
	b.H.NewAdminOrg("Linden Family Medicine", "311234567", "linden.admin")
	b.H.NewAdminOrg("Spruce Vision", "312345678", "spruce.admin")
	signIn(b, "linden.admin", adminPassword)
	b.Visit("/account")
	b.Fill("New Username", "spruce.admin")
	b.Fill("New Password", "bright kites over green hills")
	b.Fill("Your current password", adminPassword)
	b.Press("Add Username")
	if a := b.Alert(); !strings.Contains(a, "New Username: is taken") {
		t.Fatalf("taken username: alert %q", a)
	}
	b.Fill("New Username", "linden.master")
	b.Fill("New Password", "bright kites over green hills")
	b.Fill("Your current password", adminPassword)
	b.Press("Add Username")
	b.Expect("Your new username is ready")

	signIn(b, "linden.master", "bright kites over green hills")
	// The master login is a site administrator of the office too, so it
	// enrols its own second factor first.
	if !strings.HasSuffix(b.Location(), "/account/two-factor") {
		t.Fatalf("master login after sign-in: %s", b.Location())
	}
	b.Expect("Linden Family Medicine", "Site Administrator")
}

// TestEmailChangeLinkConfirmsTheNewAddress: an administrator changes a
// person's email; the link sent to the new address lands on a page that
// changes nothing until the person presses "Confirm email"; then the
// login's email is the new one, and the used link says so when followed
// again.
func TestEmailChangeLinkConfirmsTheNewAddress(t *testing.T) {
	b := browsertest.New(t)
	orgID, admin := b.H.NewAdminOrg("Rowan Clinic", "309123456", "rowan.admin")
	sam := b.H.AddMember(orgID, admin, "rowan.sam", "portal-user", "org")
	next := testenv.UniqueEmail("rowan.sam.new")
	detail := func() string {
		r := b.H.Do("GET", "/v1/orgs/"+orgID+"/users/"+sam.ID, nil, "Authorization", "Bearer "+admin)
		email, _ := r.Body["email"].(string)
		return email
	}
	if r := b.H.Do("PATCH", "/v1/orgs/"+orgID+"/users/"+sam.ID, map[string]string{"email": next}, "Authorization", "Bearer "+admin); r.Status != 200 {
		t.Fatalf("change the email: %d %s", r.Status, r.Raw)
	}
	link := b.EmailLink(next, "/email/confirm")
	b.Load(link)
	b.Expect("Confirm your new email address")
	if got := detail(); got != sam.Email {
		t.Fatalf("following the link changed the email to %q", got)
	}
	b.Press("Confirm email")
	b.Expect("Your new email address is confirmed")
	if got := detail(); got != next {
		t.Fatalf("email after confirming: %q, want %q", got, next)
	}
	b.Load(link)
	b.Press("Confirm email")
	if a := b.Alert(); !strings.Contains(a, "already been used") {
		t.Fatalf("a used link: alert %q", a)
	}
}
