package event_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/event"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// walk is a signed-in office on a harness whose outbox runs.
type walk struct {
	h     *stacktest.ReviewHarness
	org   string
	tin   string
	admin string
}

func newWalk(t *testing.T) (walk, *stack.Outbox) {
	h := stacktest.NewReview(t)
	ob := h.StartOutbox()
	tin := stacktest.NewTIN()
	org, admin := h.NewAdminOrg("Events Clinic "+tin, tin, "events.admin"+tin)
	return walk{h: h, org: org, tin: tin, admin: admin}, ob
}

func (w walk) do(method, rest string, body any) stacktest.Reply {
	w.h.T.Helper()
	return w.h.Do(method, "/v1/orgs/"+w.org+rest, body, "Authorization", "Bearer "+w.admin)
}

func (w walk) must(want int, method, rest string, body any) stacktest.Reply {
	w.h.T.Helper()
	r := w.do(method, rest, body)
	if r.Status != want {
		w.h.T.Fatalf("%s %s: %d %s", method, rest, r.Status, r.Raw)
	}
	return r
}

// published are the events of source gatehouse on the bus, by detail type.
func published(evs []stack.Event) map[string][]stack.Event {
	out := map[string][]stack.Event{}
	for _, e := range evs {
		if e.Source == event.Source {
			out[e.DetailType] = append(out[e.DetailType], e)
		}
	}
	return out
}

func detail(t *testing.T, e stack.Event) event.Detail {
	t.Helper()
	var d event.Detail
	if err := json.Unmarshal(e.Detail, &d); err != nil {
		t.Fatalf("%s detail: %v", e.DetailType, err)
	}
	return d
}

