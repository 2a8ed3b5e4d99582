package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// Passkeys (WebAuthn) as a second factor (F3), with go-webauthn: a login
// registers authenticators after re-authenticating, and signs in with its
// password and then an assertion from one of them.

// PasskeyStore keeps passkeys (under the user's partition) and the
// challenges of ceremonies in progress (single-use items with a TTL).
type PasskeyStore interface {
	SavePasskeyChallenge(ctx context.Context, c PasskeyChallenge) error
	// TakePasskeyChallenge deletes and returns the challenge of idHash if it
	// has purpose and (when userID is not empty) belongs to userID: a
	// challenge can be taken once. fault.ErrNotFound otherwise.
	TakePasskeyChallenge(ctx context.Context, idHash, purpose, userID string) (PasskeyChallenge, error)
	Passkeys(ctx context.Context, userID string) ([]Passkey, error)
	// AddPasskey stores a new passkey and turns MFA on, with recoveryHashes
	// as the login's recovery codes when given (only if it has none: else
	// fault.ErrConflict), and at most max passkeys per login.
	AddPasskey(ctx context.Context, pk Passkey, recoveryHashes []string, max int) error
	// UsePasskey records a sign-in with the passkey: its sign count moves
	// from the one read to count only if no other sign-in moved it first
	// (fault.ErrConflict otherwise).
	UsePasskey(ctx context.Context, userID, id string, count uint32, at time.Time) error
	// RemovePasskey deletes a passkey (fault.ErrNotFound if absent). Unless
	// last, the login must keep another second factor (TOTP or a passkey);
	// with last, it must be the login's only one, and MFA goes off with the
	// recovery codes. A failed condition is fault.ErrConflict.
	RemovePasskey(ctx context.Context, userID, id string, last bool) error
}

// Passkey is one registered authenticator credential of a login.
type Passkey struct {
	ID         string // the credential id, base64url without padding
	UserID     string
	Name       string
	Credential webauthn.Credential
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// PasskeyChallenge is a ceremony in progress, stored server-side.
type PasskeyChallenge struct {
	IDHash  string // sha256 of the challenge id the client holds
	Purpose string // PurposeRegister or PurposeLogin
	UserID  string
	// PasswordCheck, for a sign-in, is the sha256 of the password hash the
	// password was checked against: the sign-in completes only if that is
	// still the login's password (no copy of the hash is kept).
	PasswordCheck string
	Session       webauthn.SessionData
	ExpiresAt     time.Time
}

// Challenge purposes.
const (
	PurposeRegister = "register"
	PurposeLogin    = "login"
)

const (
	// PasskeyChallengeTTL is how long a ceremony may take.
	PasskeyChallengeTTL = 5 * time.Minute
	// MaxPasskeys a login may register.
	MaxPasskeys = 10
	// maxPasskeyName is the longest name, in characters.
	maxPasskeyName = 64
)

// ErrInvalidPasskey is an assertion that does not verify, an unknown, used or
// expired sign-in challenge, or a sign count that went backwards; it counts
// toward the lockout when the login is known.
var ErrInvalidPasskey = fault.Unauthenticated("invalid_passkey", "The passkey could not be verified; sign in again.")

// ErrPasskeyChallenge is a registration finish without a live challenge of its login.
var ErrPasskeyChallenge = fault.Conflict("passkey_challenge_invalid", "The passkey set-up was not started, has expired or was used already; start again.")

// ErrNoPasskey is a passkey sign-in for a login that has none.
var ErrNoPasskey = fault.Conflict("no_passkey", "This login has no passkey; sign in with your authenticator code.")

// ErrPasskeyLimit refuses more than MaxPasskeys.
var ErrPasskeyLimit = fault.Conflict("passkey_limit", fmt.Sprintf("A login may have at most %d passkeys.", MaxPasskeys))

// ErrPasskeyNotFound is an unknown passkey id of the caller's login.
var ErrPasskeyNotFound = fault.NotFound("passkey_not_found", "No such passkey on this login.")

// ErrLastSecondFactor refuses removing the last second factor of a login
// that must keep one (a site administrator, or a member of an org that
// requires MFA).
var ErrLastSecondFactor = fault.Conflict("last_second_factor", "This is your last second factor and your role or organization requires one; add another first.")

// ErrPasskeysChanged is a removal that lost a race with another change of
// the login's second factors.
var ErrPasskeysChanged = fault.Conflict("passkeys_changed", "Your second factors changed meanwhile; reload and try again.")

// ErrPasskeysUnavailable answers the passkey routes of a deployment whose
// portal address is no domain name (WebAuthn needs one; the cause is logged
// at start).
var ErrPasskeysUnavailable = fault.NotFound("passkeys_unavailable", "Passkeys are not available on this deployment.")

// UsePasskeys configures the relying party from the portal's base URL: the
// RP ID is its host name and the only accepted origin its scheme://host.
func (s *Service) UsePasskeys(base *url.URL) error {
	rp, err := webauthn.New(&webauthn.Config{
		RPID:                  base.Hostname(),
		RPDisplayName:         s.Issuer,
		RPOrigins:             []string{base.Scheme + "://" + base.Host},
		AttestationPreference: protocol.PreferNoAttestation,
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementPreferred,
			UserVerification: protocol.VerificationPreferred,
		},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: PasskeyChallengeTTL, TimeoutUVD: PasskeyChallengeTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: PasskeyChallengeTTL, TimeoutUVD: PasskeyChallengeTTL},
		},
	})
	if err != nil {
		return fmt.Errorf("passkey relying party for %s: %w", base.Host, err)
	}
	s.rp = rp
	return nil
}

