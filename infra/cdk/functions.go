package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// Function names beyond those of the route table. review runs the state
// machine's tasks; events handles inbound EventBridge events and the table's
// stream (the outbox). Each is deployed once route.Functions() lists it.
const (
	FunctionOps    = route.FunctionOps
	FunctionReview = "review"
	FunctionEvents = "events"
)

// spec is one function's size and every permission it gets. A permission not
// named here is not granted: this map is the whole IAM story of the functions.
type spec struct {
	Memory  float64 // MB; Lambda gives CPU in proportion
	Timeout time.Duration

	Data          bool // tableActions on the table, Query on each index
	SendMail      bool // ses:SendEmail from the configured address via the configuration set
	StartReview   bool // states:StartExecution on the review state machine
	AnswerReview  bool // states:SendTaskSuccess/Failure/Heartbeat on the review state machine
	PublishEvents bool // events:PutEvents on the Gatehouse bus
	ReadStream    bool // the table's stream, through an event source mapping
	Async         bool // invoked asynchronously: failed events go to the dead-letter queue
}

var specs = map[string]spec{
	// Public sign-in, invites, registration, password reset. argon2id
	// (m=19 MiB, t=2) is CPU-bound: 1024 MB buys the CPU for a fast sign-in.
	// A registration starts its review execution; its verification answers
	// the execution's wait for it.
	route.FunctionAuth: {Memory: 1024, Timeout: 10 * time.Second, Data: true, SendMail: true, StartReview: true, AnswerReview: true},
	// Signed-in self-service and admin routes; admins decide reviews.
	route.FunctionPortal: {Memory: 512, Timeout: 10 * time.Second, Data: true, SendMail: true, AnswerReview: true},
	// Operator commands, invoked with IAM only, possibly asynchronously.
	FunctionOps: {Memory: 256, Timeout: time.Minute, Data: true, SendMail: true, AnswerReview: true, Async: true},
	// State machine tasks: store the task token, email reviewers, provision.
	// Step Functions retries and catches synchronous task failures; the DLQ
	// keeps the failures of tasks the ASL invokes with InvocationType Event.
	// It answers its own wait when the answer arrived before the wait began.
	FunctionReview: {Memory: 256, Timeout: 30 * time.Second, Data: true, SendMail: true, AnswerReview: true, Async: true},
	// Inbound EventBridge events (asynchronous) and the outbox stream.
	FunctionEvents: {Memory: 256, Timeout: time.Minute, Data: true, PublishEvents: true, ReadStream: true, Async: true},
}

// tableActions are the item operations the store adapter uses: GetItem,
// Query, conditional Put/Update/Delete, and TransactWriteItems (authorized as
// the Put/Update/Delete/ConditionCheckItem actions it contains). No Scan, no
// batch writes, no table management.
var tableActions = []string{
	"dynamodb:GetItem",
	"dynamodb:Query",
	"dynamodb:PutItem",
	"dynamodb:UpdateItem",
	"dynamodb:DeleteItem",
	"dynamodb:ConditionCheckItem",
}

// logRetention is how long function, API and state machine logs are kept.
const logRetention = awslogs.RetentionDays_THREE_MONTHS

// Functions are the deployed Lambda functions, by name.
type Functions struct {
	constructs.Construct
	ByName      map[string]awslambda.Function
	Roles       map[string]awsiam.Role
	DeadLetters awssqs.Queue
}

// FunctionsProps are what the functions are wired to.
type FunctionsProps struct {
	Names    []string
	Assets   string // directory holding <fn>/bootstrap (make build)
	Settings settings
	Data     *Data
	Email    *Email
	Events   *Events
	Review   *reviewRef // nil when the review function is not deployed
}

