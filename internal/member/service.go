package member

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/codeword"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/session"
)

// LinkMaker turns a path and query into an absolute URL under the portal's base URL.
type LinkMaker func(path string, q url.Values) string

// Service runs an org's accounts.
type Service struct {
	store    Store
	orgs     Orgs
	mailer   Mailer
	sessions Sessions
	link     LinkMaker
	now      func() time.Time
	hash     func(string) (string, error)
}

// NewService returns a Service.
func NewService(store Store, orgs Orgs, mailer Mailer, sessions Sessions, link LinkMaker, now func() time.Time) *Service {
	return &Service{store: store, orgs: orgs, mailer: mailer, sessions: sessions, link: link, now: now,
		hash: func(pw string) (string, error) { return password.Hash(pw, password.OWASP) }}
}

// coversLogin reports whether the administrator may change what belongs to
// a login with memberships ms (its password, email, lockout): every active
// membership of it is in an office where the administrator is an active
// member with user_admin full at a covering scope, and a site
// administrator's only as a site administrator. Otherwise the login is
// shared with an office out of their reach, and only its owner changes it.
func coversLogin(adm caller.Caller, ms []account.Membership) bool {
	for _, m := range ms {
		if !m.Active {
			continue
		}
		mine, ok := adm.MembershipIn(m.OrgID)
		if !ok || !mine.Level(account.ModuleUserAdmin).Allows(account.LevelFull) || !mine.Scope.Covers(m.Scope) ||
			m.Role == account.RoleSiteAdmin && mine.Role != account.RoleSiteAdmin {
			return false
		}
	}
	return true
}

// mayAssign checks that the administrator may give role at scope.
func mayAssign(a caller.Caller, role account.Role, scope account.Scope) error {
	if !a.Membership.Scope.Covers(scope) {
		return ErrScopeTooWide
	}
	if !a.Membership.Role.MayGrant(role) {
		return ErrRoleTooHigh
	}
	return nil
}

// reaches reports whether the administrator may see and manage a member at
// scope: a provider-scoped administrator only their own provider's users.
func reaches(a caller.Caller, m account.Membership) bool { return a.Membership.Scope.Covers(m.Scope) }

// CreateInput is POST /v1/orgs/{org}/users.
type CreateInput struct {
	EmployeeID  string `json:"employee_id,omitempty"`
	FirstName   string `json:"first_name"`
	MiddleName  string `json:"middle_name,omitempty"`
	LastName    string `json:"last_name"`
	Email       string `json:"email"`
	Phone       string `json:"phone,omitempty"`
	Username    string `json:"username"`
	Role        string `json:"role" enum:"site-admin,provider-admin,portal-user,clerical-user,client"`
	Scope       string `json:"scope" doc:"org or provider:<NPI>, no wider than the administrator's."`
	Credentials string `json:"credentials" enum:"temporary-password,email-link"`
	Password    string `json:"password,omitempty" doc:"A temporary password of your choice; generated when left out."`
}

// Credential deliveries of a new user.
const (
	CredentialsTemporary = "temporary-password"
	CredentialsEmailLink = "email-link"
)

// Created is a new user; TemporaryPassword is set only when generated, and
// is shown once.
type Created struct {
	Detail            Detail
	TemporaryPassword string
}

