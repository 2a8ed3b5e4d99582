package dynamo

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

var _ throttle.Counter = (*Store)(nil)

// Take counts one check in a fixed window with one conditional UpdateItem
// on RATE#<limit>#<sha256 of subject> / WINDOW#<start, unix seconds>: ADD
// Hits 1 if Hits < max, the TTL set to the window's end plus a minute (the
// item is garbage once its window is over; the key, not the TTL, decides
// which window counts, so an item TTL has not removed yet is harmless).
func (s *Store) Take(ctx context.Context, key string, start time.Time, window time.Duration, max int) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           &s.table,
		Key:                 map[string]types.AttributeValue{attrPK: str(ratePK(key)), attrSK: str(rateWindowSK(start))},
		UpdateExpression:    aws.String("ADD Hits :one SET #ttl = if_not_exists(#ttl, :ttl), #type = if_not_exists(#type, :type)"),
		ConditionExpression: aws.String("attribute_not_exists(Hits) OR Hits < :max"),
		ExpressionAttributeNames: map[string]string{
			"#ttl": "TTL", "#type": "Type",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": num(1), ":max": num(int64(max)), ":type": str("RateWindow"),
			":ttl": num(start.Add(window).Add(time.Minute).Unix()),
		},
	})
	err = s.wrap("count "+key[:min(len(key), 24)], err)
	if errors.Is(err, fault.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}

func ratePK(key string) string { return "RATE#" + key }
func rateWindowSK(start time.Time) string {
	return "WINDOW#" + strconv.FormatInt(start.Unix(), 10)
}