func (s *Service) relyingParty() (*webauthn.WebAuthn, error) {
	if s.rp == nil {
		return nil, ErrPasskeysUnavailable
	}
	return s.rp, nil
}

// passkeyUser is a login as go-webauthn sees it. The user handle is the user
// id: random, and no personal data.
type passkeyUser struct {
	u    account.User
	keys []Passkey
}

func (p passkeyUser) WebAuthnID() []byte   { return []byte(p.u.ID) }
func (p passkeyUser) WebAuthnName() string { return p.u.Username }
func (p passkeyUser) WebAuthnDisplayName() string {
	if name := strings.TrimSpace(p.u.FirstName + " " + p.u.LastName); name != "" {
		return name
	}
	return p.u.Username
}
func (p passkeyUser) WebAuthnCredentials() []webauthn.Credential {
	out := make([]webauthn.Credential, 0, len(p.keys))
	for _, k := range p.keys {
		out = append(out, k.Credential)
	}
	return out
}

// PasskeyCeremony is what a begin route answers: the challenge id the
// client sends back, and the options for navigator.credentials.
type PasskeyCeremony struct {
	ChallengeID string `json:"challenge_id"`
	Options     any    `json:"options"`
}

// newChallengeID returns a random challenge id and the hash it is stored under.
func newChallengeID() (string, string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("challenge id: %w", err)
	}
	id := base64.RawURLEncoding.EncodeToString(b)
	return id, challengeHash(id), nil
}

// passwordCheck is the digest of a password hash that binds a sign-in
// challenge to the password verified; "" for none.
func passwordCheck(hash string) string {
	if hash == "" {
		return ""
	}
	return challengeHash(hash)
}

func challengeHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// BeginPasskeyRegistration starts registering a passkey for the signed-in
// login; the caller has re-authenticated.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, p caller.Caller) (PasskeyCeremony, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return PasskeyCeremony{}, err
	}
	keys, err := s.store.Passkeys(ctx, p.User.ID)
	if err != nil {
		return PasskeyCeremony{}, fmt.Errorf("passkeys of %s: %w", p.User.ID, err)
	}
	if len(keys) >= MaxPasskeys {
		return PasskeyCeremony{}, ErrPasskeyLimit
	}
	user := passkeyUser{u: p.User, keys: keys}
	// Excluding the registered ones stops an authenticator registering twice.
	creation, sess, err := rp.BeginRegistration(user, webauthn.WithExclusions(webauthn.Credentials(user.WebAuthnCredentials()).CredentialDescriptors()))
	if err != nil {
		return PasskeyCeremony{}, fmt.Errorf("begin passkey registration of %s: %w", p.User.ID, err)
	}
	id, err := s.saveChallenge(ctx, PurposeRegister, p.User.ID, "", sess)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	return PasskeyCeremony{ChallengeID: id, Options: creation.Response}, nil
}

