// Package session issues and checks sign-in sessions: opaque 256-bit tokens
// of which only the SHA-256 is stored.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Session is a signed-in session. ID is the hex SHA-256 of the token.
type Session struct {
	ID          string
	UserID      string
	ActiveOrgID ident.OrgID
	CreatedAt   time.Time
	ExpiresAt   time.Time // absolute expiry: CreatedAt + Lifetime
	// LastSeenAt is the last request, to the minute (idle expiry).
	LastSeenAt time.Time
	// RenewedAt is when the session last proved the password: sign-in, or a
	// password change that kept this session while ending all others. It is
	// what the user's SessionsNotBefore is compared with.
	RenewedAt time.Time
	// SecondFactorAt is when the session last presented a second factor
	// (at sign-in, or by enrolling one in this session); zero when it
	// proved the password only.
	SecondFactorAt time.Time
}

// PublicID is the id a session is shown and ended by in the session list: a
// digest of the token hash, so neither the token nor the stored key is shown.
func (s Session) PublicID() string { return PublicID(s.ID) }

// PublicID derives the listed id from a stored session id.
func PublicID(id string) string {
	sum := sha256.Sum256([]byte("gatehouse-session-id:" + id))
	return hex.EncodeToString(sum[:12])
}

// Store keeps sessions.
type Store interface {
	PutSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, id string) (Session, error)
	DeleteSession(ctx context.Context, id string) error
	// RevokeUserSessions ends every session of the user started before at,
	// except keep (may be ""), whose RenewedAt moves to at.
	RevokeUserSessions(ctx context.Context, userID string, at time.Time, keep string) error
	ListUserSessions(ctx context.Context, userID string) ([]Session, error)
	// TouchSession records activity; fault.ErrNotFound when the session is gone.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// SetSessionActiveOrg changes the org a session acts in.
	SetSessionActiveOrg(ctx context.Context, id string, orgID ident.OrgID) error
	// MarkSessionSecondFactor records that the session presented a second factor at.
	MarkSessionSecondFactor(ctx context.Context, id string, at time.Time) error
}

const (
	// Lifetime is how long a session lasts from sign-in, however active.
	Lifetime = 12 * time.Hour
	// IdleTimeout ends a session nobody used for this long.
	IdleTimeout = 30 * time.Minute
	// touchEvery bounds writes: last-seen is refreshed at most once a minute.
	touchEvery = time.Minute
)

// Service starts, resolves and ends sessions.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns a Service.
func NewService(store Store, now func() time.Time) *Service {
	return &Service{store: store, now: now}
}

// ErrNoSession is returned for a missing, unknown or expired token.
var ErrNoSession = fault.Unauthenticated("not_signed_in", "Sign in to continue.")

// New makes a session and its raw token without storing it: sign-in stores
// it in the same transaction that checks the account (auth.Store).
func (s *Service) New(userID string, activeOrgID ident.OrgID) (string, Session, error) {
	token, id, err := NewToken()
	if err != nil {
		return "", Session{}, err
	}
	now := s.now().UTC()
	return token, Session{ID: id, UserID: userID, ActiveOrgID: activeOrgID, CreatedAt: now, ExpiresAt: now.Add(Lifetime),
		LastSeenAt: now, RenewedAt: now}, nil
}

// Start creates and stores a session and returns its raw token, which is never stored.
func (s *Service) Start(ctx context.Context, userID string, activeOrgID ident.OrgID) (string, Session, error) {
	token, sess, err := s.New(userID, activeOrgID)
	if err != nil {
		return "", Session{}, err
	}
	if err := s.store.PutSession(ctx, sess); err != nil {
		return "", Session{}, fmt.Errorf("start session: %w", err)
	}
	return token, sess, nil
}

