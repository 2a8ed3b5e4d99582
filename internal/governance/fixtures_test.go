package governance_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestOpsFixtures hands the ops fixtures of events/ops to the ops function
// as Lambda would (with real ids put in), so their shapes stay accepted.
func TestOpsFixtures(t *testing.T) {
	w := newWorld(t)
	o := w.office("Fixture Clinic")
	candidate := w.member(o, "provider-admin")
	ticket := w.file(o, o.admin, change(candidate.ID, "site-admin", "add")).Body["id"].(string)
	fn, err := w.App.LambdaHandler("ops")
	if err != nil {
		t.Fatal(err)
	}
	invoke := func(file string, ids map[string]string) map[string]any {
		t.Helper()
		raw, err := os.ReadFile(filepath.Join("..", "..", "events", "ops", file))
		if err != nil {
			t.Fatal(err)
		}
		var payload map[string]any
		if err := json.Unmarshal(raw, &payload); err != nil {
			t.Fatal(err)
		}
		for k, v := range ids {
			payload[k] = v
		}
		in, _ := json.Marshal(payload)
		out, err := fn.Invoke(context.Background(), in)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var res map[string]any
		_ = json.Unmarshal(out, &res)
		return res
	}
	if res := invoke("list-privilege-tickets.json", nil); len(res["items"].([]any)) != 1 {
		t.Fatalf("list: %v", res)
	}
	w.lockOut(o.admin.Username)
	if res := invoke("reactivate-site-admin.json", map[string]string{"org_id": o.id, "user_id": o.admin.ID}); res["reactivated"] != true {
		t.Fatalf("reactivate: %v", res)
	}
	if res := invoke("decide-privilege-ticket.json", map[string]string{"ticket_id": ticket}); res["status"] != "approved" {
		t.Fatalf("decide: %v", res)
	}
}
