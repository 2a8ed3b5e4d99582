package dynamo_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/gatehouse-dev/gatehouse/infra/local/emulator"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/event"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
)

// streamBatch reads events/dynamodb/stream-batch.json: a batch the local
// outbox handed to the events function during the walk-through test (an
// invite accepted: its link deleted, the invite used, a login and its
// membership created, in one transaction).
func streamBatch(t *testing.T) events.DynamoDBEvent {
	t.Helper()
	root, err := emulator.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "events", "dynamodb", "stream-batch.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestOutboxMapsTheStreamFixture(t *testing.T) {
	s := newStore(t)
	var got []event.DetailType
	for _, rec := range streamBatch(t).Records {
		evs, err := s.EventsOf(context.Background(), rec)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range evs {
			got = append(got, e.DetailType)
			if e.Detail.EventID != event.EventID(rec.EventID, i) || e.Detail.OrgID == "" || e.Detail.Actor == "" || e.Detail.At.IsZero() {
				t.Errorf("%s: %+v", e.DetailType, e.Detail)
			}
		}
	}
	if want := []event.DetailType{event.InviteUsed, event.UserCreated}; !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
}

// record is a stream record of one item change, made from two images.
func record(id string, old, new map[string]events.DynamoDBAttributeValue) events.DynamoDBEventRecord {
	name := "MODIFY"
	if old == nil {
		name = "INSERT"
	}
	return events.DynamoDBEventRecord{EventID: id, EventName: name, Change: events.DynamoDBStreamRecord{
		ApproximateCreationDateTime: events.SecondsEpochTime{Time: time.Now()}, OldImage: old, NewImage: new, SequenceNumber: id}}
}

func av(s string) events.DynamoDBAttributeValue { return events.NewStringAttribute(s) }
func ab(b bool) events.DynamoDBAttributeValue   { return events.NewBooleanAttribute(b) }