func (s *Service) saveChallenge(ctx context.Context, purpose, userID, passwordHash string, sess *webauthn.SessionData) (string, error) {
	id, hash, err := newChallengeID()
	if err != nil {
		return "", err
	}
	c := PasskeyChallenge{IDHash: hash, Purpose: purpose, UserID: userID, PasswordCheck: passwordCheck(passwordHash), Session: *sess,
		ExpiresAt: s.now().UTC().Add(PasskeyChallengeTTL)}
	if err := s.store.SavePasskeyChallenge(ctx, c); err != nil {
		return "", fmt.Errorf("save passkey challenge of %s: %w", userID, err)
	}
	return id, nil
}

// takeChallenge consumes a challenge; an expired one is taken too, and refused.
func (s *Service) takeChallenge(ctx context.Context, id, purpose, userID string) (PasskeyChallenge, bool, error) {
	if id == "" || len(id) > 128 {
		return PasskeyChallenge{}, false, nil
	}
	c, err := s.store.TakePasskeyChallenge(ctx, challengeHash(id), purpose, userID)
	if errors.Is(err, fault.ErrNotFound) {
		return PasskeyChallenge{}, false, nil
	}
	if err != nil {
		return PasskeyChallenge{}, false, fmt.Errorf("take passkey challenge: %w", err)
	}
	if !s.now().Before(c.ExpiresAt) {
		return PasskeyChallenge{}, false, nil
	}
	return c, true, nil
}

// RegisteredPasskey is the answer to a finished registration; RecoveryCodes
// are there only when the login had none (shown this once).
type RegisteredPasskey struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	CreatedAt     time.Time `json:"created_at"`
	RecoveryCodes []string  `json:"recovery_codes,omitempty"`
}

// FinishPasskeyRegistration verifies the authenticator's attestation
// against the login's challenge and stores the passkey; MFA goes on.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, p caller.Caller, challengeID string, credential json.RawMessage, name string) (RegisteredPasskey, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return RegisteredPasskey{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Passkey"
	}
	if utf8.RuneCountInString(name) > maxPasskeyName {
		return RegisteredPasskey{}, fault.Validation(map[string]string{"name": fmt.Sprintf("must be at most %d characters", maxPasskeyName)})
	}
	if len(credential) == 0 {
		return RegisteredPasskey{}, fault.Validation(map[string]string{"credential": "is required"})
	}
	c, ok, err := s.takeChallenge(ctx, challengeID, PurposeRegister, p.User.ID)
	if err != nil {
		return RegisteredPasskey{}, err
	}
	if !ok {
		return RegisteredPasskey{}, ErrPasskeyChallenge
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return RegisteredPasskey{}, fault.Validation(map[string]string{"credential": "is not a WebAuthn attestation response"})
	}
	keys, err := s.store.Passkeys(ctx, p.User.ID)
	if err != nil {
		return RegisteredPasskey{}, fmt.Errorf("passkeys of %s: %w", p.User.ID, err)
	}
	if len(keys) >= MaxPasskeys {
		return RegisteredPasskey{}, ErrPasskeyLimit
	}
	cred, err := rp.CreateCredential(passkeyUser{u: p.User, keys: keys}, c.Session, parsed)
	if err != nil {
		s.Log.InfoContext(ctx, "passkey attestation refused", "user_id", p.User.ID, "reason", protocolReason(err))
		return RegisteredPasskey{}, fault.Validation(map[string]string{"credential": "could not be verified for this site"})
	}
	pk := Passkey{ID: base64.RawURLEncoding.EncodeToString(cred.ID), UserID: p.User.ID, Name: name, Credential: *cred, CreatedAt: s.now().UTC()}
	var codes, hashes []string
	if len(p.User.RecoveryCodeHashes) == 0 {
		if codes, hashes, err = s.newRecoveryCodes(); err != nil {
			return RegisteredPasskey{}, err
		}
	}
	err = s.store.AddPasskey(ctx, pk, hashes, MaxPasskeys)
	if errors.Is(err, fault.ErrConflict) {
		// The same authenticator twice, the limit reached, or recovery codes
		// issued meanwhile by another enrolment.
		return RegisteredPasskey{}, fault.Conflict("passkey_not_added", "The passkey could not be added: it is registered already, the limit is reached, or your second factors changed meanwhile.")
	}
	if err != nil {
		return RegisteredPasskey{}, fmt.Errorf("add passkey of %s: %w", p.User.ID, err)
	}
	// The attestation just verified is a second factor presented in this
	// session; every other session of the login ends (a factor changed).
	if err := s.sessions.MarkSecondFactor(ctx, p.Session.ID); err != nil {
		return RegisteredPasskey{}, err
	}
	if err := s.sessions.EndOthers(ctx, p.User.ID, p.Session.ID); err != nil {
		return RegisteredPasskey{}, err
	}
	return RegisteredPasskey{ID: pk.ID, Name: pk.Name, CreatedAt: pk.CreatedAt, RecoveryCodes: codes}, nil
}

