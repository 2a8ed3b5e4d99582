package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/gatehouse-dev/gatehouse/internal/event/rule"
)

// Events is the Gatehouse event bus: Gatehouse publishes its own events on it
// and integrations put inbound events on it for the events function.
// DeadLetters keeps what the events function cannot take: inbound events it
// refused (with the reason, sent by the function), events the rules could
// not deliver, and stream records the outbox could not publish.
type Events struct {
	constructs.Construct
	Bus         awsevents.EventBus
	DeadLetters awssqs.Queue
}

// NewEvents creates the bus and its dead-letter queue.
func NewEvents(scope constructs.Construct, id string) *Events {
	c := constructs.NewConstruct(scope, jsii.String(id))
	bus := awsevents.NewEventBus(c, jsii.String("Bus"), &awsevents.EventBusProps{
		Description: jsii.String("Gatehouse events: published by Gatehouse and inbound from integrations"),
	})
	dlq := awssqs.NewQueue(c, jsii.String("DeadLetters"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})
	suppress(dlq, "AwsSolutions-SQS3",
		"This queue is itself the dead-letter queue: of the inbound rules' targets (DeadLetterConfig), of the stream mapping (OnFailure destination), and where the events function puts the inbound events it refuses; cdk-nag only recognises SQS redrive and Lambda DeadLetterConfig uses.")
	return &Events{Construct: c, Bus: bus, DeadLetters: dlq}
}

// Deliver routes the inbound events (one rule per rule.Inbound entry, the
// list the local sink applies too) and the table's stream (the outbox) to
// the events function.
func (e *Events) Deliver(fn awslambda.IFunction, table awsdynamodb.TableV2) {
	for _, r := range rule.Inbound {
		awsevents.NewRule(e.Construct, jsii.String(r.Name), &awsevents.RuleProps{
			Description: jsii.String(r.Source + " / " + r.DetailType + " to the events function"),
			EventBus:    e.Bus,
			EventPattern: &awsevents.EventPattern{
				Source:     jsii.Strings(r.Source),
				DetailType: jsii.Strings(r.DetailType),
			},
			Targets: &[]awsevents.IRuleTarget{
				awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
					DeadLetterQueue: e.DeadLetters,
					RetryAttempts:   jsii.Number(8),
					MaxEventAge:     awscdk.Duration_Hours(jsii.Number(24)),
				}),
			},
		})
	}
	// TRIM_HORIZON: after a deployment or an outage the outbox resumes from
	// the oldest record kept, so no committed change is skipped.
	fn.AddEventSourceMapping(jsii.String("Outbox"), &awslambda.EventSourceMappingOptions{
		EventSourceArn:          table.TableStreamArn(),
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(100),
		MaxBatchingWindow:       awscdk.Duration_Seconds(jsii.Number(1)),
		BisectBatchOnError:      jsii.Bool(true),
		ReportBatchItemFailures: jsii.Bool(true),
		RetryAttempts:           jsii.Number(10),
		MaxRecordAge:            awscdk.Duration_Hours(jsii.Number(24)),
		OnFailure:               awslambdaeventsources.NewSqsDlq(e.DeadLetters),
	})
}