// Create adds a user to the org (F14), for an employee or directly.
func (s *Service) Create(ctx context.Context, adm caller.Caller, in CreateInput) (Created, error) {
	o, err := s.org(ctx, adm.Org)
	if err != nil {
		return Created{}, err
	}
	fields := map[string]string{}
	username := account.NormalizeUsername(in.Username)
	if p := account.UsernameProblem(username); p != "" {
		fields["username"] = p
	}
	for name, v := range map[string]string{"first_name": in.FirstName, "last_name": in.LastName} {
		if p := account.NameProblem(v); p != "" {
			fields[name] = p
		}
	}
	email := account.NormalizeEmail(in.Email)
	if p := account.EmailProblem(email); p != "" {
		fields["email"] = p
	}
	role, ok := account.ParseRole(in.Role)
	if !ok {
		fields["role"] = "must be one of site-admin, provider-admin, portal-user, clerical-user, client"
	}
	scope, err := account.ParseScope(in.Scope)
	if err != nil {
		fields["scope"] = err.Error()
	} else if !scope.IsOrg() && !o.HasProvider(scope.NPI) {
		fields["scope"] = "is not a provider of this organization"
	}
	policy := policyOf(o)
	switch in.Credentials {
	case CredentialsTemporary:
		if in.Password != "" {
			if p := policy.Problem(in.Password, username, in.FirstName, in.LastName, email, o.Name); p != "" {
				fields["password"] = p
			}
		}
	case CredentialsEmailLink:
		if in.Password != "" {
			fields["password"] = "is only for temporary-password credentials"
		}
	default:
		fields["credentials"] = `must be "temporary-password" or "email-link"`
	}
	if len(in.MiddleName) > 100 {
		fields["middle_name"] = "must be at most 100 characters"
	}
	if len(in.Phone) > 40 {
		fields["phone"] = "must be at most 40 characters"
	}
	if len(fields) > 0 {
		return Created{}, fault.Validation(fields)
	}
	if err := mayAssign(adm, role, scope); err != nil {
		return Created{}, err
	}
	if account.TicketOnly("", role) {
		return Created{}, account.ErrPrivilegeTicketRequired
	}

	now := s.now().UTC()
	u := account.User{ID: ident.New(), Username: username, FirstName: strings.TrimSpace(in.FirstName), MiddleName: strings.TrimSpace(in.MiddleName),
		LastName: strings.TrimSpace(in.LastName), Email: email, Phone: strings.TrimSpace(in.Phone), CreatedAt: now}
	m := account.Membership{UserID: u.ID, OrgID: o.ID, OrgName: o.Name, Role: role, Scope: scope, Active: true, CreatedAt: now}
	nm := NewMember{User: u, Membership: m, EmployeeID: in.EmployeeID, Audit: audit.ActorOf(adm).Entry(o.ID, audit.ActionUserCreate, "user:"+u.ID, now)}
	var out Created
	var token string
	switch in.Credentials {
	case CredentialsTemporary:
		temp := in.Password
		if temp == "" {
			if temp, err = password.Temporary(); err != nil {
				return Created{}, fmt.Errorf("create user: %w", err)
			}
			out.TemporaryPassword = temp
		}
		if nm.User.PasswordHash, err = s.hash(temp); err != nil {
			return Created{}, err
		}
		expires := now.Add(LinkLifetime)
		nm.User.PasswordChangeRequired, nm.User.TemporaryPasswordExpiresAt = true, &expires
	case CredentialsEmailLink:
		var link Link
		token, link, err = s.newLink(o.ID, u.ID, now)
		if err != nil {
			return Created{}, err
		}
		nm.Link = &link
		// No one knows this password: the user sets theirs from the link.
		if nm.User.PasswordHash, err = s.unusablePassword(); err != nil {
			return Created{}, err
		}
	}
	if err := s.store.CreateMember(ctx, nm); err != nil {
		if errors.Is(err, account.ErrUsernameTaken) || errors.Is(err, ErrEmployeeTaken) {
			return Created{}, err
		}
		return Created{}, fmt.Errorf("create user: %w", err)
	}
	if token != "" {
		if err := s.sendLink(ctx, "account-setup", nm.User, o, token, nm.Link.ExpiresAt); err != nil {
			return Created{}, err
		}
	}
	out.Detail = detailOf(nm.User, nm.Membership, now)
	return out, nil
}

// List pages through the user list (F15). A provider-scoped administrator
// sees only their own provider's members.
func (s *Service) List(ctx context.Context, adm caller.Caller, f Filter, limit int, cursor string) ([]Listing, string, error) {
	f, err := narrow(adm, f)
	if err != nil {
		return nil, "", err
	}
	return s.store.ListMembers(ctx, adm.Org, f, limit, cursor)
}

// exportPage is how many members the export reads per call: large enough
// for few calls, small enough that memory stays flat.
const exportPage = 200

