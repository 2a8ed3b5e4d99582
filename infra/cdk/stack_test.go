package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/store/table"
)

// Two shapes of the stack are checked: "current" deploys what the runtime
// serves today (route.Functions(), as `make synth` does) and "complete" every
// function that has a spec, so the review state machine and the events
// wiring are tested before their functions land.
var shapes = map[string]func() []string{
	"current": route.Functions,
	"complete": func() []string {
		var names []string
		for name := range specs {
			names = append(names, name)
		}
		sort.Strings(names)
		return names
	},
}

// synthesized is one stack, synthesized once per test binary: the jsii kernel
// is slow to start and every test reads the same template.
type synthesized struct {
	stack     awscdk.Stack
	functions map[string]string // function name -> logical id of its AWS::Lambda::Function
	roles     map[string]string // function name -> logical id of its AWS::IAM::Role
	resources map[string]resource
	nagErrors []string
	err       error
}

type resource struct {
	Type           string
	Properties     map[string]any
	DeletionPolicy string
}

var (
	synthMu    sync.Mutex
	synthCache = map[string]*synthesized{}
)

// stackFor synthesizes a shape, with cdk-nag, like main does.
func stackFor(t *testing.T, shape string) *synthesized {
	t.Helper()
	synthMu.Lock()
	defer synthMu.Unlock()
	s, ok := synthCache[shape]
	if !ok {
		s = synth(shapes[shape]())
		synthCache[shape] = s
	}
	if s.err != nil {
		t.Fatalf("synthesize %s stack: %v", shape, s.err)
	}
	return s
}

func synth(functions []string) (s *synthesized) {
	s = &synthesized{}
	// Assertion helpers panic on failure; a test must fail instead.
	defer func() {
		if r := recover(); r != nil {
			s.err = fmt.Errorf("panic: %v", r)
		}
	}()
	root, err := repoRoot()
	if err != nil {
		s.err = err
		return s
	}
	ctx, err := cdkContext(root)
	if err != nil {
		s.err = err
		return s
	}
	assets, err := fakeAssets(functions)
	if err != nil {
		s.err = err
		return s
	}
	outdir, err := os.MkdirTemp("", "gatehouse-cdk-out-")
	if err != nil {
		s.err = err
		return s
	}
	cdkApp := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(outdir)})
	settings, err := readSettings(cdkApp.Node())
	if err != nil {
		s.err = err
		return s
	}
	stack, err := NewGatehouseStack(cdkApp, &GatehouseStackProps{Settings: settings, Functions: functions, Root: root, Assets: assets})
	if err != nil {
		s.err = err
		return s
	}
	awscdk.Aspects_Of(cdkApp).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	s.stack = stack

	s.functions, s.roles = map[string]string{}, map[string]string{}
	for _, name := range functions {
		fns := stack.Node().FindChild(jsii.String("Functions"))
		s.functions[name] = logicalID(stack, fns.Node().FindChild(jsii.String(name)))
		s.roles[name] = logicalID(stack, fns.Node().FindChild(jsii.String(name+"Role")))
	}

	tmpl := assertions.Template_FromStack(stack, nil)
	raw, err := json.Marshal(tmpl.ToJSON())
	if err != nil {
		s.err = err
		return s
	}
	// make cfn-lint lints every shape, not only the one `make synth` writes.
	if dir := os.Getenv("GATEHOUSE_CDK_TEMPLATES"); dir != "" {
		if err := writeTemplate(dir, shapeName(functions), raw); err != nil {
			s.err = err
			return s
		}
	}
	var doc struct{ Resources map[string]resource }
	if err := json.Unmarshal(raw, &doc); err != nil {
		s.err = err
		return s
	}
	s.resources = doc.Resources

	errs := assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
	for _, m := range *errs {
		s.nagErrors = append(s.nagErrors, fmt.Sprintf("%s: %v", *m.Id, m.Entry.Data))
	}
	return s
}

func shapeName(functions []string) string {
	for name, list := range shapes {
		if strings.Join(list(), ",") == strings.Join(functions, ",") {
			return name
		}
	}
	return "unnamed"
}

func writeTemplate(dir, shape string, raw []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, shape+".template.json"), raw, 0o644)
}

