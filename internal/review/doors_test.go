package review_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// TestRegistrationAnswersAlike: a free username, one a login has, one a
// pending request reserves, and an unknown TIN all get the same 202 (the
// contract: no username oracle). Only the mailbox learns the difference: a
// taken username is told by email to choose another; nothing is stored.
func TestRegistrationAnswersAlike(t *testing.T) {
	o := newOffice(t)
	pending, _ := o.register("org", "", "pend"+o.tin, "")
	_ = pending
	cases := []struct {
		name, tin, username string
		wantSubject         string
	}{
		{"free username", o.tin, "free" + o.tin, "Verify"},
		{"username of a login", o.tin, "admin" + o.tin, "choose another username"},
		{"username a pending request reserves", o.tin, "pend" + o.tin, "choose another username"},
		{"taken username, unknown TIN", "000000002", "admin" + o.tin, "choose another username"},
		{"unknown TIN", "000000002", "nobody" + o.tin, "access request"},
	}
	var shapes []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			email := testenv.UniqueEmail("alike")
			r := o.h.Do("POST", "/v1/registrations", map[string]string{"tin": tc.tin, "level": "org", "first_name": "Pat", "last_name": "Doe",
				"email": email, "username": tc.username, "password": pw})
			keys := make([]string, 0, len(r.Body))
			for k := range r.Body {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			id, _ := r.Body["id"].(string)
			shapes = append(shapes, fmt.Sprintf("%d %v %v %d", r.Status, keys, r.Body["status"], len(id)))
			if r.Status != 202 || r.Body["status"] != "PENDING-EMAIL-VERIFICATION" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			mails := testenv.Emails(t, email)
			if len(mails) != 1 || !strings.Contains(strings.ToLower(mails[0].Subject+" "+mails[0].Body.Text), strings.ToLower(tc.wantSubject)) {
				t.Fatalf("emails to the registrant: %s, want one about %q", subjects(t, email), tc.wantSubject)
			}
			if strings.Contains(tc.wantSubject, "another") && !strings.Contains(mails[0].Body.Text, tc.username) {
				t.Fatalf("the email does not name the username: %s", mails[0].Body.Text)
			}
		})
	}
	for _, s := range shapes[1:] {
		if s != shapes[0] {
			t.Fatalf("answers differ in shape: %v", shapes)
		}
	}
	// The taken username's login is untouched and signs in as before.
	o.h.Login("admin"+o.tin, "a long admin passphrase")
}

// TestRegistrationPastTheLimitsAnswersTheSameAndSendsNothing: a burst of
// requests for one email gets the same 202 each time, but only
// register_per_identifier of them are acted on (emailed).
func TestRegistrationPastTheLimitsAnswersTheSameAndSendsNothing(t *testing.T) {
	o := newOffice(t)
	email := testenv.UniqueEmail("burst")
	limit := throttle.Defaults[throttle.RegisterIdentifier].Max
	for i := range limit + 4 {
		r := o.h.Do("POST", "/v1/registrations", map[string]string{"tin": o.tin, "level": "org", "first_name": "Pat", "last_name": "Doe",
			"email": email, "username": fmt.Sprintf("burst%d%s", i, o.tin), "password": pw})
		if r.Status != 202 || r.Body["status"] != "PENDING-EMAIL-VERIFICATION" {
			t.Fatalf("request %d: %d %s", i+1, r.Status, r.Raw)
		}
	}
	if got := len(testenv.Emails(t, email)); got != limit {
		t.Fatalf("%d emails for %d requests, want %d (the limit)", got, limit+4, limit)
	}
}

// TestClaimNumberApprovesOnlyWhatItBelongsTo: a claim on file for one
// provider auto-approves a request for that provider only, never one for
// another provider or for the whole office; an office-wide claim approves
// an office-level request; the approving claim is in the history. Past the
// claim-number limit a right claim is no longer screened: a reviewer decides.
func TestClaimNumberApprovesOnlyWhatItBelongsTo(t *testing.T) {
	o := newOffice(t, stacktest.Limit(throttle.ClaimNumber, throttle.Limit{Max: 4, Window: time.Hour}))
	out, fnErr := o.h.Invoke("ops", map[string]any{"command": "ImportClaimReferences", "org_id": o.orgID,
		"claims": []map[string]string{{"claim_number": "ADA-CLAIM-001", "npi": npiAda}, {"claim_number": "OFFICE-CLAIM-9"}}})
	if fnErr != "" || out["imported"] != float64(2) {
		t.Fatalf("import: %s %v", fnErr, out)
	}
	cases := []struct {
		name, level, npi, claim string
		want                    string
		history                 string
	}{
		{"provider claim, that provider", "provider", npiAda, "ada-claim-001", "AUTO-APPROVED", "on file for NPI " + npiAda},
		{"provider claim, another provider", "provider", npiGrace, "ADA-CLAIM-001", "PENDING-ADMIN-REVIEW", ""},
		{"provider claim, the whole office", "org", "", "ADA-CLAIM-001", "PENDING-PROV-ADMIN-REVIEW", ""},
		{"office claim, the whole office", "org", "", "office claim 9", "AUTO-APPROVED", "on file for the office"},
		{"past the claim-number limit", "provider", npiAda, "ADA-CLAIM-001", "PENDING-ADMIN-REVIEW", "claim number not screened"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, email := o.register(tc.level, tc.npi, fmt.Sprintf("claim%d%s", i, o.tin), tc.claim)
			o.verify(email)
			d := o.waitStatus(id, tc.want)
			if tc.history != "" && !strings.Contains(d.Raw, tc.history) {
				t.Fatalf("history does not say %q: %s", tc.history, d.Raw)
			}
		})
	}
}
