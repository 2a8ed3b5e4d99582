package review_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
)

// TestNoReviewDecisionMakesASiteAdministrator: modifying a request to the
// site administrator role is refused for an office administrator and for
// ops alike; a site administrator is appointed only by an approved
// privilege-change ticket (F22). The request stays pending.
func TestNoReviewDecisionMakesASiteAdministrator(t *testing.T) {
	o := newOffice(t)
	id, email := o.register("org", "", "wantsadmin"+o.tin, "")
	o.verify(email)
	o.waitStatus(id, "PENDING-PROV-ADMIN-REVIEW")
	r := o.h.Do("POST", "/v1/orgs/"+o.orgID+"/registrations/"+id+"/modify", map[string]string{"role": "site-admin"}, o.auth()...)
	if r.Status != 403 || r.ErrCode() != "privilege_ticket_required" {
		t.Fatalf("administrator modifies to site admin: %d %s", r.Status, r.Raw)
	}
	o.waitStatus(id, "PENDING-PROV-ADMIN-REVIEW")

	empty := o.unadministeredOffice(t)
	escID, escEmail := empty.register("org", "", "escadmin"+o.tin, "")
	empty.verify(escEmail)
	var res map[string]any
	for i := 0; i < 100; i++ {
		res, _ = o.h.Invoke("ops", map[string]any{"command": "DecideRegistration", "registration_id": escID, "decision": "modify", "role": "site-admin"})
		if !strings.Contains(stacktest.JSON(res), "not_reviewable") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(stacktest.JSON(res), `\"code\":\"privilege_ticket_required\"`) {
		t.Fatalf("ops modifies to site admin: %v", res)
	}
}