// Resolve returns the live session for a raw token: not past its absolute
// expiry, not idle for IdleTimeout. It refreshes last-seen at most once a minute.
func (s *Service) Resolve(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrNoSession
	}
	sess, err := s.store.GetSession(ctx, HashToken(token))
	if errors.Is(err, fault.ErrNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("resolve session: %w", err)
	}
	now := s.now().UTC()
	// TTL deletion is lazy, so expiry is checked here, never left to TTL.
	if !now.Before(sess.ExpiresAt) {
		return Session{}, ErrNoSession
	}
	if !now.Before(sess.LastSeenAt.Add(IdleTimeout)) {
		_ = s.End(context.WithoutCancel(ctx), sess.ID)
		return Session{}, ErrNoSession
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		err := s.store.TouchSession(ctx, sess.ID, now)
		if errors.Is(err, fault.ErrNotFound) {
			return Session{}, ErrNoSession
		}
		if err != nil {
			return Session{}, fmt.Errorf("touch session: %w", err)
		}
		sess.LastSeenAt = now
	}
	return sess, nil
}

// End deletes the session.
func (s *Service) End(ctx context.Context, id string) error {
	if err := s.store.DeleteSession(ctx, id); err != nil && !errors.Is(err, fault.ErrNotFound) {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// EndAll ends every session of a user (sign out everywhere, lock, delete,
// reset). A session started after this call is not affected.
func (s *Service) EndAll(ctx context.Context, userID string) error {
	if err := s.store.RevokeUserSessions(ctx, userID, s.now().UTC(), ""); err != nil {
		return fmt.Errorf("end sessions of %s: %w", userID, err)
	}
	return nil
}

// EndOthers ends every session of the user but keep (password change).
func (s *Service) EndOthers(ctx context.Context, userID, keep string) error {
	if err := s.store.RevokeUserSessions(ctx, userID, s.now().UTC(), keep); err != nil {
		return fmt.Errorf("end other sessions of %s: %w", userID, err)
	}
	return nil
}

// ErrUnknownSession is the answer for a listed id that is not one of the caller's sessions.
var ErrUnknownSession = fault.NotFound("session_not_found", "No such session of yours.")

// EndListed ends one of the user's own sessions by its listed (public) id.
func (s *Service) EndListed(ctx context.Context, userID, publicID string) error {
	all, err := s.List(ctx, userID)
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.PublicID() == publicID {
			return s.End(ctx, x.ID)
		}
	}
	return ErrUnknownSession
}

// SetActiveOrg records the org the session now acts in.
func (s *Service) SetActiveOrg(ctx context.Context, id string, orgID ident.OrgID) error {
	err := s.store.SetSessionActiveOrg(ctx, id, orgID)
	if errors.Is(err, fault.ErrNotFound) {
		return ErrNoSession
	}
	if err != nil {
		return fmt.Errorf("set active org: %w", err)
	}
	return nil
}

// MarkSecondFactor records that the session just presented a second factor
// (enrolling one proves it): its assurance rises from password only.
func (s *Service) MarkSecondFactor(ctx context.Context, id string) error {
	err := s.store.MarkSessionSecondFactor(ctx, id, s.now().UTC())
	if errors.Is(err, fault.ErrNotFound) {
		return ErrNoSession
	}
	if err != nil {
		return fmt.Errorf("mark second factor: %w", err)
	}
	return nil
}

// List returns the user's live sessions, newest first.
func (s *Service) List(ctx context.Context, userID string) ([]Session, error) {
	all, err := s.store.ListUserSessions(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("list sessions of %s: %w", userID, err)
	}
	live := all[:0]
	now := s.now()
	for _, x := range all {
		if now.Before(x.ExpiresAt) && now.Before(x.LastSeenAt.Add(IdleTimeout)) {
			live = append(live, x)
		}
	}
	return live, nil
}

// NewToken returns a random 256-bit token (URL-safe base64) and its stored id.
func NewToken() (token, id string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("new token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the hex SHA-256 of a raw token: the only form stored.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
