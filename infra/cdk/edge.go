package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// The edge: CloudFront in front of the HTTP API carries the WAF (design.md),
// because a WAF web ACL cannot be attached to an HTTP API. A web ACL for
// CloudFront must live in us-east-1, so it has a stack of its own there
// (Gatehouse-<stage>-waf, NewWafStack) and the main stack, in any region,
// attaches it by ARN (context webAclArn; `make deploy` deploys the WAF stack
// first and passes its output).

// WAF rate-based rules, per client IP (the viewer's, as CloudFront sees it)
// over a 5-minute window: floods are answered 429 by the edge and never
// reach Lambda. The application's own limits (internal/throttle) are finer.
const (
	wafWindowSeconds    = 300
	wafRateAllPerIP     = 2000 // any route
	wafRatePublicPerIP  = 300  // the public doors: sign-in, links, registration, reset, emergency form
	wafRetryAfterSecond = "60"
)

// publicDoorPrefixes are the path prefixes of the public routes.
var publicDoorPrefixes = []string{"/v1/auth/", "/v1/registrations", "/v1/invites/", "/v1/support/"}

// wafStackName is the name of the WAF stack of a stage.
func wafStackName(stage string) string { return "Gatehouse-" + stage + "-waf" }

// NewWafStack is the us-east-1 stack holding the CloudFront web ACL; its
// output WebAclArn is the main stack's context webAclArn.
func NewWafStack(scope constructs.Construct, stage string) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(wafStackName(stage)), &awscdk.StackProps{
		Description: jsii.String("Gatehouse edge WAF (" + stage + "): rate limits in front of CloudFront; must be in us-east-1"),
		Env:         &awscdk.Environment{Region: jsii.String("us-east-1")},
	})
	awscdk.Tags_Of(stack).Add(jsii.String("app"), jsii.String("gatehouse"), nil)
	awscdk.Tags_Of(stack).Add(jsii.String("stage"), jsii.String(stage), nil)
	visibility := func(name string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
		return &awswafv2.CfnWebACL_VisibilityConfigProperty{
			CloudWatchMetricsEnabled: jsii.Bool(true), SampledRequestsEnabled: jsii.Bool(true), MetricName: jsii.String("gatehouse-" + stage + "-" + name),
		}
	}
	// Blocked requests get the contract's 429, in its error shape.
	block := &awswafv2.CfnWebACL_RuleActionProperty{Block: &awswafv2.CfnWebACL_BlockActionProperty{
		CustomResponse: &awswafv2.CfnWebACL_CustomResponseProperty{
			ResponseCode:          jsii.Number(429),
			CustomResponseBodyKey: jsii.String("tooManyRequests"),
			ResponseHeaders: &[]*awswafv2.CfnWebACL_CustomHTTPHeaderProperty{
				{Name: jsii.String("Retry-After"), Value: jsii.String(wafRetryAfterSecond)},
			},
		},
	}}
	var doors []any
	for _, prefix := range publicDoorPrefixes {
		doors = append(doors, &awswafv2.CfnWebACL_StatementProperty{ByteMatchStatement: &awswafv2.CfnWebACL_ByteMatchStatementProperty{
			FieldToMatch:         &awswafv2.CfnWebACL_FieldToMatchProperty{UriPath: map[string]any{}},
			PositionalConstraint: jsii.String("STARTS_WITH"),
			SearchString:         jsii.String(prefix),
			TextTransformations:  &[]*awswafv2.CfnWebACL_TextTransformationProperty{{Priority: jsii.Number(0), Type: jsii.String("NONE")}},
		}})
	}
	acl := awswafv2.NewCfnWebACL(stack, jsii.String("WebAcl"), &awswafv2.CfnWebACLProps{
		Name:             jsii.String("gatehouse-" + stage),
		Description:      jsii.String("Per-IP rate limits in front of the Gatehouse API"),
		Scope:            jsii.String("CLOUDFRONT"),
		DefaultAction:    &awswafv2.CfnWebACL_DefaultActionProperty{Allow: &awswafv2.CfnWebACL_AllowActionProperty{}},
		VisibilityConfig: visibility("acl"),
		CustomResponseBodies: map[string]*awswafv2.CfnWebACL_CustomResponseBodyProperty{
			"tooManyRequests": {ContentType: jsii.String("APPLICATION_JSON"),
				Content: jsii.String(`{"error":{"code":"too_many_requests","message":"Too many requests from your address; wait a little and try again."}}`)},
		},
		Rules: &[]*awswafv2.CfnWebACL_RuleProperty{
			{
				Name: jsii.String("RatePublicDoorsPerIP"), Priority: jsii.Number(0), Action: block, VisibilityConfig: visibility("public-doors"),
				Statement: &awswafv2.CfnWebACL_StatementProperty{RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
					Limit: jsii.Number(wafRatePublicPerIP), AggregateKeyType: jsii.String("IP"), EvaluationWindowSec: jsii.Number(wafWindowSeconds),
					ScopeDownStatement: &awswafv2.CfnWebACL_StatementProperty{OrStatement: &awswafv2.CfnWebACL_OrStatementProperty{Statements: &doors}},
				}},
			},
			{
				Name: jsii.String("RateAllPerIP"), Priority: jsii.Number(1), Action: block, VisibilityConfig: visibility("all"),
				Statement: &awswafv2.CfnWebACL_StatementProperty{RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
					Limit: jsii.Number(wafRateAllPerIP), AggregateKeyType: jsii.String("IP"), EvaluationWindowSec: jsii.Number(wafWindowSeconds),
				}},
			},
		},
	})
	awscdk.NewCfnOutput(stack, jsii.String("WebAclArn"), &awscdk.CfnOutputProps{
		Value: acl.AttrArn(), Description: jsii.String("Pass to the main stack: -c webAclArn=<this>"),
	})
	return stack
}

