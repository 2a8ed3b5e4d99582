package stack

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// Outbox is the local event source mapping: it reads the table's stream on
// DynamoDB Local (its Streams API) and invokes the events function with
// Lambda's event shape, as the mapping the CDK stack deploys does: batches of
// up to BatchSize records per shard, in order; a batch item failure makes it
// read again from the failed record; a record still failing after
// maxAttempts is put on the dead-letter list (the mapping's on-failure
// destination) and skipped.
type Outbox struct {
	streams   *dynamodbstreams.Client
	streamARN string
	fn        lambda.Handler
	sink      *EventSink
	log       *slog.Logger
	BatchSize int32

	published  atomic.Int64 // records handed to the function and not reported failed
	checkpoint string
	largest    atomic.Value // []byte: the largest batch handed to the function
	largestN   int
	cancel     context.CancelFunc
	done       sync.WaitGroup
}

// outboxMaxAttempts is how often a record is offered before it is dead-lettered.
const outboxMaxAttempts = 5

// StartOutbox finds the table's stream and starts reading it from the
// oldest record (TRIM_HORIZON, as the CDK mapping does). checkpoint, when
// not "", is a file where the position in each shard is kept, so `make run`
// over a table kept in .local/ resumes after what an earlier run published.
func StartOutbox(ctx context.Context, awsCfg aws.Config, table string, fn lambda.Handler, sink *EventSink, checkpoint string, log *slog.Logger) (*Outbox, error) {
	db := dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true })
	desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &table})
	if err != nil {
		return nil, fmt.Errorf("outbox: describe table %s: %w", table, err)
	}
	arn := aws.ToString(desc.Table.LatestStreamArn)
	if arn == "" {
		return nil, fmt.Errorf("outbox: table %s has no stream", table)
	}
	// The Streams API answers on DynamoDB Local's own endpoint.
	streams := dynamodbstreams.NewFromConfig(awsCfg, func(o *dynamodbstreams.Options) {
		if ep := db.Options().BaseEndpoint; ep != nil {
			o.BaseEndpoint = ep
		}
	})
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	o := &Outbox{streams: streams, streamARN: arn, fn: fn, sink: sink, log: log, BatchSize: 100, cancel: cancel, checkpoint: checkpoint}
	o.done.Add(1)
	go o.run(runCtx)
	return o, nil
}

// Published counts the records the function took without a failure.
func (o *Outbox) Published() int64 { return o.published.Load() }

// LargestBatch is the payload of the most records handed to the function
// so far (fixtures are taken from it).
func (o *Outbox) LargestBatch() []byte {
	b, _ := o.largest.Load().([]byte)
	return b
}

// Close stops reading.
func (o *Outbox) Close() {
	o.cancel()
	o.done.Wait()
}

// shardState is where the outbox is in one shard.
type shardState struct {
	iterator string
	lastSeq  string // the last record handed over without a failure
	closed   bool
	attempts int // of the record the iterator starts at
}

func (o *Outbox) run(ctx context.Context) {
	defer o.done.Done()
	shards := map[string]*shardState{}
	saved := o.loadCheckpoint()
	for ctx.Err() == nil {
		if err := o.discover(ctx, shards, saved); err != nil {
			o.pause(ctx, err)
			continue
		}
		busy := false
		for id, st := range shards {
			if st.closed {
				continue
			}
			n, err := o.poll(ctx, id, st)
			if err != nil {
				o.pause(ctx, err)
				continue
			}
			busy = busy || n > 0
		}
		if busy {
			o.saveCheckpoint(shards)
		} else {
			sleep(ctx, 50*time.Millisecond)
		}
	}
}

func (o *Outbox) loadCheckpoint() map[string]string {
	saved := map[string]string{}
	if o.checkpoint != "" {
		if raw, err := os.ReadFile(o.checkpoint); err == nil {
			_ = json.Unmarshal(raw, &saved)
		}
	}
	return saved
}

