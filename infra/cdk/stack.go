package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// GatehouseStackProps are what the stack is built from.
type GatehouseStackProps struct {
	Settings  settings
	Functions []string // the functions to deploy: route.Functions() in the real app
	Root      string   // repository root: the ASL file and dist/<fn>/bootstrap live under it
	Assets    string   // directory holding <fn>/bootstrap; defaults to Root/dist
}

// aslPath is the review state machine's definition, shared with the local stack.
const aslPath = "internal/review/statemachine.asl.json"

// NewGatehouseStack builds the one Gatehouse stack. It is environment-agnostic
// (no account or region), so it synthesizes anywhere and deploys to whatever
// the CLI's credentials point at.
func NewGatehouseStack(scope constructs.Construct, props *GatehouseStackProps) (awscdk.Stack, error) {
	s := props.Settings
	assets := props.Assets
	if assets == "" {
		assets = filepath.Join(props.Root, "dist")
	}
	stack := awscdk.NewStack(scope, jsii.String("Gatehouse-"+s.Stage), &awscdk.StackProps{
		Description: jsii.String("Gatehouse account and access service (" + s.Stage + ")"),
	})
	// Dashboards are left out: cfn-lint's schema (1.51) has no Tags on them.
	tags := &awscdk.TagProps{ExcludeResourceTypes: jsii.Strings("AWS::CloudWatch::Dashboard")}
	awscdk.Tags_Of(stack).Add(jsii.String("app"), jsii.String("gatehouse"), tags)
	awscdk.Tags_Of(stack).Add(jsii.String("stage"), jsii.String(s.Stage), tags)

	// Placeholders synthesize but do not make a working deployment: say so
	// in `cdk deploy` and `cdk synth` output.
	for _, key := range []string{"mailFrom", "publicBaseUrl"} {
		if stack.Node().TryGetContext(jsii.String(key)) == nil {
			awscdk.Annotations_Of(stack).AddWarningV2(jsii.String("gatehouse:default-"+key),
				jsii.String("context "+key+" is not set: using the placeholder "+contextDefaults[key]+" (see infra/cdk/README.md)"))
		}
	}

	deploy := map[string]bool{}
	for _, name := range props.Functions {
		deploy[name] = true
	}

	data := NewData(stack, "Data")
	email := NewEmail(stack, "Email", s)
	events := NewEvents(stack, "Events")

	// The state machine's ARN is built from its name, not read from the
	// resource: the functions that start executions or answer task tokens
	// then depend on a string, and the state machine (which depends on the
	// review function) cannot form a cycle with them.
	var review *reviewRef
	if deploy[FunctionReview] {
		review = newReviewRef(stack)
	}

	fns, err := NewFunctions(stack, "Functions", &FunctionsProps{
		Names:    props.Functions,
		Assets:   assets,
		Settings: s,
		Data:     data,
		Email:    email,
		Events:   events,
		Review:   review,
	})
	if err != nil {
		return nil, err
	}

	api, err := NewAPI(stack, "Api", fns)
	if err != nil {
		return nil, err
	}
	edge := NewEdge(stack, "Edge", api, s.WebACLArn)

	var workflow *Workflow
	if review != nil {
		asl, err := os.ReadFile(filepath.Join(props.Root, aslPath))
		if err != nil {
			return nil, fmt.Errorf("review state machine: %w", err)
		}
		workflow = NewWorkflow(stack, "Workflow", review, string(asl), fns.ByName[FunctionReview])
	}
	if fn, ok := fns.ByName[FunctionEvents]; ok {
		events.Deliver(fn, data.Table, fns.DeadLetters)
	}

	NewObservability(stack, "Observability", &ObservabilityProps{
		Settings:  s,
		API:       api,
		Functions: fns,
		Workflow:  workflow,
	})
	suppressFindings(stack, fns, workflow)

	output := func(id, description string, value *string) {
		awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Value: value, Description: jsii.String(description)})
	}
	output("ApiUrl", "Base URL of the HTTP API (clients use EdgeUrl: the WAF is there)", api.Stage.Url())
	output("EdgeUrl", "CloudFront in front of the API, with the WAF", jsii.String("https://"+*edge.Distribution.DistributionDomainName()))
	output("TableName", "The DynamoDB table", data.Table.TableName())
	output("EventBusName", "The Gatehouse event bus", events.Bus.EventBusName())
	if fn, ok := fns.ByName[FunctionOps]; ok {
		output("OpsFunctionName", "Invoke with IAM for operator commands", fn.FunctionName())
	}
	if workflow != nil {
		output("StateMachineArn", "The registration review state machine", workflow.StateMachine.StateMachineArn())
	}
	return stack, nil
}

// repoRoot finds the repository root (the directory holding cdk.json) from
// the working directory, which is infra/cdk under both the CLI and go test.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "cdk.json")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no cdk.json above the working directory: run from the repository")
		}
		dir = parent
	}
}