// Export streams every member matching f to emit, page by page, so the
// function's memory does not grow with the org (F15).
func (s *Service) Export(ctx context.Context, adm caller.Caller, f Filter, emit func(org.Org, []Listing) error) error {
	f, err := narrow(adm, f)
	if err != nil {
		return err
	}
	o, err := s.org(ctx, adm.Org)
	if err != nil {
		return err
	}
	cursor := ""
	for {
		page, next, err := s.store.ListMembers(ctx, o.ID, f, exportPage, cursor)
		if err != nil {
			return fmt.Errorf("export users: %w", err)
		}
		if err := emit(o, page); err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}

// narrow restricts a provider-scoped administrator's filter to their scope.
func narrow(a caller.Caller, f Filter) (Filter, error) {
	if a.Membership.Scope.IsOrg() {
		return f, nil
	}
	if f.Scope != nil && *f.Scope != a.Membership.Scope {
		return f, ErrScopeTooWide
	}
	own := a.Membership.Scope
	f.Scope = &own
	return f, nil
}

// Get returns a member's detail (F16).
func (s *Service) Get(ctx context.Context, adm caller.Caller, userID string) (Detail, error) {
	u, _, m, err := s.target(ctx, adm, userID)
	if err != nil {
		return Detail{}, err
	}
	return detailOf(u, m, s.now()), nil
}

// target reads a member of the administrator's org within their reach.
func (s *Service) target(ctx context.Context, adm caller.Caller, userID string) (account.User, []account.Membership, account.Membership, error) {
	if userID == "" || len(userID) > 64 {
		return account.User{}, nil, account.Membership{}, ErrNotFound
	}
	u, ms, err := s.store.UserWithMemberships(ctx, userID)
	if errors.Is(err, fault.ErrNotFound) {
		return account.User{}, nil, account.Membership{}, ErrNotFound
	}
	if err != nil {
		return account.User{}, nil, account.Membership{}, fmt.Errorf("read user %s: %w", userID, err)
	}
	for _, m := range ms {
		if m.OrgID == adm.Org && reaches(adm, m) {
			return u, ms, m, nil
		}
	}
	return account.User{}, nil, account.Membership{}, ErrNotFound
}

// Patch is PATCH /v1/orgs/{org}/users/{id}; nil fields are left alone.
type Patch struct {
	Username                *string          `json:"username"`
	FirstName               *string          `json:"first_name"`
	MiddleName              *string          `json:"middle_name"`
	LastName                *string          `json:"last_name"`
	Email                   *string          `json:"email"`
	Phone                   *string          `json:"phone"`
	Role                    *string          `json:"role"`
	Scope                   *string          `json:"scope"`
	NotificationPreferences *map[string]bool `json:"notification_preferences"`
	Locked                  *bool            `json:"locked"`
	Deleted                 *bool            `json:"deleted"`
}

// change is one administrator edit: mutate gets copies of the user and of
// the membership in the org and says what happened.
type change struct {
	action string
	// login: the change touches what belongs to the login itself (password,
	// email, lockout), so the administrator must cover every office it is
	// used in (ErrSharedLogin otherwise).
	login           bool
	userChanged     bool // names, phone, preferences, email
	passwordChanged bool
	clearLoginLock  bool
	endSessions     bool
	link            *Link
	// notify is an email sent after the change is stored.
	notify func(ctx context.Context, u account.User) error
}

// Update applies a PATCH (F16, F18 via deleted, F2 via locked).
func (s *Service) Update(ctx context.Context, adm caller.Caller, userID string, p Patch) (Detail, error) {
	o, err := s.org(ctx, adm.Org)
	if err != nil {
		return Detail{}, err
	}
	fields := map[string]string{}
	var role account.Role
	var scope account.Scope
	if p.FirstName != nil {
		if pr := account.NameProblem(*p.FirstName); pr != "" {
			fields["first_name"] = pr
		}
	}
	if p.LastName != nil {
		if pr := account.NameProblem(*p.LastName); pr != "" {
			fields["last_name"] = pr
		}
	}
	if p.MiddleName != nil && len(*p.MiddleName) > 100 {
		fields["middle_name"] = "must be at most 100 characters"
	}
	if p.Phone != nil && len(*p.Phone) > 40 {
		fields["phone"] = "must be at most 40 characters"
	}
	if p.Email != nil {
		if pr := account.EmailProblem(account.NormalizeEmail(*p.Email)); pr != "" {
			fields["email"] = pr
		}
	}
	if p.Role != nil {
		r, ok := account.ParseRole(*p.Role)
		if !ok {
			fields["role"] = "must be one of site-admin, provider-admin, portal-user, clerical-user, client"
		}
		role = r
	}
	if p.Scope != nil {
		sc, err := account.ParseScope(*p.Scope)
		if err != nil {
			fields["scope"] = err.Error()
		} else if !sc.IsOrg() && !o.HasProvider(sc.NPI) {
			fields["scope"] = "is not a provider of this organization"
		}
		scope = sc
	}
	if p.NotificationPreferences != nil && len(*p.NotificationPreferences) > 20 {
		fields["notification_preferences"] = "has too many entries"
	}
	if len(fields) > 0 {
		return Detail{}, fault.Validation(fields)
	}
	var pending string
	d, err := s.apply(ctx, adm, userID, func(u *account.User, m *account.Membership) (change, error) {
		if p.Username != nil && account.NormalizeUsername(*p.Username) != u.Username {
			return change{}, ErrUsernameImmutable
		}
		c := change{action: audit.ActionUserUpdate}
		if p.Role != nil || p.Scope != nil {
			if p.Role == nil {
				role = m.Role
			}
			if p.Scope == nil {
				scope = m.Scope
			}
			if err := mayAssign(adm, role, scope); err != nil {
				return change{}, err
			}
			if account.TicketOnly(m.Role, role) {
				if m.Role == account.RoleSiteAdmin {
					// The contract's answer for demoting the last one comes first.
					if _, err := s.otherSiteAdmin(ctx, m.OrgID, u.ID, 1); err != nil {
						return change{}, err
					}
				}
				return change{}, account.ErrPrivilegeTicketRequired
			}
			m.Role, m.Scope = role, scope
		}
		before := *u
		set(&u.FirstName, p.FirstName)
		set(&u.MiddleName, p.MiddleName)
		set(&u.LastName, p.LastName)
		set(&u.Phone, p.Phone)
		if p.NotificationPreferences != nil {
			u.NotificationPreferences = *p.NotificationPreferences
		}
		c.userChanged = u.FirstName != before.FirstName || u.MiddleName != before.MiddleName || u.LastName != before.LastName ||
			u.Phone != before.Phone || p.NotificationPreferences != nil
		if p.Email != nil && account.NormalizeEmail(*p.Email) != u.Email {
			// The new address takes effect only when it confirms itself, so
			// an administrator cannot route the login's resets elsewhere.
			if err := s.requestEmailChange(&c, o, *u, account.NormalizeEmail(*p.Email)); err != nil {
				return change{}, err
			}
			pending = account.NormalizeEmail(*p.Email)
		}
		if p.Locked != nil && *p.Locked != m.Locked {
			c = s.lockChange(c, m, *p.Locked)
		} else if p.Locked != nil && !*p.Locked && u.LockActive(s.now()) {
			// The membership is not locked, the login is locked out: lifting
			// that is a change of the login.
			c.action, c.login, c.clearLoginLock = audit.ActionUserUnlock, true, true
		}
		if p.Deleted != nil && *p.Deleted != m.Deleted {
			c = s.deleteChange(c, m, *p.Deleted)
		}
		return c, nil
	})
	d.PendingEmail = pending
	return d, err
}

func set(dst *string, v *string) {
	if v != nil {
		*dst = strings.TrimSpace(*v)
	}
}

// requestEmailChange adds to c a link that confirms the new address, sent
// to that address, and a notice to the old one.
func (s *Service) requestEmailChange(c *change, o org.Org, u account.User, email string) error {
	token, link, err := s.newLink(o.ID, u.ID, s.now().UTC())
	if err != nil {
		return err
	}
	link.Purpose, link.Email = LinkEmail, email
	c.login, c.link, c.action = true, &link, audit.ActionUserEmailRequested
	c.notify = func(ctx context.Context, u account.User) error {
		msg, err := mail.Render("email-change", email, map[string]any{
			"OrgName": o.Name, "Username": u.Username, "Link": s.link("/email/confirm", url.Values{"token": {token}}),
			"ExpiresAt": link.ExpiresAt.Format(time.RFC3339),
		})
		if err != nil {
			return err
		}
		if err := s.mailer.Send(ctx, msg); err != nil {
			return fmt.Errorf("email address confirmation to %s: %w", u.ID, err)
		}
		if u.Email == "" {
			return nil
		}
		notice, err := mail.Render("email-change-notice", u.Email, map[string]any{"OrgName": o.Name, "Username": u.Username, "NewEmail": email})
		if err != nil {
			return err
		}
		if err := s.mailer.Send(ctx, notice); err != nil {
			return fmt.Errorf("email change notice to %s: %w", u.ID, err)
		}
		return nil
	}
	return nil
}

// lockChange is an administrator's lock (until an administrator unlocks)
// or unlock of the membership in this office (F2, F16); the unlock also
// lifts a lockout of the login from failed sign-ins when the administrator
// covers every office the login is used in (otherwise it runs out by itself).
func (s *Service) lockChange(c change, m *account.Membership, lock bool) change {
	m.SetLocked(lock, s.now())
	if lock {
		c.action = audit.ActionUserLock
		return c
	}
	c.action, c.clearLoginLock = audit.ActionUserUnlock, true
	return c
}

// deleteChange is the logical delete of the membership in this office
// (F18), or its reactivation.
func (s *Service) deleteChange(c change, m *account.Membership, del bool) change {
	m.SetDeleted(del)
	c.action = audit.ActionUserReactivate
	if del {
		c.action = audit.ActionUserDelete
	}
	return c
}

// Delete is the logical delete (F18) of the person's membership in this
// office: they can no longer act here, the record stays; their other
// offices are untouched.
func (s *Service) Delete(ctx context.Context, adm caller.Caller, userID string) error {
	_, err := s.apply(ctx, adm, userID, func(u *account.User, m *account.Membership) (change, error) {
		return s.deleteChange(change{}, m, true), nil
	})
	return err
}

// Reactivate undoes a logical delete in this office (F18, F23).
func (s *Service) Reactivate(ctx context.Context, adm caller.Caller, userID string) (Detail, error) {
	return s.apply(ctx, adm, userID, func(u *account.User, m *account.Membership) (change, error) {
		return s.deleteChange(change{}, m, false), nil
	})
}

// ResetResult is an administrator reset: the temporary password, or the
// delivery when the org hides temporary passwords.
type ResetResult struct {
	TemporaryPassword string
	Delivery          string // "temporary-password" or "email-link"
}

// ResetPassword is the administrator reset (F17): a generated temporary
// password, valid 24 h and to be changed at the next sign-in, shown once to
// the administrator and emailed to the user; or, when the org sets
// admin_sees_temporary_password=false, an emailed reset link only (ASVS
// 6.4.6), and the old password stops working at once. The password belongs
// to the login, so the administrator must cover every office it is used in.
func (s *Service) ResetPassword(ctx context.Context, adm caller.Caller, userID string) (ResetResult, error) {
	o, err := s.org(ctx, adm.Org)
	if err != nil {
		return ResetResult{}, err
	}
	now := s.now().UTC()
	var res ResetResult
	var hash, token string
	var link Link
	if o.Settings.HideTemporaryPassword {
		res.Delivery = CredentialsEmailLink
		if token, link, err = s.newLink(o.ID, userID, now); err != nil {
			return ResetResult{}, err
		}
		// Nobody knows the new password until the link sets one.
		if hash, err = s.unusablePassword(); err != nil {
			return ResetResult{}, err
		}
	} else {
		res.Delivery = CredentialsTemporary
		if res.TemporaryPassword, err = password.Temporary(); err != nil {
			return ResetResult{}, fmt.Errorf("reset password: %w", err)
		}
		if hash, err = s.hash(res.TemporaryPassword); err != nil {
			return ResetResult{}, err
		}
	}
	var user account.User
	_, err = s.apply(ctx, adm, userID, func(u *account.User, m *account.Membership) (change, error) {
		if m.Deleted {
			return change{}, fault.Conflict("user_deleted", "This user is deleted; reactivate them first.")
		}
		c := change{action: audit.ActionUserReset, login: true, endSessions: true, passwordChanged: true}
		if token != "" {
			c.link = &link
			u.PasswordHash, u.PasswordChangeRequired, u.TemporaryPasswordExpiresAt = hash, false, nil
		} else {
			expires := now.Add(LinkLifetime)
			u.PasswordHash, u.PasswordChangeRequired, u.TemporaryPasswordExpiresAt = hash, true, &expires
		}
		user = *u
		return c, nil
	})
	if err != nil {
		return ResetResult{}, err
	}
	if token != "" {
		return res, s.sendLink(ctx, "password-reset-link", user, o, token, link.ExpiresAt)
	}
	msg, err := mail.Render("temporary-password", user.Email, map[string]string{
		"OrgName": o.Name, "Username": user.Username, "TemporaryPassword": res.TemporaryPassword,
		"ExpiresAt": now.Add(LinkLifetime).Format(time.RFC3339), "SignIn": s.link("/", nil),
	})
	if err != nil {
		return ResetResult{}, err
	}
	if err := s.mailer.Send(ctx, msg); err != nil {
		return ResetResult{}, fmt.Errorf("email temporary password to %s: %w", user.ID, err)
	}
	return res, nil
}

// SetPrivileges replaces the member's per-module overrides (F19). Levels
// are checked against the administrator's own; a site administrator's
// support access stays none (F20).
func (s *Service) SetPrivileges(ctx context.Context, adm caller.Caller, userID string, levels map[string]string) (Detail, error) {
	fields := map[string]string{}
	privs := map[account.Module]account.Level{}
	for name, lv := range levels {
		mod, ok := account.ParseModule(name)
		if !ok {
			fields[name] = "is not a module"
			continue
		}
		l, ok := account.ParseLevel(lv)
		if !ok {
			fields[name] = `must be "full", "view" or "none"`
			continue
		}
		privs[mod] = l
	}
	if len(fields) > 0 {
		return Detail{}, fault.Validation(fields)
	}
	return s.apply(ctx, adm, userID, func(u *account.User, m *account.Membership) (change, error) {
		if _, ok := privs[account.ModuleSupport]; ok {
			// Support is the membership's flag, changed only by a privilege-change ticket (F21, F22).
			return change{}, account.ErrPrivilegeTicketRequired
		}
		for mod, l := range privs {
			if !adm.Membership.Level(mod).Allows(l) {
				return change{}, ErrAboveOwnLevel
			}
		}
		m.Privileges = privs
		return change{action: audit.ActionUserPrivileges}, nil
	})
}

// maxSaveAttempts bounds the retries of a save whose kept site
// administrator changed meanwhile (the index is eventually consistent).
const maxSaveAttempts = 3

// apply reads the target, lets mutate change copies of the user and of the
// membership in the org, and writes the result in one transaction with the
// audit entry, conditional on the revisions it read (a lock, revocation or
// edit made meanwhile is never undone: 409 edit_conflict). A change of what
// belongs to the login itself needs the administrator to cover every office
// the login is used in (409 shared_login). Whenever the change would leave an
// org without an active site administrator it is refused with 409
// last_site_admin; the store re-checks the kept administrator inside the
// transaction, so two administrators demoting each other at once cannot
// both succeed. Sessions end when the login changes that way (password) or
// when it has no office left to act in.
func (s *Service) apply(ctx context.Context, adm caller.Caller, userID string, mutate func(*account.User, *account.Membership) (change, error)) (Detail, error) {
	for attempt := 1; ; attempt++ {
		u, ms, m, err := s.target(ctx, adm, userID)
		if err != nil {
			return Detail{}, err
		}
		if m.Role == account.RoleSiteAdmin && adm.Membership.Role != account.RoleSiteAdmin {
			return Detail{}, ErrRoleTooHigh
		}
		newU := u
		newU.NotificationPreferences = maps.Clone(u.NotificationPreferences)
		newM := m
		newM.Privileges = maps.Clone(m.Privileges)
		if newM.Privileges == nil {
			newM.Privileges = map[account.Module]account.Level{}
		}
		c, err := mutate(&newU, &newM)
		if err != nil {
			return Detail{}, err
		}
		if c.clearLoginLock && !u.LockActive(s.now()) && u.FailedLogins == 0 {
			c.clearLoginLock = false // nothing of the login's to lift
		}
		if c.clearLoginLock && !c.login && !coversLogin(adm, ms) {
			// The membership's unlock stands; the login's lockout runs out by itself.
			c.clearLoginLock = false
		}
		if c.login && !coversLogin(adm, ms) {
			return Detail{}, ErrSharedLogin
		}
		now := s.now().UTC()
		newMs := make([]account.Membership, len(ms))
		write := []account.Membership{}
		keep := map[ident.OrgID]string{}
		stillActive := false
		for i, x := range ms {
			newMs[i] = x
			if x.OrgID == m.OrgID {
				newMs[i] = newM
			}
			if x.OrgID == m.OrgID || c.userChanged || c.clearLoginLock {
				// Every membership carries a copy of the login's listed fields.
				write = append(write, newMs[i])
			}
			stillActive = stillActive || newMs[i].Active
			if x.ActiveSiteAdmin(u) && !newMs[i].ActiveSiteAdmin(newU) {
				other, err := s.otherSiteAdmin(ctx, x.OrgID, u.ID, attempt)
				if err != nil {
					return Detail{}, err
				}
				keep[x.OrgID] = other
			}
		}
		// A login left with no office to act in is signed out everywhere.
		endSessions := c.endSessions || !stillActive && slicesAnyActive(ms)
		if c.clearLoginLock {
			newU.Locked, newU.LockedByAdmin, newU.LockoutTime = false, false, nil
		}
		err = s.store.SaveMember(ctx, Save{User: newU, UserChanged: c.userChanged, Memberships: write, PasswordChanged: c.passwordChanged,
			ClearLoginLock: c.clearLoginLock, EndSessions: endSessions, KeepSiteAdmins: keep, Link: c.link,
			Audit: audit.ActorOf(adm).Entry(m.OrgID, c.action, "user:"+u.ID, now)})
		switch {
		case errors.Is(err, ErrKeepSiteAdminGone) && attempt < maxSaveAttempts:
			continue
		case errors.Is(err, ErrKeepSiteAdminGone):
			return Detail{}, ErrLastSiteAdmin
		case errors.Is(err, fault.ErrConflict):
			return Detail{}, ErrEditConflict
		case err != nil:
			return Detail{}, fmt.Errorf("save user %s: %w", u.ID, err)
		}
		if endSessions {
			// The stamp written above already ends them; this removes the items.
			if err := s.sessions.EndAll(context.WithoutCancel(ctx), u.ID); err != nil {
				return Detail{}, err
			}
		}
		if c.notify != nil {
			if err := c.notify(ctx, u); err != nil {
				return Detail{}, err
			}
		}
		newM.Rev++
		return detailOf(newU, newM, now), nil
	}
}

func slicesAnyActive(ms []account.Membership) bool {
	for _, m := range ms {
		if m.Active {
			return true
		}
	}
	return false
}

// otherSiteAdmin picks an active site administrator of org other than
// userID; later attempts pick later candidates, in case the index was stale.
func (s *Service) otherSiteAdmin(ctx context.Context, orgID ident.OrgID, userID string, attempt int) (string, error) {
	return OtherSiteAdmin(ctx, s.store, orgID, userID, attempt)
}

// SiteAdminLister lists an org's active site administrators from an index
// (a hint: the write that relies on one checks it again).
type SiteAdminLister interface {
	ActiveSiteAdmins(ctx context.Context, orgID ident.OrgID) ([]string, error)
}

// OtherSiteAdmin picks an active site administrator of org other than
// userID, to be kept by a change that takes userID's place away; later
// attempts pick later candidates, in case the index was stale. It returns
// ErrLastSiteAdmin when there is none.
func OtherSiteAdmin(ctx context.Context, admins SiteAdminLister, orgID ident.OrgID, userID string, attempt int) (string, error) {
	ids, err := admins.ActiveSiteAdmins(ctx, orgID)
	if err != nil {
		return "", fmt.Errorf("find site administrators of %s: %w", orgID, err)
	}
	var others []string
	for _, id := range ids {
		if id != userID {
			others = append(others, id)
		}
	}
	if len(others) == 0 {
		return "", ErrLastSiteAdmin
	}
	return others[(attempt-1)%len(others)], nil
}

// SetupInput is POST /v1/auth/setup.
type SetupInput struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
	CodeWord    string `json:"code_word,omitempty"`
}

