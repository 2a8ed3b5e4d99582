// Package dynamo is the DynamoDB adapter: the only importer of the DynamoDB
// SDK. It implements the store ports declared by the domain packages over the
// single table described in keys.go.
package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/store/table"
)

// Store implements the domain stores on one table.
type Store struct {
	db    *dynamodb.Client
	table string
}

// New returns a Store; it does no I/O.
func New(db *dynamodb.Client, tableName string) *Store { return &Store{db: db, table: tableName} }

// NewClient builds the DynamoDB client from the shared AWS config. Against
// DynamoDB Local (an endpoint override), response checksums are not sent, so
// their validation is switched off there.
func NewClient(cfg aws.Config) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, stampChanges, func(o *dynamodb.Options) {
		if o.BaseEndpoint != nil {
			o.DisableValidateResponseChecksum = true
		}
	})
}

// Ping checks that the table answers (GET /v1/health).
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table,
		Key:       key("HEALTH", "HEALTH"),
	})
	return s.wrap("ping", err)
}

// CreateTable creates the table from table.Gatehouse if it does not exist.
func CreateTable(ctx context.Context, db *dynamodb.Client, name string) error {
	def := table.Gatehouse
	in := &dynamodb.CreateTableInput{
		TableName:   &name,
		BillingMode: types.BillingModePayPerRequest,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: &def.PartitionKey, KeyType: types.KeyTypeHash},
			{AttributeName: &def.SortKey, KeyType: types.KeyTypeRange},
		},
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(def.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String(def.SortKey), AttributeType: types.ScalarAttributeTypeS},
		},
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(def.StreamView)},
	}
	for _, ix := range def.Indexes {
		in.AttributeDefinitions = append(in.AttributeDefinitions,
			types.AttributeDefinition{AttributeName: aws.String(ix.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
			types.AttributeDefinition{AttributeName: aws.String(ix.SortKey), AttributeType: types.ScalarAttributeTypeS})
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix.PartitionKey), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix.SortKey), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	_, err := db.CreateTable(ctx, in)
	var inUse *types.ResourceInUseException
	if errors.As(err, &inUse) {
		if err := addMissingIndexes(ctx, db, name, in); err != nil {
			return err
		}
		return enableStream(ctx, db, name, in.StreamSpecification)
	}
	if err != nil {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	if err := dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, 60e9); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	_, err = db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               &name,
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(def.TTLAttribute), Enabled: aws.Bool(true)},
	})
	if err != nil {
		return fmt.Errorf("enable TTL on %s: %w", name, err)
	}
	return nil
}

// addMissingIndexes creates the indexes of table.Gatehouse an existing
// table lacks (a local table kept in .local/ from before an index was
// added; in AWS, CloudFormation does this). One index per UpdateTable.
func addMissingIndexes(ctx context.Context, db *dynamodb.Client, name string, want *dynamodb.CreateTableInput) error {
	// The table may still be being created (another process made it just
	// now): an UpdateTable before it is ACTIVE is refused.
	if err := dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, 60e9); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name})
	if err != nil {
		return fmt.Errorf("describe table %s: %w", name, err)
	}
	have := map[string]bool{}
	for _, ix := range desc.Table.GlobalSecondaryIndexes {
		have[aws.ToString(ix.IndexName)] = true
	}
	for _, ix := range want.GlobalSecondaryIndexes {
		if have[aws.ToString(ix.IndexName)] {
			continue
		}
		_, err := db.UpdateTable(ctx, &dynamodb.UpdateTableInput{
			TableName:            &name,
			AttributeDefinitions: want.AttributeDefinitions,
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
				IndexName: ix.IndexName, KeySchema: ix.KeySchema, Projection: ix.Projection,
			}}},
		})
		if err != nil {
			return fmt.Errorf("add index %s to %s: %w", aws.ToString(ix.IndexName), name, err)
		}
		if err := waitIndexesActive(ctx, db, name); err != nil {
			return err
		}
	}
	return nil
}

