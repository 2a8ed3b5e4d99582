// Package invite is the one-click invite (F9): an emailed single-use link that
// takes a person straight to choosing a username and password, or joins an
// existing login to the org.
package invite

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/session"
)

// Status of an invite as the registration console shows it.
type Status string

const (
	StatusSent     Status = "EMAIL-INT"     // sent, not used yet
	StatusAccepted Status = "EMAIL-SUCCESS" // used
	StatusRevoked  Status = "REVOKED"
)

// LinkLifetime is how long an invite link works.
const LinkLifetime = 24 * time.Hour

// Invite is one invitation of one email address to one org.
type Invite struct {
	ID         string
	OrgID      ident.OrgID
	OrgName    string
	Email      string
	Role       account.Role
	Scope      account.Scope
	Status     Status
	InvitedBy  string // user id, or "ops"
	CreatedAt  time.Time
	ExpiresAt  time.Time
	TokenHash  string
	AcceptedBy string
}

// Store keeps invites and their link tokens.
type Store interface {
	// CreateInvite stores the invite and its link token together.
	CreateInvite(ctx context.Context, inv Invite) error
	// InviteByToken finds an unused invite by its token hash.
	InviteByToken(ctx context.Context, tokenHash string) (Invite, error)
	// AcceptInviteNewUser consumes the link and creates the user, its unique
	// username and its membership in one transaction. It fails with
	// account.ErrUsernameTaken, or fault.ErrConflict when the link was used.
	AcceptInviteNewUser(ctx context.Context, inv Invite, u account.User, m account.Membership) error
	// AcceptInviteExistingUser consumes the link and adds the membership.
	AcceptInviteExistingUser(ctx context.Context, inv Invite, m account.Membership) error
	// UserWithMemberships loads a user and all of their memberships.
	UserWithMemberships(ctx context.Context, userID string) (account.User, []account.Membership, error)
}

// Mailer sends rendered emails.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// LinkMaker turns a path and query into an absolute URL under the portal's base URL.
type LinkMaker func(path string, q url.Values) string

// Service issues and accepts invites.
type Service struct {
	store  Store
	mailer Mailer
	link   LinkMaker
	hash   func(string) (string, error)
	now    func() time.Time
}

// NewService returns a Service.
func NewService(store Store, mailer Mailer, link LinkMaker, now func() time.Time) *Service {
	return &Service{store: store, mailer: mailer, link: link, now: now,
		hash: func(pw string) (string, error) { return password.Hash(pw, password.OWASP) }}
}

var (
	ErrNotFound     = fault.NotFound("invite_not_found", "This invite link is unknown or has already been used.")
	ErrExpired      = fault.Gone("link_expired", "This invite link has expired; ask your administrator for a new one.")
	ErrEmailMatches = fault.Forbidden("invite_email_mismatch", "This invite was sent to a different email address than your login's.")
	ErrAlreadyIn    = fault.Conflict("already_member", "Your login is already a member of this organization.")
)

// CreateInput describes one invite to send.
type CreateInput struct {
	OrgID         ident.OrgID
	OrgName       string
	Email         string
	Role          account.Role
	Scope         account.Scope
	InvitedBy     string
	InvitedByName string
}

// Create stores an invite and emails its link. The raw token exists only in the email.
func (s *Service) Create(ctx context.Context, in CreateInput) (Invite, error) {
	return s.create(ctx, in, false, nil)
}

// create stores the invite (through store, when given, else CreateInvite)
// and emails its link; hasLogin switches the email to "sign in first".
func (s *Service) create(ctx context.Context, in CreateInput, hasLogin bool, store func(context.Context, Invite) error) (Invite, error) {
	email := account.NormalizeEmail(in.Email)
	if p := account.EmailProblem(email); p != "" {
		return Invite{}, fault.Validation(map[string]string{"email": p})
	}
	token, tokenHash, err := session.NewToken()
	if err != nil {
		return Invite{}, err
	}
	now := s.now().UTC()
	inv := Invite{
		ID: ident.New(), OrgID: in.OrgID, OrgName: in.OrgName, Email: email, Role: in.Role, Scope: in.Scope,
		Status: StatusSent, InvitedBy: in.InvitedBy, CreatedAt: now, ExpiresAt: now.Add(LinkLifetime), TokenHash: tokenHash,
	}
	if store == nil {
		store = s.store.CreateInvite
	}
	if err := store(ctx, inv); err != nil {
		return Invite{}, fmt.Errorf("create invite: %w", err)
	}
	msg, err := mail.Render("invite", email, map[string]any{"HasLogin": hasLogin,
		"OrgName": in.OrgName, "InvitedBy": in.InvitedByName, "RoleName": in.Role.DisplayName(),
		"Link":      s.link("/invites/"+token, nil),
		"ExpiresAt": inv.ExpiresAt.Format(time.RFC3339),
	})
	if err != nil {
		return Invite{}, err
	}
	if err := s.mailer.Send(ctx, msg); err != nil {
		return Invite{}, fmt.Errorf("email invite %s: %w", inv.ID, err)
	}
	return inv, nil
}

