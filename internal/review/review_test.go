package review_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const (
	npiAda   = "1234567893"
	npiGrace = "1245319599"
	pw       = "correct horse battery staple"
)

var tinSeq atomic.Int64

// uniqueTIN gives each test org its own nine-digit TIN.
func uniqueTIN() string {
	return fmt.Sprintf("%09d", (time.Now().UnixNano()/1000+tinSeq.Add(1)*7919)%1_000_000_000)
}

type office struct {
	h     *stacktest.ReviewHarness
	orgID string
	tin   string
	admin string // bearer of the site administrator
}

func newOffice(t *testing.T, adjust ...func(*config.Config)) office {
	h := stacktest.NewReview(t, adjust...)
	tin := uniqueTIN()
	orgID, admin := h.NewAdminOrg("Clinic "+tin, tin, "admin"+tin)
	return office{h: h, orgID: orgID, tin: tin, admin: admin}
}

func (o office) auth() []string { return []string{"Authorization", "Bearer " + o.admin} }

// register submits a request and returns its id and the registrant's email.
func (o office) register(level, npi, username, claim string) (string, string) {
	o.h.T.Helper()
	email := testenv.UniqueEmail(username)
	body := map[string]string{"tin": o.tin, "level": level, "npi": npi, "first_name": "Pat", "last_name": "Doe",
		"email": email, "username": username, "password": pw, "claim_number": claim}
	r := o.h.Do("POST", "/v1/registrations", body)
	if r.Status != 202 || r.Body["status"] != "PENDING-EMAIL-VERIFICATION" {
		o.h.T.Fatalf("register %s: %d %s", username, r.Status, r.Raw)
	}
	return r.Body["id"].(string), email
}

func (o office) verify(email string) stacktest.Reply {
	o.h.T.Helper()
	r := o.h.Do("POST", "/v1/registrations/verify", map[string]string{"token": o.h.VerifyToken(email)})
	if r.Status != 200 {
		o.h.T.Fatalf("verify %s: %d %s", email, r.Status, r.Raw)
	}
	return r
}

func (o office) waitStatus(id, want string) stacktest.Reply {
	o.h.T.Helper()
	r := o.h.WaitStatus(o.orgID, o.admin, id, want, 10*time.Second)
	if r.Body["status"] != want {
		o.h.T.Fatalf("registration %s: status %v, want %s: %s", id, r.Body["status"], want, r.Raw)
	}
	return r
}

// waitDone waits for the execution to end and returns its status.
func (o office) waitDone(id string) string {
	o.h.T.Helper()
	return o.h.WaitExecution(id, 15*time.Second)
}

func subjects(t *testing.T, addr string) string {
	var out []string
	for _, m := range testenv.Emails(t, addr) {
		out = append(out, m.Subject)
	}
	return strings.Join(out, " | ")
}