func logicalID(stack awscdk.Stack, c constructs.IConstruct) string {
	if child := c.Node().DefaultChild(); child != nil {
		c = child
	}
	return *stack.GetLogicalId(c.(awscdk.CfnElement))
}

// cdkContext is the context of cdk.json, so tests see the feature flags the
// CLI passes to the real app.
func cdkContext(root string) (map[string]any, error) {
	raw, err := os.ReadFile(filepath.Join(root, "cdk.json"))
	if err != nil {
		return nil, err
	}
	var cfg struct{ Context map[string]any }
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("cdk.json: %w", err)
	}
	return cfg.Context, nil
}

// fakeAssets stands in for dist/: the tests check the template, not binaries.
func fakeAssets(functions []string) (string, error) {
	dir, err := os.MkdirTemp("", "gatehouse-dist-")
	if err != nil {
		return "", err
	}
	for _, name := range functions {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, name, "bootstrap"), []byte(name), 0o755); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// ofType returns the logical ids of the resources of one type, sorted.
func (s *synthesized) ofType(typ string) []string {
	var ids []string
	for id, r := range s.resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// jsonEqual compares a template value with a Go value through JSON.
func jsonEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s:\n got  %s\n want %s", what, g, w)
	}
}

func TestTable(t *testing.T) {
	s := stackFor(t, "current")
	ids := s.ofType("AWS::DynamoDB::GlobalTable")
	if len(ids) != 1 {
		t.Fatalf("want one table, got %v", ids)
	}
	tbl := s.resources[ids[0]]
	p := tbl.Properties
	def := table.Gatehouse

	jsonEqual(t, "key schema", p["KeySchema"], []map[string]string{
		{"AttributeName": def.PartitionKey, "KeyType": "HASH"},
		{"AttributeName": def.SortKey, "KeyType": "RANGE"},
	})
	var wantGSIs []map[string]any
	for _, ix := range def.Indexes {
		wantGSIs = append(wantGSIs, map[string]any{
			"IndexName": ix.Name,
			"KeySchema": []map[string]string{
				{"AttributeName": ix.PartitionKey, "KeyType": "HASH"},
				{"AttributeName": ix.SortKey, "KeyType": "RANGE"},
			},
			"Projection": map[string]string{"ProjectionType": "ALL"},
		})
	}
	jsonEqual(t, "global secondary indexes", p["GlobalSecondaryIndexes"], wantGSIs)
	jsonEqual(t, "TTL", p["TimeToLiveSpecification"], map[string]any{"AttributeName": def.TTLAttribute, "Enabled": true})
	jsonEqual(t, "billing", p["BillingMode"], "PAY_PER_REQUEST")
	jsonEqual(t, "stream", p["StreamSpecification"], map[string]string{"StreamViewType": "NEW_AND_OLD_IMAGES"})
	if tbl.DeletionPolicy != "Retain" {
		t.Errorf("DeletionPolicy %q, want Retain", tbl.DeletionPolicy)
	}
	replicas, _ := p["Replicas"].([]any)
	if len(replicas) != 1 {
		t.Fatalf("want one replica (the stack's region), got %d", len(replicas))
	}
	replica := replicas[0].(map[string]any)
	jsonEqual(t, "deletion protection", replica["DeletionProtectionEnabled"], true)
	jsonEqual(t, "point-in-time recovery", replica["PointInTimeRecoverySpecification"],
		map[string]any{"PointInTimeRecoveryEnabled": true, "RecoveryPeriodInDays": 35})
}

// integrationFunction follows a route to the logical id of the function its
// integration invokes.
func (s *synthesized) integrationFunction(t *testing.T, routeID string) string {
	t.Helper()
	target, _ := json.Marshal(s.resources[routeID].Properties["Target"])
	var join struct {
		Join []json.RawMessage `json:"Fn::Join"`
	}
	var parts []struct{ Ref string }
	if err := json.Unmarshal(target, &join); err != nil || len(join.Join) != 2 {
		t.Fatalf("route %s: target %s is not integrations/<ref>", routeID, target)
	}
	var pieces []json.RawMessage
	_ = json.Unmarshal(join.Join[1], &pieces)
	for _, p := range pieces {
		var ref struct{ Ref string }
		if json.Unmarshal(p, &ref) == nil && ref.Ref != "" {
			parts = append(parts, ref)
		}
	}
	if len(parts) != 1 {
		t.Fatalf("route %s: target %s has no integration ref", routeID, target)
	}
	integration := s.resources[parts[0].Ref]
	uri, _ := integration.Properties["IntegrationUri"].(map[string]any)
	getAtt, _ := uri["Fn::GetAtt"].([]any)
	if len(getAtt) != 2 || getAtt[1] != "Arn" {
		t.Fatalf("integration %s: URI %v is not a function ARN", parts[0].Ref, uri)
	}
	return getAtt[0].(string)
}

