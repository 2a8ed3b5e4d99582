package dynamo

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// SeedListings bulk-loads n members of an org for benchmarks: the membership
// items the user list and its export read, written with BatchWriteItem from
// 8 goroutines (about 700 puts/s on DynamoDB Local).
func (s *Store) SeedListings(ctx context.Context, orgID ident.OrgID, orgName string, n int) error {
	now := time.Now().UTC()
	first := []string{"Ann", "Bob", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ida", "Jo"}
	last := []string{"Smith", "Jones", "Brown", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Moore", "Young"}
	jobs := make(chan []types.WriteRequest)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range jobs {
				req := map[string][]types.WriteRequest{s.table: batch}
				for len(req[s.table]) > 0 {
					out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
					if err != nil {
						errs <- err
						return
					}
					req = out.UnprocessedItems
				}
			}
		}()
	}
	var batch []types.WriteRequest
	for i := range n {
		u := account.User{ID: fmt.Sprintf("seed%08d", i), Username: fmt.Sprintf("seed.user.%d", i),
			FirstName: first[i%len(first)], LastName: fmt.Sprintf("%s%d", last[(i/10)%len(last)], i), Email: fmt.Sprintf("seed%d@example.org", i)}
		m := account.Membership{UserID: u.ID, OrgID: orgID, OrgName: orgName, Role: account.RolePortalUser, Scope: account.OrgScope, Active: true, CreatedAt: now}
		item, err := marshal(listedMembership(m, u))
		if err != nil {
			return err
		}
		batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		if len(batch) == 25 || i == n-1 {
			select {
			case jobs <- batch:
			case err := <-errs:
				close(jobs)
				return err
			}
			batch = nil
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// RawItem reads one item as the table's stream would carry it in an image.
func (s *Store) RawItem(t testing.TB, pk, sk string) map[string]events.DynamoDBAttributeValue {
	t.Helper()
	res, err := s.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &s.table, Key: key(pk, sk)})
	if err != nil || res.Item == nil {
		t.Fatalf("get %s %s: %v", pk, sk, err)
	}
	return lambdaItem(res.Item)
}

func lambdaItem(item map[string]types.AttributeValue) map[string]events.DynamoDBAttributeValue {
	out := map[string]events.DynamoDBAttributeValue{}
	for k, v := range item {
		out[k] = lambdaAttr(v)
	}
	return out
}

func lambdaAttr(v types.AttributeValue) events.DynamoDBAttributeValue {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(x.Value)
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(x.Value)
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(x.Value)
	case *types.AttributeValueMemberM:
		return events.NewMapAttribute(lambdaItem(x.Value))
	case *types.AttributeValueMemberL:
		var l []events.DynamoDBAttributeValue
		for _, e := range x.Value {
			l = append(l, lambdaAttr(e))
		}
		return events.NewListAttribute(l)
	case *types.AttributeValueMemberSS:
		return events.NewStringSetAttribute(x.Value)
	}
	return events.NewNullAttribute()
}