// Edge is CloudFront in front of the HTTP API.
type Edge struct {
	constructs.Construct
	Distribution awscloudfront.Distribution
}

// NewEdge puts CloudFront in front of the API: nothing cached (every answer
// is per caller), every method and the viewer's headers, query and cookies
// passed on (not Host: API Gateway needs its own), HTTPS only. webAclArn
// attaches the WAF; without it the stack synthesizes with a warning.
func NewEdge(scope constructs.Construct, id string, api *API, webAclArn string) *Edge {
	c := constructs.NewConstruct(scope, jsii.String(id))
	stack := awscdk.Stack_Of(c)
	logs := awss3.NewBucket(c, jsii.String("AccessLogs"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		// CloudFront standard logging writes with ACLs.
		ObjectOwnership: awss3.ObjectOwnership_OBJECT_WRITER,
		RemovalPolicy:   awscdk.RemovalPolicy_RETAIN,
		LifecycleRules:  &[]*awss3.LifecycleRule{{Expiration: awscdk.Duration_Days(jsii.Number(90))}},
	})
	origin := fmt.Sprintf("%s.execute-api.%s.%s", *api.HttpApi.ApiId(), *stack.Region(), *stack.UrlSuffix())
	props := &awscloudfront.DistributionProps{
		Comment: jsii.String("Gatehouse API and portal"),
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:               awscloudfrontorigins.NewHttpOrigin(jsii.String(origin), &awscloudfrontorigins.HttpOriginProps{ProtocolPolicy: awscloudfront.OriginProtocolPolicy_HTTPS_ONLY}),
			AllowedMethods:       awscloudfront.AllowedMethods_ALLOW_ALL(),
			CachePolicy:          awscloudfront.CachePolicy_CACHING_DISABLED(),
			OriginRequestPolicy:  awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
			ViewerProtocolPolicy: awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
		},
		PriceClass:    awscloudfront.PriceClass_PRICE_CLASS_100,
		EnableLogging: jsii.Bool(true),
		LogBucket:     logs,
		LogFilePrefix: jsii.String("cloudfront/"),
	}
	if webAclArn != "" {
		props.WebAclId = jsii.String(webAclArn)
	} else {
		awscdk.Annotations_Of(c).AddWarningV2(jsii.String("gatehouse:no-waf"),
			jsii.String("context webAclArn is not set: CloudFront runs without the WAF rate rules; deploy "+wafStackName("<stage>")+" first (make deploy does)"))
	}
	dist := awscloudfront.NewDistribution(c, jsii.String("Distribution"), props)
	suppress(logs, "AwsSolutions-S1", "This bucket receives CloudFront's access logs; logging its own access would log the log writes.")
	suppress(dist, "AwsSolutions-CFR1", "Provider offices and their staff sign in from anywhere; no country is excluded by policy.")
	suppress(dist, "AwsSolutions-CFR4", "The default *.cloudfront.net certificate fixes the viewer TLS policy; a custom domain with its ACM certificate sets TLSv1.2_2021.")
	return &Edge{Construct: c, Distribution: dist}
}