// protocolReason is the library's explanation of a refused ceremony, for the log.
func protocolReason(err error) string {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe.Details + " " + pe.DevInfo
	}
	return err.Error()
}

// PasskeyView is one passkey in GET /v1/me/passkeys.
type PasskeyView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// ListPasskeys lists the caller's passkeys.
func (s *Service) ListPasskeys(ctx context.Context, p caller.Caller) ([]PasskeyView, error) {
	keys, err := s.store.Passkeys(ctx, p.User.ID)
	if err != nil {
		return nil, fmt.Errorf("passkeys of %s: %w", p.User.ID, err)
	}
	out := make([]PasskeyView, 0, len(keys))
	for _, k := range keys {
		out = append(out, PasskeyView{ID: k.ID, Name: k.Name, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt})
	}
	return out, nil
}

// DeletePasskey removes one of the caller's passkeys (the caller has
// re-authenticated). A login that must have MFA keeps at least one second
// factor; for any other login, removing the last one turns MFA off. The
// store's conditions make parallel removals safe.
func (s *Service) DeletePasskey(ctx context.Context, p caller.Caller, id string) error {
	must, err := s.mustKeepSecondFactor(ctx, p)
	if err != nil {
		return err
	}
	keys, err := s.store.Passkeys(ctx, p.User.ID)
	if err != nil {
		return fmt.Errorf("passkeys of %s: %w", p.User.ID, err)
	}
	found := false
	for _, k := range keys {
		found = found || k.ID == id
	}
	if !found {
		return ErrPasskeyNotFound
	}
	last := len(keys) == 1 && p.User.TOTPSecret == ""
	if last && must {
		return ErrLastSecondFactor
	}
	err = s.store.RemovePasskey(ctx, p.User.ID, id, last)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return ErrPasskeyNotFound
	case errors.Is(err, fault.ErrConflict) && must:
		return ErrLastSecondFactor
	case errors.Is(err, fault.ErrConflict):
		return ErrPasskeysChanged
	case err != nil:
		return fmt.Errorf("remove passkey of %s: %w", p.User.ID, err)
	}
	// A factor changed: every other session of the login ends.
	return s.sessions.EndOthers(ctx, p.User.ID, p.Session.ID)
}

// mustKeepSecondFactor reports whether the login may not be left without a
// second factor: a site administrator (F20), or an active member of an org
// that requires MFA (F3).
func (s *Service) mustKeepSecondFactor(ctx context.Context, p caller.Caller) (bool, error) {
	if p.IsSiteAdmin() {
		return true, nil
	}
	orgs, err := s.activeOrgs(ctx, p.Memberships)
	if err != nil {
		return false, fmt.Errorf("org settings: %w", err)
	}
	for _, o := range orgs {
		if o.Settings.RequireMFA {
			return true, nil
		}
	}
	return false, nil
}

// BeginPasskeyLogin checks the username and password exactly as Login does
// (same answers, same lockout accounting) and then starts an assertion with
// the login's passkeys. The challenge is bound to the login and to the
// password hash that was verified.
func (s *Service) BeginPasskeyLogin(ctx context.Context, addr, username, pw string) (PasskeyCeremony, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return PasskeyCeremony{}, err
	}
	u, _, err := s.checkPassword(ctx, addr, username, pw)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	keys, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return PasskeyCeremony{}, fmt.Errorf("passkeys of %s: %w", u.ID, err)
	}
	if len(keys) == 0 || !u.MFAEnabled {
		return PasskeyCeremony{}, ErrNoPasskey
	}
	assertion, sess, err := rp.BeginLogin(passkeyUser{u: u, keys: keys})
	if err != nil {
		return PasskeyCeremony{}, fmt.Errorf("begin passkey login of %s: %w", u.ID, err)
	}
	id, err := s.saveChallenge(ctx, PurposeLogin, u.ID, u.PasswordHash, sess)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	return PasskeyCeremony{ChallengeID: id, Options: assertion.Response}, nil
}

