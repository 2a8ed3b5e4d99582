package main

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// Stage throttling for the whole API. Sign-in is rate-limited per account in
// the application; this bounds what one burst can cost.
const (
	apiRateLimit  = 100 // requests per second, steady
	apiBurstLimit = 200
)

// accessLogFormat is one JSON object per request; requestId matches the
// x-request-id the functions log, so a request can be followed end to end.
var accessLogFormat = map[string]string{
	"requestId":          "$context.requestId",
	"ip":                 "$context.identity.sourceIp",
	"requestTime":        "$context.requestTime",
	"routeKey":           "$context.routeKey",
	"status":             "$context.status",
	"protocol":           "$context.protocol",
	"responseLength":     "$context.responseLength",
	"responseLatency":    "$context.responseLatency",
	"integrationLatency": "$context.integrationLatency",
	"integrationError":   "$context.integrationErrorMessage",
	"userAgent":          "$context.identity.userAgent",
}

// API is the HTTP API: one route per route.Table entry, each to its function.
type API struct {
	constructs.Construct
	HttpApi awsapigatewayv2.HttpApi
	Stage   awsapigatewayv2.HttpStage
}

// NewAPI builds the API from the route table. Authentication happens in the
// functions (opaque sessions checked on every request), not in API Gateway.
func NewAPI(scope constructs.Construct, id string, fns *Functions) (*API, error) {
	c := constructs.NewConstruct(scope, jsii.String(id))
	api := awsapigatewayv2.NewHttpApi(c, jsii.String("HttpApi"), &awsapigatewayv2.HttpApiProps{
		Description:        jsii.String("Gatehouse HTTP API"),
		CreateDefaultStage: jsii.Bool(false), // the stage below adds throttling and access logs
	})

	logs := awslogs.NewLogGroup(c, jsii.String("AccessLogs"), &awslogs.LogGroupProps{
		Retention:     logRetention,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	stage := awsapigatewayv2.NewHttpStage(c, jsii.String("DefaultStage"), &awsapigatewayv2.HttpStageProps{
		HttpApi:    api,
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(apiRateLimit),
			BurstLimit: jsii.Number(apiBurstLimit),
		},
	})
	format, err := json.Marshal(accessLogFormat)
	if err != nil {
		return nil, err
	}
	// Set on the L1 stage: a plain struct is simpler than implementing the
	// L2's IAccessLogSettings interface through jsii.
	stage.Node().DefaultChild().(awsapigatewayv2.CfnStage).SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: logs.LogGroupArn(),
		Format:         jsii.String(string(format)),
	})

	// One integration per function, shared by its routes. Its invoke
	// permission covers the API, not each route: a function's resource policy
	// then stays one statement however many routes it serves.
	integrations := map[string]awsapigatewayv2integrations.HttpLambdaIntegration{}
	for _, r := range route.Table {
		fn, ok := fns.ByName[r.Function]
		if !ok {
			return nil, fmt.Errorf("route %s: function %q is not deployed", r.Pattern(), r.Function)
		}
		in, ok := integrations[r.Function]
		if !ok {
			in = awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(r.Function+"Integration"), fn,
				&awsapigatewayv2integrations.HttpLambdaIntegrationProps{
					PayloadFormatVersion:   awsapigatewayv2.PayloadFormatVersion_VERSION_2_0(),
					ScopePermissionToRoute: jsii.Bool(false),
				})
			integrations[r.Function] = in
		}
		awsapigatewayv2.NewHttpRoute(c, jsii.String("Route-"+r.Name), &awsapigatewayv2.HttpRouteProps{
			HttpApi:     api,
			RouteKey:    awsapigatewayv2.HttpRouteKey_With(jsii.String(r.Path), awsapigatewayv2.HttpMethod(r.Method)),
			Integration: in,
		})
	}
	return &API{Construct: c, HttpApi: api, Stage: stage}, nil
}
