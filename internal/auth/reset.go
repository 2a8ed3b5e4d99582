package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/ident"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/codeword"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// Self-service password reset (F5) with the practice code word (F6).

// ResetLink is an emailed single-use reset link, kept by the hash of its token.
type ResetLink struct {
	TokenHash string
	UserID    string
	ExpiresAt time.Time
}

// ResetStore keeps reset links and org code words.
type ResetStore interface {
	CreateResetLink(ctx context.Context, l ResetLink) error
	// ResetLinkByToken finds an unused link (fault.ErrNotFound otherwise).
	ResetLinkByToken(ctx context.Context, tokenHash string) (ResetLink, error)
	// CountCodeWordFailure adds a wrong code word to the link atomically;
	// the attempt that reaches max deletes the link.
	CountCodeWordFailure(ctx context.Context, tokenHash string, max int) error
	// ResetPassword consumes the link (if it has fewer than max code word
	// failures) and sets the password, ending every session, in one
	// transaction; fault.ErrConflict when the link is gone.
	ResetPassword(ctx context.Context, tokenHash, userID, newHash string, at time.Time, max int) error
	// SetCodeWordHash stores an org's code word hash and the audit entry together.
	SetCodeWordHash(ctx context.Context, orgID ident.OrgID, hash string, e audit.Entry) error
}

const (
	// ResetLinkLifetime is how long a reset link works.
	ResetLinkLifetime = time.Hour
	// MaxCodeWordFailures wrong code words kill a reset link.
	MaxCodeWordFailures = 5
	// forgotFanOut bounds the logins one email address can reset at once.
	forgotFanOut = 5
)

var (
	ErrResetNotFound    = fault.NotFound("link_not_found", "This reset link is unknown or has already been used.")
	ErrResetExpired     = fault.Gone("link_expired", "This reset link has expired; ask for a new one.")
	ErrCodeWordRequired = fault.Invalid("code_word_required", "Your practice requires its code word to set a new password; ask your administrator for it.")
	ErrCodeWordMismatch = fault.Unauthenticated("code_word_mismatch", "The code word is not correct.")
)

// Forgot emails a reset link to the login named by username, or to each
// login using email. It answers the same whether or not one exists, and
// takes at least forgotFloor so the work done for a real account does not
// show in the timing; failures are logged, never shown. Past the limits of
// the client address (addr) or of the username or email, it answers the
// same and sends nothing: one email per window however often it is asked.
func (s *Service) Forgot(ctx context.Context, addr, username, email string) error {
	if username == "" && email == "" {
		return fault.Validation(map[string]string{"username": "give your username or your email address"})
	}
	start := time.Now()
	defer func() {
		if d := s.forgotFloor - time.Since(start); d > 0 {
			time.Sleep(d)
		}
	}()
	identifier := "email:" + account.NormalizeEmail(email)
	if username != "" {
		identifier = "username:" + account.NormalizeUsername(username)
	}
	for _, c := range []struct {
		name    throttle.Name
		subject string
	}{{throttle.ForgotAddress, addr}, {throttle.ForgotIdentifier, identifier}} {
		err := s.limits.Allow(ctx, c.name, c.subject)
		if fault.Is(err, throttle.CodeTooManyRequests) {
			s.Log.DebugContext(ctx, "forgot password: past a rate limit, nothing sent", "limit", string(c.name))
			return nil
		}
		if err != nil {
			// Before any account is looked at: the 503 tells nothing.
			return fmt.Errorf("forgot password: %w", err)
		}
	}
	var ids []string
	if username != "" {
		if id, err := s.store.UserIDByUsername(ctx, username); err == nil {
			ids = append(ids, id)
		} else if !errors.Is(err, fault.ErrNotFound) {
			s.Log.ErrorContext(ctx, "forgot password: look up username", "error", err.Error())
		}
	} else if account.EmailProblem(account.NormalizeEmail(email)) == "" {
		found, err := s.store.UserIDsByEmail(ctx, email, forgotFanOut)
		if err != nil {
			s.Log.ErrorContext(ctx, "forgot password: look up email", "error", err.Error())
		}
		ids = found
	}
	for _, id := range ids {
		// One email per login per window, whether asked by username or email.
		if err := s.limits.Allow(ctx, throttle.ForgotIdentifier, "user:"+id); err != nil {
			s.Log.DebugContext(ctx, "forgot password: not sent", "user_id", id, "reason", err.Error())
			continue
		}
		if err := s.sendResetLink(ctx, id); err != nil {
			s.Log.ErrorContext(ctx, "forgot password: send link", "user_id", id, "error", err.Error())
		}
	}
	return nil
}

