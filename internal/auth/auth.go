// Package auth is sign-in and the signed-in self: login, logout, the session
// guard every signed-in route passes through, and /v1/me.
package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// Users is what the guard needs to read about logins.
type Users interface {
	UserIDByUsername(ctx context.Context, username string) (string, error)
	UserWithMemberships(ctx context.Context, userID string) (account.User, []account.Membership, error)
}

// Store is everything sign-in and the self routes keep: logins and their
// sign-in state, changed only by conditional writes.
type Store interface {
	Users
	// RecordLoginFailure counts a failed attempt atomically; the attempt that
	// reaches account.MaxFailedLogins in account.FailureWindow locks the
	// account and ends its sessions. It reports whether this call locked.
	// seenWindow is the window start as read, a hint for the first try.
	RecordLoginFailure(ctx context.Context, userID string, now time.Time, seenWindow *time.Time) (bool, error)
	// UnknownUsername reads the failures and lockout kept for a username no
	// login uses, as a User (FailureWindowStart, Locked, LockoutTime).
	UnknownUsername(ctx context.Context, username string) (account.User, error)
	// RecordUnknownFailure is RecordLoginFailure for such a username.
	RecordUnknownFailure(ctx context.Context, username string, now time.Time, seenWindow *time.Time) (bool, error)
	// CompleteLogin stores the session if the account is still signable
	// (fault.ErrConflict otherwise), clearing the failure counter.
	CompleteLogin(ctx context.Context, c Completion) error
	// ChangePassword replaces oldHash, ends every session but keep.
	ChangePassword(ctx context.Context, userID, oldHash, newHash string, at time.Time, keep string) error
	UserIDsByEmail(ctx context.Context, email string, limit int) ([]string, error)
	GetOrg(ctx context.Context, id ident.OrgID) (org.Org, error)
	ResetStore
	MFAStore
	LinkStore
	PasskeyStore
}

// Completion is a sign-in that passed every check, ready to be stored.
type Completion struct {
	Session      session.Session
	PasswordHash string // the hash the password was checked against
	// TOTPStep is the time step of the TOTP code used (0 when none): it must
	// be later than any used before, so a code works once.
	TOTPStep int64
	// RecoveryCodeHash is the stored hash of the recovery code used, if one was.
	RecoveryCodeHash string
}

// Sessions starts, resolves and ends sessions.
type Sessions interface {
	New(userID string, activeOrgID ident.OrgID) (string, session.Session, error)
	Resolve(ctx context.Context, token string) (session.Session, error)
	End(ctx context.Context, id string) error
	EndAll(ctx context.Context, userID string) error
	// EndOthers ends every session of the user but keep.
	EndOthers(ctx context.Context, userID, keep string) error
	EndListed(ctx context.Context, userID, publicID string) error
	List(ctx context.Context, userID string) ([]session.Session, error)
	SetActiveOrg(ctx context.Context, id string, orgID ident.OrgID) error
	// MarkSecondFactor records that the session just presented a second factor.
	MarkSecondFactor(ctx context.Context, id string) error
}

// ErrInvalidCredentials is the one answer for an unknown username, a wrong
// password or a deleted account, so that none can be told apart.
var ErrInvalidCredentials = fault.Unauthenticated("invalid_credentials", "The username or password is not correct.")

// ErrTemporaryPasswordExpired refuses a generated temporary password after its 24 hours (F14, F17).
var ErrTemporaryPasswordExpired = fault.Unauthenticated("temporary_password_expired", "This temporary password has expired; ask your administrator for a new one.")

// ErrLocked is the answer for every attempt on a locked username, whatever
// the password (none is checked), so the lock is no oracle for guessing;
// unknown usernames lock the same way.
var ErrLocked = fault.Locked("account_locked", "This account is locked. Try again later or ask your administrator to unlock it.")

// ErrMFARequired asks for the second factor after a correct password.
var ErrMFARequired = fault.Unauthenticated("mfa_required", "Enter the code from your authenticator app or a recovery code.")

// ErrInvalidOTP is a wrong second factor; it counts toward the lockout.
var ErrInvalidOTP = fault.Unauthenticated("invalid_otp", "The code is not correct or has been used already.")

// Limiter checks the rate limits of the public doors (throttle.Limiter).
type Limiter interface {
	Allow(ctx context.Context, name throttle.Name, subject string) error
}

