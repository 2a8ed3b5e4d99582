package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/gatehouse-dev/gatehouse/internal/store/table"
)

// Data is the single DynamoDB table, built from table.Gatehouse: the same Go
// definition the local stack passes to CreateTable.
type Data struct {
	constructs.Construct
	Table awsdynamodb.TableV2
}

// NewData creates the table. It holds every account, so it survives stack
// deletion (RETAIN), cannot be deleted by accident (deletion protection) and
// can be restored to any second of the last 35 days (PITR).
func NewData(scope constructs.Construct, id string) *Data {
	c := constructs.NewConstruct(scope, jsii.String(id))
	def := table.Gatehouse
	str := func(name string) *awsdynamodb.Attribute {
		return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
	}
	var indexes []*awsdynamodb.GlobalSecondaryIndexPropsV2
	for _, ix := range def.Indexes {
		indexes = append(indexes, &awsdynamodb.GlobalSecondaryIndexPropsV2{
			IndexName:      jsii.String(ix.Name),
			PartitionKey:   str(ix.PartitionKey),
			SortKey:        str(ix.SortKey),
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	t := awsdynamodb.NewTableV2(c, jsii.String("Table"), &awsdynamodb.TablePropsV2{
		PartitionKey:           str(def.PartitionKey),
		SortKey:                str(def.SortKey),
		GlobalSecondaryIndexes: &indexes,
		TimeToLiveAttribute:    jsii.String(def.TTLAttribute),
		Billing:                awsdynamodb.Billing_OnDemand(nil),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
			RecoveryPeriodInDays:       jsii.Number(35),
		},
		DeletionProtection: jsii.Bool(true),
		// The stream is the outbox: the events function turns item changes
		// into EventBridge events, so both images are needed.
		DynamoStream:  awsdynamodb.StreamViewType(def.StreamView),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	return &Data{Construct: c, Table: t}
}

// indexArns are the ARNs of the table's indexes, named one by one so that no
// policy needs a wildcard.
func (d *Data) indexArns() []*string {
	var arns []*string
	for _, ix := range table.Gatehouse.Indexes {
		arns = append(arns, jsii.String(*d.Table.TableArn()+"/index/"+ix.Name))
	}
	return arns
}

// grantStreamRead lets an event source mapping read the table's stream. It
// names the stream ARN instead of the "*" that TableV2.GrantStreamRead gives
// dynamodb:ListStreams.
func (d *Data) grantStreamRead(role awsiam.IRole) {
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("TableStream"),
		Actions:   jsii.Strings("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"),
		Resources: &[]*string{d.Table.TableStreamArn()},
	}))
}
