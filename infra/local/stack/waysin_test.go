package stack_test

import (
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// entered is a person who came into an office one way or another.
type entered struct {
	username, password string
	shared             bool // also belongs to another office
}

// register files a self-registration for the office of tin, verifies its
// email and returns its id.
func register(t *testing.T, h *stacktest.ReviewHarness, tin, username, claim string) string {
	t.Helper()
	email := testenv.UniqueEmail(username)
	r := h.Do("POST", "/v1/registrations", map[string]string{"tin": tin, "level": "org", "first_name": "Reg", "last_name": "Istrant",
		"email": email, "username": username, "password": personPassword, "claim_number": claim})
	if r.Status != 202 {
		t.Fatalf("register %s: %d %s", username, r.Status, r.Raw)
	}
	if v := h.Do("POST", "/v1/registrations/verify", map[string]string{"token": h.VerifyToken(email)}); v.Status != 200 {
		t.Fatalf("verify %s: %d %s", username, v.Status, v.Raw)
	}
	return r.Body["id"].(string)
}

// decide waits for the registration to wait for a decision, decides it as
// admin, and waits for the review to finish.
func decide(t *testing.T, h *stacktest.ReviewHarness, orgID, admin, id, decision string, body any) {
	t.Helper()
	if r := h.WaitStatus(orgID, admin, id, "PENDING-PROV-ADMIN-REVIEW", 10*time.Second); r.Body["status"] != "PENDING-PROV-ADMIN-REVIEW" {
		t.Fatalf("registration %s never waited for review: %s", id, r.Raw)
	}
	if r := h.Do("POST", "/v1/orgs/"+orgID+"/registrations/"+id+"/"+decision, body, bearer(admin)...); r.Status != 200 {
		t.Fatalf("%s %s: %d %s", decision, id, r.Status, r.Raw)
	}
	if st := h.WaitExecution(id, 15*time.Second); st != "SUCCEEDED" {
		t.Fatalf("review of %s: %s", id, st)
	}
}

// TestEveryWayInEndsInTheSameRecords: whoever lets a person into an office,
// and however, the person signs in, shows in the user list and its export,
// has a detail, and can be locked and deleted there.
func TestEveryWayInEndsInTheSameRecords(t *testing.T) {
	h := stacktest.NewReview(t)
	const tin = "720000001"
	orgID, admin := h.NewAdminOrg("Ways In Clinic", tin, "waysin.admin")
	otherOrg, otherAdmin := h.NewAdminOrg("Ways Out Clinic", "720000002", "waysout.admin")
	out, fnErr := h.Invoke("ops", map[string]any{"command": "ImportClaimReferences", "org_id": orgID,
		"claims": []map[string]string{{"claim_number": "CLM-WAYS-0001"}}})
	if fnErr != "" || out["imported"] != float64(1) {
		t.Fatalf("import claim: %s %v", fnErr, out)
	}
	ways := map[string]func(t *testing.T) entered{
		"invite, new login": func(t *testing.T) entered {
			email := testenv.UniqueEmail("ways.invited")
			if r := h.Do("POST", "/v1/orgs/"+orgID+"/invites", map[string]string{"emails": email, "role": "portal-user", "scope": "org"}, bearer(admin)...); r.Status != 201 {
				t.Fatalf("invite: %d %s", r.Status, r.Raw)
			}
			m := stacktest.InviteLink.FindStringSubmatch(testenv.Emails(t, email)[0].Body.Text)
			if a := h.Do("POST", "/v1/invites/"+m[1]+"/accept", map[string]string{"username": "ways.invited", "password": personPassword,
				"first_name": "In", "last_name": "Vited"}); a.Status != 201 {
				t.Fatalf("accept: %d %s", a.Status, a.Raw)
			}
			return entered{username: "ways.invited", password: personPassword}
		},
		"invite, login of another office": func(t *testing.T) entered {
			p := addPerson(t, h.Harness, otherOrg, otherAdmin, "ways.joined", "portal-user", "org")
			join(t, h.Harness, orgID, admin, p, "clerical-user", "org")
			return entered{username: p.username, password: personPassword, shared: true}
		},
		"registration approved": func(t *testing.T) entered {
			decide(t, h, orgID, admin, register(t, h, tin, "ways.approved", ""), "approve", nil)
			return entered{username: "ways.approved", password: personPassword}
		},
		"registration modified": func(t *testing.T) entered {
			decide(t, h, orgID, admin, register(t, h, tin, "ways.modified", ""), "modify", map[string]string{"role": "clerical-user"})
			return entered{username: "ways.modified", password: personPassword}
		},
		"auto-approval by claim number": func(t *testing.T) entered {
			id := register(t, h, tin, "ways.auto", "CLM-WAYS-0001")
			if st := h.WaitExecution(id, 15*time.Second); st != "SUCCEEDED" {
				t.Fatalf("auto-approval: %s", st)
			}
			return entered{username: "ways.auto", password: personPassword}
		},
		"added by an administrator": func(t *testing.T) entered {
			p := addPerson(t, h.Harness, orgID, admin, "ways.added", "portal-user", "org")
			return entered{username: p.username, password: personPassword}
		},
	}
	for name, way := range ways {
		t.Run(name, func(t *testing.T) { checkWayIn(t, h.Harness, orgID, admin, way(t)) })
	}
}

// checkWayIn is what every way in must give: the person signs in and acts in
// the office, shows in the user list (by each index) and the export, has a
// detail, and the office's lock and delete take effect (there only, for a
// person with another office).
func checkWayIn(t *testing.T, h *stacktest.Harness, orgID, admin string, p entered) {
	t.Helper()
	s := signIn(h, p.username, p.password)
	if s.Status != 200 {
		t.Fatalf("sign-in: %d %s", s.Status, s.Raw)
	}
	if !membershipActive(t, h, s.Body["token"].(string), orgID) {
		t.Fatal("no active membership in the office")
	}
	list := h.Do("GET", "/v1/orgs/"+orgID+"/users?username="+p.username, nil, bearer(admin)...)
	items, _ := list.Body["items"].([]any)
	if list.Status != 200 || len(items) != 1 {
		t.Fatalf("user list by username: %d %s", list.Status, list.Raw)
	}
	item := items[0].(map[string]any)
	id := item["id"].(string)
	for _, q := range []string{"", "last_name=" + strings.ToLower(item["last_name"].(string)[:2]),
		"first_name=" + item["first_name"].(string)[:2], "role=" + item["role"].(string)} {
		l := h.Do("GET", "/v1/orgs/"+orgID+"/users?limit=200&"+q, nil, bearer(admin)...)
		if !strings.Contains(l.Raw, `"username":"`+p.username+`"`) {
			t.Errorf("user list ?%s misses the person: %s", q, l.Raw)
		}
	}
	if csv := h.Do("GET", "/v1/orgs/"+orgID+"/users/export", nil, bearer(admin)...); csv.Status != 200 || !strings.Contains(csv.Raw, ","+p.username+",") {
		t.Fatalf("export misses the person: %d %s", csv.Status, csv.Raw)
	}
	if d := detail(t, h, orgID, admin, id); d.Body["username"] != p.username {
		t.Fatalf("detail: %s", d.Raw)
	}
	if r := h.Do("PATCH", "/v1/orgs/"+orgID+"/users/"+id, map[string]bool{"locked": true}, bearer(admin)...); r.Status != 200 || r.Body["locked"] != true {
		t.Fatalf("lock: %d %s", r.Status, r.Raw)
	}
	if l := h.Do("GET", "/v1/orgs/"+orgID+"/users?locked=true", nil, bearer(admin)...); !strings.Contains(l.Raw, p.username) {
		t.Fatalf("locked list: %s", l.Raw)
	}
	wantLocked := 423
	if p.shared {
		wantLocked = 200 // the other office still lets them in
	}
	if r := signIn(h, p.username, p.password); r.Status != wantLocked {
		t.Fatalf("sign-in while locked here: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("PATCH", "/v1/orgs/"+orgID+"/users/"+id, map[string]bool{"locked": false}, bearer(admin)...); r.Status != 200 {
		t.Fatalf("unlock: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("DELETE", "/v1/orgs/"+orgID+"/users/"+id, nil, bearer(admin)...); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	wantDeleted := 401
	if p.shared {
		wantDeleted = 200
	}
	if r := signIn(h, p.username, p.password); r.Status != wantDeleted {
		t.Fatalf("sign-in after delete here: %d %s", r.Status, r.Raw)
	}
	if l := h.Do("GET", "/v1/orgs/"+orgID+"/users?deleted=true", nil, bearer(admin)...); !strings.Contains(l.Raw, p.username) {
		t.Fatalf("deleted list: %s", l.Raw)
	}
}

// siteAdmin adds a person who becomes a site administrator the only way
// there is (F22): a privilege-change ticket from a site administrator,
// approved by ops.
func siteAdmin(t *testing.T, h *stacktest.Harness, orgID, adminTok, username string) person {
	t.Helper()
	p := addPerson(t, h, orgID, adminTok, username, "provider-admin", "org")
	ticket := h.Do("POST", "/v1/orgs/"+orgID+"/tickets", map[string]any{"subject": "Another site administrator", "body": "Cover for holidays.",
		"kind": "privilege_change", "privilege_change": map[string]string{"user_id": p.id, "grant": "site-admin", "action": "add"}}, bearer(adminTok)...)
	if ticket.Status != 201 {
		t.Fatalf("privilege ticket for %s: %d %s", username, ticket.Status, ticket.Raw)
	}
	if out, fnErr := h.Invoke("ops", map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": ticket.Body["id"], "approve": true}); fnErr != "" {
		t.Fatalf("approve the ticket for %s: %s %v", username, fnErr, out)
	}
	p.token = h.Login(username, personPassword) // a site administrator enrols a second factor first (F20)
	return p
}

// lockOut locks a login the way a forgotten password does: failed sign-ins.
func lockOut(t *testing.T, h *stacktest.Harness, username string) {
	t.Helper()
	for range account.MaxFailedLogins {
		signIn(h, username, "not the password at all")
	}
}

// TestBreakGlassEndsInTheSameRecords is the last way in: with every site
// administrator of an office locked out, ops reactivates one (F23), who
// sets a password from the emailed link; that person then passes the same
// checks as every other way in (run by the second site administrator, whom
// the reactivated one unlocks first).
func TestBreakGlassEndsInTheSameRecords(t *testing.T) {
	h := stacktest.New(t)
	orgID, first := h.NewAdminOrg("Glass Ways Clinic", "720000004", "glass.first")
	second := siteAdmin(t, h, orgID, first, "glass.second")
	me := h.Do("GET", "/v1/me", nil, bearer(first)...).Body["user"].(map[string]any)
	firstID, addr := me["id"].(string), me["email"].(string)
	lockOut(t, h, "glass.first")
	lockOut(t, h, second.username)
	if out, fnErr := h.Invoke("ops", map[string]any{"command": "ReactivateSiteAdmin", "org_id": orgID, "user_id": firstID,
		"authorization": "Email of the practice owner, verified by phone"}); fnErr != "" {
		t.Fatalf("break-glass: %s %v", fnErr, out)
	}
	mails := testenv.Emails(t, addr)
	link := setupLink.FindStringSubmatch(mails[len(mails)-1].Body.Text)
	if link == nil {
		t.Fatalf("no set-up link after break-glass: %q", mails[len(mails)-1].Body.Text)
	}
	if s := h.Do("POST", "/v1/auth/setup", map[string]string{"token": link[1], "new_password": personPassword}); s.Status != 204 {
		t.Fatalf("set-up after break-glass: %d %s", s.Status, s.Raw)
	}
	glass := h.Login("glass.first", personPassword)
	if r := h.Do("PATCH", "/v1/orgs/"+orgID+"/users/"+second.id, map[string]bool{"locked": false}, bearer(glass)...); r.Status != 200 {
		t.Fatalf("the reactivated administrator unlocks the other: %d %s", r.Status, r.Raw)
	}
	checkWayIn(t, h, orgID, h.Login(second.username, personPassword), entered{username: "glass.first", password: personPassword})
}

// TestDecisionsObeyTheMayGrantRule: a reviewer may approve or modify only
// to a role it could give by invite.
func TestDecisionsObeyTheMayGrantRule(t *testing.T) {
	h := stacktest.NewReview(t)
	const tin = "720000003"
	orgID, admin := h.NewAdminOrg("Grant Clinic", tin, "grant.admin")
	clerk := addPerson(t, h.Harness, orgID, admin, "grant.clerk", "clerical-user", "org")
	if r := h.Do("PUT", "/v1/orgs/"+orgID+"/users/"+clerk.id+"/privileges", map[string]string{"user_admin": "full"}, bearer(admin)...); r.Status != 200 {
		t.Fatalf("give the clerk user administration: %d %s", r.Status, r.Raw)
	}
	// The same rule for invites, as the reference.
	if r := h.Do("POST", "/v1/orgs/"+orgID+"/invites", map[string]string{"emails": testenv.UniqueEmail("grant.inv"), "role": "portal-user", "scope": "org"},
		bearer(clerk.token)...); r.Status != 403 {
		t.Fatalf("the clerk invites a portal user: %d %s", r.Status, r.Raw)
	}
	id := register(t, h, tin, "grant.portal", "")
	if r := h.WaitStatus(orgID, admin, id, "PENDING-PROV-ADMIN-REVIEW", 10*time.Second); r.Body["status"] != "PENDING-PROV-ADMIN-REVIEW" {
		t.Fatalf("never pending: %s", r.Raw)
	}
	refused := []struct {
		name, decision string
		body           any
	}{
		{"approve a portal user", "approve", nil},
		{"modify to portal user", "modify", map[string]string{"role": "portal-user"}},
		{"modify to provider administrator", "modify", map[string]string{"role": "provider-admin"}},
		{"modify to site administrator", "modify", map[string]string{"role": "site-admin"}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			if r := h.Do("POST", "/v1/orgs/"+orgID+"/registrations/"+id+"/"+tc.decision, tc.body, bearer(clerk.token)...); r.Status != 403 || r.ErrCode() != "scope_too_wide" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	if r := h.Do("POST", "/v1/orgs/"+orgID+"/registrations/"+id+"/modify", map[string]string{"role": "clerical-user"}, bearer(clerk.token)...); r.Status != 200 {
		t.Fatalf("modify to the clerk's own role: %d %s", r.Status, r.Raw)
	}
	if st := h.WaitExecution(id, 15*time.Second); st != "SUCCEEDED" {
		t.Fatalf("review: %s", st)
	}
	tok := h.Login("grant.portal", personPassword)
	me := h.Do("GET", "/v1/me", nil, bearer(tok)...)
	if !strings.Contains(me.Raw, `"role":"clerical-user"`) {
		t.Fatalf("approved with the wrong role: %s", me.Raw)
	}
}
