package openapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/app"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// document is the served document as a client reads it (JSON round trip).
func document(t *testing.T) map[string]any {
	t.Helper()
	raw, err := json.Marshal(app.OpenAPI("https://id.acme.com"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func operation(t *testing.T, doc map[string]any, rt route.Route) map[string]any {
	t.Helper()
	op, ok := doc["paths"].(map[string]any)[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
	if !ok {
		t.Fatalf("%s is not in the document", rt.Pattern())
	}
	return op
}

func TestEveryRouteHasItsOp(t *testing.T) {
	if missing := openapi.Missing(route.Table, app.APIOps()); len(missing) > 0 {
		t.Fatalf("undocumented: %v", missing)
	}
}

// TestDocumentSaysWhatTheContractSays: statuses, filters, exports, headers
// and security as api-contract.md has them.
func TestDocumentSaysWhatTheContractSays(t *testing.T) {
	doc := document(t)
	byName := map[string]route.Route{}
	for _, rt := range route.Table {
		byName[rt.Name] = rt
	}
	cases := []struct {
		route   string
		success string
		errors  []string
	}{
		{"login", "200", []string{"400", "401", "423", "429"}},
		{"logout", "204", []string{"401"}},
		{"forgotPassword", "202", []string{"400"}},
		{"resetPassword", "204", []string{"400", "401", "410"}},
		{"createInvites", "201", []string{"400", "401", "403", "404"}},
		{"resendInvite", "201", []string{"404", "409"}},
		{"revokeInvite", "204", []string{"404", "409"}},
		{"acceptInvite", "201", []string{"409", "410"}},
		{"submitRegistration", "202", []string{"400"}},
		{"denyRegistration", "200", []string{"409"}},
		{"createUser", "201", []string{"403", "409"}},
		{"deleteUser", "204", []string{"409"}},
		{"updateUser", "200", []string{"400", "409"}},
		{"finishPasskeyRegistration", "201", []string{"409"}},
	}
	for _, c := range cases {
		t.Run(c.route, func(t *testing.T) {
			responses := operation(t, doc, byName[c.route])["responses"].(map[string]any)
			if _, ok := responses[c.success]; !ok {
				t.Errorf("no %s success", c.success)
			}
			for code := range responses {
				if code[0] == '2' && code != c.success {
					t.Errorf("a second success %s", code)
				}
			}
			for _, e := range c.errors {
				if _, ok := responses[e]; !ok {
					t.Errorf("no %s", e)
				}
			}
		})
	}
	paths := doc["paths"].(map[string]any)
	for _, rt := range route.Table {
		if rt.Page() {
			if _, listed := paths[rt.Path]; listed {
				t.Errorf("page %s is in the API document", rt.Pattern())
			}
			continue
		}
		op := operation(t, doc, rt)
		for code, r := range op["responses"].(map[string]any) {
			if _, ok := r.(map[string]any)["headers"].(map[string]any)["X-Request-Id"]; !ok {
				t.Errorf("%s %s: no X-Request-Id header", rt.Name, code)
			}
		}
		if rt.Access == route.Session && op["responses"].(map[string]any)["401"] == nil {
			t.Errorf("%s: a session route without 401", rt.Name)
		}
		if rt.Writes() && rt.Method != "DELETE" && op["requestBody"] == nil && !strings.Contains(rt.Path, "{") && rt.Access != route.Session {
			t.Errorf("%s: a public write without a body", rt.Name)
		}
	}
	params := map[string]bool{}
	for _, p := range operation(t, doc, byName["listUsers"])["parameters"].([]any) {
		params[p.(map[string]any)["name"].(string)] = true
	}
	for _, want := range []string{"first_name", "last_name", "username", "role", "scope", "locked", "deleted", "limit", "cursor"} {
		if !params[want] {
			t.Errorf("listUsers has no ?%s", want)
		}
	}
	for _, name := range []string{"exportUsers", "exportAudit"} {
		ok := operation(t, doc, byName[name])["responses"].(map[string]any)["200"].(map[string]any)
		if _, csv := ok["content"].(map[string]any)["text/csv"]; !csv {
			t.Errorf("%s is not text/csv: %v", name, ok)
		}
	}
	login := doc["components"].(map[string]any)["schemas"].(map[string]any)["AuthLoginRequest"].(map[string]any)
	if req := fmt.Sprint(login["required"]); req != "[username password]" {
		t.Errorf("login request requires %s", req)
	}
	me := doc["components"].(map[string]any)["schemas"].(map[string]any)["AuthMeView"].(map[string]any)
	if _, ok := me["properties"].(map[string]any)["privileges"]; !ok {
		t.Errorf("GET /v1/me has no privileges: %v", me)
	}
}
