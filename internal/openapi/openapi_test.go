package openapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/route"
)

func TestDocumentListsEveryRoute(t *testing.T) {
	doc := Document(route.Table, "https://api.example.org")
	if _, err := json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	paths := doc["paths"].(map[string]map[string]any)
	for _, rt := range route.Table {
		if rt.Page() {
			if _, listed := paths[rt.Path]; listed {
				t.Errorf("page %s is in the API document", rt.Pattern())
			}
			continue
		}
		op, ok := paths[rt.Path][strings.ToLower(rt.Method)].(map[string]any)
		if !ok || op["operationId"] != rt.Name {
			t.Errorf("%s missing or wrong: %v", rt.Pattern(), op)
		}
		sec := op["security"].([]map[string][]string)
		if public := rt.Access != route.Session; public != (len(sec) == 1 && len(sec[0]) == 0) {
			t.Errorf("%s: security %v for access %v", rt.Pattern(), sec, rt.Access)
		}
	}
}