// TestWalkThroughPublishesEvents drives the API through every lifecycle the
// contract names and checks that the outbox published each change once, with
// the actor, the request id and the subject's ids, valid against its schema.
func TestWalkThroughPublishesEvents(t *testing.T) {
	w, outbox := newWalk(t)
	h := w.h

	// A user created by the administrator, then run through its life.
	email := testenv.UniqueEmail("walk.user")
	created := w.must(201, "POST", "/users", map[string]string{"first_name": "Wanda", "last_name": "Walker", "email": email,
		"username": "walk.user" + w.tin, "role": "portal-user", "scope": "org", "credentials": "temporary-password"})
	uid := created.Body["id"].(string)
	requestID := created.Header.Get("X-Request-Id")
	w.must(200, "PATCH", "/users/"+uid, map[string]any{"locked": true})
	w.must(200, "PATCH", "/users/"+uid, map[string]any{"locked": false})
	w.must(200, "PATCH", "/users/"+uid, map[string]any{"first_name": "Wendy"})
	w.must(200, "PUT", "/users/"+uid+"/privileges", map[string]any{"claims": "view"})
	w.must(200, "POST", "/users/"+uid+"/reset-password", nil)
	w.must(204, "DELETE", "/users/"+uid, nil)
	w.must(200, "POST", "/users/"+uid+"/reactivate", nil)

	// Invites: sent and revoked.
	inv := w.must(201, "POST", "/invites", map[string]any{"emails": testenv.UniqueEmail("walk.invitee"), "scope": "org", "role": "clerical-user"})
	invID := inv.Body["items"].([]any)[0].(map[string]any)["id"].(string)
	w.must(204, "DELETE", "/invites/"+invID, nil)

	// An employee added by hand.
	emp := w.must(201, "POST", "/employees", map[string]any{"first_name": "Erin", "last_name": "Employee", "active": true})
	empID := emp.Body["id"].(string)

	// A self-registration, verified and approved.
	regEmail := testenv.UniqueEmail("walk.registrant")
	reg := h.Do("POST", "/v1/registrations", map[string]string{"tin": w.tin, "level": "org", "first_name": "Rory", "last_name": "Reg",
		"email": regEmail, "username": "walk.reg" + w.tin, "password": "a sturdy passphrase for the clinic"})
	if reg.Status != 202 {
		t.Fatalf("register: %d %s", reg.Status, reg.Raw)
	}
	regID := reg.Body["id"].(string)
	if r := h.Do("POST", "/v1/registrations/verify", map[string]string{"token": h.VerifyToken(regEmail)}); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	h.WaitStatus(w.org, w.admin, regID, "PENDING-PROV-ADMIN-REVIEW", 10*time.Second)
	w.must(200, "POST", "/registrations/"+regID+"/approve", nil)

	// A second office for the same administrator, and a code list copied to it.
	adminEmail := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+w.admin).Body["user"].(map[string]any)["email"].(string)
	annex, fnErr := h.Invoke("ops", map[string]any{"command": "CreateOrganization", "name": "Events Annex " + w.tin, "tin": stacktest.NewTIN(),
		"providers": []map[string]string{}, "admin_email": adminEmail})
	if fnErr != "" {
		t.Fatalf("create the second office: %s %v", fnErr, annex)
	}
	org2 := annex["org_id"].(string)
	mails := testenv.Emails(t, adminEmail)
	link := stacktest.InviteLink.FindStringSubmatch(mails[len(mails)-1].Body.Text)
	if link == nil {
		t.Fatalf("no invite link in %q", mails[len(mails)-1].Body.Text)
	}
	invite2 := link[1]
	if r := h.Do("POST", "/v1/invites/"+invite2+"/accept", map[string]any{}, "Authorization", "Bearer "+w.admin); r.Status != 201 {
		t.Fatalf("join the second office: %d %s", r.Status, r.Raw)
	}
	w.must(201, "POST", "/code-lists/diagnosis", map[string]string{"code": "J06.9", "description": "Acute upper respiratory infection"})
	if r := h.Do("POST", "/v1/code-lists/copy", map[string]any{"from_org": w.org, "to_org": org2, "kinds": []string{"diagnosis"}},
		"Authorization", "Bearer "+w.admin); r.Status != 200 {
		t.Fatalf("copy code lists: %d %s", r.Status, r.Raw)
	}

	want := map[string]int{
		"InviteSent": 3, "InviteUsed": 2, "InviteRevoked": 1, // + the second office's first administrator invite
		"UserCreated":    4, // the first administrator, the created user, the approved registrant, the membership in the second office
		"CodeListCopied": 1,
		"UserLocked":     1, "UserUnlocked": 1, "UserChanged": 1, "PrivilegesChanged": 1, "PasswordReset": 1,
		"UserDeleted": 1, "UserReactivated": 1, "EmployeeChanged": 1,
		"RegistrationSubmitted": 1, "RegistrationDecided": 1,
	}
	h.WaitEvents("the walk's events", 20*time.Second, func(evs []stack.Event) bool {
		got := published(evs)
		for dt, n := range want {
			if len(got[dt]) < n {
				return false
			}
		}
		return true
	})
	// Let stragglers arrive, then count exactly: one event per change.
	time.Sleep(500 * time.Millisecond)
	evs := h.Events()
	got := published(evs)
	for dt, n := range want {
		if len(got[dt]) != n {
			t.Errorf("%s: %d events, want %d", dt, len(got[dt]), n)
		}
	}
	for dt := range got {
		if _, ok := want[dt]; !ok {
			t.Errorf("unexpected %s events: %d", dt, len(got[dt]))
		}
	}

	schemas := compileSchemas(t)
	ids := map[string]bool{}
	for _, e := range evs {
		d := detail(t, e)
		validate(t, schemas, "published", e.DetailType, e.Detail)
		if string(d.OrgID) != w.org && string(d.OrgID) != org2 {
			t.Errorf("%s: org_id %s, want %s or %s", e.DetailType, d.OrgID, w.org, org2)
		}
		if ids[d.EventID] {
			t.Errorf("event id %s published twice", d.EventID)
		}
		ids[d.EventID] = true
		for _, secret := range []string{"password", "token", "code_word", "secret", "$argon2"} {
			if strings.Contains(strings.ToLower(string(e.Detail)), secret) {
				t.Errorf("%s detail mentions %q: %s", e.DetailType, secret, e.Detail)
			}
		}
	}

	// Who, in which request, about what.
	admin := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+w.admin).Body["user"].(map[string]any)["id"].(string)
	byType := func(dt string) event.Detail { return detail(t, got[dt][0]) }
	if d := byType("UserLocked"); d.Actor != admin || d.UserID != uid || d.RequestID == "" {
		t.Errorf("UserLocked: %+v (admin %s, user %s)", d, admin, uid)
	}
	for _, e := range got["UserCreated"] {
		if d := detail(t, e); d.UserID == uid && (d.Actor != admin || d.RequestID != requestID || d.Role != "portal-user") {
			t.Errorf("UserCreated of the created user: %+v, want actor %s request %s", d, admin, requestID)
		}
	}
	if d := byType("UserChanged"); !slices.Equal(d.Changed, []string{"first_name"}) {
		t.Errorf("UserChanged: changed %v", d.Changed)
	}
	if d := byType("PrivilegesChanged"); d.Privileges["claims"] != "view" {
		t.Errorf("PrivilegesChanged: %v", d.Privileges)
	}
	if d := byType("InviteRevoked"); d.InviteID != invID || d.Actor != admin {
		t.Errorf("InviteRevoked: %+v", d)
	}
	if d := byType("EmployeeChanged"); d.EmployeeID != empID || d.Source != "manual" || d.Active == nil || !*d.Active {
		t.Errorf("EmployeeChanged: %+v", d)
	}
	if d := byType("RegistrationDecided"); d.RegistrationID != regID || d.Status != "MANUAL-PROV-ADMIN-APPROVED" || d.Actor != admin {
		t.Errorf("RegistrationDecided: %+v", d)
	}
	if d := byType("CodeListCopied"); string(d.OrgID) != org2 || string(d.FromOrgID) != w.org || d.Copied["diagnosis"] != 1 || d.Actor != admin {
		t.Errorf("CodeListCopied: %+v", d)
	}
	if d := byType("RegistrationSubmitted"); d.RegistrationID != regID || d.Actor != event.SystemActor || d.Level != "org" {
		t.Errorf("RegistrationSubmitted: %+v", d)
	}

	if os.Getenv("GATEHOUSE_UPDATE_EVENT_FIXTURES") != "" {
		writeFixtures(t, got)
		// The largest stream batch, as Lambda's event source mapping hands it over.
		var batch any
		_ = json.Unmarshal(outbox.LargestBatch(), &batch)
		redact(batch)
		raw, _ := json.MarshalIndent(batch, "", "  ")
		if err := os.WriteFile(filepath.Join(repoRoot(t), "events", "dynamodb", "stream-batch.json"), append(raw, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeFixtures keeps one real event of each type under events/eventbridge/published.
func writeFixtures(t *testing.T, got map[string][]stack.Event) {
	dir := filepath.Join(repoRoot(t), "events", "eventbridge", "published")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for dt, evs := range got {
		e := evs[0]
		raw, _ := json.MarshalIndent(map[string]any{"version": "0", "id": e.EventID, "detail-type": e.DetailType, "source": e.Source,
			"account": "000000000000", "time": e.Time.Format(time.RFC3339), "region": "us-east-1", "resources": []string{}, "detail": e.Detail}, "", "  ")
		if err := os.WriteFile(filepath.Join(dir, dt+".json"), append(raw, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// redact blanks the stored secrets (hashes, task tokens) of a stream batch
// before it is kept as a fixture: they mean nothing to the outbox.
func redact(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "PasswordHash", "TokenHash", "DecisionToken", "VerifyToken", "TOTPSecret":
				x[k] = map[string]any{"S": "(redacted in the fixture)"}
			default:
				redact(e)
			}
		}
	case []any:
		for _, e := range x {
			redact(e)
		}
	}
}
