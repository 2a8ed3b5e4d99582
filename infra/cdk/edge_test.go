package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// cachingDisabled is the id of CloudFront's managed CachingDisabled policy.
const cachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

// TestEdgeFrontsTheAPI: CloudFront in front of the HTTP API passes every
// method through uncached, HTTPS only, to the API's execute-api domain, and
// logs to a bucket that only takes TLS.
func TestEdgeFrontsTheAPI(t *testing.T) {
	s := stackFor(t, "current")
	ids := s.ofType("AWS::CloudFront::Distribution")
	if len(ids) != 1 {
		t.Fatalf("want one CloudFront distribution, got %v", ids)
	}
	cfg := s.resources[ids[0]].Properties["DistributionConfig"].(map[string]any)
	b := cfg["DefaultCacheBehavior"].(map[string]any)
	jsonEqual(t, "allowed methods", b["AllowedMethods"], []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"})
	jsonEqual(t, "cache policy", b["CachePolicyId"], cachingDisabled)
	jsonEqual(t, "viewer protocol", b["ViewerProtocolPolicy"], "https-only")
	origins, _ := json.Marshal(cfg["Origins"])
	apiID := s.ofType("AWS::ApiGatewayV2::Api")
	if len(apiID) != 1 || !strings.Contains(string(origins), `"Ref":"`+apiID[0]+`"`) || !strings.Contains(string(origins), "execute-api") {
		t.Errorf("origin is not the HTTP API: %s", origins)
	}
	if _, ok := cfg["WebACLId"]; ok {
		t.Errorf("web ACL attached without context webAclArn: %v", cfg["WebACLId"])
	}
	if cfg["Logging"] == nil {
		t.Errorf("no access logging: %v", cfg)
	}
}

// TestEdgeAttachesTheWebACL: with context webAclArn the distribution
// carries it.
func TestEdgeAttachesTheWebACL(t *testing.T) {
	const arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/gatehouse-dev/0c1f7a52-93f1-4b2e-8b1d-2f1e5c9a7d10"
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := cdkContext(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx["webAclArn"] = arn
	assets, err := fakeAssets(route.Functions())
	if err != nil {
		t.Fatal(err)
	}
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
	settings, err := readSettings(app.Node())
	if err != nil {
		t.Fatal(err)
	}
	stack, err := NewGatehouseStack(app, &GatehouseStackProps{Settings: settings, Functions: route.Functions(), Root: root, Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%v", r)
		}
	}()
	assertions.Template_FromStack(stack, nil).HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), map[string]any{
		"DistributionConfig": assertions.Match_ObjectLike(&map[string]any{"WebACLId": arn}),
	})
}

// TestWafStack: the web ACL is a CLOUDFRONT one in us-east-1 whose
// rate-based rules (per IP; the public doors stricter) block with the
// contract's 429, Retry-After and error shape; cdk-nag finds nothing.
func TestWafStack(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := NewWafStack(app, "dev")
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	if *stack.Region() != "us-east-1" || *stack.StackName() != "Gatehouse-dev-waf" {
		t.Fatalf("WAF stack %s in %s, want Gatehouse-dev-waf in us-east-1", *stack.StackName(), *stack.Region())
	}
	raw, _ := json.Marshal(assertions.Template_FromStack(stack, nil).ToJSON())
	var doc struct {
		Resources map[string]resource
		Outputs   map[string]any
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var acl map[string]any
	for _, r := range doc.Resources {
		if r.Type == "AWS::WAFv2::WebACL" {
			acl = r.Properties
		}
	}
	if acl == nil || acl["Scope"] != "CLOUDFRONT" {
		t.Fatalf("no CLOUDFRONT web ACL: %s", raw)
	}
	rules, _ := acl["Rules"].([]any)
	if len(rules) != 2 {
		t.Fatalf("want 2 rules, got %d", len(rules))
	}
	limits := map[string]float64{}
	for _, r := range rules {
		rule := r.(map[string]any)
		rb := rule["Statement"].(map[string]any)["RateBasedStatement"].(map[string]any)
		limits[rule["Name"].(string)] = rb["Limit"].(float64)
		if rb["AggregateKeyType"] != "IP" {
			t.Errorf("%s aggregates by %v", rule["Name"], rb["AggregateKeyType"])
		}
		resp := rule["Action"].(map[string]any)["Block"].(map[string]any)["CustomResponse"].(map[string]any)
		hdrs, _ := json.Marshal(resp["ResponseHeaders"])
		if resp["ResponseCode"] != float64(429) || !strings.Contains(string(hdrs), "Retry-After") {
			t.Errorf("%s blocks with %v %s, want 429 with Retry-After", rule["Name"], resp["ResponseCode"], hdrs)
		}
	}
	if limits["RatePublicDoorsPerIP"] != wafRatePublicPerIP || limits["RateAllPerIP"] != wafRateAllPerIP {
		t.Errorf("rate limits %v", limits)
	}
	body, _ := json.Marshal(acl["CustomResponseBodies"])
	if !strings.Contains(string(body), `too_many_requests`) {
		t.Errorf("429 body is not the contract's error shape: %s", body)
	}
	if doc.Outputs["WebAclArn"] == nil {
		t.Errorf("no WebAclArn output")
	}
	errs := assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
	for _, m := range *errs {
		t.Errorf("cdk-nag: %s: %v", *m.Id, m.Entry.Data)
	}
}
