package dynamo

import (
	"context"
	"fmt"
	"sync"
	"time"

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
