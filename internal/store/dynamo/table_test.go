package dynamo_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/store/table"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// A table kept from before an index was added (a local .local/ table)
// gets the missing indexes when the stack starts over it.
func TestCreateTableAddsMissingIndexes(t *testing.T) {
	ctx := context.Background()
	db := testenv.DynamoDB(t)
	name := "t-" + ident.New()
	s := func(v string) *string { return aws.String(v) }
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: s(name), BillingMode: types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: s("PK"), KeyType: types.KeyTypeHash}, {AttributeName: s("SK"), KeyType: types.KeyTypeRange}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: s("PK"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: s("SK"), AttributeType: types.ScalarAttributeTypeS}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name}) })
	if err := dynamo.CreateTable(ctx, db, name); err != nil {
		t.Fatal(err)
	}
	desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, ix := range desc.Table.GlobalSecondaryIndexes {
		have[aws.ToString(ix.IndexName)] = true
	}
	for _, ix := range table.Gatehouse.Indexes {
		if !have[ix.Name] {
			t.Errorf("index %s missing after CreateTable over an existing table (have %v)", ix.Name, have)
		}
	}
}