func (s *Service) sendResetLink(ctx context.Context, userID string) error {
	u, _, err := s.store.UserWithMemberships(ctx, userID)
	if err != nil {
		return err
	}
	if !u.CanSignIn() || u.LinkedTo != "" || u.Email == "" {
		return nil
	}
	token, hash, err := session.NewToken()
	if err != nil {
		return err
	}
	l := ResetLink{TokenHash: hash, UserID: u.ID, ExpiresAt: s.now().UTC().Add(ResetLinkLifetime)}
	if err := s.store.CreateResetLink(ctx, l); err != nil {
		return err
	}
	msg, err := mail.Render("password-reset", u.Email, map[string]string{
		"Username": u.Username, "Link": s.link("/password/reset", url.Values{"token": {token}}),
		"ExpiresAt": l.ExpiresAt.Format(time.RFC3339),
	})
	if err != nil {
		return err
	}
	return s.mailer.Send(ctx, msg)
}

// ResetInput is what a person sends from the emailed link.
type ResetInput struct {
	Token       string
	NewPassword string
	CodeWord    string
}

// Reset sets a new password from an emailed link. Where any of the login's
// orgs has a code word, the code word of one of them is needed too; wrong
// ones are counted on the link and kill it at MaxCodeWordFailures. Every
// session of the login ends.
func (s *Service) Reset(ctx context.Context, in ResetInput) error {
	if in.Token == "" || len(in.Token) > 128 {
		return ErrResetNotFound
	}
	tokenHash := session.HashToken(in.Token)
	l, err := s.store.ResetLinkByToken(ctx, tokenHash)
	if errors.Is(err, fault.ErrNotFound) {
		return ErrResetNotFound
	}
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	if !s.now().Before(l.ExpiresAt) {
		return ErrResetExpired
	}
	u, ms, err := s.store.UserWithMemberships(ctx, l.UserID)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && !u.CanSignIn()) {
		return ErrResetNotFound
	}
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	if err := s.checkNewPassword(ctx, u, ms, "new_password", in.NewPassword); err != nil {
		return err
	}
	hashes, err := s.codeWordHashes(ctx, ms)
	if err != nil {
		return err
	}
	if len(hashes) > 0 {
		if in.CodeWord == "" {
			return ErrCodeWordRequired
		}
		if !matchesAny(codeword.Normalize(in.CodeWord), hashes) {
			if err := s.store.CountCodeWordFailure(ctx, tokenHash, MaxCodeWordFailures); err != nil && !errors.Is(err, fault.ErrNotFound) {
				return fmt.Errorf("count code word failure: %w", err)
			}
			return ErrCodeWordMismatch
		}
	}
	hash, err := s.hash(in.NewPassword)
	if err != nil {
		return err
	}
	err = s.store.ResetPassword(ctx, tokenHash, u.ID, hash, s.now().UTC(), MaxCodeWordFailures)
	if errors.Is(err, fault.ErrConflict) || errors.Is(err, fault.ErrNotFound) {
		return ErrResetNotFound
	}
	if err != nil {
		return fmt.Errorf("reset password of %s: %w", u.ID, err)
	}
	return nil
}

// codeWordHashes are the code word hashes of the orgs the login is an active member of.
func (s *Service) codeWordHashes(ctx context.Context, ms []account.Membership) ([]string, error) {
	orgs, err := s.activeOrgs(ctx, ms)
	if err != nil {
		return nil, fmt.Errorf("code words: %w", err)
	}
	var out []string
	for _, o := range orgs {
		if o.Settings.CodeWordHash != "" {
			out = append(out, o.Settings.CodeWordHash)
		}
	}
	return out, nil
}

func matchesAny(secret string, hashes []string) bool {
	if secret == "" || len(secret) > password.MaxLength {
		return false
	}
	for _, h := range hashes {
		if ok, err := password.Verify(secret, h); err == nil && ok {
			return true
		}
	}
	return false
}

// ResetNeedsCodeWord checks an emailed reset link without using it, and
// reports whether the login's offices want a code word with it (F5), so the
// page asks for one only where it is needed.
func (s *Service) ResetNeedsCodeWord(ctx context.Context, token string) (bool, error) {
	if token == "" || len(token) > 128 {
		return false, ErrResetNotFound
	}
	l, err := s.store.ResetLinkByToken(ctx, session.HashToken(token))
	if errors.Is(err, fault.ErrNotFound) {
		return false, ErrResetNotFound
	}
	if err != nil {
		return false, fmt.Errorf("read reset link: %w", err)
	}
	if !s.now().Before(l.ExpiresAt) {
		return false, ErrResetExpired
	}
	u, ms, err := s.store.UserWithMemberships(ctx, l.UserID)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && !u.CanSignIn()) {
		return false, ErrResetNotFound
	}
	if err != nil {
		return false, fmt.Errorf("read reset link: %w", err)
	}
	hashes, err := s.codeWordHashes(ctx, ms)
	return len(hashes) > 0, err
}
