package openapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/app"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// conformance sends requests to the running stack and checks each answer
// against the document with kin-openapi: its status must be one the
// operation lists, its body must match that status's schema and its
// headers the declared ones; a successful request must match the request
// body's schema too.
type conformance struct {
	t      *testing.T
	h      *stacktest.Harness
	router routers.Router
	seen   map[string]bool // operation ids answered
}

func newConformance(t *testing.T, h *stacktest.Harness) *conformance {
	raw, err := json.Marshal(app.OpenAPI(h.Stack.APIURL))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI 3: %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &conformance{t: t, h: h, router: router, seen: map[string]bool{}}
}

// do sends one request (body: a value sent as JSON, or nil) and checks it.
func (c *conformance) do(token, method, path string, body any, want int) map[string]any {
	c.t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, c.h.Stack.APIURL+path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, got)
	}

	check, _ := http.NewRequest(method, c.h.Stack.APIURL+path, bytes.NewReader(raw))
	check.Header = req.Header.Clone()
	route, params, err := c.router.FindRoute(check)
	if err != nil {
		c.t.Fatalf("%s %s is not in the document: %v", method, path, err)
	}
	c.seen[route.Operation.OperationID] = true
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if res.StatusCode < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			c.t.Errorf("%s %s: the request does not match the document: %v", method, path, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(got)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.t.Errorf("%s %s → %d: the answer does not match the document: %v\n%s", method, path, res.StatusCode, err, got)
	}
	var m map[string]any
	_ = json.Unmarshal(got, &m)
	return m
}

// TestAnswersMatchTheDocument walks the API's main routes, successes and
// refusals, and checks every answer against the served document.
func TestAnswersMatchTheDocument(t *testing.T) {
	h := stacktest.NewReview(t).Harness // registration starts its review
	c := newConformance(t, h)
	tin := stacktest.NewTIN()
	admin := "conf.admin" + tin
	org, tok := h.NewAdminOrg("Conformance Clinic "+tin, tin, admin)
	o := "/v1/orgs/" + org

	c.do("", "GET", "/v1/health", nil, 200)
	c.do("", "POST", "/v1/auth/login", map[string]string{"username": admin, "password": "wrong password here"}, 401)
	c.do("", "POST", "/v1/auth/login", map[string]any{"username": 5}, 400)
	c.do("", "GET", "/v1/me", nil, 401)
	c.do(tok, "GET", "/v1/me", nil, 200)
	c.do(tok, "GET", "/v1/me/sessions", nil, 200)
	c.do(tok, "GET", "/v1/me/passkeys", nil, 200)
	c.do(tok, "PUT", "/v1/me/active-org", map[string]string{"org_id": org}, 200)
	c.do(tok, "PUT", "/v1/me/active-org", map[string]string{"org_id": "another"}, 403)
	c.do("", "POST", "/v1/auth/password/forgot", map[string]string{"username": admin}, 202)

	email := testenv.UniqueEmail("conf.user")
	user := c.do(tok, "POST", o+"/users", map[string]string{"first_name": "Cora", "last_name": "Conform", "email": email,
		"username": "conf.user" + tin, "role": "portal-user", "scope": "org", "credentials": "temporary-password"}, 201)
	uid, _ := user["id"].(string)
	c.do(tok, "POST", o+"/users", map[string]string{"first_name": "Cora", "last_name": "Conform", "email": email,
		"username": "conf.user" + tin, "role": "portal-user", "scope": "org", "credentials": "temporary-password"}, 409)
	c.do(tok, "GET", o+"/users?last_name=conf&locked=false&limit=10", nil, 200)
	c.do(tok, "GET", o+"/users?limit=0", nil, 400)
	c.do(tok, "GET", o+"/users/export?role=portal-user", nil, 200)
	c.do(tok, "GET", o+"/users/"+uid, nil, 200)
	c.do(tok, "GET", o+"/users/nobody", nil, 404)
	c.do(tok, "PATCH", o+"/users/"+uid, map[string]any{"locked": true}, 200)
	c.do(tok, "PATCH", o+"/users/"+uid, map[string]any{"username": "renamed"}, 400)
	c.do(tok, "PUT", o+"/users/"+uid+"/privileges", map[string]string{"claims": "view"}, 200)
	c.do(tok, "POST", o+"/users/"+uid+"/reset-password", nil, 200)
	c.do(tok, "DELETE", o+"/users/"+uid, nil, 204)
	c.do(tok, "POST", o+"/users/"+uid+"/reactivate", nil, 200)

	inv := c.do(tok, "POST", o+"/invites", map[string]string{"emails": testenv.UniqueEmail("conf.inv"), "scope": "org", "role": "clerical-user"}, 201)
	invID := inv["items"].([]any)[0].(map[string]any)["id"].(string)
	c.do(tok, "GET", o+"/invites?status=EMAIL-INT", nil, 200)
	resent := c.do(tok, "POST", o+"/invites/"+invID+"/resend", nil, 201)
	c.do(tok, "DELETE", o+"/invites/"+invID, nil, 404) // the re-sent one replaced it
	c.do(tok, "DELETE", o+"/invites/"+resent["id"].(string), nil, 204)

	emp := c.do(tok, "POST", o+"/employees", map[string]any{"first_name": "Eve", "last_name": "Employee", "active": true}, 201)
	c.do(tok, "PATCH", o+"/employees/"+emp["id"].(string), map[string]any{"title": "Nurse"}, 200)
	c.do(tok, "GET", o+"/employees", nil, 200)
	c.do(tok, "GET", o+"/settings", nil, 200)
	c.do(tok, "PATCH", o+"/settings", map[string]any{"password_min_length": 3}, 400)
	c.do(tok, "GET", o+"/audit", nil, 200)
	c.do(tok, "GET", o+"/audit/export", nil, 200)
	c.do(tok, "GET", o+"/registrations", nil, 200)
	c.do(tok, "GET", "/v1/orgs/another-org/users", nil, 404)
	c.do("", "POST", "/v1/registrations", map[string]string{"tin": tin, "level": "org", "first_name": "Reg", "last_name": "Istrant",
		"email": testenv.UniqueEmail("conf.reg"), "username": "conf.reg" + tin, "password": "a sturdy passphrase for the clinic"}, 202)
	c.do("", "GET", "/v1/invites/"+strings.Repeat("x", 43), nil, 404)
	c.do(tok, "POST", "/v1/auth/logout", nil, 204)

	if len(c.seen) < 30 {
		t.Errorf("only %d operations checked", len(c.seen))
	}
}
