package dynamo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func newStore(t *testing.T) *dynamo.Store {
	return dynamo.New(testenv.DynamoDB(t), testenv.NewTable(t))
}

func TestOrgs(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	var ids []ident.OrgID
	for i, tin := range []string{"100000001", "100000002", "100000003"} {
		o := org.Org{ID: ident.NewOrgID(), Name: "Org", TIN: tin, Providers: []org.Provider{{NPI: "1234567893", Name: "Dr"}}, CreatedAt: time.Now().Add(time.Duration(i) * time.Second)}
		if err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	if err := s.CreateOrg(ctx, org.Org{ID: ident.NewOrgID(), Name: "Dup", TIN: "100000002"}); !errors.Is(err, org.ErrTINTaken) {
		t.Fatalf("duplicate TIN: %v", err)
	}
	got, err := s.GetOrg(ctx, ids[0])
	if err != nil || got.TIN != "100000001" || len(got.Providers) != 1 {
		t.Fatalf("GetOrg: %+v %v", got, err)
	}
	if _, err := s.GetOrg(ctx, "missing"); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("missing org: %v", err)
	}
	page1, cur, err := s.ListOrgs(ctx, 2, "")
	if err != nil || len(page1) != 2 || cur == "" || page1[0].ID != ids[2] {
		t.Fatalf("page 1: %v %q %v", page1, cur, err)
	}
	page2, cur2, err := s.ListOrgs(ctx, 2, cur)
	if err != nil || len(page2) != 1 || page2[0].ID != ids[0] || cur2 != "" {
		t.Fatalf("page 2: %v %q %v", page2, cur2, err)
	}
	for _, bad := range []string{"!!", "e30", "eyJQSyI6IlVTRVIjeCJ9"} { // garbage, {}, {"PK":"USER#x"}
		if _, _, err := s.ListOrgs(ctx, 2, bad); !errors.Is(err, dynamo.ErrBadCursor) {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

func TestUsersAndSessions(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	now := time.Now().UTC()
	u := account.User{ID: ident.New(), Username: "ann", FirstName: "Ann", LastName: "Lee", Email: "ann@example.org", PasswordHash: "h", CreatedAt: now}
	m := account.Membership{UserID: u.ID, OrgID: "o1", OrgName: "One", Role: account.RoleClericalUser, Scope: account.Scope{NPI: "1234567893"}, Active: true, CreatedAt: now,
		Privileges: map[account.Module]account.Level{account.ModuleClaims: account.LevelView}}
	if err := s.CreateUser(ctx, u, m); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, account.User{ID: ident.New(), Username: "ann", CreatedAt: now}); !errors.Is(err, account.ErrUsernameTaken) {
		t.Fatalf("duplicate username: %v", err)
	}
	id, err := s.UserIDByUsername(ctx, "ANN")
	if err != nil || id != u.ID {
		t.Fatalf("by username: %q %v", id, err)
	}
	gotU, ms, err := s.UserWithMemberships(ctx, u.ID)
	if err != nil || gotU.Email != u.Email || len(ms) != 1 || ms[0].Scope != m.Scope || ms[0].Level(account.ModuleClaims) != account.LevelView {
		t.Fatalf("user with memberships: %+v %+v %v", gotU, ms, err)
	}
	if _, _, err := s.UserWithMemberships(ctx, "nobody"); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("missing user: %v", err)
	}

	sess := session.Session{ID: "hash1", UserID: u.ID, ActiveOrgID: "o1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := s.PutSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetSession(ctx, "hash1")
	if err != nil || got.UserID != u.ID || !got.ExpiresAt.Equal(sess.ExpiresAt) {
		t.Fatalf("get session: %+v %v", got, err)
	}
	if err := s.DeleteSession(ctx, "hash1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(ctx, "hash1"); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("deleted session: %v", err)
	}
}

func TestRevokeUserSessions(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	now := time.Now().UTC()
	u := account.User{ID: ident.New(), Username: "rev", Email: "rev@example.org", CreatedAt: now}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"s1", "s2"} {
		if err := s.PutSession(ctx, session.Session{ID: id, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if ss, err := s.ListUserSessions(ctx, u.ID); err != nil || len(ss) != 2 {
		t.Fatalf("list: %v %v", ss, err)
	}
	at := now.Add(time.Millisecond)
	if err := s.RevokeUserSessions(ctx, u.ID, at, ""); err != nil {
		t.Fatal(err)
	}
	got, _, err := s.UserWithMemberships(ctx, u.ID)
	if err != nil || got.SessionValid(now) || !got.SessionValid(at) {
		t.Fatalf("after revoke: not-before %v, %v", got.SessionsNotBefore, err)
	}
	if ss, _ := s.ListUserSessions(ctx, u.ID); len(ss) != 0 {
		t.Fatalf("sessions left: %v", ss)
	}
	if err := s.RevokeUserSessions(ctx, "nobody", at, ""); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	o := org.Org{ID: ident.NewOrgID(), Name: "S", TIN: "100000009", CreatedAt: now}
	if err := s.CreateOrg(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateOrgSettings(ctx, o.ID, org.Settings{RequireMFA: true, PasswordMinLength: 14}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetOrg(ctx, o.ID); !got.Settings.RequireMFA || got.Settings.PasswordMinLength != 14 {
		t.Fatalf("settings: %+v", got.Settings)
	}
	if err := s.UpdateOrgSettings(ctx, "nope", org.Settings{}); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("settings of unknown org: %v", err)
	}
}
