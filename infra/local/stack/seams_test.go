package stack_test

import (
	"context"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// Sign-in (F2) and running accounts (F15, F16) meet at the lock: an
// automatic lockout must show in the user list, an administrator's unlock
// must clear the failure count, and an administrator's lock must not run out
// after the 30 minutes of a lockout.
func TestLockoutShowsInTheUserListAndAdminLocksHold(t *testing.T) {
	h := stacktest.New(t)
	orgID, admin := h.NewAdminOrg("Seam Clinic", "778899001", "seam.admin")
	bearer := []string{"Authorization", "Bearer " + admin}
	add := h.Do("POST", "/v1/orgs/"+orgID+"/users", map[string]string{
		"first_name": "Lena", "last_name": "Lockwood", "email": testenv.UniqueEmail("lena"), "username": "lena.lockwood",
		"role": "clerical-user", "scope": "org", "credentials": "temporary-password",
	}, bearer...)
	temp, _ := add.Body["temporary_password"].(string)
	userID, _ := add.Body["id"].(string)
	if add.Status != 201 || temp == "" || userID == "" {
		t.Fatalf("add user: %d %s", add.Status, add.Raw)
	}
	for range 5 {
		h.Do("POST", "/v1/auth/login", map[string]string{"username": "lena.lockwood", "password": "not the password at all"})
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "lena.lockwood", "password": temp}); r.Status != 423 {
		t.Fatalf("after 5 failures: %d %s", r.Status, r.Raw)
	}
	listed := func(query string) []any {
		r := h.Do("GET", "/v1/orgs/"+orgID+"/users?"+query, nil, bearer...)
		if r.Status != 200 {
			t.Fatalf("list %s: %d %s", query, r.Status, r.Raw)
		}
		items, _ := r.Body["items"].([]any)
		return items
	}
	locked := listed("locked=true")
	if len(locked) != 1 || locked[0].(map[string]any)["username"] != "lena.lockwood" || locked[0].(map[string]any)["lockout_time"] == nil {
		t.Fatalf("locked users: %v", locked)
	}
	if r := h.Do("PATCH", "/v1/orgs/"+orgID+"/users/"+userID, map[string]any{"locked": false}, bearer...); r.Status != 200 {
		t.Fatalf("unlock: %d %s", r.Status, r.Raw)
	}
	if got := listed("locked=true"); len(got) != 0 {
		t.Fatalf("still listed as locked: %v", got)
	}
	u, _, err := h.App.Store.UserWithMemberships(context.Background(), userID)
	if err != nil || u.FailedLogins != 0 || u.FailureWindowStart != nil {
		t.Fatalf("unlock left the failure count: %d %v %v", u.FailedLogins, u.FailureWindowStart, err)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "lena.lockwood", "password": temp}); r.Status != 200 {
		t.Fatalf("sign-in after unlock: %d %s", r.Status, r.Raw)
	}

	if r := h.Do("PATCH", "/v1/orgs/"+orgID+"/users/"+userID, map[string]any{"locked": true}, bearer...); r.Status != 200 {
		t.Fatalf("admin lock: %d %s", r.Status, r.Raw)
	}
	// The administrator's lock is the membership's in this office: it has
	// no expiry, and it leaves the login itself (and its other offices) alone.
	u, ms, _ := h.App.Store.UserWithMemberships(context.Background(), userID)
	if len(ms) != 1 || !ms[0].Locked || ms[0].LockedAt == nil || ms[0].Active || u.Locked {
		t.Fatalf("an administrator's lock must hold until unlocked: %+v %+v", u, ms)
	}
	if r := h.Do("POST", "/v1/auth/login", map[string]string{"username": "lena.lockwood", "password": temp}); r.Status != 423 {
		t.Fatalf("sign-in with the only office locked: %d %s", r.Status, r.Raw)
	}
}
