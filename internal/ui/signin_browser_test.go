package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/web/browsertest"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// code is the authenticator app's code for a secret at a time step.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFirstAdministratorGetsInThroughThePortal walks seed 001's first step
// as the office's first administrator: the invite email's link, a new login,
// sign-in, the forced two-step enrolment (QR code, secret, recovery codes
// once), home with the office at the top, sign out, and sign-in again with
// the Authentication Code.
func TestFirstAdministratorGetsInThroughThePortal(t *testing.T) {
	b := browsertest.New(t)
	email := testenv.UniqueEmail("portal-admin")
	b.H.CreateOrg("Maple Street Clinic", "301234567", email)

	b.Visit(b.EmailLink(email, "/invites/"))
	b.Expect("Maple Street Clinic", "Site Administrator", email)
	b.Fill("Username", "maple.admin")
	b.Fill("Password", "short")
	b.Fill("Confirm Password", "short")
	b.Fill("First Name", "Mara")
	b.Fill("Last Name", "Maple")
	b.Press("Create account")
	if a := b.Alert(); !strings.Contains(a, "Password") {
		t.Fatalf("weak password: alert %q", a)
	}
	const pw = "copper kettle whistles at dawn"
	b.Fill("Password", pw)
	b.Fill("Confirm Password", pw)
	b.Press("Create account")
	if !strings.Contains(b.Location(), "/login") {
		t.Fatalf("after the invite: %s: %s", b.Location(), b.Alert())
	}
	b.Expect("Your account is ready")

	// A wrong password and an unknown username read the same.
	b.Fill("Username", "maple.admin")
	b.Fill("Password", "not the password at all")
	b.Press("Sign in")
	wrong := b.Alert()
	b.Fill("Username", "nobody.at.all")
	b.Fill("Password", "not the password at all")
	b.Press("Sign in")
	if unknown := b.Alert(); wrong == "" || wrong != unknown {
		t.Fatalf("wrong password %q, unknown username %q", wrong, unknown)
	}

	b.Fill("Username", "maple.admin")
	b.Fill("Password", pw)
	b.Press("Sign in")
	// A site administrator without a second factor lands on its enrolment.
	if !strings.HasSuffix(b.Location(), "/account/two-factor") {
		t.Fatalf("after sign-in: %s", b.Location())
	}
	b.Fill("Current Password", pw)
	b.Press("Set up authenticator app")
	if !b.HasImage("QR") {
		t.Fatalf("no QR code image:\n%s", b.Text())
	}
	secret := b.TextOf("#totp-secret")
	if len(secret) < 16 {
		t.Fatalf("secret %q", secret)
	}
	b.Fill("Authentication Code", "000000")
	b.Press("Turn on two-step sign-in")
	if b.Alert() == "" {
		t.Fatal("a wrong code was accepted")
	}
	at := time.Now()
	b.Fill("Authentication Code", code(t, secret, at))
	b.Press("Turn on two-step sign-in")
	b.Expect("recovery codes", "shown only now")
	if n := b.Count(".codes li"); n != 10 {
		t.Fatalf("%d recovery codes shown", n)
	}
	recovery := b.TextOf(".codes li")
	b.Press("Continue")
	b.Expect("Maple Street Clinic", "Site Administrator", "Sign out")

	b.Press("Sign out")
	if !strings.Contains(b.Location(), "/login") {
		t.Fatalf("after sign out: %s", b.Location())
	}
	b.Visit("/account")
	if !strings.Contains(b.Location(), "/login") {
		t.Fatalf("signed-out /account: %s", b.Location())
	}

	// Again, with the second step: a recovery code works once.
	b.Fill("Username", "maple.admin")
	b.Fill("Password", pw)
	b.Press("Sign in")
	b.Fill("Authentication Code", recovery)
	b.Press("Sign in")
	b.Expect("Maple Street Clinic", "Sign out")
	if !strings.HasSuffix(b.Location(), "/account") {
		t.Fatalf("after sign-in with next=/account: %s", b.Location())
	}
}

// TestSignInByKeyboardAlone signs in with Tab, typing and Enter only.
func TestSignInByKeyboardAlone(t *testing.T) {
	b := browsertest.New(t)
	email := testenv.UniqueEmail("keyboard")
	_, token := b.H.CreateOrg("Keyboard Family Practice", "302345678", email)
	const pw = "typing along without a mouse"
	b.H.SignUp(token, "key.admin", pw) // enrols TOTP through the API

	b.Visit("/login")
	b.TabTo("Username")
	b.Keys("key.admin")
	b.Keys("\t")
	b.Keys(pw)
	b.KeysThenLoad("\r")
	b.TabTo("Authentication Code")
	b.Keys(b.H.OTP("key.admin"))
	b.KeysThenLoad("\r")
	b.Expect("Keyboard Family Practice", "Sign out")
}
