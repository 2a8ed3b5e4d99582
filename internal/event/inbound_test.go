package event_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// inboundFixture reads events/eventbridge/inbound/<name>.json and returns
// it as a PutEvents entry for org (the fixture's org_id replaced).
func inboundFixture(t *testing.T, name, org string, change func(map[string]any)) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "events", "eventbridge", "inbound", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Source     string         `json:"source"`
		DetailType string         `json:"detail-type"`
		Detail     map[string]any `json:"detail"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	ev.Detail["org_id"] = org
	if change != nil {
		change(ev.Detail)
	}
	detail, _ := json.Marshal(ev.Detail)
	return map[string]any{"Source": ev.Source, "DetailType": ev.DetailType, "Detail": string(detail)}
}

func put(t *testing.T, h *stacktest.Harness, entries ...map[string]any) {
	t.Helper()
	out := h.PutEvents(entries...)
	if n, _ := out["FailedEntryCount"].(float64); n != 0 {
		t.Fatalf("PutEvents refused entries: %v", out)
	}
	h.Stack.Sink.Wait() // the rule's delivery to the events function
}

func employees(t *testing.T, h *stacktest.Harness, org, admin string) []map[string]any {
	t.Helper()
	r := h.Do("GET", "/v1/orgs/"+org+"/employees?limit=200", nil, "Authorization", "Bearer "+admin)
	if r.Status != 200 {
		t.Fatalf("list employees: %d %s", r.Status, r.Raw)
	}
	var out []map[string]any
	for _, it := range r.Body["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// TestRosterEventCreatesPMSEmployee: a pms.roster event creates the pms
// employee, visible in the API; the same event again changes nothing; a
// changed one updates it; administrators cannot edit it.
func TestRosterEventCreatesPMSEmployee(t *testing.T) {
	h := stacktest.New(t)
	tin := stacktest.NewTIN()
	org, admin := h.NewAdminOrg("Roster Clinic "+tin, tin, "roster.admin"+tin)

	entry := inboundFixture(t, "EmployeeUpserted", org, nil)
	put(t, h, entry)
	put(t, h, entry) // delivered twice: at-least-once integrations
	es := employees(t, h, org, admin)
	if len(es) != 1 {
		t.Fatalf("want one employee after the same event twice, got %d: %v", len(es), es)
	}
	e := es[0]
	if e["source"] != "pms" || e["employee_no"] != "E-1042" || e["first_name"] != "Priya" || e["last_name"] != "Patel" ||
		e["email"] != "priya.patel@riverside.example" || e["title"] != "Billing Specialist" || e["active"] != true {
		t.Fatalf("employee: %v", e)
	}
	if e["id"] != employee.RosterID(ident.OrgID(org), "E-1042") {
		t.Fatalf("id %v is not the roster id of the employee number", e["id"])
	}

	put(t, h, inboundFixture(t, "EmployeeUpserted", org, func(d map[string]any) { d["title"] = "Office Manager"; d["active"] = false }))
	es = employees(t, h, org, admin)
	if len(es) != 1 || es[0]["title"] != "Office Manager" || es[0]["active"] != false || es[0]["email"] != "priya.patel@riverside.example" {
		t.Fatalf("after update: %v", es)
	}
	if r := h.Do("PATCH", "/v1/orgs/"+org+"/employees/"+es[0]["id"].(string), map[string]any{"title": "x"}, "Authorization", "Bearer "+admin); r.Status != 409 || r.ErrCode() != "employee_read_only" {
		t.Fatalf("edit of a pms employee: %d %s", r.Status, r.Raw)
	}
	audit := h.Do("GET", "/v1/orgs/"+org+"/audit", nil, "Authorization", "Bearer "+admin)
	if !strings.Contains(audit.Raw, `"action":"employee.sync"`) || !strings.Contains(audit.Raw, `"actor":"pms.roster"`) {
		t.Fatalf("roster writes are not in the audit log: %s", audit.Raw)
	}
	if dl := h.DeadLetters(); len(dl) != 0 {
		t.Fatalf("dead letters for good events: %v", dl)
	}
}

// TestMalformedInboundEventsAreDeadLettered: each bad event lands on the
// dead-letter queue with its reason and changes nothing.
func TestMalformedInboundEventsAreDeadLettered(t *testing.T) {
	h := stacktest.New(t)
	tin := stacktest.NewTIN()
	org, admin := h.NewAdminOrg("Bad Events Clinic "+tin, tin, "bad.events"+tin)

	cases := []struct {
		name   string
		entry  map[string]any
		reason string // a word the dead letter's reason or fields must hold
	}{
		{"unknown field", inboundFixture(t, "EmployeeUpserted-malformed-unknown-field", org, nil), "ssn"},
		{"no active", inboundFixture(t, "EmployeeUpserted-malformed-no-active", org, nil), "active"},
		{"bad email", inboundFixture(t, "EmployeeUpserted", org, func(d map[string]any) { d["email"] = "not-an-email" }), "email"},
		{"no employee number", inboundFixture(t, "EmployeeUpserted", org, func(d map[string]any) { d["employee_no"] = "" }), "employee_no"},
		{"wrong type", inboundFixture(t, "EmployeeUpserted", org, func(d map[string]any) { d["active"] = "yes" }), "active"},
		{"unknown org", inboundFixture(t, "EmployeeUpserted", "no-such-org", nil), "org"},
		{"short claim number", inboundFixture(t, "ClaimReferenceRecorded-malformed-short-claim", org, nil), "claim_number"},
		{"npi of another office", inboundFixture(t, "ClaimReferenceRecorded", org, func(d map[string]any) { d["npi"] = "1999999992" }), "npi"},
		{"claim for unknown org", inboundFixture(t, "ClaimReferenceRecorded", "", nil), "org_id"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			put(t, h, c.entry)
			dl := h.DeadLetters()
			if len(dl) != i+1 {
				t.Fatalf("dead letters: %d, want %d", len(dl), i+1)
			}
			var letter struct {
				Reason string            `json:"reason"`
				Fields map[string]string `json:"fields"`
				Event  struct {
					Source string          `json:"source"`
					Detail json.RawMessage `json:"detail"`
				} `json:"event"`
			}
			if err := json.Unmarshal(dl[i].Body, &letter); err != nil {
				t.Fatal(err)
			}
			all, _ := json.Marshal(letter.Fields)
			if letter.Reason == "" || !strings.Contains(letter.Reason+string(all), c.reason) || letter.Event.Source != c.entry["Source"] {
				t.Fatalf("dead letter %s", dl[i].Body)
			}
		})
	}
	if es := employees(t, h, org, admin); len(es) != 0 {
		t.Fatalf("refused events created employees: %v", es)
	}

	// EventBridge itself refuses a Detail that is not a JSON object.
	out := h.PutEvents(map[string]any{"Source": "pms.roster", "DetailType": "EmployeeUpserted", "Detail": "[1,2"})
	if out["FailedEntryCount"] != float64(1) {
		t.Fatalf("a malformed Detail was accepted: %v", out)
	}
}

// TestClaimReferenceEventAutoApproves: a claims event records the reference,
// and a registration quoting that claim number is AUTO-APPROVED (F11).
func TestClaimReferenceEventAutoApproves(t *testing.T) {
	h := stacktest.NewReview(t)
	tin := stacktest.NewTIN()
	org, admin := h.NewAdminOrg("Claims Clinic "+tin, tin, "claims.admin"+tin)
	put(t, h.Harness, inboundFixture(t, "ClaimReferenceRecorded", org, nil))
	if dl := h.DeadLetters(); len(dl) != 0 {
		t.Fatalf("dead letters: %s", dl[0].Body)
	}
	email := testenv.UniqueEmail("claimant")
	reg := h.Do("POST", "/v1/registrations", map[string]string{"tin": tin, "level": "provider", "npi": "1234567893", "first_name": "Cal",
		"last_name": "Claimant", "email": email, "username": "claimant" + tin, "password": "a sturdy passphrase for the clinic",
		"claim_number": "clm 2026 000481"})
	if reg.Status != 202 {
		t.Fatalf("register: %d %s", reg.Status, reg.Raw)
	}
	if r := h.Do("POST", "/v1/registrations/verify", map[string]string{"token": h.VerifyToken(email)}); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	id := reg.Body["id"].(string)
	if r := h.WaitStatus(org, admin, id, "AUTO-APPROVED", 15*time.Second); r.Body["status"] != "AUTO-APPROVED" {
		t.Fatalf("registration with a recorded claim: %s", r.Raw)
	}
}