// FinishPasskeyLogin verifies the assertion against the login's challenge
// and starts a session, as Login does. A wrong assertion counts toward the
// lockout; the challenge is used up either way.
func (s *Service) FinishPasskeyLogin(ctx context.Context, challengeID string, credential json.RawMessage) (Result, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return Result{}, err
	}
	c, ok, err := s.takeChallenge(ctx, challengeID, PurposeLogin, "")
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return Result{}, ErrInvalidPasskey
	}
	u, ms, err := s.store.UserWithMemberships(ctx, c.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return Result{}, ErrInvalidCredentials
	}
	if err != nil {
		return Result{}, fmt.Errorf("passkey login: %w", err)
	}
	// The password proved at begin must still be the login's.
	if !u.CanSignIn() || c.PasswordCheck == "" || subtle.ConstantTimeCompare([]byte(passwordCheck(u.PasswordHash)), []byte(c.PasswordCheck)) != 1 {
		return Result{}, ErrInvalidCredentials
	}
	if u.LockActive(s.now()) {
		return Result{}, ErrLocked
	}
	keys, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return Result{}, fmt.Errorf("passkeys of %s: %w", u.ID, err)
	}
	used, err := s.verifyAssertion(rp, passkeyUser{u: u, keys: keys}, c.Session, credential)
	if err != nil {
		s.Log.InfoContext(ctx, "passkey assertion refused", "user_id", u.ID, "reason", protocolReason(err))
		s.recordFailure(ctx, u)
		return Result{}, ErrInvalidPasskey
	}
	err = s.store.UsePasskey(ctx, u.ID, used.ID, used.Credential.Authenticator.SignCount, s.now().UTC())
	if errors.Is(err, fault.ErrConflict) {
		// Another sign-in moved the counter first: this assertion is a replay or a clone.
		s.recordFailure(ctx, u)
		return Result{}, ErrInvalidPasskey
	}
	if err != nil {
		return Result{}, fmt.Errorf("record passkey use of %s: %w", u.ID, err)
	}
	token, sess, err := s.sessions.New(u.ID, DefaultOrg(ms))
	if err != nil {
		return Result{}, err
	}
	sess.SecondFactorAt = sess.CreatedAt // the passkey, after the password
	if err := s.store.CompleteLogin(ctx, Completion{Session: sess, PasswordHash: u.PasswordHash}); err != nil {
		return Result{}, s.explainPasskeyRefusal(ctx, u.ID, err)
	}
	return Result{Token: token, Session: sess, User: u, Memberships: ms, MFAEnrolmentRequired: s.mfaEnrolmentRequired(ctx, u, ms)}, nil
}

// verifyAssertion checks the assertion with the library and applies the
// clone rule: a sign count that did not go up, when the authenticator keeps
// one, is refused (the library only flags it).
func (s *Service) verifyAssertion(rp *webauthn.WebAuthn, user passkeyUser, sess webauthn.SessionData, credential json.RawMessage) (Passkey, error) {
	if len(credential) == 0 {
		return Passkey{}, errors.New("no assertion")
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credential)
	if err != nil {
		return Passkey{}, err
	}
	cred, err := rp.ValidateLogin(user, sess, parsed)
	if err != nil {
		return Passkey{}, err
	}
	if cred.Authenticator.CloneWarning {
		return Passkey{}, errors.New("sign count did not increase: possible cloned authenticator")
	}
	id := base64.RawURLEncoding.EncodeToString(cred.ID)
	for _, k := range user.keys {
		if k.ID == id {
			k.Credential = *cred
			return k, nil
		}
	}
	return Passkey{}, errors.New("asserted credential is not the login's")
}

// explainPasskeyRefusal answers a CompleteLogin whose conditions failed after
// a good assertion: the account was locked, deleted or its password changed.
func (s *Service) explainPasskeyRefusal(ctx context.Context, userID string, err error) error {
	if !errors.Is(err, fault.ErrConflict) {
		return fmt.Errorf("complete passkey login: %w", err)
	}
	u, _, rerr := s.store.UserWithMemberships(ctx, userID)
	if rerr == nil && u.CanSignIn() && u.LockActive(s.now()) {
		return ErrLocked
	}
	return ErrInvalidCredentials
}
