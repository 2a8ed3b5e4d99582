package dynamo

import (
	"context"
	"maps"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/gatehouse-dev/gatehouse/internal/logging"
)

// attrChange is stamped on every item the store puts or updates: who made the
// change (the actor of the request) and in which request. The table's stream
// carries it to the outbox, which says so in the event it publishes; nothing
// else reads it. Deletes carry no stamp: no event comes from a delete.
const attrChange = "Chg"

// changeStamp is the value of attrChange.
type changeStamp struct {
	Actor     string `dynamodbav:"A,omitempty"`
	RequestID string `dynamodbav:"R,omitempty"`
	At        string `dynamodbav:"T,omitempty"` // the writer's clock: the stream's own time is approximate
}

func stampOf(ctx context.Context) types.AttributeValue {
	m := map[string]types.AttributeValue{"T": str(formatTime(time.Now()))}
	if a := logging.Actor(ctx); a != "" {
		m["A"] = str(a)
	}
	if r := logging.RequestID(ctx); r != "" {
		m["R"] = str(r)
	}
	return &types.AttributeValueMemberM{Value: m}
}

// stampChanges is a client option: every PutItem, UpdateItem and
// TransactWriteItems gets the change stamp of its context. Written once here
// rather than at each of the store's write sites, so no write can miss it.
func stampChanges(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("GatehouseChangeStamp",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				switch in.Parameters.(type) {
				case *dynamodb.PutItemInput, *dynamodb.UpdateItemInput, *dynamodb.TransactWriteItemsInput:
					in.Parameters = stamped(in.Parameters, stampOf(ctx)) // a read needs no stamp: build none
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	})
}

// stamped returns a copy of a write's input with the stamp added; the
// caller's input is left as it was (it may be retried or reused).
func stamped(params any, stamp types.AttributeValue) any {
	switch p := params.(type) {
	case *dynamodb.PutItemInput:
		cp := *p
		cp.Item = withStamp(p.Item, stamp)
		return &cp
	case *dynamodb.UpdateItemInput:
		cp := *p
		cp.UpdateExpression, cp.ExpressionAttributeNames, cp.ExpressionAttributeValues =
			stampUpdate(p.UpdateExpression, p.ExpressionAttributeNames, p.ExpressionAttributeValues, stamp)
		return &cp
	case *dynamodb.TransactWriteItemsInput:
		cp := *p
		cp.TransactItems = make([]types.TransactWriteItem, len(p.TransactItems))
		for i, it := range p.TransactItems {
			switch {
			case it.Put != nil:
				put := *it.Put
				put.Item = withStamp(put.Item, stamp)
				it.Put = &put
			case it.Update != nil:
				up := *it.Update
				up.UpdateExpression, up.ExpressionAttributeNames, up.ExpressionAttributeValues =
					stampUpdate(up.UpdateExpression, up.ExpressionAttributeNames, up.ExpressionAttributeValues, stamp)
				it.Update = &up
			}
			cp.TransactItems[i] = it
		}
		return &cp
	}
	return params
}

func withStamp(item map[string]types.AttributeValue, stamp types.AttributeValue) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(item)+1)
	maps.Copy(out, item)
	out[attrChange] = stamp
	return out
}

// setClause finds the SET clause of an update expression (clause keywords
// are case-insensitive and stand at the start or after a space).
var setClause = regexp.MustCompile(`(?i)(^|\s)SET\s`)

func stampUpdate(expr *string, names map[string]string, values map[string]types.AttributeValue, stamp types.AttributeValue) (*string, map[string]string, map[string]types.AttributeValue) {
	const assign = "#gh_chg = :gh_chg"
	e := aws.ToString(expr)
	if loc := setClause.FindStringIndex(e); loc != nil {
		e = e[:loc[1]] + assign + ", " + e[loc[1]:]
	} else {
		e = "SET " + assign + " " + e
	}
	n := make(map[string]string, len(names)+1)
	maps.Copy(n, names)
	n["#gh_chg"] = attrChange
	v := make(map[string]types.AttributeValue, len(values)+1)
	maps.Copy(v, values)
	v[":gh_chg"] = stamp
	return &e, n, v
}