func TestReviewPaths(t *testing.T) {
	tests := []struct {
		name       string
		level, npi string
		claim      string // imported before the request when importClaim
		import_    bool
		decide     string // "", approve, deny, modify
		body       map[string]string
		wantStatus string
		wantRole   string
		wantEmail  string // subject fragment of the outcome email
		wantStates []string
	}{
		{name: "auto-approved by a claim number on file", level: "org", claim: "CLM-2020-0042", import_: true,
			wantStatus: "AUTO-APPROVED", wantRole: "portal-user", wantEmail: "is approved",
			wantStates: []string{"AwaitVerification", "Screen", "RouteByScreen", "Provision", "NotifyOutcome", "Done"}},
		{name: "TIN level approved by the office administrator", level: "org", claim: "UNKNOWN-123", decide: "approve",
			wantStatus: "MANUAL-PROV-ADMIN-APPROVED", wantRole: "portal-user", wantEmail: "is approved",
			wantStates: []string{"AwaitVerification", "Screen", "RouteByScreen", "WaitForDecision", "ApplyDecision", "Provision", "NotifyOutcome", "Done"}},
		{name: "individual level approved", level: "provider", npi: npiAda, decide: "approve",
			wantStatus: "MANUAL-ADMIN-APPROVED", wantRole: "portal-user", wantEmail: "is approved"},
		{name: "modified to clerical user", level: "provider", npi: npiGrace, decide: "modify", body: map[string]string{"role": "clerical-user"},
			wantStatus: "MANUAL-ADMIN-APPROVED", wantRole: "clerical-user", wantEmail: "is approved"},
		{name: "denied", level: "org", decide: "deny", body: map[string]string{"reason": "not_affiliated"},
			wantStatus: "DECLINED", wantEmail: "was declined",
			wantStates: []string{"AwaitVerification", "Screen", "RouteByScreen", "WaitForDecision", "ApplyDecision", "NotifyOutcome", "Done"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOffice(t)
			if tc.import_ {
				out, fnErr := o.h.Invoke("ops", map[string]any{"command": "ImportClaimReferences", "org_id": o.orgID,
					"claims": []map[string]string{{"claim_number": "clm 2020 0042"}, {"claim_number": "OTHER-99", "npi": npiAda}}})
				if fnErr != "" || out["imported"] != float64(2) {
					t.Fatalf("import: %s %v", fnErr, out)
				}
			}
			var (
				decisionCalls, finalCalls int
				finalAt                   time.Time
			)
			username := fmt.Sprintf("reg%d%s", i, o.tin)
			id, email := o.register(tc.level, tc.npi, username, tc.claim)
			o.verify(email)
			if tc.decide != "" {
				pending := "PENDING-PROV-ADMIN-REVIEW"
				if tc.level == "provider" {
					pending = "PENDING-ADMIN-REVIEW"
				}
				o.waitStatus(id, pending)
				callsBefore, started := o.h.Calls.Service("DynamoDB"), time.Now()
				defer func() {
					// Measurements for the report (not assertions): decision to final
					// status (execution done, registrant emailed) and table calls.
					t.Logf("MEASURE %s: decision request %d DynamoDB calls; decision to final status %s, %d DynamoDB calls in all (%v)",
						tc.decide, decisionCalls, finalAt.Sub(started).Round(time.Millisecond), finalCalls-callsBefore, o.h.Calls.String())
				}()
				r := o.h.Do("POST", "/v1/orgs/"+o.orgID+"/registrations/"+id+"/"+tc.decide, tc.body, o.auth()...)
				if r.Status != 200 || r.Body["status"] != tc.wantStatus {
					t.Fatalf("%s: %d %s", tc.decide, r.Status, r.Raw)
				}
				decisionCalls = o.h.Calls.Service("DynamoDB") - callsBefore
				// A decision is final: any second decision is refused.
				again := o.h.Do("POST", "/v1/orgs/"+o.orgID+"/registrations/"+id+"/approve", nil, o.auth()...)
				if again.Status != 409 || again.ErrCode() != "already_decided" {
					t.Fatalf("second decision: %d %s", again.Status, again.Raw)
				}
			}
			if st := o.waitDone(id); st != "SUCCEEDED" {
				t.Fatalf("execution %s: %s %s", st, *o.h.Execution(id).Error, *o.h.Execution(id).Cause)
			}
			finalAt, finalCalls = time.Now(), o.h.Calls.Service("DynamoDB")
			d := o.waitStatus(id, tc.wantStatus)
			if tc.wantStates != nil {
				if got := o.h.History(id); strings.Join(got, ",") != strings.Join(tc.wantStates, ",") {
					t.Errorf("states %v, want %v", got, tc.wantStates)
				}
			}
			if s := subjects(t, email); !strings.Contains(s, tc.wantEmail) {
				t.Errorf("emails to the registrant: %s; want one that %s", s, tc.wantEmail)
			}
			if tc.wantRole == "" {
				// Declined: no login, and the username is free again.
				if r := o.h.Do("POST", "/v1/auth/login", map[string]string{"username": username, "password": pw}); r.Status != 401 {
					t.Errorf("login after decline: %d", r.Status)
				}
				o.register("org", "", username, "")
				return
			}
			tok := o.h.Login(username, pw)
			me := o.h.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok)
			ms, _ := me.Body["memberships"].([]any)
			if len(ms) != 1 || ms[0].(map[string]any)["role"] != tc.wantRole || ms[0].(map[string]any)["org_id"] != o.orgID {
				t.Errorf("memberships %s, want one as %s", stacktest.JSON(ms), tc.wantRole)
			}
			if d.Body["user_id"] == nil {
				t.Errorf("details without user_id: %s", d.Raw)
			}
			if ans := d.Body["answers"].(map[string]any); tc.claim != "" && strings.Contains(stacktest.JSON(ans), strings.ReplaceAll(tc.claim, "-", "")[:6]) {
				t.Errorf("claim number not masked: %v", ans)
			}
		})
	}
}

