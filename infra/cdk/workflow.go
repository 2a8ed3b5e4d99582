package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// reviewRef names the review state machine before it exists. Functions get
// its ARN (environment and IAM) from the name, so granting them
// states:SendTaskSuccess does not make the state machine, its task function
// and the granted functions depend on each other (the GrantTaskResponse cycle).
type reviewRef struct {
	Name *string
	Arn  *string
}

func newReviewRef(stack awscdk.Stack) *reviewRef {
	name := jsii.String(*stack.StackName() + "-review")
	return &reviewRef{
		Name: name,
		Arn: stack.FormatArn(&awscdk.ArnComponents{
			Service:      jsii.String("states"),
			Resource:     jsii.String("stateMachine"),
			ResourceName: name,
			ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
		}),
	}
}

// grant allows Step Functions actions on the review state machine only.
func (r *reviewRef) grant(role awsiam.IRole, sid string, actions ...string) {
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String(sid),
		Actions:   jsii.Strings(actions...),
		Resources: &[]*string{r.Arn},
	}))
}

// Workflow is the registration review: a Standard state machine whose ASL is
// the file the local stack runs too.
type Workflow struct {
	constructs.Construct
	StateMachine awsstepfunctions.StateMachine
}

// NewWorkflow deploys the ASL with DefinitionBody FromString, so the
// definition sits in the template where cfn-lint checks it, and substitutes
// the review function's ARN.
func NewWorkflow(scope constructs.Construct, id string, ref *reviewRef, asl string, review awslambda.IFunction) *Workflow {
	c := constructs.NewConstruct(scope, jsii.String(id))
	logs := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     logRetention,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	sm := awsstepfunctions.NewStateMachine(c, jsii.String("Review"), &awsstepfunctions.StateMachineProps{
		StateMachineName: ref.Name,
		StateMachineType: awsstepfunctions.StateMachineType_STANDARD,
		DefinitionBody:   awsstepfunctions.DefinitionBody_FromString(jsii.String(asl)),
		DefinitionSubstitutions: &map[string]*string{
			"ReviewFunctionArn": review.FunctionArn(),
		},
		Logs: &awsstepfunctions.LogOptions{
			Destination: logs,
			Level:       awsstepfunctions.LogLevel_ALL,
			// Inputs carry personal data and task tokens: log the transitions only.
			IncludeExecutionData: jsii.Bool(false),
		},
		TracingEnabled: jsii.Bool(true),
	})
	review.GrantInvoke(sm)
	return &Workflow{Construct: c, StateMachine: sm}
}