func (o *Outbox) saveCheckpoint(shards map[string]*shardState) {
	if o.checkpoint == "" {
		return
	}
	pos := map[string]string{}
	for id, st := range shards {
		if st.lastSeq != "" {
			pos[id] = st.lastSeq
		}
	}
	raw, _ := json.Marshal(pos)
	if err := os.WriteFile(o.checkpoint, raw, 0o644); err != nil {
		o.log.Warn("local outbox: checkpoint", "error", err.Error())
	}
}

func (o *Outbox) pause(ctx context.Context, err error) {
	if ctx.Err() == nil {
		o.log.Warn("local outbox", "error", err.Error())
		sleep(ctx, time.Second)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// discover adds the shards the stream has and the outbox does not know: after
// the saved position, or from the trim horizon.
func (o *Outbox) discover(ctx context.Context, shards map[string]*shardState, saved map[string]string) error {
	var start *string
	for {
		desc, err := o.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &o.streamARN, ExclusiveStartShardId: start})
		if err != nil {
			return fmt.Errorf("describe stream: %w", err)
		}
		for _, sh := range desc.StreamDescription.Shards {
			id := aws.ToString(sh.ShardId)
			if _, known := shards[id]; known {
				continue
			}
			in := &dynamodbstreams.GetShardIteratorInput{StreamArn: &o.streamARN, ShardId: &id, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
			if seq := saved[id]; seq != "" {
				in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, &seq
			}
			it, err := o.streams.GetShardIterator(ctx, in)
			if err != nil && in.SequenceNumber != nil {
				// The saved record was trimmed: start from the oldest kept.
				in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeTrimHorizon, nil
				it, err = o.streams.GetShardIterator(ctx, in)
			}
			if err != nil {
				return fmt.Errorf("shard iterator: %w", err)
			}
			shards[id] = &shardState{iterator: aws.ToString(it.ShardIterator), lastSeq: saved[id]}
		}
		start = desc.StreamDescription.LastEvaluatedShardId
		if start == nil {
			return nil
		}
	}
}

// poll reads one batch of a shard and hands it to the function.
func (o *Outbox) poll(ctx context.Context, shardID string, st *shardState) (int, error) {
	out, err := o.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: &st.iterator, Limit: &o.BatchSize})
	var expired *types.ExpiredIteratorException
	if errors.As(err, &expired) {
		in := &dynamodbstreams.GetShardIteratorInput{StreamArn: &o.streamARN, ShardId: &shardID, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
		if st.lastSeq != "" {
			in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, &st.lastSeq
		}
		it, err := o.streams.GetShardIterator(ctx, in)
		if err != nil {
			return 0, fmt.Errorf("renew the iterator of %s: %w", shardID, err)
		}
		st.iterator = aws.ToString(it.ShardIterator)
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("get records of %s: %w", shardID, err)
	}
	if out.NextShardIterator == nil {
		st.closed = true
	} else {
		st.iterator = aws.ToString(out.NextShardIterator)
	}
	if len(out.Records) == 0 {
		return 0, nil
	}
	failedSeq, err := o.invoke(ctx, out.Records)
	if err != nil {
		return 0, err
	}
	if failedSeq == "" {
		st.attempts = 0
		st.lastSeq = aws.ToString(out.Records[len(out.Records)-1].Dynamodb.SequenceNumber)
		o.published.Add(int64(len(out.Records)))
		return len(out.Records), nil
	}
	// Read again from the failed record, unless it failed too often.
	var failedAt int
	for i, r := range out.Records {
		if aws.ToString(r.Dynamodb.SequenceNumber) == failedSeq {
			failedAt = i
		}
	}
	o.published.Add(int64(failedAt))
	if failedAt > 0 {
		st.lastSeq = aws.ToString(out.Records[failedAt-1].Dynamodb.SequenceNumber)
	}
	st.attempts++
	typ := types.ShardIteratorTypeAtSequenceNumber
	if st.attempts >= outboxMaxAttempts {
		letter, _ := json.Marshal(map[string]any{"reason": fmt.Sprintf("outbox: not published after %d attempts", st.attempts),
			"event_id": aws.ToString(out.Records[failedAt].EventID), "sequence_number": failedSeq})
		o.sink.addDeadLetter("outbox/"+o.streamARN, letter)
		typ, st.attempts, st.lastSeq = types.ShardIteratorTypeAfterSequenceNumber, 0, failedSeq
	} else {
		sleep(ctx, time.Duration(100<<st.attempts)*time.Millisecond)
	}
	it, err := o.streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &o.streamARN, ShardId: &shardID,
		ShardIteratorType: typ, SequenceNumber: &failedSeq})
	if err != nil {
		return 0, fmt.Errorf("shard iterator after a failure: %w", err)
	}
	st.iterator, st.closed = aws.ToString(it.ShardIterator), false
	return len(out.Records), nil
}