// enableStream turns on the stream of a table kept in .local/ from before
// the outbox existed (in AWS, CloudFormation does this).
func enableStream(ctx context.Context, db *dynamodb.Client, name string, spec *types.StreamSpecification) error {
	desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name})
	if err != nil {
		return fmt.Errorf("describe table %s: %w", name, err)
	}
	if s := desc.Table.StreamSpecification; s != nil && aws.ToBool(s.StreamEnabled) {
		return nil
	}
	if _, err := db.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: &name, StreamSpecification: spec}); err != nil {
		return fmt.Errorf("enable the stream of %s: %w", name, err)
	}
	return nil
}

// waitIndexesActive waits until no index of the table is being built (a
// table builds one index at a time).
func waitIndexesActive(ctx context.Context, db *dynamodb.Client, name string) error {
	for range 600 {
		desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name})
		if err != nil {
			return fmt.Errorf("describe table %s: %w", name, err)
		}
		building := false
		for _, ix := range desc.Table.GlobalSecondaryIndexes {
			building = building || ix.IndexStatus != types.IndexStatusActive
		}
		if !building {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("indexes of %s still building after a minute", name)
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrPK: &types.AttributeValueMemberS{Value: pk},
		attrSK: &types.AttributeValueMemberS{Value: sk},
	}
}

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// marshal turns a record into an item; records are plain structs with dynamodbav tags.
func marshal(v any) (map[string]types.AttributeValue, error) {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		return nil, fmt.Errorf("marshal %T: %w", v, err)
	}
	return item, nil
}

// getItem reads one item into out, returning fault.ErrNotFound when absent.
func (s *Store) getItem(ctx context.Context, op, pk, sk string, out any) error {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return s.wrap(op, err)
	}
	if res.Item == nil {
		return fault.ErrNotFound
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return fmt.Errorf("%s: unmarshal: %w", op, err)
	}
	return nil
}

// putNew writes an item that must not exist yet.
func (s *Store) putNew(ctx context.Context, op string, rec any) error {
	item, err := marshal(rec)
	if err != nil {
		return err
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	return s.wrap(op, err)
}

// putNewTx is a transaction Put that fails if the item exists.
func (s *Store) putNewTx(rec any) (types.TransactWriteItem, error) {
	item, err := marshal(rec)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName: &s.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}, nil
}

// transact runs a transaction. When it is cancelled by a failed condition,
// the returned *txConflict names which items failed.
func (s *Store) transact(ctx context.Context, op string, items []types.TransactWriteItem) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		failed := map[int]bool{}
		for i, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" {
				failed[i] = true
			}
		}
		if len(failed) > 0 {
			return &txConflict{op: op, failed: failed}
		}
		return fault.Unavailable(fmt.Errorf("%s: transaction cancelled: %w", op, err))
	}
	return s.wrap(op, err)
}

// queryPage runs one Query and unmarshals its items into records of type R;
// it returns the cursor of the next page ("" on the last).
func queryPage[R any](ctx context.Context, s *Store, op string, in *dynamodb.QueryInput) ([]R, string, error) {
	if in.TableName == nil {
		in.TableName = &s.table
	}
	res, err := s.db.Query(ctx, in)
	if err != nil {
		return nil, "", s.wrap(op, err)
	}
	var recs []R
	if err := attributevalue.UnmarshalListOfMaps(res.Items, &recs); err != nil {
		return nil, "", fmt.Errorf("%s: %w", op, err)
	}
	return recs, encodeCursor(res.LastEvaluatedKey), nil
}

// getAs reads one item and converts its record; fault.ErrNotFound when absent.
func getAs[R, T any](ctx context.Context, s *Store, op, pk, sk string, conv func(R) T) (T, error) {
	var r R
	if err := s.getItem(ctx, op, pk, sk, &r); err != nil {
		var zero T
		return zero, err
	}
	return conv(r), nil
}

