package app

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// Every route of the table must have a handler in the function that owns it,
// and every function must build: the table and the code cannot drift.
func TestEveryFunctionBuildsFromTheRouteTable(t *testing.T) {
	base, _ := url.Parse("https://portal.example.org")
	a := New(config.Config{TableName: "t", BaseURL: base, MailFrom: "a@example.org"}, aws.Config{Region: "us-east-1"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, fn := range Functions() {
		t.Run(fn, func(t *testing.T) {
			if _, err := a.LambdaHandler(fn); err != nil {
				t.Fatal(err)
			}
		})
	}
	all := a.handlers()
	seen := map[string]bool{}
	for _, rt := range route.Table {
		if _, ok := all[rt.Name]; !ok {
			t.Errorf("route %s (%s) has no handler", rt.Name, rt.Pattern())
		}
		if seen[rt.Pattern()] || seen[rt.Name] {
			t.Errorf("route %s (%s) declared twice", rt.Name, rt.Pattern())
		}
		seen[rt.Pattern()], seen[rt.Name] = true, true
	}
	if len(all) != len(route.Table) {
		t.Errorf("%d handlers for %d routes", len(all), len(route.Table))
	}
}

// A handler must be written for its route's access: the wiring refuses a
// signed-in or org route served by a handler that never receives the caller,
// or an org route served without the org check.
func TestWiringRefusesAHandlerForAnotherAccess(t *testing.T) {
	plain := func(http.ResponseWriter, *http.Request) error { return nil }
	given := func(http.ResponseWriter, *http.Request, caller.Caller) error { return nil }
	orgRoute := route.Route{Name: "x", Method: "GET", Path: "/v1/orgs/{org}/x", Access: route.Session}
	selfRoute := route.Route{Name: "x", Method: "GET", Path: "/v1/me/x", Access: route.Session}
	openRoute := route.Route{Name: "x", Method: "GET", Path: "/v1/x", Access: route.Public}
	tests := []struct {
		name string
		rt   route.Route
		h    handler
		ok   bool
	}{
		{"org route, org handler", orgRoute, inOrg(given), true},
		{"org route, plain handler", orgRoute, public(plain), false},
		{"org route, signed handler without the org check", orgRoute, signed(given), false},
		{"self route, signed handler", selfRoute, signed(given), true},
		{"self route, plain handler", selfRoute, public(plain), false},
		{"public route, plain handler", openRoute, public(plain), true},
		{"public route, org handler", openRoute, inOrg(given), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := handlers{"x": tc.h}.serving([]route.Route{tc.rt})
			if (err == nil) != tc.ok {
				t.Fatalf("err %v, want ok %v", err, tc.ok)
			}
		})
	}
}