// Mailer sends rendered emails.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// LinkMaker turns a path and query into an absolute URL under the portal's base URL.
type LinkMaker func(path string, q url.Values) string

// Service signs people in and serves the self routes.
type Service struct {
	store    Store
	sessions Sessions
	mailer   Mailer
	link     LinkMaker
	now      func() time.Time
	// hash makes password hashes (argon2id at password.OWASP).
	hash func(string) (string, error)
	// forgotFloor is the least time a forgot-password answer takes, so the
	// work done for an existing account does not show.
	forgotFloor time.Duration
	// Issuer names the service in authenticator apps.
	Issuer string
	// rp is the WebAuthn relying party (UsePasskeys); nil until configured.
	rp     *webauthn.WebAuthn
	limits Limiter
	Log    *slog.Logger
}

// NewService returns a Service.
func NewService(store Store, sessions Sessions, mailer Mailer, link LinkMaker, limits Limiter, now func() time.Time) *Service {
	return &Service{store: store, sessions: sessions, mailer: mailer, link: link, limits: limits, now: now, Issuer: "Gatehouse", Log: slog.Default(),
		hash: func(pw string) (string, error) { return password.Hash(pw, password.OWASP) }, forgotFloor: 400 * time.Millisecond}
}

// Result is a successful sign-in.
type Result struct {
	Token       string
	Session     session.Session
	User        account.User
	Memberships []account.Membership
	// MFAEnrolmentRequired: the login must enrol a second factor before it
	// may act (a site administrator, or a member of an org that requires it).
	MFAEnrolmentRequired bool
}

// Credentials are what a person signs in with.
type Credentials struct {
	Username string
	Password string
	OTP      string // a TOTP code or a recovery code, when MFA is on
	// Address is the client's address (API Gateway's source IP) for the
	// sign-in limits.
	Address string
}

// Login checks a username, password and (when enrolled) second factor and
// starts a session. Failures count toward the lockout (F2).
func (s *Service) Login(ctx context.Context, c Credentials) (Result, error) {
	u, ms, err := s.checkPassword(ctx, c.Address, c.Username, c.Password)
	if err != nil {
		return Result{}, err
	}
	done := Completion{PasswordHash: u.PasswordHash}
	if u.MFAEnabled {
		if strings.TrimSpace(c.OTP) == "" {
			return Result{}, ErrMFARequired
		}
		step, codeHash, ok := s.checkSecondFactor(u, c.OTP)
		if !ok {
			s.recordFailure(ctx, u)
			return Result{}, ErrInvalidOTP
		}
		done.TOTPStep, done.RecoveryCodeHash = step, codeHash
	}
	token, sess, err := s.sessions.New(u.ID, DefaultOrg(ms))
	if err != nil {
		return Result{}, err
	}
	if u.MFAEnabled {
		sess.SecondFactorAt = sess.CreatedAt
	}
	done.Session = sess
	if err := s.store.CompleteLogin(ctx, done); err != nil {
		return Result{}, s.explainRefusal(ctx, u.ID, err)
	}
	return Result{Token: token, Session: sess, User: u, Memberships: ms, MFAEnrolmentRequired: s.mfaEnrolmentRequired(ctx, u, ms)}, nil
}