func TestReviewersAreNotifiedAndConsoleLists(t *testing.T) {
	o := newOffice(t)
	id, email := o.register("provider", npiAda, "cons"+o.tin, "")
	o.verify(email)
	o.waitStatus(id, "PENDING-ADMIN-REVIEW")
	// The office's only administrator was emailed.
	me := o.h.Do("GET", "/v1/me", nil, o.auth()...)
	adminEmail := me.Body["user"].(map[string]any)["email"].(string)
	if s := subjects(t, adminEmail); !strings.Contains(s, "waiting for your review") {
		t.Errorf("reviewer emails: %s", s)
	}
	// An invite shows up in the console too.
	r := o.h.Do("POST", "/v1/orgs/"+o.orgID+"/invites", map[string]string{"emails": testenv.UniqueEmail("inv"), "scope": "org", "role": "portal-user"}, o.auth()...)
	if r.Status != 201 {
		t.Fatalf("invite: %d %s", r.Status, r.Raw)
	}
	tests := []struct {
		name, query string
		want        []string // statuses, newest first
	}{
		{"all entries, newest first", "", []string{"EMAIL-INT", "PENDING-ADMIN-REVIEW", "EMAIL-SUCCESS"}},
		{"invites used (the administrator's own)", "?status=EMAIL-SUCCESS", []string{"EMAIL-SUCCESS"}},
		{"pending only", "?status=PENDING-ADMIN-REVIEW", []string{"PENDING-ADMIN-REVIEW"}},
		{"invites sent", "?status=EMAIL-INT", []string{"EMAIL-INT"}},
		{"declined: none", "?status=DECLINED", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := o.h.Do("GET", "/v1/orgs/"+o.orgID+"/registrations"+tc.query, nil, o.auth()...)
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			var got []string
			for _, it := range r.Body["items"].([]any) {
				got = append(got, it.(map[string]any)["status"].(string))
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("statuses %v, want %v (%s)", got, tc.want, r.Raw)
			}
		})
	}
	r = o.h.Do("GET", "/v1/orgs/"+o.orgID+"/registrations?status=PENDING-ADMIN-REVIEW", nil, o.auth()...)
	item := r.Body["items"].([]any)[0].(map[string]any)
	if item["other_identifiers"] != npiAda || item["id_code_qualifier"] != "XX" || item["registered_provider_name"] != "Dr. Ada" || item["level"] != "provider" {
		t.Errorf("console item %v", item)
	}
	if r := o.h.Do("GET", "/v1/orgs/"+o.orgID+"/registrations?status=NOPE", nil, o.auth()...); r.Status != 400 {
		t.Errorf("unknown status: %d", r.Status)
	}
}

