package governance_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// TestSiteAdministratorWarning: one active site administrator is a
// warning; a second (appointed by ticket) clears it.
func TestSiteAdministratorWarning(t *testing.T) {
	w := newWorld(t)
	o := w.office("Warning Clinic")
	other := w.office("Other Clinic")
	portal := w.member(o, "portal-user")

	r := w.Do("GET", o.path("/governance"), nil, o.admin.Auth()...)
	if r.Status != 200 || r.Body["site_admins_active"] != 1.0 || fmt.Sprint(r.Body["warnings"]) != "[fewer_than_two_site_admins]" {
		t.Fatalf("one site admin: %d %s", r.Status, r.Raw)
	}
	second := w.member(o, "provider-admin")
	w.grant(o, second.ID, "site-admin", "add")
	r = w.Do("GET", o.path("/governance"), nil, o.admin.Auth()...)
	if r.Body["site_admins_active"] != 2.0 || fmt.Sprint(r.Body["warnings"]) != "[]" {
		t.Fatalf("two site admins: %s", r.Raw)
	}
	if r := w.Do("GET", o.path("/governance"), nil, portal.Auth()...); r.Status != 403 || r.ErrCode() != "insufficient_privilege" {
		t.Fatalf("portal user: %d %s", r.Status, r.Raw)
	}
	if r := w.Do("GET", other.path("/governance"), nil, o.admin.Auth()...); r.Status != 404 {
		t.Fatalf("another office: %d %s", r.Status, r.Raw)
	}
}

