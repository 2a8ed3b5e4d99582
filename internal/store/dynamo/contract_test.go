package dynamo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/governance"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/settings"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
)

// The contract of each store port, run against DynamoDB Local through the
// port's own interface (only the methods its feature may call). Every suite
// has the case a tenant leak would break: an office's item asked for from
// another office is not found, and its lists do not show it.

// twoOffices stores two offices, A and B, and returns their ids.
func twoOffices(t *testing.T, s org.Store) (ident.OrgID, ident.OrgID) {
	t.Helper()
	a, b := ident.NewOrgID(), ident.NewOrgID()
	for i, id := range []ident.OrgID{a, b} {
		o := org.Org{ID: id, Name: "Office " + string(rune('A'+i)), TIN: uniqueTIN(), Providers: []org.Provider{{NPI: "1234567893", Name: "Dr"}}, CreatedAt: time.Now()}
		if err := s.CreateOrg(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

var tinSeq = time.Now().UnixNano() % 100000000

func uniqueTIN() string {
	tinSeq++
	return "9" + leftPad(tinSeq, 8)
}

func leftPad(n int64, width int) string {
	s := []byte{}
	for i := 0; i < width; i++ {
		s = append([]byte{byte('0' + n%10)}, s...)
		n /= 10
	}
	return string(s)
}

func entry(orgID ident.OrgID, action string) audit.Entry {
	return audit.Actor{UserID: "tester", Username: "tester"}.Entry(orgID, action, "test", time.Now())
}

// notFound fails unless err is the store's not-found.
func notFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("%s: %v, want not found", what, err)
	}
}

func TestContractOrgStore(t *testing.T) {
	var s org.Store = newStore(t)
	ctx := context.Background()
	a, _ := twoOffices(t, s)
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"reads its office", func(t *testing.T) {
			if o, err := s.GetOrg(ctx, a); err != nil || o.ID != a {
				t.Fatalf("%+v %v", o, err)
			}
		}},
		{"not found from another org id", func(t *testing.T) {
			_, err := s.GetOrg(ctx, ident.NewOrgID())
			notFound(t, "GetOrg", err)
		}},
		{"settings of an unknown office are refused", func(t *testing.T) {
			if err := s.UpdateOrgSettings(ctx, ident.NewOrgID(), org.Settings{RequireMFA: true}); err == nil {
				t.Fatal("settings written for an office that does not exist")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestContractSettingsStore(t *testing.T) {
	store := newStore(t)
	var s settings.Store = store
	ctx := context.Background()
	a, b := twoOffices(t, store)
	if err := s.SaveOrgSettings(ctx, a, org.Settings{RequireMFA: true, PasswordMinLength: 16}, entry(a, audit.ActionOrgSettings)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		org  ident.OrgID
		mfa  bool
	}{
		{"the office that saved them", a, true},
		{"not seen from another org", b, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := s.GetOrg(ctx, tc.org)
			if err != nil || o.Settings.RequireMFA != tc.mfa {
				t.Fatalf("%+v %v", o.Settings, err)
			}
		})
	}
	t.Run("not found from an unknown org", func(t *testing.T) {
		err := s.SaveOrgSettings(ctx, ident.NewOrgID(), org.Settings{}, entry(a, audit.ActionOrgSettings))
		if err == nil {
			t.Fatal("saved settings of an office that does not exist")
		}
	})
}

func TestContractEmployeeAndAuditStores(t *testing.T) {
	store := newStore(t)
	var s employee.Store = store
	var log audit.Store = store
	ctx := context.Background()
	a, b := twoOffices(t, store)
	e := employee.Employee{ID: ident.New(), OrgID: a, FirstName: "Eve", LastName: "Staff", Active: true, Source: employee.SourceManual, CreatedAt: time.Now()}
	if err := s.CreateEmployee(ctx, e, entry(a, audit.ActionEmployeeCreate)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"reads it in its office", func(t *testing.T) {
			if got, err := s.GetEmployee(ctx, a, e.ID); err != nil || got.FirstName != "Eve" {
				t.Fatalf("%+v %v", got, err)
			}
		}},
		{"not found from another org", func(t *testing.T) {
			_, err := s.GetEmployee(ctx, b, e.ID)
			notFound(t, "GetEmployee", err)
		}},
		{"another org's list does not show it", func(t *testing.T) {
			es, _, err := s.ListEmployees(ctx, b, 50, "")
			if err != nil || len(es) != 0 {
				t.Fatalf("%v %v", es, err)
			}
		}},
		{"a save under another org does not reach it", func(t *testing.T) {
			moved := e
			moved.OrgID, moved.FirstName = b, "Mallory"
			if err := s.SaveEmployee(ctx, moved, entry(b, audit.ActionEmployeeUpdate)); err == nil {
				t.Fatal("saved an employee of office A as office B")
			}
			if got, _ := s.GetEmployee(ctx, a, e.ID); got.FirstName != "Eve" {
				t.Fatalf("changed: %+v", got)
			}
		}},
		{"the audit entry is in its office's log only", func(t *testing.T) {
			mine, _, err := log.ListAudit(ctx, a, 50, "")
			if err != nil || len(mine) != 1 || mine[0].Action != audit.ActionEmployeeCreate {
				t.Fatalf("office A: %v %v", mine, err)
			}
			theirs, _, err := log.ListAudit(ctx, b, 50, "")
			if err != nil || len(theirs) != 0 {
				t.Fatalf("office B: %v %v", theirs, err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestContractInviteStores(t *testing.T) {
	store := newStore(t)
	var admin invite.AdminStore = store
	var links invite.Store = store
	ctx := context.Background()
	a, b := twoOffices(t, store)
	now := time.Now().UTC()
	inv := invite.Invite{ID: ident.New(), OrgID: a, OrgName: "Office A", Email: "new@example.org", Role: account.RolePortalUser,
		Scope: account.OrgScope, Status: invite.StatusSent, InvitedBy: "tester", CreatedAt: now, ExpiresAt: now.Add(time.Hour),
		TokenHash: session.HashToken("invite-token-" + ident.New())}
	created := audit.Entry{ID: ident.New(), OrgID: a, At: now, Actor: "tester", Action: audit.ActionInviteCreate, Target: "invite:" + inv.ID}
	if err := links.CreateInvite(ctx, inv, created); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"reads it in its office", func(t *testing.T) {
			if got, err := admin.GetInvite(ctx, a, inv.ID); err != nil || got.Email != inv.Email {
				t.Fatalf("%+v %v", got, err)
			}
		}},
		{"not found from another org", func(t *testing.T) {
			_, err := admin.GetInvite(ctx, b, inv.ID)
			notFound(t, "GetInvite", err)
		}},
		{"another org's list does not show it", func(t *testing.T) {
			invs, _, err := admin.ListInvites(ctx, b, "", 50, "")
			if err != nil || len(invs) != 0 {
				t.Fatalf("%v %v", invs, err)
			}
		}},
		{"its link finds it", func(t *testing.T) {
			if got, err := links.InviteByToken(ctx, inv.TokenHash); err != nil || got.ID != inv.ID || got.OrgID != a {
				t.Fatalf("%+v %v", got, err)
			}
		}},
		{"an unknown link is not found", func(t *testing.T) {
			_, err := links.InviteByToken(ctx, session.HashToken("nobody's"))
			notFound(t, "InviteByToken", err)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestContractReviewStore(t *testing.T) {
	store := newStore(t)
	var s review.Store = store
	ctx := context.Background()
	a, b := twoOffices(t, store)
	r := review.Registration{ID: ident.New(), OrgID: a, OrgName: "Office A", Level: review.LevelOrg, RequestedRole: account.RolePortalUser,
		FirstName: "Pat", LastName: "Doe", Email: "pat@example.org", Username: "pat." + ident.New(), PasswordHash: "x",
		ClaimHash: review.HashClaimNumber(a, "CLAIM-12345"), Status: review.StatusPendingEmail, SubmittedAt: time.Now().UTC()}
	if err := s.CreateRegistration(ctx, r, session.HashToken("verify-"+r.ID), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutClaimReferences(ctx, []review.ClaimReference{{OrgID: a, Hash: r.ClaimHash}}); err != nil {
		t.Fatal(err)
	}
	ev := review.Event{At: time.Now(), Actor: "workflow", Action: "test"}
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"reads it in its office", func(t *testing.T) {
			if got, err := s.GetRegistration(ctx, a, r.ID); err != nil || got.Email != r.Email {
				t.Fatalf("%+v %v", got, err)
			}
		}},
		{"not found from another org", func(t *testing.T) {
			_, err := s.GetRegistration(ctx, b, r.ID)
			notFound(t, "GetRegistration", err)
		}},
		{"its org is found by id", func(t *testing.T) {
			if got, err := s.RegistrationOrg(ctx, r.ID); err != nil || got != a {
				t.Fatalf("%q %v", got, err)
			}
		}},
		{"another org's console does not list it", func(t *testing.T) {
			es, _, err := s.ListEntries(ctx, b, "", 50, "")
			if err != nil || len(es) != 0 {
				t.Fatalf("%v %v", es, err)
			}
			mine, _, err := s.ListEntries(ctx, a, "", 50, "")
			if err != nil || len(mine) != 1 {
				t.Fatalf("office A: %v %v", mine, err)
			}
		}},
		{"a claim on file in one office is not on file in another", func(t *testing.T) {
			if ok, err := s.ClaimReferenceExists(ctx, a, "", r.ClaimHash); err != nil || !ok {
				t.Fatalf("office A: %v %v", ok, err)
			}
			if ok, err := s.ClaimReferenceExists(ctx, b, "", r.ClaimHash); err != nil || ok {
				t.Fatalf("office B: %v %v", ok, err)
			}
		}},
		{"a step under another org changes nothing", func(t *testing.T) {
			if err := s.ExpireVerification(ctx, b, r.ID, ev); err == nil {
				t.Fatal("expired office A's request as office B")
			}
			if got, _ := s.GetRegistration(ctx, a, r.ID); got.Status != review.StatusPendingEmail {
				t.Fatalf("status %s", got.Status)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestContractMemberStore(t *testing.T) {
	store := newStore(t)
	var s member.Store = store
	ctx := context.Background()
	a, b := twoOffices(t, store)
	now := time.Now().UTC()
	u := account.User{ID: ident.New(), Username: "contract." + ident.New(), FirstName: "Ann", LastName: "Admin", Email: "ann@example.org", CreatedAt: now}
	m := account.Membership{UserID: u.ID, OrgID: a, OrgName: "Office A", Role: account.RoleSiteAdmin, Scope: account.OrgScope, Active: true, CreatedAt: now}
	if err := store.CreateUser(ctx, u, m); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"listed in its office", func(t *testing.T) {
			ls, _, err := s.ListMembers(ctx, a, member.Filter{}, 50, "")
			if err != nil || len(ls) != 1 {
				t.Fatalf("%v %v", ls, err)
			}
		}},
		{"not listed from another org", func(t *testing.T) {
			ls, _, err := s.ListMembers(ctx, b, member.Filter{}, 50, "")
			if err != nil || len(ls) != 0 {
				t.Fatalf("%v %v", ls, err)
			}
		}},
		{"a site administrator of one office only", func(t *testing.T) {
			if ids, err := s.ActiveSiteAdmins(ctx, b); err != nil || len(ids) != 0 {
				t.Fatalf("office B: %v %v", ids, err)
			}
		}},
		{"an unknown link is not found", func(t *testing.T) {
			_, err := s.LinkByToken(ctx, session.HashToken("no link"))
			notFound(t, "LinkByToken", err)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestContractCodeListStore(t *testing.T) {
	store := newStore(t)
	var s codelist.Store = store
	ctx := context.Background()
	a, b := twoOffices(t, store)
	e := codelist.Entry{Kind: codelist.KindDiagnosis, Code: "Z001", Description: "test", CreatedAt: time.Now()}
	if err := s.AddCode(ctx, a, e, entry(a, codelist.ActionCodeAdd)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"listed in its office", func(t *testing.T) {
			es, _, err := s.ListCodes(ctx, a, codelist.KindDiagnosis, "", 50, "")
			if err != nil || len(es) != 1 {
				t.Fatalf("%v %v", es, err)
			}
		}},
		{"not listed from another org", func(t *testing.T) {
			es, _, err := s.ListCodes(ctx, b, codelist.KindDiagnosis, "", 50, "")
			if err != nil || len(es) != 0 {
				t.Fatalf("%v %v", es, err)
			}
			set, err := s.CodeSet(ctx, b, codelist.KindDiagnosis)
			if err != nil || len(set) != 0 {
				t.Fatalf("%v %v", set, err)
			}
		}},
		{"not found from another org", func(t *testing.T) {
			err := s.DeleteCode(ctx, b, codelist.KindDiagnosis, e.Code, entry(b, codelist.ActionCodeDelete))
			notFound(t, "DeleteCode", err)
			if all, _ := s.AllCodes(ctx, a, codelist.KindDiagnosis); len(all) != 1 {
				t.Fatalf("office A lost its code: %v", all)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestContractGovernanceStore(t *testing.T) {
	store := newStore(t)
	var s governance.Store = store
	ctx := context.Background()
	a, b := twoOffices(t, store)
	now := time.Now().UTC()
	tk := governance.Ticket{ID: ident.New(), OrgID: a, Kind: governance.KindQuestion, Subject: "Help", Body: "?", Status: governance.StatusOpen,
		FiledBy: "tester", FiledByUsername: "tester", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateTicket(ctx, tk, entry(a, governance.ActionTicketFile)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"reads it in its office", func(t *testing.T) {
			if got, err := s.GetTicket(ctx, a, tk.ID); err != nil || got.Subject != "Help" {
				t.Fatalf("%+v %v", got, err)
			}
		}},
		{"not found from another org", func(t *testing.T) {
			_, err := s.GetTicket(ctx, b, tk.ID)
			notFound(t, "GetTicket", err)
		}},
		{"another org's list does not show it", func(t *testing.T) {
			ts, _, err := s.ListTickets(ctx, b, 50, "")
			if err != nil || len(ts) != 0 {
				t.Fatalf("%v %v", ts, err)
			}
		}},
		{"its office is found by id", func(t *testing.T) {
			if got, err := s.TicketOrg(ctx, tk.ID); err != nil || got != a {
				t.Fatalf("%q %v", got, err)
			}
		}},
		{"emergency requests are listed newest first, a page at a time", func(t *testing.T) {
			for i, name := range []string{"First Caller", "Second Caller", "Third Caller"} {
				e := governance.EmergencyRequest{ID: ident.New(), TIN: uniqueTIN(), Name: name, Email: "caller@example.com",
					Message: "locked out", ReceivedAt: now.Add(time.Duration(i) * time.Minute)}
				if err := s.PutEmergencyRequest(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			page, next, err := s.ListEmergencyRequests(ctx, 2, "")
			if err != nil || len(page) != 2 || next == "" || page[0].Name != "Third Caller" || page[1].Name != "Second Caller" {
				t.Fatalf("first page: %+v %q %v", page, next, err)
			}
			rest, next, err := s.ListEmergencyRequests(ctx, 2, next)
			if err != nil || len(rest) != 1 || next != "" || rest[0].Name != "First Caller" || rest[0].ReceivedAt.Sub(now).Abs() > time.Second {
				t.Fatalf("second page: %+v %q %v", rest, next, err)
			}
		}},
		{"a save under another org changes nothing", func(t *testing.T) {
			moved := tk
			moved.OrgID, moved.Status = b, governance.StatusClosed
			if err := s.SaveTicket(ctx, moved, entry(b, governance.ActionTicketClose)); err == nil {
				t.Fatal("closed office A's ticket as office B")
			}
			if got, _ := s.GetTicket(ctx, a, tk.ID); got.Status != governance.StatusOpen {
				t.Fatalf("status %s", got.Status)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestContractSessionAndSignInStores(t *testing.T) {
	store := newStore(t)
	var sessions session.Store = store
	var passkeys auth.PasskeyStore = store
	ctx := context.Background()
	now := time.Now().UTC()
	owner, other := account.User{ID: ident.New(), Username: "owner." + ident.New(), CreatedAt: now}, account.User{ID: ident.New(), Username: "other." + ident.New(), CreatedAt: now}
	for _, u := range []account.User{owner, other} {
		if err := store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	_, id, _ := session.NewToken()
	sess := session.Session{ID: id, UserID: owner.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now, RenewedAt: now, SecondFactorAt: now}
	if err := sessions.PutSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	challenge := auth.PasskeyChallenge{IDHash: session.HashToken("challenge-" + ident.New()), Purpose: auth.PurposeLogin, UserID: owner.ID, ExpiresAt: now.Add(time.Minute)}
	if err := passkeys.SavePasskeyChallenge(ctx, challenge); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"the session keeps its assurance", func(t *testing.T) {
			got, err := sessions.GetSession(ctx, id)
			if err != nil || got.UserID != owner.ID || !got.SecondFactorAt.Equal(sess.SecondFactorAt) {
				t.Fatalf("%+v %v", got, err)
			}
		}},
		{"another login does not list it", func(t *testing.T) {
			ss, err := sessions.ListUserSessions(ctx, other.ID)
			if err != nil || len(ss) != 0 {
				t.Fatalf("%v %v", ss, err)
			}
		}},
		{"an unknown session is not found", func(t *testing.T) {
			_, err := sessions.GetSession(ctx, session.HashToken("nobody"))
			notFound(t, "GetSession", err)
			notFound(t, "MarkSessionSecondFactor", sessions.MarkSessionSecondFactor(ctx, session.HashToken("nobody"), now))
		}},
		{"another login cannot take the challenge", func(t *testing.T) {
			if _, err := passkeys.TakePasskeyChallenge(ctx, challenge.IDHash, auth.PurposeLogin, other.ID); err == nil {
				t.Fatal("another login took the challenge")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

var _ = dynamo.New