func TestEveryRouteGoesToItsFunction(t *testing.T) {
	for _, shape := range []string{"current", "complete"} {
		s := stackFor(t, shape)
		byKey := map[string]string{}
		for _, id := range s.ofType("AWS::ApiGatewayV2::Route") {
			key, _ := s.resources[id].Properties["RouteKey"].(string)
			if _, dup := byKey[key]; dup {
				t.Errorf("%s: route key %q twice", shape, key)
			}
			byKey[key] = id
		}
		if len(byKey) != len(route.Table) {
			t.Errorf("%s: %d routes in the template, %d in route.Table", shape, len(byKey), len(route.Table))
		}
		for _, r := range route.Table {
			t.Run(shape+"/"+r.Name, func(t *testing.T) {
				id, ok := byKey[r.Pattern()]
				if !ok {
					t.Fatalf("no AWS::ApiGatewayV2::Route with RouteKey %q", r.Pattern())
				}
				if got, want := s.integrationFunction(t, id), s.functions[r.Function]; got != want {
					t.Errorf("%s goes to %s, want the %s function %s", r.Pattern(), got, r.Function, want)
				}
			})
		}
	}
}

func TestRoutelessFunctionsHaveNoRoute(t *testing.T) {
	s := stackFor(t, "complete")
	served := map[string]bool{}
	for _, id := range s.ofType("AWS::ApiGatewayV2::Route") {
		served[s.integrationFunction(t, id)] = true
	}
	for _, name := range []string{FunctionOps, FunctionReview, FunctionEvents} {
		if served[s.functions[name]] {
			t.Errorf("%s has an HTTP route; it must be invoked with IAM only", name)
		}
	}
	// Nor may API Gateway invoke them.
	for _, id := range s.ofType("AWS::Lambda::Permission") {
		p := s.resources[id].Properties
		fn, _ := json.Marshal(p["FunctionName"])
		for _, name := range []string{FunctionOps, FunctionReview} {
			if strings.Contains(string(fn), `"`+s.functions[name]+`"`) && p["Principal"] == "apigateway.amazonaws.com" {
				t.Errorf("API Gateway may invoke %s (%s)", name, id)
			}
		}
	}
}

func TestFunctions(t *testing.T) {
	s := stackFor(t, "complete")
	for name, id := range s.functions {
		t.Run(name, func(t *testing.T) {
			p := s.resources[id].Properties
			jsonEqual(t, "runtime", p["Runtime"], "provided.al2023")
			jsonEqual(t, "architectures", p["Architectures"], []string{"arm64"})
			jsonEqual(t, "handler", p["Handler"], "bootstrap")
			jsonEqual(t, "memory", p["MemorySize"], specs[name].Memory)
			jsonEqual(t, "timeout", p["Timeout"], specs[name].Timeout.Seconds())
			jsonEqual(t, "tracing", p["TracingConfig"], map[string]string{"Mode": "Active"})
			logging, _ := p["LoggingConfig"].(map[string]any)
			jsonEqual(t, "log format", logging["LogFormat"], "JSON")
			env, _ := p["Environment"].(map[string]any)["Variables"].(map[string]any)
			for _, v := range []string{"GATEHOUSE_TABLE", "GATEHOUSE_BASE_URL", "GATEHOUSE_MAIL_FROM", "GATEHOUSE_MAIL_CONFIGURATION_SET", "GATEHOUSE_EVENT_BUS", "GATEHOUSE_STATE_MACHINE_ARN"} {
				if env[v] == nil {
					t.Errorf("environment has no %s", v)
				}
			}
			jsonEqual(t, "table name from the table", env["GATEHOUSE_TABLE"], map[string]string{"Ref": s.ofType("AWS::DynamoDB::GlobalTable")[0]})
			_, hasDLQ := p["DeadLetterConfig"]
			if hasDLQ != specs[name].Async {
				t.Errorf("dead-letter queue %v, want %v (Async)", hasDLQ, specs[name].Async)
			}
		})
	}
	// The log groups the functions write to keep logs for a bounded time.
	for _, id := range s.ofType("AWS::Logs::LogGroup") {
		if s.resources[id].Properties["RetentionInDays"] == nil {
			t.Errorf("log group %s has no retention", id)
		}
	}
}

