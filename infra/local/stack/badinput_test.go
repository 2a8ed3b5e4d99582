package stack_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// Every route, fed bad input by a signed-in site administrator of the org,
// answers a 4xx in the contract's error shape: never a 5xx (the contract:
// "Never a 500 for bad input").
func TestNoRouteAnswers5xxToBadInput(t *testing.T) {
	h := stacktest.New(t)
	orgID, tok := h.NewAdminOrg("Fuzz Clinic", "889900112", "fuzz.admin")
	bodies := []string{`{"`, `[]`, `null`, `"text"`, `{"email": 5, "emails": [1], "role": {}, "scope": 7, "password": false, "limit": "x"}`, `{}`}
	queries := []string{"", "?limit=abc", "?limit=100000", "?cursor=not-a-cursor", "?cursor=eyJQSyI6IlVTRVIjeCJ9", "?status=NOPE&locked=maybe"}
	cases := 0
	for _, rt := range route.Table {
		path := fill(rt.Path, orgID, func(name string) string { return "no-such-" + name })
		inputs := bodies
		if !rt.Writes() {
			inputs = queries
		}
		for _, in := range inputs {
			var r stacktest.Reply
			if rt.Writes() {
				r = h.Do(rt.Method, path, in, "Authorization", "Bearer "+tok)
			} else {
				r = h.Do(rt.Method, path+in, nil, "Authorization", "Bearer "+tok)
			}
			cases++
			if r.Status >= 500 {
				t.Errorf("%s with %q: %d %s", rt.Pattern(), in, r.Status, r.Raw)
				continue
			}
			if rt.Page() {
				// Pages answer people: an HTML page (or a redirect to one), never JSON.
				if strings.HasPrefix(strings.TrimSpace(r.Raw), "{") {
					t.Errorf("page %s with %q answered JSON: %d %s", rt.Pattern(), in, r.Status, r.Raw)
				}
				continue
			}
			if r.Status >= 400 && (r.ErrCode() == "" || !strings.Contains(r.Raw, `"message"`)) {
				t.Errorf("%s with %q: %d without the error shape: %s", rt.Pattern(), in, r.Status, r.Raw)
			}
		}
	}
	t.Logf("%d bad-input cases over %d routes, none answered 5xx", cases, len(route.Table))
}
