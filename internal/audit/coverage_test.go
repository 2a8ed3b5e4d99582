package audit_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type entry struct {
	Actor, Action, Target, RequestID string
}

func auditLog(t *testing.T, h *stacktest.ReviewHarness, org, admin string) []entry {
	t.Helper()
	r := h.Do("GET", "/v1/orgs/"+org+"/audit?limit=200", nil, "Authorization", "Bearer "+admin)
	if r.Status != 200 {
		t.Fatalf("audit: %d %s", r.Status, r.Raw)
	}
	var out []entry
	for _, it := range r.Body["items"].([]any) {
		m := it.(map[string]any)
		rid, _ := m["request_id"].(string)
		out = append(out, entry{Actor: m["actor"].(string), Action: m["action"].(string), Target: m["target"].(string), RequestID: rid})
	}
	return out
}

// TestAuditCoversInvitesDecisionsAndOpsCommands: what an administrator does
// to invites and registrations, and what ops does to an org, is in the org's
// audit log with who, what and the request.
func TestAuditCoversInvitesDecisionsAndOpsCommands(t *testing.T) {
	h := stacktest.NewReview(t)
	tin := stacktest.NewTIN()
	org, admin := h.NewAdminOrg("Audit Clinic "+tin, tin, "audit.admin"+tin)
	me := h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+admin).Body["user"].(map[string]any)["id"].(string)
	do := func(want int, method, rest string, body any) stacktest.Reply {
		t.Helper()
		r := h.Do(method, "/v1/orgs/"+org+rest, body, "Authorization", "Bearer "+admin)
		if r.Status != want {
			t.Fatalf("%s %s: %d %s", method, rest, r.Status, r.Raw)
		}
		return r
	}
	inv := do(201, "POST", "/invites", map[string]any{"emails": testenv.UniqueEmail("a1") + "," + testenv.UniqueEmail("a2"), "scope": "org", "role": "portal-user"})
	items := inv.Body["items"].([]any)
	first, second := items[0].(map[string]any)["id"].(string), items[1].(map[string]any)["id"].(string)
	resent := do(201, "POST", "/invites/"+first+"/resend", nil)
	revoke := do(204, "DELETE", "/invites/"+second, nil)

	decide := func(username, action string, body any) (string, stacktest.Reply) {
		email := testenv.UniqueEmail(username)
		reg := h.Do("POST", "/v1/registrations", map[string]string{"tin": tin, "level": "org", "first_name": "Pat", "last_name": "Doe",
			"email": email, "username": username + tin, "password": "a sturdy passphrase for the clinic"})
		if reg.Status != 202 {
			t.Fatalf("register: %d %s", reg.Status, reg.Raw)
		}
		id := reg.Body["id"].(string)
		if r := h.Do("POST", "/v1/registrations/verify", map[string]string{"token": h.VerifyToken(email)}); r.Status != 200 {
			t.Fatalf("verify: %d %s", r.Status, r.Raw)
		}
		h.WaitStatus(org, admin, id, "PENDING-PROV-ADMIN-REVIEW", 10*time.Second)
		return id, do(200, "POST", "/registrations/"+id+"/"+action, body)
	}
	approved, approve := decide("approvee", "approve", nil)
	denied, deny := decide("denied", "deny", map[string]string{"reason": "not_affiliated"})

	if _, fnErr := h.Invoke("ops", map[string]any{"command": "ImportClaimReferences", "org_id": org,
		"claims": []map[string]string{{"claim_number": "CLM-77-0001"}}}); fnErr != "" {
		t.Fatalf("import: %s", fnErr)
	}

	log := auditLog(t, h, org, admin)
	cases := []struct {
		name    string
		action  string
		target  string // prefix
		actor   string
		request string
	}{
		{"organization created by ops", "org.create", "org:" + org, "ops", ""},
		{"first administrator invited by ops", "invite.create", "invite:", "ops", ""},
		{"invite created", "invite.create", "invite:" + first, me, inv.Header.Get("X-Request-Id")},
		{"invite re-sent", "invite.resend", "invite:" + first + " -> invite:", me, resent.Header.Get("X-Request-Id")},
		{"invite revoked", "invite.revoke", "invite:" + second, me, revoke.Header.Get("X-Request-Id")},
		{"registration approved", "registration.approve", "registration:" + approved, me, approve.Header.Get("X-Request-Id")},
		{"registration denied", "registration.deny", "registration:" + denied, me, deny.Header.Get("X-Request-Id")},
		{"claims imported by ops", "claims.import", "org:" + org, "ops", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, e := range log {
				if e.Action == c.action && strings.HasPrefix(e.Target, c.target) && e.Actor == c.actor && (c.request == "" || e.RequestID == c.request) {
					return
				}
			}
			t.Fatalf("no %s entry on %s by %s (request %s) in %+v", c.action, c.target, c.actor, c.request, log)
		})
	}
}