// ownerOrg follows an id pointer item (uniqueRecord) to the office that owns the id.
func (s *Store) ownerOrg(ctx context.Context, op, pk, sk string) (ident.OrgID, error) {
	var r uniqueRecord
	if err := s.getItem(ctx, op, pk, sk, &r); err != nil {
		return "", err
	}
	return ident.OrgID(r.Owner), nil
}

// partition is one list the API pages through: a partition of the table
// (only the sort keys that begin with skPrefix: a table partition holds
// many kinds of item) or of an index, in key order or newest first.
type partition struct {
	op          string
	index       string // "GSI1", "GSI2", "GSI3"; "" for the table
	pk          string
	skPrefix    string // table partitions only
	newestFirst bool
}

// pkAttr is the attribute the partition key of the list is in.
func (p partition) pkAttr() string {
	if p.index == "" {
		return attrPK
	}
	return p.index + "PK"
}

// listPage reads one page of a partition with one Query, converting each
// record. The cursor must be one this list produced: pinned to the
// partition (decodeCursor) and, on the table, to the item kind.
func listPage[R, T any](ctx context.Context, s *Store, p partition, limit int, cursor string, conv func(R) T) ([]T, string, error) {
	start, err := decodeCursor(cursor, p.pkAttr(), p.pk)
	if err != nil {
		return nil, "", err
	}
	in := &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String(p.pkAttr() + " = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(p.pk)},
		ScanIndexForward:          aws.Bool(!p.newestFirst), Limit: aws.Int32(int32(limit)), ExclusiveStartKey: start,
	}
	if p.index != "" {
		in.IndexName = aws.String(p.index)
	}
	if p.skPrefix != "" {
		if start != nil && (len(start) != 2 || !strings.HasPrefix(stringAttr(start, attrSK), p.skPrefix)) {
			return nil, "", ErrBadCursor
		}
		in.KeyConditionExpression = aws.String("PK = :pk AND begins_with(SK, :sk)")
		in.ExpressionAttributeValues[":sk"] = str(p.skPrefix)
	}
	recs, next, err := queryPage[R](ctx, s, p.op, in)
	if err != nil {
		return nil, "", err
	}
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		out = append(out, conv(r))
	}
	return out, next, nil
}

// txConflict is a transaction that lost a condition; it matches fault.ErrConflict.
type txConflict struct {
	op     string
	failed map[int]bool
}

func (e *txConflict) Error() string {
	return fmt.Sprintf("%s: condition failed on items %v", e.op, e.failed)
}
func (e *txConflict) Is(target error) bool { return target == fault.ErrConflict }

func failedAt(err error, i int) bool {
	var tc *txConflict
	return errors.As(err, &tc) && tc.failed[i]
}

// wrap classifies SDK errors: a failed condition is fault.ErrConflict; a
// request the table rejected as malformed is a bug (500); everything else
// (throttling, network, 5xx) means the table is unavailable (503).
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return fmt.Errorf("%s: %w", op, fault.ErrConflict)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "ValidationException" {
		return fmt.Errorf("%s: %w", op, err)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fault.Unavailable(fmt.Errorf("%s: %w", op, err))
}

// Cursors are the last evaluated key, base64 JSON of its string attributes.
func encodeCursor(lek map[string]types.AttributeValue) string {
	if len(lek) == 0 {
		return ""
	}
	m := map[string]string{}
	for k, v := range lek {
		if sv, ok := v.(*types.AttributeValueMemberS); ok {
			m[k] = sv.Value
		}
	}
	b, _ := json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ErrBadCursor is returned for a cursor this API did not produce.
var ErrBadCursor = fault.Invalid("invalid_cursor", "The cursor is not valid for this list.")

// decodeCursor parses a cursor and checks it stays inside the queried
// partition, so a forged cursor cannot page into another org's items.
func decodeCursor(cursor, pkAttr, pkValue string) (map[string]types.AttributeValue, error) {
	if cursor == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, ErrBadCursor
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil || m[pkAttr] != pkValue {
		return nil, ErrBadCursor
	}
	out := map[string]types.AttributeValue{}
	for k, v := range m {
		out[k] = str(v)
	}
	return out, nil
}