func membership(extra map[string]events.DynamoDBAttributeValue) map[string]events.DynamoDBAttributeValue {
	m := map[string]events.DynamoDBAttributeValue{"PK": av("USER#u1"), "SK": av("MEMBER#o1"), "Type": av("Membership"), "UserID": av("u1"),
		"OrgID": av("o1"), "Role": av("portal-user"), "Scope": av("org"), "Locked": ab(false), "Deleted": ab(false), "FirstName": av("Ann"),
		"Chg": events.NewMapAttribute(map[string]events.DynamoDBAttributeValue{"A": av("admin1"), "R": av("req1")})}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestOutboxMapping(t *testing.T) {
	s := newStore(t)
	privs := events.NewMapAttribute(map[string]events.DynamoDBAttributeValue{"claims": av("view")})
	cases := []struct {
		name string
		rec  events.DynamoDBEventRecord
		want []event.DetailType
	}{
		{"membership created", record("r1", nil, membership(nil)), []event.DetailType{event.UserCreated}},
		{"locked", record("r2", membership(nil), membership(map[string]events.DynamoDBAttributeValue{"Locked": ab(true)})), []event.DetailType{event.UserLocked}},
		{"unlocked", record("r3", membership(map[string]events.DynamoDBAttributeValue{"Locked": ab(true)}), membership(nil)), []event.DetailType{event.UserUnlocked}},
		{"deleted and renamed", record("r4", membership(nil), membership(map[string]events.DynamoDBAttributeValue{"Deleted": ab(true), "FirstName": av("Anne")})),
			[]event.DetailType{event.UserDeleted, event.UserChanged}},
		{"privileges", record("r5", membership(nil), membership(map[string]events.DynamoDBAttributeValue{"Privileges": privs})), []event.DetailType{event.PrivilegesChanged}},
		{"only the stamp differs", record("r6", membership(nil), membership(map[string]events.DynamoDBAttributeValue{"Rev": events.NewNumberAttribute("3")})), nil},
		{"a session", record("r7", nil, map[string]events.DynamoDBAttributeValue{"PK": av("SESSION#x"), "SK": av("SESSION"), "Type": av("Session")}), nil},
		{"an audit entry", record("r8", nil, map[string]events.DynamoDBAttributeValue{"PK": av("ORG#o1"), "SK": av("AUDIT#x"), "Type": av("Audit")}), nil},
		{"invite revoked", record("r9",
			map[string]events.DynamoDBAttributeValue{"Type": av("Invite"), "ID": av("i1"), "OrgID": av("o1"), "Status": av("EMAIL-INT"), "InvitedBy": av("admin1")},
			map[string]events.DynamoDBAttributeValue{"Type": av("Invite"), "ID": av("i1"), "OrgID": av("o1"), "Status": av("REVOKED"), "InvitedBy": av("admin1")}),
			[]event.DetailType{event.InviteRevoked}},
		{"registration verified (no event)", record("r10",
			map[string]events.DynamoDBAttributeValue{"Type": av("Registration"), "ID": av("g1"), "OrgID": av("o1"), "Status": av("PENDING-EMAIL-VERIFICATION")},
			map[string]events.DynamoDBAttributeValue{"Type": av("Registration"), "ID": av("g1"), "OrgID": av("o1"), "Status": av("PENDING-ADMIN-REVIEW")}), nil},
		{"registration declined", record("r11",
			map[string]events.DynamoDBAttributeValue{"Type": av("Registration"), "ID": av("g1"), "OrgID": av("o1"), "Status": av("PENDING-ADMIN-REVIEW")},
			map[string]events.DynamoDBAttributeValue{"Type": av("Registration"), "ID": av("g1"), "OrgID": av("o1"), "Status": av("DECLINED")}),
			[]event.DetailType{event.RegistrationDecided}},
		{"item deleted", record("r12", membership(nil), nil), nil},
		{"code lists copied in", record("r13", nil, map[string]events.DynamoDBAttributeValue{"Type": av("Audit"), "OrgID": av("o2"), "Actor": av("admin1"),
			"Action": av("code_list.copy_in"), "Target": av("org:o1"), "Detail": av("diagnosis: 3 copied, 1 skipped; payers: 0 copied, 2 skipped")}),
			[]event.DetailType{event.CodeListCopied}},
		{"code lists copied out (no event)", record("r14", nil, map[string]events.DynamoDBAttributeValue{"Type": av("Audit"), "OrgID": av("o1"),
			"Action": av("code_list.copy_out"), "Target": av("org:o2")}), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs, err := s.EventsOf(context.Background(), c.rec)
			if err != nil {
				t.Fatal(err)
			}
			var got []event.DetailType
			for _, e := range evs {
				got = append(got, e.DetailType)
				if e.DetailType == event.UserLocked && (e.Detail.Actor != "admin1" || e.Detail.RequestID != "req1" || e.Detail.UserID != "u1") {
					t.Errorf("stamp not carried: %+v", e.Detail)
				}
				if e.DetailType == event.CodeListCopied && (e.Detail.OrgID != "o2" || e.Detail.FromOrgID != "o1" || e.Detail.Copied["diagnosis"] != 3 ||
					e.Detail.Copied["payers"] != 0 || len(e.Detail.Copied) != 2 || e.Detail.Actor != "admin1") {
					t.Errorf("CodeListCopied: %+v", e.Detail)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("events %v, want %v", got, c.want)
			}
		})
	}
}

// TestWritesAreStamped: every write carries the actor and request id of its
// context, so the outbox can say who made a change and in which request.
func TestWritesAreStamped(t *testing.T) {
	s := newStore(t)
	ctx := logging.WithActor(logging.WithRequestID(context.Background(), "req-42"), "admin-7")
	orgID := ident.OrgID(ident.New())
	e := employee.Employee{ID: ident.New(), OrgID: orgID, FirstName: "Ed", LastName: "Ward", Active: true, Source: employee.SourceManual, CreatedAt: time.Now()}
	a := audit.Entry{ID: ident.New(), OrgID: orgID, At: time.Now(), Actor: "admin-7", Action: audit.ActionEmployeeCreate, Target: "employee:" + e.ID}
	if err := s.CreateEmployee(ctx, e, a); err != nil {
		t.Fatal(err)
	}
	img := s.RawItem(t, "ORG#"+string(orgID), "EMPLOYEE#"+e.ID)
	rec := record("s1", nil, img)
	evs, err := s.EventsOf(context.Background(), rec)
	if err != nil || len(evs) != 1 {
		t.Fatalf("events %v %v", evs, err)
	}
	if d := evs[0].Detail; d.Actor != "admin-7" || d.RequestID != "req-42" || d.EmployeeID != e.ID || d.Source != "manual" {
		t.Fatalf("detail %+v", d)
	}
}