// View returns the invite behind a link, if it can still be used.
func (s *Service) View(ctx context.Context, token string) (Invite, error) {
	inv, err := s.store.InviteByToken(ctx, session.HashToken(token))
	if errors.Is(err, fault.ErrNotFound) {
		return Invite{}, ErrNotFound
	}
	if err != nil {
		return Invite{}, fmt.Errorf("view invite: %w", err)
	}
	if inv.Status != StatusSent {
		return Invite{}, ErrNotFound
	}
	if !s.now().Before(inv.ExpiresAt) {
		return Invite{}, ErrExpired
	}
	return inv, nil
}

// NewLogin is what a person gives to create their login from an invite.
type NewLogin struct {
	Username  string `json:"username"`
	Password  string `json:"password"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// AcceptNew creates a login from the invite.
func (s *Service) AcceptNew(ctx context.Context, token string, in NewLogin) (account.User, []account.Membership, error) {
	inv, err := s.View(ctx, token)
	if err != nil {
		return account.User{}, nil, err
	}
	fields := map[string]string{}
	if p := account.UsernameProblem(strings.TrimSpace(in.Username)); p != "" {
		fields["username"] = p
	}
	if p := account.NameProblem(in.FirstName); p != "" {
		fields["first_name"] = p
	}
	if p := account.NameProblem(in.LastName); p != "" {
		fields["last_name"] = p
	}
	if p := password.DefaultPolicy.Problem(in.Password, in.Username, in.FirstName, in.LastName, inv.Email, inv.OrgName); p != "" {
		fields["password"] = p
	}
	if len(fields) > 0 {
		return account.User{}, nil, fault.Validation(fields)
	}
	hash, err := s.hash(in.Password)
	if err != nil {
		return account.User{}, nil, err
	}
	now := s.now().UTC()
	u := account.User{
		ID: ident.New(), Username: account.NormalizeUsername(in.Username), FirstName: strings.TrimSpace(in.FirstName),
		LastName: strings.TrimSpace(in.LastName), Email: inv.Email, PasswordHash: hash, CreatedAt: now,
	}
	m := s.membership(inv, u.ID, now)
	if err := s.store.AcceptInviteNewUser(ctx, inv, u, m); err != nil {
		return account.User{}, nil, s.acceptError(err)
	}
	return u, []account.Membership{m}, nil
}

// AcceptExisting joins the org to the signed-in login the invite was sent to.
func (s *Service) AcceptExisting(ctx context.Context, token, userID string) (account.User, []account.Membership, error) {
	inv, err := s.View(ctx, token)
	if err != nil {
		return account.User{}, nil, err
	}
	u, ms, err := s.store.UserWithMemberships(ctx, userID)
	if err != nil {
		return account.User{}, nil, fmt.Errorf("accept invite %s: %w", inv.ID, err)
	}
	if account.NormalizeEmail(u.Email) != inv.Email {
		return account.User{}, nil, ErrEmailMatches
	}
	for _, m := range ms {
		if m.OrgID == inv.OrgID {
			return account.User{}, nil, ErrAlreadyIn
		}
	}
	m := s.membership(inv, u.ID, s.now().UTC())
	if err := s.store.AcceptInviteExistingUser(ctx, inv, m); err != nil {
		return account.User{}, nil, s.acceptError(err)
	}
	return u, append(ms, m), nil
}

func (s *Service) membership(inv Invite, userID string, now time.Time) account.Membership {
	return account.Membership{UserID: userID, OrgID: inv.OrgID, OrgName: inv.OrgName, Role: inv.Role, Scope: inv.Scope, Active: true, CreatedAt: now}
}

func (s *Service) acceptError(err error) error {
	switch {
	case errors.Is(err, account.ErrUsernameTaken):
		return account.ErrUsernameTaken
	case errors.Is(err, account.ErrAlreadyMember):
		return ErrAlreadyIn
	case errors.Is(err, fault.ErrConflict):
		return ErrNotFound // used by a concurrent accept
	}
	return fmt.Errorf("accept invite: %w", err)
}