// maxCodeWordAttempts is how many wrong code words one link survives.
const maxCodeWordAttempts = 5

// Setup sets a password from a set-up or reset link; where the org has a
// practice code word, it is required (F6, F14).
func (s *Service) Setup(ctx context.Context, in SetupInput) error {
	if in.Token == "" || len(in.Token) > 128 {
		return ErrLinkNotFound
	}
	tokenHash := session.HashToken(in.Token)
	l, err := s.store.LinkByToken(ctx, tokenHash)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && l.Purpose != LinkSetup) {
		return ErrLinkNotFound
	}
	if err != nil {
		return fmt.Errorf("read set-up link: %w", err)
	}
	if !s.now().Before(l.ExpiresAt) {
		return ErrLinkExpired
	}
	if l.Attempts >= maxCodeWordAttempts {
		return ErrTooManyAttempts
	}
	o, err := s.org(ctx, l.OrgID)
	if err != nil {
		return err
	}
	u, _, err := s.store.UserWithMemberships(ctx, l.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return ErrLinkNotFound
	}
	if err != nil {
		return fmt.Errorf("set up password: %w", err)
	}
	if o.Settings.CodeWordHash != "" {
		if in.CodeWord == "" {
			return ErrCodeWordRequired
		}
		ok, err := password.Verify(codeword.Normalize(in.CodeWord), o.Settings.CodeWordHash)
		if err != nil {
			return fmt.Errorf("verify code word of %s: %w", o.ID, err)
		}
		if !ok {
			if err := s.store.CountLinkAttempt(ctx, tokenHash, maxCodeWordAttempts); errors.Is(err, fault.ErrConflict) {
				return ErrTooManyAttempts
			} else if err != nil {
				return err
			}
			return ErrCodeWordMismatch
		}
	}
	if p := policyOf(o).Problem(in.NewPassword, u.Username, u.FirstName, u.LastName, u.Email, o.Name); p != "" {
		return fault.Validation(map[string]string{"new_password": p})
	}
	hash, err := s.hash(in.NewPassword)
	if err != nil {
		return err
	}
	if err := s.store.UseLink(ctx, l, hash); errors.Is(err, fault.ErrConflict) {
		return ErrLinkNotFound
	} else if err != nil {
		return fmt.Errorf("set up password: %w", err)
	}
	return nil
}