// invoke calls the function with the batch in Lambda's shape and returns the
// sequence number to retry from ("" when the whole batch went through).
func (o *Outbox) invoke(ctx context.Context, recs []types.Record) (string, error) {
	payload, err := json.Marshal(map[string]any{"Records": lambdaRecords(recs, o.streamARN)})
	if err != nil {
		return "", err
	}
	if len(recs) > o.largestN {
		o.largestN = len(recs)
		o.largest.Store(payload)
	}
	res, err := o.fn.Invoke(ctx, payload)
	if err != nil {
		// A function error fails the whole batch.
		o.log.Warn("events function failed on a stream batch", "error", err.Error())
		return aws.ToString(recs[0].Dynamodb.SequenceNumber), nil
	}
	var out struct {
		BatchItemFailures []struct {
			ItemIdentifier string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if err := json.Unmarshal(res, &out); err != nil {
		return "", fmt.Errorf("events function answer: %w", err)
	}
	if len(out.BatchItemFailures) == 0 {
		return "", nil
	}
	return out.BatchItemFailures[0].ItemIdentifier, nil
}

// lambdaRecords are stream records as Lambda's DynamoDB event source hands
// them to a function (aws-lambda-go events.DynamoDBEventRecord).
func lambdaRecords(recs []types.Record, arn string) []map[string]any {
	out := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		d := r.Dynamodb
		change := map[string]any{
			"Keys":           lambdaImage(d.Keys),
			"SequenceNumber": aws.ToString(d.SequenceNumber),
			"SizeBytes":      aws.ToInt64(d.SizeBytes),
			"StreamViewType": string(d.StreamViewType),
		}
		if d.ApproximateCreationDateTime != nil {
			change["ApproximateCreationDateTime"] = d.ApproximateCreationDateTime.Unix()
		}
		if d.NewImage != nil {
			change["NewImage"] = lambdaImage(d.NewImage)
		}
		if d.OldImage != nil {
			change["OldImage"] = lambdaImage(d.OldImage)
		}
		out = append(out, map[string]any{
			"eventID": aws.ToString(r.EventID), "eventName": string(r.EventName), "eventVersion": aws.ToString(r.EventVersion),
			"eventSource": "aws:dynamodb", "awsRegion": aws.ToString(r.AwsRegion), "eventSourceARN": arn, "dynamodb": change,
		})
	}
	return out
}

func lambdaImage(item map[string]types.AttributeValue) map[string]any {
	out := make(map[string]any, len(item))
	for k, v := range item {
		out[k] = lambdaValue(v)
	}
	return out
}

// lambdaValue is one attribute value in Lambda's JSON ({"S": "…"}, {"M": {…}}, …).
func lambdaValue(v types.AttributeValue) map[string]any {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": x.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": x.Value}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": x.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(x.Value)}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": x.Value}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": x.Value}
	case *types.AttributeValueMemberBS:
		l := []string{}
		for _, b := range x.Value {
			l = append(l, base64.StdEncoding.EncodeToString(b))
		}
		return map[string]any{"BS": l}
	case *types.AttributeValueMemberL:
		l := []any{}
		for _, e := range x.Value {
			l = append(l, lambdaValue(e))
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": lambdaImage(x.Value)}
	}
	return map[string]any{"NULL": true}
}