func TestReviewStateMachine(t *testing.T) {
	s := stackFor(t, "complete")
	ids := s.ofType("AWS::StepFunctions::StateMachine")
	if len(ids) != 1 {
		t.Fatalf("want one state machine, got %v", ids)
	}
	p := s.resources[ids[0]].Properties
	def, ok := p["DefinitionString"].(string)
	if !ok {
		t.Fatalf("DefinitionString is %T, want the ASL file as a string", p["DefinitionString"])
	}
	var asl struct {
		States map[string]struct {
			Type               string
			Resource           string
			Parameters         map[string]any
			TimeoutSeconds     *float64
			TimeoutSecondsPath string
			Catch              []struct{ ErrorEquals []string }
		}
	}
	if err := json.Unmarshal([]byte(def), &asl); err != nil {
		t.Fatalf("definition: %v", err)
	}
	wait, ok := asl.States["WaitForDecision"]
	if !ok {
		t.Fatal("no WaitForDecision state")
	}
	if wait.Type != "Task" || !strings.HasSuffix(wait.Resource, ":lambda:invoke.waitForTaskToken") {
		t.Errorf("WaitForDecision is %s %s, want a lambda:invoke.waitForTaskToken task", wait.Type, wait.Resource)
	}
	if wait.TimeoutSeconds == nil && wait.TimeoutSecondsPath == "" {
		t.Error("WaitForDecision has no timeout: a review would wait for ever")
	}
	catchesTimeout := false
	for _, c := range wait.Catch {
		for _, e := range c.ErrorEquals {
			catchesTimeout = catchesTimeout || e == "States.Timeout" || e == "States.ALL"
		}
	}
	if !catchesTimeout {
		t.Error("WaitForDecision does not catch States.Timeout")
	}
	jsonEqual(t, "task function", wait.Parameters["FunctionName"], "${ReviewFunctionArn}")
	jsonEqual(t, "substitution", p["DefinitionSubstitutions"],
		map[string]any{"ReviewFunctionArn": map[string]any{"Fn::GetAtt": []string{s.functions[FunctionReview], "Arn"}}})
	logging, _ := p["LoggingConfiguration"].(map[string]any)
	jsonEqual(t, "log level", logging["Level"], "ALL")
	jsonEqual(t, "tracing", p["TracingConfiguration"], map[string]bool{"Enabled": true})
}

// dataAction reports whether an IAM action reads or changes Gatehouse data,
// so that it must never be granted on Resource "*".
func dataAction(action string) bool {
	for _, prefix := range []string{"dynamodb:", "ses:", "states:Send", "states:StartExecution", "events:PutEvents"} {
		if strings.HasPrefix(action, prefix) {
			return true
		}
	}
	return false
}

type statement struct {
	Action   any
	Resource any
}

func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// literals are the plain strings in a resource expression, Fn::Join parts included.
func literals(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, literals(x)...)
		}
		return out
	case map[string]any:
		if j, ok := v["Fn::Join"].([]any); ok && len(j) == 2 {
			return literals(j[1])
		}
	}
	return nil
}

// policies returns the statements of every IAM policy, by the roles they attach to.
func (s *synthesized) policies() map[string][]statement {
	out := map[string][]statement{}
	for _, id := range s.ofType("AWS::IAM::Policy") {
		p := s.resources[id].Properties
		raw, _ := json.Marshal(p["PolicyDocument"].(map[string]any)["Statement"])
		var stmts []statement
		_ = json.Unmarshal(raw, &stmts)
		for _, role := range list(p["Roles"]) {
			ref, _ := role.(map[string]any)["Ref"].(string)
			out[ref] = append(out[ref], stmts...)
		}
	}
	return out
}