// TestTicketsAreForSiteAdministratorsAndSupportUsers files, lists, reads
// and closes tickets, and refuses everyone else.
func TestTicketsAreForSiteAdministratorsAndSupportUsers(t *testing.T) {
	w := newWorld(t)
	o := w.office("Ticket Clinic")
	other := w.office("Ticket Elsewhere")
	portal := w.member(o, "portal-user")
	provAdmin := w.member(o, "provider-admin")
	scoped := w.AddMember(o.id, o.admin.Token, unique("scoped"), "provider-admin", "provider:1234567893")
	supporter := w.member(o, "portal-user")
	w.age(supporter.ID, 7)
	w.grant(o, supporter.ID, "support", "add")
	// The support user is a plain portal user in another office.
	w.JoinOrg(other.id, other.admin.Token, supporter, "portal-user", "org")

	question := map[string]any{"kind": "question", "subject": "Export columns", "body": "Can the CSV include phone numbers?"}
	for name, who := range map[string]struct {
		token []string
		path  string
	}{
		"portal user":                                  {portal.Auth(), o.path("/tickets")},
		"provider administrator":                       {provAdmin.Auth(), o.path("/tickets")},
		"provider-scoped administrator":                {scoped.Auth(), o.path("/tickets")},
		"support user in an office where they are not": {supporter.Auth(), other.path("/tickets")},
	} {
		t.Run(name, func(t *testing.T) {
			for _, method := range []string{"POST", "GET"} {
				if r := w.Do(method, who.path, question, who.token...); r.Status != 403 || r.ErrCode() != "not_support_user" {
					t.Fatalf("%s: %d %s", method, r.Status, r.Raw)
				}
			}
		})
	}

	filed := w.Do("POST", o.path("/tickets"), question, supporter.Auth()...)
	if filed.Status != 201 || filed.Body["status"] != "open" || filed.Body["kind"] != "question" || filed.Body["filed_by"] != supporter.ID {
		t.Fatalf("support user files: %d %s", filed.Status, filed.Raw)
	}
	id := filed.Body["id"].(string)
	incident := w.Do("POST", o.path("/tickets"), map[string]any{"kind": "incident", "subject": "Claims page down", "body": "Since 9am."}, o.admin.Auth()...)
	if incident.Status != 201 || incident.Body["status"] != "open" {
		t.Fatalf("site admin files: %d %s", incident.Status, incident.Raw)
	}
	list := w.Do("GET", o.path("/tickets"), nil, o.admin.Auth()...)
	items := auditActions(list)
	if len(items) != 3 || items[0]["id"] != incident.Body["id"] || items[1]["id"] != id { // newest first; the support grant's ticket is the oldest
		t.Fatalf("list: %s", list.Raw)
	}
	if r := w.Do("GET", o.path("/tickets/"+id), nil, supporter.Auth()...); r.Status != 200 || r.Body["subject"] != "Export columns" {
		t.Fatalf("get: %d %s", r.Status, r.Raw)
	}
	if r := w.Do("GET", other.path("/tickets/"+id), nil, other.admin.Auth()...); r.Status != 404 || r.ErrCode() != "ticket_not_found" {
		t.Fatalf("another office's ticket: %d %s", r.Status, r.Raw)
	}
	if r := w.Do("POST", o.path("/tickets/"+id+"/close"), nil, o.admin.Auth()...); r.Status != 200 || r.Body["status"] != "closed" {
		t.Fatalf("close: %d %s", r.Status, r.Raw)
	}
	if r := w.Do("POST", o.path("/tickets/"+id+"/close"), nil, o.admin.Auth()...); r.Status != 409 || r.ErrCode() != "ticket_not_open" {
		t.Fatalf("close twice: %d %s", r.Status, r.Raw)
	}

	invalid := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no subject", map[string]any{"kind": "question", "body": "x"}, "subject"},
		{"no body", map[string]any{"kind": "question", "subject": "x"}, "body"},
		{"unknown kind", map[string]any{"kind": "complaint", "subject": "x", "body": "y"}, "kind"},
		{"privilege change without the change", map[string]any{"kind": "privilege_change", "subject": "x", "body": "y"}, "privilege_change"},
		{"question with a change", map[string]any{"kind": "question", "subject": "x", "body": "y", "privilege_change": map[string]string{"user_id": "u", "grant": "support", "action": "add"}}, "privilege_change"},
		{"unknown grant", map[string]any{"kind": "privilege_change", "subject": "x", "body": "y", "privilege_change": map[string]string{"user_id": "u", "grant": "owner", "action": "add"}}, "privilege_change.grant"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			if r := w.Do("POST", o.path("/tickets"), tc.body, o.admin.Auth()...); r.Status != 400 || r.Field(tc.field) == "" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	// A support user files questions, never privilege changes.
	if r := w.file(o, supporter, change(portal.ID, "support", "add")); r.Status != 403 || r.ErrCode() != "site_admin_required" {
		t.Fatalf("support user files a privilege change: %d %s", r.Status, r.Raw)
	}
	if r := w.Do("GET", o.path("/tickets"), nil); r.Status != 401 {
		t.Fatalf("no session: %d", r.Status)
	}
}

// TestSupportEligibility is seed 002's rules for support, checked when the
// ticket is filed and again when ops approves it.
func TestSupportEligibility(t *testing.T) {
	w := newWorld(t)
	o := w.office("Support Clinic")
	newcomer := w.member(o, "portal-user")
	generic := w.AddMember(o.id, o.admin.Token, unique("desk"), "portal-user", "org")
	if r := w.Do("PATCH", o.path("/users/"+generic.ID), map[string]string{"first_name": "Front", "last_name": "Desk"}, o.admin.Auth()...); r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Raw)
	}
	shared := w.member(o, "portal-user")
	if r := w.Do("POST", o.path("/users"), map[string]string{"first_name": "Sam", "last_name": "Twin", "email": shared.Email,
		"username": unique("twin"), "role": "clerical-user", "scope": "org", "credentials": "email-link"}, o.admin.Auth()...); r.Status != 201 {
		t.Fatalf("second login with the same email: %d %s", r.Status, r.Raw)
	}
	eligible := w.member(o, "clerical-user")
	for _, id := range []string{generic.ID, shared.ID, eligible.ID} {
		w.age(id, 7)
	}
	w.age(newcomer.ID, 5)

	refusals := []struct {
		name   string
		userID string
		status int
		code   string
	}{
		{"account younger than six months", newcomer.ID, 409, "too_new"},
		{"a generic name", generic.ID, 400, "not_a_person"},
		{"an email another login has", shared.ID, 400, "not_a_person"},
		{"a site administrator", o.admin.ID, 409, "site_admin_no_support"},
		{"not a member of the office", "no-such-user", 404, "user_not_found"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			if r := w.file(o, o.admin, change(tc.userID, "support", "add")); r.Status != tc.status || r.ErrCode() != tc.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}

	r := w.file(o, o.admin, change(eligible.ID, "support", "add"))
	if r.Status != 201 || r.Body["status"] != "pending-ops" {
		t.Fatalf("file: %d %s", r.Status, r.Raw)
	}
	ticket := r.Body["id"].(string)
	if d := w.user(o, o.admin, eligible.ID); d.Body["support"] != false {
		t.Fatalf("support before ops approves: %s", d.Raw)
	}
	// Ops was told.
	mails := testenv.Emails(t, w.opsEmail)
	if len(mails) != 1 || !strings.Contains(mails[0].Body.Text, ticket) || !strings.Contains(mails[0].Subject, "Support Clinic") {
		t.Fatalf("ops notice: %+v", mails)
	}
	// Between filing and approval the person became a generic login: the approval is refused, the ticket still waits.
	if r := w.Do("PATCH", o.path("/users/"+eligible.ID), map[string]string{"first_name": "Billing"}, o.admin.Auth()...); r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Raw)
	}
	if _, code := w.ops(map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": ticket, "approve": true}); code != "not_a_person" {
		t.Fatalf("approval of an ineligible person: %q", code)
	}
	if r := w.Do("PATCH", o.path("/users/"+eligible.ID), map[string]string{"first_name": "Robin"}, o.admin.Auth()...); r.Status != 200 {
		t.Fatalf("rename back: %d %s", r.Status, r.Raw)
	}
	if out := w.decide(ticket, true); out["status"] != "approved" || out["decision_note"] != "checked by phone" {
		t.Fatalf("approve: %v", out)
	}
	d := w.user(o, o.admin, eligible.ID)
	if d.Body["support"] != true || d.Body["privileges"].(map[string]any)["support"] != "full" {
		t.Fatalf("support after approval: %s", d.Raw)
	}
	if r := w.Do("GET", o.path("/tickets"), nil, eligible.Auth()...); r.Status != 200 {
		t.Fatalf("a support user reads tickets: %d %s", r.Status, r.Raw)
	}
	if r := w.file(o, o.admin, change(eligible.ID, "support", "add")); r.Status != 409 || r.ErrCode() != "already_granted" {
		t.Fatalf("grant twice: %d %s", r.Status, r.Raw)
	}
	// Removed the same way.
	w.grant(o, eligible.ID, "support", "remove")
	if d := w.user(o, o.admin, eligible.ID); d.Body["support"] != false {
		t.Fatalf("support after removal: %s", d.Raw)
	}
	if r := w.file(o, o.admin, change(eligible.ID, "support", "remove")); r.Status != 409 || r.ErrCode() != "not_granted" {
		t.Fatalf("remove twice: %d %s", r.Status, r.Raw)
	}
	// A support user appointed site administrator loses support (F20).
	w.grant(o, eligible.ID, "support", "add")
	w.grant(o, eligible.ID, "site-admin", "add")
	if d := w.user(o, o.admin, eligible.ID); d.Body["support"] != false || d.Body["role"] != "site-admin" {
		t.Fatalf("site admin with support: %s", d.Raw)
	}
	var actions []string
	for _, e := range auditActions(w.Do("GET", o.path("/audit?limit=200"), nil, o.admin.Auth()...)) {
		if e["actor"] == "ops" {
			actions = append(actions, e["action"].(string))
		}
	}
	if fmt.Sprint(actions) != "[privilege.site-admin.add privilege.support.add privilege.support.remove privilege.support.add]" {
		t.Fatalf("ops' audit entries, newest first: %v", actions)
	}
}

