package review_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/config"
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
		// The second attempt answers 503 again, not 409 username_taken: the
		// first one released the username.
		r := h.Do("POST", "/v1/registrations", body)
		if r.Status != 503 || r.ErrCode() != "service_unavailable" {
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
