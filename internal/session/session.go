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
)

// Session is a signed-in session. ID is the hex SHA-256 of the token.
type Session struct {
	ID          string
	UserID      string
	ActiveOrgID string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// Store keeps sessions.
type Store interface {
	PutSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, id string) (Session, error)
	DeleteSession(ctx context.Context, id string) error
	// RevokeUserSessions ends every session of the user started before at.
	RevokeUserSessions(ctx context.Context, userID string, at time.Time) error
	ListUserSessions(ctx context.Context, userID string) ([]Session, error)
}

// Lifetime is how long a session lasts from sign-in.
const Lifetime = 12 * time.Hour

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

// Start creates a session and returns its raw token, which is never stored.
func (s *Service) Start(ctx context.Context, userID, activeOrgID string) (string, Session, error) {
	token, id, err := NewToken()
	if err != nil {
		return "", Session{}, err
	}
	now := s.now().UTC()
	sess := Session{ID: id, UserID: userID, ActiveOrgID: activeOrgID, CreatedAt: now, ExpiresAt: now.Add(Lifetime)}
	if err := s.store.PutSession(ctx, sess); err != nil {
		return "", Session{}, fmt.Errorf("start session: %w", err)
	}
	return token, sess, nil
}

// Resolve returns the live session for a raw token.
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
	// TTL deletion is lazy, so expiry is checked here, never left to TTL.
	if !s.now().Before(sess.ExpiresAt) {
		return Session{}, ErrNoSession
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

// EndAll ends every session of a user (sign out everywhere, password change,
// lock, delete). A session started after this call is not affected.
func (s *Service) EndAll(ctx context.Context, userID string) error {
	if err := s.store.RevokeUserSessions(ctx, userID, s.now().UTC()); err != nil {
		return fmt.Errorf("end sessions of %s: %w", userID, err)
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
		if now.Before(x.ExpiresAt) {
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