// ConfirmEmail makes the address an email-change link was sent to the
// login's email (the link proves the person reads it). The change is
// conditional on the login as read, and uses the link up in the same write.
func (s *Service) ConfirmEmail(ctx context.Context, token string, from audit.Actor) error {
	if token == "" || len(token) > 128 {
		return ErrLinkNotFound
	}
	l, err := s.store.LinkByToken(ctx, session.HashToken(token))
	if errors.Is(err, fault.ErrNotFound) || (err == nil && l.Purpose != LinkEmail) {
		return ErrLinkNotFound
	}
	if err != nil {
		return fmt.Errorf("read email link: %w", err)
	}
	if !s.now().Before(l.ExpiresAt) {
		return ErrLinkExpired
	}
	u, ms, err := s.store.UserWithMemberships(ctx, l.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return ErrLinkNotFound
	}
	if err != nil {
		return fmt.Errorf("confirm email: %w", err)
	}
	u.Email = l.Email
	now := s.now().UTC()
	from.UserID, from.Username = u.ID, u.Username
	err = s.store.SaveMember(ctx, Save{User: u, UserChanged: true, Memberships: ms, UseLink: l.TokenHash,
		Audit: from.Entry(l.OrgID, audit.ActionUserEmailChanged, "user:"+u.ID, now)})
	if errors.Is(err, fault.ErrConflict) {
		return ErrLinkNotFound
	}
	if err != nil {
		return fmt.Errorf("confirm email of %s: %w", u.ID, err)
	}
	return nil
}

