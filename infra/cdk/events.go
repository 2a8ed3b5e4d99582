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
)

// publishedSource is the EventBridge source of the events Gatehouse publishes
// itself. Every other source on the bus is an inbound integration event.
const publishedSource = "gatehouse"

// Events is the Gatehouse event bus: Gatehouse publishes its own events on it
// and integrations put inbound events on it for the events function.
type Events struct {
	constructs.Construct
	Bus awsevents.EventBus
}

// NewEvents creates the bus.
func NewEvents(scope constructs.Construct, id string) *Events {
	c := constructs.NewConstruct(scope, jsii.String(id))
	bus := awsevents.NewEventBus(c, jsii.String("Bus"), &awsevents.EventBusProps{
		Description: jsii.String("Gatehouse events: published by Gatehouse and inbound from integrations"),
	})
	return &Events{Construct: c, Bus: bus}
}

// Deliver routes inbound events and the table's stream (the outbox) to the
// events function. Events that cannot be delivered end in the DLQ.
func (e *Events) Deliver(fn awslambda.IFunction, table awsdynamodb.TableV2, dlq awssqs.IQueue) {
	awsevents.NewRule(e.Construct, jsii.String("Inbound"), &awsevents.RuleProps{
		Description: jsii.String("Inbound integration events to the events function"),
		EventBus:    e.Bus,
		EventPattern: &awsevents.EventPattern{
			Source: awsevents.Match_AnythingBut(jsii.String(publishedSource)),
		},
		Targets: &[]awsevents.IRuleTarget{
			awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
				DeadLetterQueue: dlq,
				RetryAttempts:   jsii.Number(8),
				MaxEventAge:     awscdk.Duration_Hours(jsii.Number(24)),
			}),
		},
	})
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
		OnFailure:               awslambdaeventsources.NewSqsDlq(dlq),
	})
}