func TestNoBroadDataPermissions(t *testing.T) {
	for _, shape := range []string{"current", "complete"} {
		s := stackFor(t, shape)
		for role, stmts := range s.policies() {
			for _, st := range stmts {
				for _, a := range list(st.Action) {
					action, _ := a.(string)
					if action == "*" || strings.HasSuffix(action, ":*") {
						t.Errorf("%s: %s is granted %q", shape, role, action)
					}
					if !dataAction(action) {
						continue
					}
					for _, lit := range literals(st.Resource) {
						if strings.Contains(lit, "*") {
							t.Errorf("%s: %s has %s on a resource with %q", shape, role, action, lit)
						}
					}
				}
			}
		}
	}
}

func TestEachFunctionGetsOnlyItsPermissions(t *testing.T) {
	s := stackFor(t, "complete")
	policies := s.policies()
	checks := []struct {
		name   string
		action string
		want   func(spec) bool
	}{
		{"table writes", "dynamodb:PutItem", func(sp spec) bool { return sp.Data }},
		{"send mail", "ses:SendEmail", func(sp spec) bool { return sp.SendMail }},
		{"start review", "states:StartExecution", func(sp spec) bool { return sp.StartReview }},
		{"answer review", "states:SendTaskSuccess", func(sp spec) bool { return sp.AnswerReview }},
		{"publish events", "events:PutEvents", func(sp spec) bool { return sp.PublishEvents }},
		{"read stream", "dynamodb:GetRecords", func(sp spec) bool { return sp.ReadStream }},
		{"no scan", "dynamodb:Scan", func(spec) bool { return false }},
		{"no batch writes", "dynamodb:BatchWriteItem", func(spec) bool { return false }},
	}
	for name, role := range s.roles {
		for _, c := range checks {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				has := false
				for _, st := range policies[role] {
					for _, a := range list(st.Action) {
						has = has || a == c.action
					}
				}
				if want := c.want(specs[name]); has != want {
					t.Errorf("%s has %s: %v, want %v", name, c.action, has, want)
				}
			})
		}
	}
}

func TestCdkNagHasNoErrors(t *testing.T) {
	for _, shape := range []string{"current", "complete"} {
		s := stackFor(t, shape)
		for _, e := range s.nagErrors {
			t.Errorf("%s: %s", shape, e)
		}
	}
}

func TestSettings(t *testing.T) {
	cases := []struct {
		name     string
		context  map[string]any
		wantErr  string
		wantFrom string
	}{
		{name: "defaults", wantFrom: "no-reply@example.com"},
		{name: "address", context: map[string]any{"mailFrom": "accounts@acme.test"}, wantFrom: "accounts@acme.test"},
		{name: "domain", context: map[string]any{"mailFrom": "acme.test"}, wantFrom: "no-reply@acme.test"},
		{name: "bad stage", context: map[string]any{"stage": "Prod!"}, wantErr: "stage"},
		{name: "http base URL", context: map[string]any{"publicBaseUrl": "http://acme.test"}, wantErr: "publicBaseUrl"},
		{name: "bad timeout", context: map[string]any{"reviewTimeout": "30 days"}, wantErr: "reviewTimeout"},
		{name: "timeout over a year", context: map[string]any{"reviewTimeout": "9000h"}, wantErr: "reviewTimeout"},
		{name: "web ACL of the WAF stack", context: map[string]any{"webAclArn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/gatehouse-dev/0c1f7a52-93f1-4b2e-8b1d-2f1e5c9a7d10"}, wantFrom: "no-reply@example.com"},
		{name: "regional web ACL", context: map[string]any{"webAclArn": "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/gatehouse-dev/0c1f7a52-93f1-4b2e-8b1d-2f1e5c9a7d10"}, wantErr: "webAclArn"},
		{name: "limits", context: map[string]any{"limits": "signin_per_address=300/5m"}, wantFrom: "no-reply@example.com"},
		{name: "unknown limit", context: map[string]any{"limits": "signin_per_moon=3/1m"}, wantErr: "limits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := c.context
			if ctx == nil {
				ctx = map[string]any{}
			}
			a := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
			got, err := readSettings(a.Node())
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one about %s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.MailFrom != c.wantFrom {
				t.Errorf("MailFrom %q, want %q", got.MailFrom, c.wantFrom)
			}
		})
	}
}