func (s *Service) newLink(orgID ident.OrgID, userID string, now time.Time) (string, Link, error) {
	token, tokenHash, err := session.NewToken()
	if err != nil {
		return "", Link{}, err
	}
	return token, Link{TokenHash: tokenHash, Purpose: LinkSetup, OrgID: orgID, UserID: userID, ExpiresAt: now.Add(LinkLifetime)}, nil
}

func (s *Service) sendLink(ctx context.Context, kind string, u account.User, o org.Org, token string, expires time.Time) error {
	msg, err := mail.Render(kind, u.Email, map[string]any{
		"OrgName": o.Name, "Username": u.Username, "Link": s.link("/setup", url.Values{"token": {token}}),
		"ExpiresAt": expires.Format(time.RFC3339), "CodeWord": o.Settings.CodeWordHash != "",
	})
	if err != nil {
		return err
	}
	if err := s.mailer.Send(ctx, msg); err != nil {
		return fmt.Errorf("email %s link to %s: %w", kind, u.ID, err)
	}
	return nil
}

// unusablePassword is the hash of a random secret nobody knows, so a user
// waiting for their set-up link has a well-formed hash that matches nothing.
func (s *Service) unusablePassword() (string, error) {
	secret, _, err := session.NewToken()
	if err != nil {
		return "", err
	}
	return s.hash(secret)
}

