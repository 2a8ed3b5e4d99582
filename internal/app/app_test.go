package app

import (
	"io"
	"log/slog"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

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
