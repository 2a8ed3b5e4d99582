package review_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/workflow/sfn"
)

// tableItems reads every item of a test table (a Scan: tests only).
func tableItems(t *testing.T, table string) []map[string]types.AttributeValue {
	t.Helper()
	var (
		out   []map[string]types.AttributeValue
		start map[string]types.AttributeValue
	)
	for {
		res, err := testenv.DynamoDB(t).Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table), ExclusiveStartKey: start})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res.Items...)
		if res.LastEvaluatedKey == nil {
			return out
		}
		start = res.LastEvaluatedKey
	}
}

func attr(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// When Step Functions cannot start the review, the submission leaves
// nothing behind: 503, the username free again, no item of the request.
func TestSubmitIsAllOrNothingWhenTheWorkflowCannotStart(t *testing.T) {
	h := stacktest.New(t, func(c *config.Config) { c.StateMachine = sfn.StateMachineARN("no-such-machine-" + c.TableName) })
	tin := uniqueTIN()
	h.NewAdminOrg("Clinic "+tin, tin, "admin"+tin)
	username := "strand" + tin
	email := testenv.UniqueEmail("strand")
	body := map[string]string{"tin": tin, "level": "org", "first_name": "Pat", "last_name": "Doe", "email": email, "username": username, "password": pw}
	for attempt := range 2 {
		// The second attempt answers 503 again (it would start no execution
		// for a username still reserved): the first one released it.
		r := h.Do("POST", "/v1/registrations", body)
		if r.Status != 503 || r.ErrCode() != "dependency_unavailable" {
			t.Fatalf("attempt %d: %d %s", attempt+1, r.Status, r.Raw)
		}
	}
	for _, item := range tableItems(t, h.App.Config.TableName) {
		pk, typ := attr(item, "PK"), attr(item, "Type")
		if typ == "Registration" || typ == "RegistrationPointer" || pk == "USERNAME#"+username || attr(item, "Purpose") == "verify-registration" {
			t.Errorf("left behind: %s %s %s", pk, attr(item, "SK"), typ)
		}
	}
	if s := subjects(t, email); s != "" {
		t.Errorf("emails to the registrant: %s", s)
	}

}

// The notify step retried (or invoked again with the same input) emails the
// registrant once.
func TestOutcomeEmailIsSentOnce(t *testing.T) {
	o := newOffice(t)
	id, email := o.register("org", "", "once"+o.tin, "")
	o.verify(email)
	o.waitStatus(id, "PENDING-PROV-ADMIN-REVIEW")
	if r := o.h.Do("POST", "/v1/orgs/"+o.orgID+"/registrations/"+id+"/deny", map[string]string{"reason": "not_affiliated"}, o.auth()...); r.Status != 200 {
		t.Fatalf("deny: %d %s", r.Status, r.Raw)
	}
	if st := o.waitDone(id); st != "SUCCEEDED" {
		t.Fatalf("execution %s", st)
	}
	input := map[string]string{"step": "notify", "registration_id": id, "org_id": o.orgID}
	for i := range 2 {
		out, fnErr := o.h.Invoke("review", input)
		if fnErr != "" || out["status"] != "DECLINED" {
			t.Fatalf("notify again (%d): %s %v", i+1, fnErr, out)
		}
	}
	declined := 0
	for _, m := range testenv.Emails(t, email) {
		if strings.Contains(m.Subject, "was declined") {
			declined++
		}
	}
	if declined != 1 {
		t.Errorf("%d outcome emails (%s), want 1", declined, subjects(t, email))
	}
	d := o.h.Do("GET", "/v1/orgs/"+o.orgID+"/registrations/"+id, nil, o.auth()...)
	if n := strings.Count(d.Raw, `"registrant emailed"`); n != 1 {
		t.Errorf("%d history lines of the outcome email, want 1: %s", n, d.Raw)
	}
}

// A request no one in its office may decide reaches ops: an email to the
// ops address and the ListEscalatedRegistrations list, newest first, paged,
// until ops decides it.
func TestEscalatedRequestsReachOps(t *testing.T) {
	opsEmail := testenv.UniqueEmail("ops")
	o := newOffice(t, func(c *config.Config) { c.OpsEmail = opsEmail })
	empty := o.unadministeredOffice(t)
	waitEscalated := func(want int) []string {
		t.Helper()
		var ids []string
		for i := 0; i < 200; i++ {
			ids = nil
			cursor := ""
			for page := 0; page < 10; page++ {
				res, fnErr := o.h.Invoke("ops", map[string]any{"command": "ListEscalatedRegistrations", "limit": 1, "cursor": cursor})
				if fnErr != "" {
					t.Fatalf("ListEscalatedRegistrations: %v", res)
				}
				for _, it := range res["items"].([]any) {
					ids = append(ids, it.(map[string]any)["registration_id"].(string))
				}
				if cursor, _ = res["next_cursor"].(string); cursor == "" {
					break
				}
			}
			if len(ids) == want {
				return ids
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("escalated %v, want %d", ids, want)
		return nil
	}
	first, email1 := empty.register("org", "", "esc1"+o.tin, "")
	empty.verify(email1)
	waitEscalated(1)
	second, email2 := empty.register("provider", npiAda, "esc2"+o.tin, "")
	empty.verify(email2)
	// A request the office's administrator can decide is not escalated.
	mine, email3 := o.register("org", "", "esc3"+o.tin, "")
	o.verify(email3)
	o.waitStatus(mine, "PENDING-PROV-ADMIN-REVIEW")
	if got := waitEscalated(2); strings.Join(got, ",") != second+","+first {
		t.Fatalf("escalated %v, want newest first %s,%s", got, second, first)
	}
	mails := testenv.Emails(t, opsEmail)
	if len(mails) != 2 || !strings.Contains(mails[0].Subject, "escalated") || !strings.Contains(mails[0].Body.Text+mails[1].Body.Text, first) {
		t.Fatalf("ops emails: %d %s", len(mails), subjects(t, opsEmail))
	}
	if res, fnErr := o.h.Invoke("ops", map[string]any{"command": "ListEscalatedRegistrations", "limit": 500}); fnErr == "" {
		t.Errorf("limit 500 accepted: %v", res)
	}
	// Decided by ops: it leaves the list.
	res, fnErr := o.h.Invoke("ops", map[string]any{"command": "DecideRegistration", "registration_id": second, "decision": "deny", "reason": "not_affiliated"})
	if fnErr != "" || res["status"] != "DECLINED" {
		t.Fatalf("DecideRegistration: %s %v", fnErr, res)
	}
	if got := waitEscalated(1); got[0] != first {
		t.Errorf("escalated after the decision %v, want %s", got, first)
	}
}

// The invite list without a status filter fills its pages with invites even
// when registrations sit between them in the console's partition.
func TestInviteListPagesAreFull(t *testing.T) {
	o := newOffice(t)
	path := "/v1/orgs/" + o.orgID + "/invites"
	r := o.h.Do("POST", path, map[string]string{"emails": testenv.UniqueEmail("full"), "scope": "org", "role": "portal-user"}, o.auth()...)
	if r.Status != 201 {
		t.Fatalf("invite: %d %s", r.Status, r.Raw)
	}
	newest := r.Body["items"].([]any)[0].(map[string]any)["id"].(string)
	for i := range 3 {
		o.register("org", "", fmt.Sprintf("full%d%s", i, o.tin), "")
	}
	tests := []struct {
		name  string
		limit int
		want  []int // invites per page
	}{
		{"two per page", 2, []int{2}},
		{"one per page", 1, []int{1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var (
				got    []int
				ids    []string
				cursor string
			)
			for page := 0; page < 5; page++ {
				r := o.h.Do("GET", fmt.Sprintf("%s?limit=%d&cursor=%s", path, tc.limit, cursor), nil, o.auth()...)
				if r.Status != 200 {
					t.Fatalf("%d %s", r.Status, r.Raw)
				}
				items := r.Body["items"].([]any)
				got = append(got, len(items))
				for _, it := range items {
					ids = append(ids, it.(map[string]any)["id"].(string))
				}
				if cursor, _ = r.Body["next_cursor"].(string); cursor == "" {
					break
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || ids[0] != newest {
				t.Errorf("pages %v (ids %v), want %v starting with %s", got, ids, tc.want, newest)
			}
		})
	}
}

// Local only: after a restart of `make run` the emulator knows no execution;
// ResumeReviews starts the review of unfinished registrations again. The
// restart is played by a second state machine in the same emulator (it
// knows none of the executions) after the first one's are stopped.
func TestLocalRestartResumesReviews(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t)
	table := o.h.App.Config.TableName
	awsCfg := testenv.AWSConfig(t)
	client := sfn.NewClient(awsCfg)

	inReview, email1 := o.register("org", "", "res1"+o.tin, "")
	o.verify(email1)
	decidedWhileDown, email2 := o.register("org", "", "res2"+o.tin, "")
	o.verify(email2)
	unverified, email3 := o.register("org", "", "res3"+o.tin, "")
	done, email4 := o.register("org", "", "res4"+o.tin, "")
	o.verify(email4)
	for _, id := range []string{inReview, decidedWhileDown, done} {
		o.waitStatus(id, "PENDING-PROV-ADMIN-REVIEW")
	}
	if r := o.h.Do("POST", "/v1/orgs/"+o.orgID+"/registrations/"+done+"/deny", map[string]string{"reason": "duplicate_request"}, o.auth()...); r.Status != 200 {
		t.Fatalf("deny: %d %s", r.Status, r.Raw)
	}
	if st := o.waitDone(done); st != "SUCCEEDED" {
		t.Fatalf("execution of the finished request: %s", st)
	}
	me := o.h.Do("GET", "/v1/me", nil, o.auth()...)
	adminEmail := me.Body["user"].(map[string]any)["email"].(string)
	reviewMails := len(testenv.Emails(t, adminEmail))

	// The emulator "restarts": its executions are gone.
	for _, id := range []string{inReview, decidedWhileDown, unverified} {
		if _, err := client.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: aws.String(o.h.ExecutionARN(id))}); err != nil {
			t.Fatal(err)
		}
	}
	if r := o.h.Do("POST", "/v1/orgs/"+o.orgID+"/registrations/"+decidedWhileDown+"/approve", nil, o.auth()...); r.Status != 200 {
		t.Fatalf("approve while down: %d %s", r.Status, r.Raw)
	}
	name := "restarted-" + table
	arn, err := stack.DeployReview(ctx, awsCfg, name, o.h.Stack.InvokeURL)
	if err != nil {
		t.Fatal(err)
	}
	settings := review.Settings{VerificationWindow: time.Hour, ReviewTimeout: time.Hour}
	resumed, err := stack.ResumeReviews(ctx, awsCfg, table, arn, settings)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(resumed)
	want := []string{inReview, decidedWhileDown, unverified}
	slices.Sort(want)
	if !slices.Equal(resumed, want) {
		t.Fatalf("resumed %v, want %v (not the finished %s)", resumed, want, done)
	}
	execution := func(id string) string {
		return "arn:aws:states:us-east-1:000000000000:execution:" + name + ":" + id
	}
	waitExecution := func(id string) {
		t.Helper()
		for i := 0; i < 300; i++ {
			out, err := client.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(execution(id))})
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != "RUNNING" {
				if out.Status != "SUCCEEDED" {
					t.Fatalf("resumed execution of %s: %s %s %s", id, out.Status, aws.ToString(out.Error), aws.ToString(out.Cause))
				}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("resumed execution of %s still running", id)
	}

	// The decision claimed while the emulator was down is applied.
	waitExecution(decidedWhileDown)
	o.h.Login("res2"+o.tin, pw)
	// The request in review is decided as usual.
	if r := o.h.Do("POST", "/v1/orgs/"+o.orgID+"/registrations/"+inReview+"/approve", nil, o.auth()...); r.Status != 200 {
		t.Fatalf("approve after the restart: %d %s", r.Status, r.Raw)
	}
	waitExecution(inReview)
	o.h.Login("res1"+o.tin, pw)
	// The unverified request is verified and reaches review.
	o.verify(email3)
	o.waitStatus(unverified, "PENDING-PROV-ADMIN-REVIEW")
	if n := len(testenv.Emails(t, adminEmail)); n != reviewMails+1 {
		t.Errorf("reviewer emails %d, want %d (one for the newly verified request, none again for the resumed ones)", n, reviewMails+1)
	}
	// Started again: nothing more to resume.
	if again, err := stack.ResumeReviews(ctx, awsCfg, table, arn, settings); err != nil || len(again) != 0 {
		t.Errorf("second resume: %v %v", again, err)
	}
}
