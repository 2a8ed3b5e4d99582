package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/org"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/codeword"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/password"
)

// ErrCurrentPassword refuses a change whose current password is wrong; it
// counts toward the lockout, so a stolen session cannot guess the password.
var ErrCurrentPassword = fault.Forbidden("current_password_incorrect", "The current password is not correct.")

// WeakPassword is the 400 for a new password the policy refuses.
func WeakPassword(field, problem string) error {
	return &fault.Error{Kind: fault.KindInvalid, Code: "weak_password", Message: "Choose a longer or less common password.",
		Fields: map[string]string{field: problem}}
}

// PolicyFor is the password policy of a login: the strictest minimum length
// of the orgs it is an active member of (F4).
func (s *Service) PolicyFor(ctx context.Context, ms []account.Membership) (password.Policy, error) {
	orgs, err := s.activeOrgs(ctx, ms)
	if err != nil {
		return password.Policy{}, fmt.Errorf("password policy: %w", err)
	}
	min := 0
	for _, o := range orgs {
		if l := password.PolicyFor(o.Settings.PasswordMinLength).MinLength; l > min {
			min = l
		}
	}
	return password.PolicyFor(min), nil
}

// activeOrgs reads the orgs of the login's active memberships (their
// settings decide its password policy, code words and MFA duty); an org
// that no longer exists is skipped.
func (s *Service) activeOrgs(ctx context.Context, ms []account.Membership) ([]org.Org, error) {
	var out []org.Org
	for _, m := range ms {
		if !m.Active {
			continue
		}
		o, err := s.store.GetOrg(ctx, m.OrgID)
		if errors.Is(err, fault.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// personal are the words a login's password must not be built on.
func personal(u account.User, ms []account.Membership) []string {
	words := []string{u.Username, u.FirstName, u.LastName, u.Email}
	for _, m := range ms {
		words = append(words, m.OrgName)
	}
	return words
}

// checkNewPassword applies the login's policy to a new password.
func (s *Service) checkNewPassword(ctx context.Context, u account.User, ms []account.Membership, field, pw string) error {
	policy, err := s.PolicyFor(ctx, ms)
	if err != nil {
		return err
	}
	if p := policy.Problem(pw, personal(u, ms)...); p != "" {
		return WeakPassword(field, p)
	}
	return nil
}

// ChangePassword is the signed-in change (also the forced change of a
// temporary password): it needs the current password, applies the policy,
// and ends every other session of the login while keeping this one.
func (s *Service) ChangePassword(ctx context.Context, p caller.Caller, current, next string) error {
	if current == "" || len(current) > 4*password.MaxLength {
		return ErrCurrentPassword
	}
	ok, err := password.Verify(current, p.User.PasswordHash)
	if err != nil {
		return fmt.Errorf("change password of %s: %w", p.User.ID, err)
	}
	if !ok {
		s.recordFailure(ctx, p.User)
		return ErrCurrentPassword
	}
	if current == next {
		return WeakPassword("new_password", "must differ from the current password")
	}
	if err := s.checkNewPassword(ctx, p.User, p.Memberships, "new_password", next); err != nil {
		return err
	}
	hash, err := s.hash(next)
	if err != nil {
		return err
	}
	err = s.store.ChangePassword(ctx, p.User.ID, p.User.PasswordHash, hash, s.now().UTC(), p.Session.ID)
	if errors.Is(err, fault.ErrConflict) {
		return fault.Conflict("password_changed", "The password was changed meanwhile; sign in again.")
	}
	if err != nil {
		return fmt.Errorf("change password of %s: %w", p.User.ID, err)
	}
	return nil
}

// RotateCodeWord sets a new practice code word (F6) for the org and returns
// it: this is the only time it is shown; only its argon2id hash is kept.
// The org is the caller's (an org route's).
func (s *Service) RotateCodeWord(ctx context.Context, p caller.Caller) (string, error) {
	orgID := p.Org
	if orgID == "" {
		return "", caller.ErrNotInOrg
	}
	raw, err := randomString(codeword.Alphabet, codeword.Length)
	if err != nil {
		return "", err
	}
	hash, err := s.hash(raw)
	if err != nil {
		return "", err
	}
	entry := s.auditEntry(ctx, p, orgID, "org.code_word_rotated", string(orgID))
	if err := s.store.SetCodeWordHash(ctx, orgID, hash, entry); err != nil {
		return "", fmt.Errorf("rotate code word of %s: %w", orgID, err)
	}
	return codeword.Format(raw), nil
}

// auditEntry records an action of the signed-in user in one org's audit log (F26).
func (s *Service) auditEntry(_ context.Context, p caller.Caller, orgID ident.OrgID, action, target string) audit.Entry {
	return audit.ActorOf(p).Entry(orgID, action, target, s.now())
}

// RecentAuth is how long after proving the password a session may change
// its second factor without giving the password again.
const RecentAuth = 10 * time.Minute

// Reauthenticate checks the current password before a change to the second
// factor, unless the session proved it within RecentAuth; a wrong one counts
// toward the lockout.
func (s *Service) Reauthenticate(ctx context.Context, p caller.Caller, current string) error {
	if current == "" && s.now().Sub(p.Session.RenewedAt) < RecentAuth {
		return nil
	}
	if current == "" || len(current) > 4*password.MaxLength {
		return ErrCurrentPassword
	}
	ok, err := password.Verify(current, p.User.PasswordHash)
	if err != nil {
		return fmt.Errorf("reauthenticate %s: %w", p.User.ID, err)
	}
	if !ok {
		s.recordFailure(ctx, p.User)
		return ErrCurrentPassword
	}
	return nil
}
