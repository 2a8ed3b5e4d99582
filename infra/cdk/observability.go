package main

import (
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// ObservabilityProps are the resources to watch.
type ObservabilityProps struct {
	Settings  settings
	API       *API
	Functions *Functions
	Workflow  *Workflow // nil when the review state machine is not deployed
}

// Observability holds the alarms, the topic they notify and the dashboard.
type Observability struct {
	constructs.Construct
	Topic  awssns.Topic
	Alarms []awscloudwatch.Alarm
}

// NewObservability alarms on what needs a person: server errors, function
// errors and throttles, failed reviews, and anything in the dead-letter queue.
func NewObservability(scope constructs.Construct, id string, p *ObservabilityProps) *Observability {
	c := constructs.NewConstruct(scope, jsii.String(id))
	topic := awssns.NewTopic(c, jsii.String("Alarms"), &awssns.TopicProps{
		DisplayName: jsii.String("Gatehouse " + p.Settings.Stage + " alarms"),
		EnforceSSL:  jsii.Bool(true),
	})
	if p.Settings.AlarmEmail != "" {
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(p.Settings.AlarmEmail), nil))
	}
	o := &Observability{Construct: c, Topic: topic}
	five := awscdk.Duration_Minutes(jsii.Number(5))
	sum := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}
	alarm := func(id, description string, metric awscloudwatch.IMetric) {
		a := awscloudwatch.NewAlarm(c, jsii.String(id), &awscloudwatch.AlarmProps{
			AlarmDescription:   jsii.String(description),
			Metric:             metric,
			Threshold:          jsii.Number(1),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		a.AddAlarmAction(awscloudwatchactions.NewSnsAction(topic))
		o.Alarms = append(o.Alarms, a)
	}

	api := p.API.HttpApi
	alarm("Api5xx", "The HTTP API answered 5xx", api.MetricServerError(sum))

	names := make([]string, 0, len(p.Functions.ByName))
	for name := range p.Functions.ByName {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs, throttles, durations []awscloudwatch.IMetric
	for _, name := range names {
		fn := p.Functions.ByName[name]
		label := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum"), Label: jsii.String(name)}
		alarm(name+"Errors", "The "+name+" function failed", fn.MetricErrors(sum))
		alarm(name+"Throttles", "The "+name+" function was throttled", fn.MetricThrottles(sum))
		errs = append(errs, fn.MetricErrors(label))
		throttles = append(throttles, fn.MetricThrottles(label))
		durations = append(durations, fn.MetricDuration(&awscloudwatch.MetricOptions{
			Period: five, Statistic: jsii.String("p99"), Label: jsii.String(name),
		}))
	}

	dlq := p.Functions.DeadLetters.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: five, Statistic: jsii.String("Maximum"),
	})
	alarm("DeadLetters", "Events that could not be processed are waiting in the dead-letter queue", dlq)

	dashboard := awscloudwatch.NewDashboard(c, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DefaultInterval: awscdk.Duration_Hours(jsii.Number(3)),
	})
	graph := func(title string, left ...awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
			Title: jsii.String(title), Left: &left, Width: jsii.Number(8),
		})
	}
	dashboard.AddWidgets(
		graph("API requests", api.MetricCount(sum)),
		graph("API errors", api.MetricClientError(sum), api.MetricServerError(sum)),
		graph("API latency p99", api.MetricLatency(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("p99")})),
	)
	dashboard.AddWidgets(
		graph("Function errors", errs...),
		graph("Function throttles", throttles...),
		graph("Function duration p99", durations...),
	)
	row := []awscloudwatch.IWidget{graph("Dead-letter queue", dlq)}
	if p.Workflow != nil {
		sm := p.Workflow.StateMachine
		alarm("ReviewsFailed", "A registration review execution failed", sm.MetricFailed(sum))
		row = append(row, graph("Reviews", sm.MetricStarted(sum), sm.MetricSucceeded(sum), sm.MetricFailed(sum), sm.MetricTimedOut(sum)))
	}
	dashboard.AddWidgets(row...)
	return o
}
