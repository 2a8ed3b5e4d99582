package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// suppress records an accepted cdk-nag finding on a construct and its
// children. Every finding needs a reason a reviewer can check.
func suppress(c constructs.IConstruct, id, reason string, appliesTo ...string) {
	s := &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		var applies []interface{}
		for _, a := range appliesTo {
			applies = append(applies, a)
		}
		s.AppliesTo = &applies
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{s}, jsii.Bool(true))
}

// suppressFindings lists the AwsSolutions findings Gatehouse accepts, and why.
func suppressFindings(stack awscdk.Stack, fns *Functions, workflow *Workflow) {
	for _, role := range fns.Roles {
		suppress(role, "AwsSolutions-IAM5",
			"X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions (AWS docs: X-Ray IAM); CDK adds them for active tracing.",
			"Resource::*")
	}
	suppress(stack.Node().FindChild(jsii.String("Api")), "AwsSolutions-APIG4",
		"Authentication is in the functions: opaque session tokens checked on every request (design.md, Sessions); public routes (sign-in, invites, registration) must be reachable without credentials.")
	if workflow != nil {
		suppress(workflow.Construct, "AwsSolutions-IAM5",
			"Step Functions log delivery (logs:CreateLogDelivery and friends) and X-Ray require Resource *; lambda:InvokeFunction on <review ARN>:* covers the function's versions and aliases only.",
			"Resource::*", "Resource::<"+logicalIDOf(stack, fns.ByName[FunctionReview])+".Arn>:*")
	}
}

// logicalIDOf is the template id of a construct's CloudFormation resource, as
// cdk-nag names it in AppliesTo.
func logicalIDOf(stack awscdk.Stack, c constructs.IConstruct) string {
	return *stack.GetLogicalId(c.Node().DefaultChild().(awscdk.CfnElement))
}
