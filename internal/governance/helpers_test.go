package governance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// world is a harness whose ops mailbox the test reads.
type world struct {
	*stacktest.Harness
	opsEmail string
}

func newWorld(t *testing.T) world {
	ops := testenv.UniqueEmail("ops")
	return world{Harness: stacktest.New(t, func(c *config.Config) { c.OpsEmail = ops }), opsEmail: ops}
}

// office is an org with its signed-in first site administrator.
type office struct {
	id    string
	admin stacktest.Member
}

var seq atomic.Int64

func unique(prefix string) string {
	return fmt.Sprintf("%s%d%d", prefix, time.Now().UnixNano()%1e6, seq.Add(1))
}

func (w world) office(name string) office {
	w.T.Helper()
	email := testenv.UniqueEmail("admin")
	id, invite := w.CreateOrg(name, stacktest.NewTIN(), email)
	username := unique("admin")
	tok := w.SignUp(invite, username, "a long admin passphrase")
	me := w.Do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok)
	user, _ := me.Body["user"].(map[string]any)
	return office{id: id, admin: stacktest.Member{ID: user["id"].(string), Username: username, Email: email, Token: tok}}
}

func (o office) path(rest string) string { return "/v1/orgs/" + o.id + rest }

// member adds a user with role at org scope and signs it in.
func (w world) member(o office, role string) stacktest.Member {
	w.T.Helper()
	return w.AddMember(o.id, o.admin.Token, unique(strings.ReplaceAll(role, "-", "")), role, "org")
}

// age makes a login older than the six months support needs, as if it had
// been created seven months ago (the only way to test F21 without waiting).
func (w world) age(userID string, months int) {
	w.T.Helper()
	_, err := testenv.DynamoDB(w.T).UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(w.App.Config.TableName),
		Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "USER#" + userID}, "SK": &types.AttributeValueMemberS{Value: "USER"},
		},
		UpdateExpression: aws.String("SET CreatedAt = :at"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":at": &types.AttributeValueMemberS{Value: time.Now().AddDate(0, -months, 0).UTC().Format("2006-01-02T15:04:05.000000000Z")},
		},
	})
	if err != nil {
		w.T.Fatal(err)
	}
}

// file files a ticket as who in o.
func (w world) file(o office, who stacktest.Member, body map[string]any) stacktest.Reply {
	w.T.Helper()
	if body["subject"] == nil {
		body["subject"] = "Please change a privilege"
	}
	if body["body"] == nil {
		body["body"] = "As discussed with the practice owner."
	}
	return w.Do("POST", o.path("/tickets"), body, who.Auth()...)
}

func change(userID, grant, action string) map[string]any {
	return map[string]any{"kind": "privilege_change", "privilege_change": map[string]string{"user_id": userID, "grant": grant, "action": action}}
}

// ops invokes the ops function; it returns the result, or the command
// error's code when the command failed.
func (w world) ops(payload map[string]any) (map[string]any, string) {
	w.T.Helper()
	out, fnErr := w.Invoke("ops", payload)
	if fnErr == "" {
		return out, ""
	}
	if out["errorType"] != "CommandError" {
		w.T.Fatalf("ops %v: %v", payload["command"], out)
	}
	var ce struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal([]byte(out["errorMessage"].(string)), &ce)
	return out, ce.Code
}

// decide approves (or rejects) a ticket through the ops function and fails the test unless it succeeds.
func (w world) decide(ticketID string, approve bool) map[string]any {
	w.T.Helper()
	out, code := w.ops(map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": ticketID, "approve": approve, "note": "checked by phone"})
	if code != "" {
		w.T.Fatalf("decide %s: %s %v", ticketID, code, out)
	}
	return out
}

// grant files a privilege change as o's first site administrator and has
// ops approve it.
func (w world) grant(o office, userID, grant, action string) {
	w.T.Helper()
	r := w.file(o, o.admin, change(userID, grant, action))
	if r.Status != 201 {
		w.T.Fatalf("file %s %s for %s: %d %s", action, grant, userID, r.Status, r.Raw)
	}
	if out := w.decide(r.Body["id"].(string), true); out["status"] != "approved" {
		w.T.Fatalf("approve: %v", out)
	}
}

func (w world) user(o office, who stacktest.Member, userID string) stacktest.Reply {
	w.T.Helper()
	return w.Do("GET", o.path("/users/"+userID), nil, who.Auth()...)
}

func auditActions(r stacktest.Reply) []map[string]any {
	raw, _ := r.Body["items"].([]any)
	var out []map[string]any
	for _, x := range raw {
		out = append(out, x.(map[string]any))
	}
	return out
}