// TestSiteAdministratorsOnlyByApprovedTicket: a ticket changes nothing
// until ops approves it; a rejection changes nothing; an office never
// loses its last active site administrator, even when two removals race.
func TestSiteAdministratorsOnlyByApprovedTicket(t *testing.T) {
	w := newWorld(t)
	o := w.office("Admin Clinic")
	candidate := w.member(o, "provider-admin")

	r := w.file(o, o.admin, change(candidate.ID, "site-admin", "add"))
	if r.Status != 201 || r.Body["status"] != "pending-ops" {
		t.Fatalf("file: %d %s", r.Status, r.Raw)
	}
	ticket := r.Body["id"].(string)
	if d := w.user(o, o.admin, candidate.ID); d.Body["role"] != "provider-admin" {
		t.Fatalf("applied before ops approved: %s", d.Raw)
	}
	list, code := w.ops(map[string]any{"command": "ListPrivilegeTickets"})
	items, _ := list["items"].([]any)
	if code != "" || len(items) != 1 || items[0].(map[string]any)["id"] != ticket || items[0].(map[string]any)["org_id"] != o.id {
		t.Fatalf("pending tickets: %v %s", list, code)
	}
	if out := w.decide(ticket, false); out["status"] != "rejected" {
		t.Fatalf("reject: %v", out)
	}
	// The author hears of the decision.
	mails := testenv.Emails(t, o.admin.Email)
	if last := mails[len(mails)-1]; !strings.Contains(last.Subject, "rejected") || !strings.Contains(last.Body.Text, "checked by phone") {
		t.Fatalf("decision email: %q %q", last.Subject, last.Body.Text)
	}
	if d := w.user(o, o.admin, candidate.ID); d.Body["role"] != "provider-admin" {
		t.Fatalf("a rejection changed the role: %s", d.Raw)
	}
	if _, code := w.ops(map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": ticket, "approve": true}); code != "already_decided" {
		t.Fatalf("decide twice: %q", code)
	}
	if list, _ := w.ops(map[string]any{"command": "ListPrivilegeTickets", "status": "rejected"}); len(list["items"].([]any)) != 1 {
		t.Fatalf("rejected tickets: %v", list)
	}

	opsRefusals := []struct {
		name    string
		payload map[string]any
		code    string
	}{
		{"unknown ticket", map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": "nope", "approve": true}, "ticket_not_found"},
		{"approve missing", map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": ticket}, "validation_failed"},
		{"unknown field", map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": ticket, "approve": true, "force": true}, "invalid_command"},
		{"unknown status", map[string]any{"command": "ListPrivilegeTickets", "status": "open"}, "validation_failed"},
	}
	for _, tc := range opsRefusals {
		t.Run(tc.name, func(t *testing.T) {
			if _, code := w.ops(tc.payload); code != tc.code {
				t.Fatalf("got %q", code)
			}
		})
	}

	// The only site administrator cannot be removed, not even by filing.
	if r := w.file(o, o.admin, change(o.admin.ID, "site-admin", "remove")); r.Status != 409 || r.ErrCode() != "last_site_admin" {
		t.Fatalf("remove the last: %d %s", r.Status, r.Raw)
	}
	w.grant(o, candidate.ID, "site-admin", "add")
	if d := w.user(o, o.admin, candidate.ID); d.Body["role"] != "site-admin" || d.Body["scope"] != "org" {
		t.Fatalf("after approval: %s", d.Raw)
	}
	// Two removals filed while both are site administrators: the second approval would leave none.
	first := w.file(o, o.admin, change(candidate.ID, "site-admin", "remove"))
	second := w.file(o, o.admin, change(o.admin.ID, "site-admin", "remove"))
	if first.Status != 201 || second.Status != 201 {
		t.Fatalf("file removals: %s %s", first.Raw, second.Raw)
	}
	w.decide(first.Body["id"].(string), true)
	if _, code := w.ops(map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": second.Body["id"], "approve": true}); code != "last_site_admin" {
		t.Fatalf("approve the removal of the last: %q", code)
	}
	if d := w.user(o, o.admin, candidate.ID); d.Body["role"] != "provider-admin" {
		t.Fatalf("removed site admin: %s", d.Raw)
	}
	g := w.Do("GET", o.path("/governance"), nil, o.admin.Auth()...)
	if g.Body["site_admins_active"] != 1.0 {
		t.Fatalf("governance: %s", g.Raw)
	}
}

// TestConcurrentDecisionsApplyOnce: two ops approvals of one ticket apply
// it once; two removals of the office's two site administrators approved
// at the same moment leave one (the kept one is checked in the transaction).
func TestConcurrentDecisionsApplyOnce(t *testing.T) {
	w := newWorld(t)
	o := w.office("Race Clinic")
	b := w.member(o, "provider-admin")
	r := w.file(o, o.admin, change(b.ID, "site-admin", "add"))
	ticket := r.Body["id"].(string)
	codes := make(chan string, 2)
	for range 2 {
		go func() {
			_, code := w.Invoke("ops", map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": ticket, "approve": true})
			codes <- code
		}()
	}
	first, second := <-codes, <-codes
	if (first == "") == (second == "") {
		t.Fatalf("want exactly one approval to succeed: %q %q", first, second)
	}
	entries := 0
	for _, e := range auditActions(w.Do("GET", o.path("/audit?limit=200"), nil, o.admin.Auth()...)) {
		if e["action"] == "privilege.site-admin.add" {
			entries++
		}
	}
	if entries != 1 {
		t.Fatalf("applied %d times", entries)
	}

	removeB := w.file(o, o.admin, change(b.ID, "site-admin", "remove")).Body["id"]
	removeA := w.file(o, o.admin, change(o.admin.ID, "site-admin", "remove")).Body["id"]
	results := make(chan string, 2)
	for _, id := range []any{removeA, removeB} {
		go func() {
			_, code := w.ops(map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": id, "approve": true})
			results <- code
		}()
	}
	x, y := <-results, <-results
	if x != "" && y != "" || x == "" && y == "" {
		t.Fatalf("want one removal applied and one refused: %q %q", x, y)
	}
	// Whichever went first, the other finds the office would lose its last
	// site administrator, or that its author is no longer one.
	if refused := x + y; refused != "last_site_admin" && refused != "filer_not_site_admin" {
		t.Fatalf("refusal: %q", refused)
	}
	n := 0
	for _, id := range []string{o.admin.ID, b.ID} {
		d := w.Do("GET", o.path("/users/"+id), nil, o.admin.Auth()...)
		if d.Status != 200 {
			t.Fatalf("read %s: %d %s", id, d.Status, d.Raw)
		}
		if d.Body["role"] == "site-admin" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d site administrators left, want 1", n)
	}
}