// checkPassword verifies a username and password and returns the login,
// after the sign-in limits of the client address and the username (429
// past them). Per the contract's "Sign-in answers": while the username is
// locked the answer is 423 whatever the password, no password is checked and
// the lock does not grow; otherwise a wrong password counts toward the
// lockout. A username no login uses (or a deleted login's) is counted and
// locked the same way on an item of its own, after the same argon2id work,
// so neither the 401 nor the 423 tells whether the username exists.
func (s *Service) checkPassword(ctx context.Context, addr, username, pw string) (account.User, []account.Membership, error) {
	if err := s.throttleSignIn(ctx, addr, username); err != nil {
		return account.User{}, nil, err
	}
	if strings.TrimSpace(username) == "" {
		password.VerifyDummy(pw)
		return account.User{}, nil, ErrInvalidCredentials
	}
	if len(pw) > 4*password.MaxLength {
		pw = "" // never hashed: no password is that long; a wrong one
	}
	userID, err := s.store.UserIDByUsername(ctx, username)
	if errors.Is(err, fault.ErrNotFound) {
		return account.User{}, nil, s.unknownUsername(ctx, username, pw)
	}
	if err != nil {
		return account.User{}, nil, fmt.Errorf("login: %w", err)
	}
	u, ms, err := s.store.UserWithMemberships(ctx, userID)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && !u.CanSignIn()) {
		return account.User{}, nil, s.unknownUsername(ctx, username, pw)
	}
	if err != nil {
		return account.User{}, nil, fmt.Errorf("login: %w", err)
	}
	if u.LockActive(s.now()) {
		return account.User{}, nil, ErrLocked
	}
	if len(ms) > 0 && DefaultOrg(ms) == "" {
		// Every office of the login locked or deleted its membership: there
		// is nowhere to act. Locked: 423 like a locked account, whatever the
		// password (no oracle); all deleted: like a deleted login.
		for _, m := range ms {
			if m.Locked && !m.Deleted {
				return account.User{}, nil, ErrLocked
			}
		}
		return account.User{}, nil, s.unknownUsername(ctx, username, pw)
	}
	ok := false
	if pw == "" {
		password.VerifyDummy(pw)
	} else if ok, err = password.Verify(pw, u.PasswordHash); err != nil {
		return account.User{}, nil, fmt.Errorf("login %s: %w", u.ID, err)
	}
	if !ok {
		s.recordFailure(ctx, u)
		return account.User{}, nil, ErrInvalidCredentials
	}
	if u.TemporaryPasswordExpired(s.now()) {
		return account.User{}, nil, ErrTemporaryPasswordExpired
	}
	return u, ms, nil
}

// unknownUsername answers an attempt on a username no login uses exactly as
// for a login: 423 while its failures lock it, else 401 after the same
// password work, counting the failure.
func (s *Service) unknownUsername(ctx context.Context, username, pw string) error {
	state, err := s.store.UnknownUsername(ctx, username)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if state.LockActive(s.now()) {
		return ErrLocked
	}
	password.VerifyDummy(pw) // same work as a real check: no timing oracle
	if _, err := s.store.RecordUnknownFailure(context.WithoutCancel(ctx), username, s.now().UTC(), state.FailureWindowStart); err != nil {
		s.Log.ErrorContext(ctx, "count failed sign-in of an unknown username", "error", err.Error())
	}
	return ErrInvalidCredentials
}

// throttleSignIn counts a sign-in attempt against the limits of the client
// address and of the username (known or not).
func (s *Service) throttleSignIn(ctx context.Context, addr, username string) error {
	if err := s.limits.Allow(ctx, throttle.SignInAddress, addr); err != nil {
		return err
	}
	return s.limits.Allow(ctx, throttle.SignInUsername, account.NormalizeUsername(username))
}

// recordFailure counts a failed attempt. Its errors are logged, not returned:
// the caller's answer is the refusal either way, and a table hiccup must not
// turn a wrong password into a 503 that tells it apart from an unknown user.
func (s *Service) recordFailure(ctx context.Context, u account.User) {
	ctx = context.WithoutCancel(ctx)
	if _, err := s.store.RecordLoginFailure(ctx, u.ID, s.now().UTC(), u.FailureWindowStart); err != nil {
		s.Log.ErrorContext(ctx, "count failed sign-in", "user_id", u.ID, "error", err.Error())
	}
}

// explainRefusal turns a failed CompleteLogin condition into the answer: the
// account was locked, deleted, its password changed, or the code was used,
// between the checks and the write.
func (s *Service) explainRefusal(ctx context.Context, userID string, err error) error {
	if !errors.Is(err, fault.ErrConflict) {
		return fmt.Errorf("complete login: %w", err)
	}
	u, _, rerr := s.store.UserWithMemberships(ctx, userID)
	switch {
	case rerr != nil || !u.CanSignIn():
		return ErrInvalidCredentials
	case u.LockActive(s.now()):
		return ErrLocked
	case u.MFAEnabled:
		return ErrInvalidOTP
	}
	return ErrInvalidCredentials
}

// DefaultOrg picks the org a new session starts in: the first active
// membership by org name (stable for the user).
func DefaultOrg(ms []account.Membership) ident.OrgID {
	active := make([]account.Membership, 0, len(ms))
	for _, m := range ms {
		if m.Active {
			active = append(active, m)
		}
	}
	if len(active) == 0 {
		return ""
	}
	sort.Slice(active, func(i, j int) bool { return active[i].OrgName < active[j].OrgName })
	return active[0].OrgID
}
