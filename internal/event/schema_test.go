package event_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gatehouse-dev/gatehouse/infra/local/emulator"
	"github.com/gatehouse-dev/gatehouse/internal/event"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := emulator.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// schemaSet is every schema of events/schemas, by "published/<DetailType>"
// and "inbound/<DetailType>".
type schemaSet map[string]*jsonschema.Schema

// compileSchemas compiles every schema file with format assertions on
// (date-time, email), so a schema that is not valid JSON Schema fails here.
func compileSchemas(t *testing.T) schemaSet {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	out := schemaSet{}
	for kind, dir := range map[string]string{"published": "events/schemas", "inbound": "events/schemas/inbound"} {
		files, err := filepath.Glob(filepath.Join(repoRoot(t), dir, "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no schemas in %s: %v", dir, err)
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if err := c.AddResource(f, doc); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			sch, err := c.Compile(f)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out[kind+"/"+strings.TrimSuffix(filepath.Base(f), ".json")] = sch
		}
	}
	return out
}

// validate checks one Detail against its schema.
func validate(t *testing.T, schemas schemaSet, kind, detailType string, detail []byte) {
	t.Helper()
	if err := check(schemas, kind, detailType, detail); err != nil {
		t.Errorf("%s %s: %v\n%s", kind, detailType, err, detail)
	}
}

func check(schemas schemaSet, kind, detailType string, detail []byte) error {
	sch, ok := schemas[kind+"/"+detailType]
	if !ok {
		return os.ErrNotExist
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(detail))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}

// TestEverySchemaIsDeclared: one schema per published DetailType and per
// inbound rule, and no schema for anything else.
func TestEverySchemaIsDeclared(t *testing.T) {
	schemas := compileSchemas(t)
	var want []string
	for _, dt := range event.Published {
		want = append(want, "published/"+string(dt))
	}
	for _, r := range event.InboundRules {
		want = append(want, "inbound/"+r.DetailType)
	}
	var got []string
	for k := range schemas {
		got = append(got, k)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("schemas %v, want %v", got, want)
	}
}

// TestFixturesMatchSchemas validates every EventBridge fixture under events/
// (published ones captured from a real run, inbound ones as integrations
// send them) against the schema of its detail type; "malformed" fixtures
// must fail it.
func TestFixturesMatchSchemas(t *testing.T) {
	schemas := compileSchemas(t)
	root := filepath.Join(repoRoot(t), "events", "eventbridge")
	seen := map[string]bool{}
	for kind, dir := range map[string]string{"published": "published", "inbound": "inbound"} {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.json"))
		for _, f := range files {
			t.Run(kind+"/"+filepath.Base(f), func(t *testing.T) {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				var ev struct {
					Source     string          `json:"source"`
					DetailType string          `json:"detail-type"`
					Detail     json.RawMessage `json:"detail"`
				}
				if err := json.Unmarshal(raw, &ev); err != nil {
					t.Fatal(err)
				}
				err = check(schemas, kind, ev.DetailType, ev.Detail)
				if malformed := strings.Contains(filepath.Base(f), "malformed"); malformed != (err != nil) {
					t.Fatalf("malformed=%v, validation error %v", malformed, err)
				}
				if err == nil {
					seen[kind+"/"+ev.DetailType] = true
				}
			})
		}
	}
	for k := range schemas {
		if !seen[k] {
			t.Errorf("no valid fixture of %s under events/eventbridge", k)
		}
	}
}