func (s *Service) org(ctx context.Context, id ident.OrgID) (org.Org, error) {
	o, err := s.orgs.GetOrg(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return org.Org{}, org.ErrNotFound
	}
	if err != nil {
		return org.Org{}, fmt.Errorf("read org %s: %w", id, err)
	}
	return o, nil
}

func policyOf(o org.Org) password.Policy {
	if o.Settings.PasswordMinLength > 0 {
		return password.Policy{MinLength: o.Settings.PasswordMinLength}
	}
	return password.DefaultPolicy
}

// SetupNeedsCodeWord checks an emailed set-up link without using it, and
// reports whether its office has a code word to ask for (F14, seed 004).
func (s *Service) SetupNeedsCodeWord(ctx context.Context, token string) (bool, error) {
	if token == "" || len(token) > 128 {
		return false, ErrLinkNotFound
	}
	l, err := s.store.LinkByToken(ctx, session.HashToken(token))
	if errors.Is(err, fault.ErrNotFound) || (err == nil && l.Purpose != LinkSetup) {
		return false, ErrLinkNotFound
	}
	if err != nil {
		return false, fmt.Errorf("read set-up link: %w", err)
	}
	if !s.now().Before(l.ExpiresAt) {
		return false, ErrLinkExpired
	}
	if l.Attempts >= maxCodeWordAttempts {
		return false, ErrTooManyAttempts
	}
	o, err := s.org(ctx, l.OrgID)
	if err != nil {
		return false, err
	}
	return o.Settings.CodeWordHash != "", nil
}