// NewFunctions creates one function, role and log group per name.
func NewFunctions(scope constructs.Construct, id string, p *FunctionsProps) (*Functions, error) {
	c := constructs.NewConstruct(scope, jsii.String(id))
	f := &Functions{Construct: c, ByName: map[string]awslambda.Function{}, Roles: map[string]awsiam.Role{}}
	f.DeadLetters = awssqs.NewQueue(c, jsii.String("DeadLetters"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})

	env := map[string]*string{
		"GATEHOUSE_TABLE":                  p.Data.Table.TableName(),
		"GATEHOUSE_BASE_URL":               jsii.String(p.Settings.PublicBaseURL),
		"GATEHOUSE_MAIL_FROM":              jsii.String(p.Email.From),
		"GATEHOUSE_MAIL_CONFIGURATION_SET": p.Email.ConfigurationSet.ConfigurationSetName(),
		"GATEHOUSE_REVIEW_TIMEOUT":         jsii.String(p.Settings.ReviewTimeout.String()),
		"GATEHOUSE_VERIFICATION_WINDOW":    jsii.String(p.Settings.VerificationWindow.String()),
		"GATEHOUSE_EVENT_BUS":              p.Events.Bus.EventBusName(),
		"GATEHOUSE_LOG_LEVEL":              jsii.String("info"),
	}
	if p.Email.ReplyTo != "" {
		env["GATEHOUSE_MAIL_REPLY_TO"] = jsii.String(p.Email.ReplyTo)
	}
	if p.Settings.OpsEmail != "" {
		env["GATEHOUSE_OPS_EMAIL"] = jsii.String(p.Settings.OpsEmail)
	}
	if p.Settings.Limits != "" {
		env["GATEHOUSE_LIMITS"] = jsii.String(p.Settings.Limits)
	}
	if p.Review != nil {
		env["GATEHOUSE_STATE_MACHINE_ARN"] = p.Review.Arn
	}

	names := append([]string(nil), p.Names...)
	sort.Strings(names)
	for _, name := range names {
		sp, ok := specs[name]
		if !ok {
			return nil, fmt.Errorf("function %q has no spec in infra/cdk/functions.go: add its memory, timeout and permissions", name)
		}
		code := filepath.Join(p.Assets, name)
		if _, err := os.Stat(filepath.Join(code, "bootstrap")); err != nil {
			return nil, fmt.Errorf("function %q: %s/bootstrap is missing: run make build", name, code)
		}
		// Own role per function, no managed policies: the role holds exactly
		// the statements below plus those CDK adds for X-Ray and the DLQ.
		role := awsiam.NewRole(c, jsii.String(name+"Role"), &awsiam.RoleProps{
			AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
			Description: jsii.String("Gatehouse " + name + " function"),
		})
		logs := awslogs.NewLogGroup(c, jsii.String(name+"Logs"), &awslogs.LogGroupProps{
			Retention:     logRetention,
			RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		})
		logs.GrantWrite(role)

		props := &awslambda.FunctionProps{
			Description:           jsii.String("Gatehouse " + name),
			Runtime:               awslambda.Runtime_PROVIDED_AL2023(),
			Architecture:          awslambda.Architecture_ARM_64(),
			Handler:               jsii.String("bootstrap"),
			Code:                  awslambda.Code_FromAsset(jsii.String(code), nil),
			MemorySize:            jsii.Number(sp.Memory),
			Timeout:               awscdk.Duration_Seconds(jsii.Number(sp.Timeout.Seconds())),
			Role:                  role,
			Environment:           &env,
			LogGroup:              logs,
			LoggingFormat:         awslambda.LoggingFormat_JSON,
			ApplicationLogLevelV2: awslambda.ApplicationLogLevel_INFO,
			SystemLogLevelV2:      awslambda.SystemLogLevel_WARN,
			Tracing:               awslambda.Tracing_ACTIVE,
		}
		if sp.Async {
			props.DeadLetterQueue = f.DeadLetters
			props.RetryAttempts = jsii.Number(2)
			props.MaxEventAge = awscdk.Duration_Hours(jsii.Number(6))
		}
		fn := awslambda.NewFunction(c, jsii.String(name), props)
		f.ByName[name] = fn
		f.Roles[name] = role

		if sp.Data {
			role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("TableItems"),
				Actions:   jsii.Strings(tableActions...),
				Resources: &[]*string{p.Data.Table.TableArn()},
			}))
			role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("IndexQueries"),
				Actions:   jsii.Strings("dynamodb:Query"),
				Resources: ptrs(p.Data.indexArns()),
			}))
		}
		if sp.SendMail {
			p.Email.grantSend(role)
		}
		// Without a review state machine there is nothing to start or answer.
		if sp.StartReview && p.Review != nil {
			p.Review.grant(role, "StartReview", "states:StartExecution")
		}
		if sp.AnswerReview && p.Review != nil {
			p.Review.grant(role, "AnswerReview", "states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat")
		}
		if sp.PublishEvents {
			p.Events.Bus.GrantPutEventsTo(role, nil)
		}
		if sp.ReadStream {
			p.Data.grantStreamRead(role)
		}
	}
	return f, nil
}

func ptrs(s []*string) *[]*string { return &s }