func TestTimeoutsInvalidate(t *testing.T) {
	o := newOffice(t, func(c *config.Config) { c.ReviewTimeout = 2 * time.Second; c.VerificationWindow = 2 * time.Second })
	t.Run("never verified", func(t *testing.T) {
		username := "unv" + o.tin
		id, email := o.register("org", "", username, "")
		if st := o.waitDone(id); st != "SUCCEEDED" {
			t.Fatalf("execution %s: %s %s", st, *o.h.Execution(id).Error, *o.h.Execution(id).Cause)
		}
		o.waitStatus(id, "INVALIDATED")
		if s := subjects(t, email); !strings.Contains(s, "has expired") {
			t.Errorf("emails: %s", s)
		}
		if got := o.h.History(id); !strings.Contains(strings.Join(got, ","), "ExpireVerification,VerifiedInTime,NotifyOutcome") {
			t.Errorf("states %v", got)
		}
		// The username is free again; the dead link answers 404.
		o.register("org", "", username, "")
		r := o.h.Do("POST", "/v1/registrations/verify", map[string]string{"token": o.h.VerifyToken(email)})
		if r.Status != 410 && r.Status != 404 {
			t.Errorf("late verification: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("never decided", func(t *testing.T) {
		id, email := o.register("org", "", "und"+o.tin, "")
		o.verify(email)
		if st := o.waitDone(id); st != "SUCCEEDED" {
			t.Fatalf("execution %s: %s %s", st, *o.h.Execution(id).Error, *o.h.Execution(id).Cause)
		}
		o.waitStatus(id, "INVALIDATED")
		if s := subjects(t, email); !strings.Contains(s, "has expired") {
			t.Errorf("emails: %s", s)
		}
		if r := o.h.Do("POST", "/v1/orgs/"+o.orgID+"/registrations/"+id+"/approve", nil, o.auth()...); r.Status != 409 {
			t.Errorf("approve after timeout: %d %s", r.Status, r.Raw)
		}
	})
}

// Twenty administrators clicking at once: one decision, one login.
func TestConcurrentDecisionsApplyOnce(t *testing.T) {
	o := newOffice(t)
	username := "race" + o.tin
	id, email := o.register("org", "", username, "")
	o.verify(email)
	o.waitStatus(id, "PENDING-PROV-ADMIN-REVIEW")
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes = map[int]int{}
		kinds = map[string]int{}
	)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kind, body := "approve", map[string]string(nil)
			if i%2 == 1 {
				kind, body = "deny", map[string]string{"reason": "duplicate_request"}
			}
			r := o.h.Do("POST", "/v1/orgs/"+o.orgID+"/registrations/"+id+"/"+kind, body, o.auth()...)
			mu.Lock()
			codes[r.Status]++
			if r.Status == 200 {
				kinds[kind]++
			} else if r.ErrCode() != "already_decided" {
				t.Errorf("loser: %d %s", r.Status, r.Raw)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[200] != 1 || codes[409] != 19 {
		t.Fatalf("answers %v, want one 200 and nineteen 409", codes)
	}
	if st := o.waitDone(id); st != "SUCCEEDED" {
		t.Fatalf("execution %s: %s %s", st, *o.h.Execution(id).Error, *o.h.Execution(id).Cause)
	}
	d := o.h.Do("GET", "/v1/orgs/"+o.orgID+"/registrations/"+id, nil, o.auth()...)
	decisions := 0
	for _, ev := range d.Body["history"].([]any) {
		if a := ev.(map[string]any)["action"]; a == "approve" || a == "deny" {
			decisions++
		}
	}
	if decisions != 1 {
		t.Errorf("%d decisions in the history: %s", decisions, d.Raw)
	}
	login := o.h.Do("POST", "/v1/auth/login", map[string]string{"username": username, "password": pw})
	if kinds["approve"] == 1 && login.Status != 200 || kinds["deny"] == 1 && login.Status != 401 {
		t.Errorf("winner %v, login %d", kinds, login.Status)
	}
}

func TestRegistrationValidation(t *testing.T) {
	o := newOffice(t)
	good := func() map[string]string {
		return map[string]string{"tin": o.tin, "level": "org", "first_name": "A", "last_name": "B", "email": testenv.UniqueEmail("v"),
			"username": "val" + o.tin, "password": pw}
	}
	tests := []struct {
		name   string
		change map[string]string
		status int
		field  string
		code   string
	}{
		{"bad TIN", map[string]string{"tin": "12-34"}, 400, "tin", ""},
		{"bad level", map[string]string{"level": "team"}, 400, "level", ""},
		{"provider level needs an NPI", map[string]string{"level": "provider"}, 400, "npi", ""},
		{"bad email", map[string]string{"email": "nope"}, 400, "email", ""},
		{"weak password", map[string]string{"password": "short"}, 400, "password", ""},
		{"bad date of birth", map[string]string{"provider_dob": "1/2/70"}, 400, "provider_dob", ""},
		{"admin role cannot be requested", map[string]string{"role": "site-admin"}, 400, "role", ""},
		{"username of an existing login answers like any other", map[string]string{"username": "admin" + o.tin}, 202, "", ""},
		{"unknown TIN answers like any other", map[string]string{"tin": "000000001"}, 202, "", ""},
		{"NPI of another office answers like any other", map[string]string{"level": "provider", "npi": "1003000126"}, 202, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := good()
			for k, v := range tc.change {
				body[k] = v
			}
			r := o.h.Do("POST", "/v1/registrations", body)
			if r.Status != tc.status || tc.field != "" && r.Field(tc.field) == "" || tc.code != "" && r.ErrCode() != tc.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
}

func TestOpsDecidesEscalatedRequests(t *testing.T) {
	o := newOffice(t)
	empty := o.unadministeredOffice(t)
	id, email := empty.register("org", "", "esc"+o.tin, "")
	empty.verify(email)
	// Not an org member: ops decides.
	var (
		res   map[string]any
		fnErr string
	)
	for i := 0; i < 100; i++ {
		res, fnErr = o.h.Invoke("ops", map[string]any{"command": "DecideRegistration", "registration_id": id, "decision": "modify", "role": "clerical-user"})
		if fnErr == "" || !strings.Contains(stacktest.JSON(res), "not_reviewable") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if fnErr != "" || res["status"] != "MANUAL-PROV-ADMIN-APPROVED" {
		t.Fatalf("DecideRegistration: %s %v", fnErr, res)
	}
	if st := o.h.WaitExecution(id, 15*time.Second); st != "SUCCEEDED" {
		t.Fatalf("execution %s: %s %s", st, *o.h.Execution(id).Error, *o.h.Execution(id).Cause)
	}
	o.h.Login("esc"+o.tin, pw)
	// A non-escalated request is not ops's to decide.
	id2, email2 := o.register("org", "", "nesc"+o.tin, "")
	o.verify(email2)
	o.waitStatus(id2, "PENDING-PROV-ADMIN-REVIEW")
	if res, fnErr := o.h.Invoke("ops", map[string]any{"command": "DecideRegistration", "registration_id": id2, "decision": "approve"}); fnErr == "" || !strings.Contains(stacktest.JSON(res), "not_escalated") {
		t.Errorf("ops on a non-escalated request: %s %v", fnErr, res)
	}
}

// unadministeredOffice creates, through ops, an office nobody has joined: its
// requests have no eligible reviewer and escalate to ops.
func (o office) unadministeredOffice(t *testing.T) office {
	t.Helper()
	tin := uniqueTIN()
	out, fnErr := o.h.Invoke("ops", map[string]any{"command": "CreateOrganization", "name": "Empty " + o.tin, "tin": tin,
		"providers": []map[string]string{{"npi": npiAda, "name": "Dr. Ada"}}})
	if fnErr != "" {
		t.Fatal(out)
	}
	return office{h: o.h, orgID: out["org_id"].(string), admin: o.admin, tin: tin}
}
