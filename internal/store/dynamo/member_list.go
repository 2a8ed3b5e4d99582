package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/member"
)

// Bounds of one user-list page when a FilterExpression drops items: at most
// filteredCalls Queries of filteredRead items each.
const (
	filteredCalls = 5
	filteredRead  = 200
)

// memberQuery is the plan for one user-list request (see keys.go).
type memberQuery struct {
	index        string // "GSI1" or "GSI2"
	pkAttr       string
	skAttr       string
	pk           string
	prefix       string // sort key prefix
	filters      []string
	filterValues map[string]types.AttributeValue
	filterNames  map[string]string
}

func planMemberQuery(orgID ident.OrgID, f member.Filter) memberQuery {
	first, last := strings.ToLower(f.FirstName), strings.ToLower(f.LastName)
	q := memberQuery{index: "GSI2", pkAttr: attrGSI2PK, skAttr: attrGSI2SK, pk: orgByLastGSI2(orgID),
		filterValues: map[string]types.AttributeValue{}, filterNames: map[string]string{}}
	firstFiltered := first != ""
	switch {
	case f.Role != "":
		q.index, q.pkAttr, q.skAttr, q.pk = "GSI1", attrGSI1PK, attrGSI1SK, orgMembersGSI1(orgID)
		q.prefix = memberRoleGSI1(string(f.Role)) + last
	case last != "":
		q.prefix = last
	case first != "":
		q.pk, q.prefix, firstFiltered = orgByFirstGSI2(orgID), first, false
	}
	if f.Role != "" || last != "" {
		// Names may contain "#": a last-name prefix alone must not run into the first name.
		if strings.Contains(last, "#") {
			q.filters = append(q.filters, "begins_with(LastLower, :last)")
			q.filterValues[":last"] = str(last)
		}
	}
	if firstFiltered {
		q.filters = append(q.filters, "begins_with(FirstLower, :first)")
		q.filterValues[":first"] = str(first)
	}
	if f.Scope != nil {
		q.filters = append(q.filters, "#scope = :scope")
		q.filterNames["#scope"] = "Scope"
		q.filterValues[":scope"] = str(f.Scope.String())
	}
	if f.Locked != nil {
		// A lockout of the login shows as locked while it lasts: the
		// filter keeps candidates, Filter.Matches decides at now.
		cond := "Locked = :locked"
		if *f.Locked {
			cond = "(Locked = :locked OR attribute_exists(LoginLockoutTime))"
		}
		q.filters = append(q.filters, cond)
		q.filterValues[":locked"] = boolAttr(*f.Locked)
	}
	if f.Deleted != nil {
		q.filters = append(q.filters, "Deleted = :deleted")
		q.filterValues[":deleted"] = boolAttr(*f.Deleted)
	}
	return q
}

// ListMembers pages through an org's members matching f, by the plan in keys.go.
func (s *Store) ListMembers(ctx context.Context, orgID ident.OrgID, f member.Filter, limit int, cursor string) ([]member.Listing, string, error) {
	if f.Username != "" {
		return s.memberByUsername(ctx, orgID, f, cursor)
	}
	q := planMemberQuery(orgID, f)
	start, err := decodeCursor(cursor, q.pkAttr, q.pk)
	if err != nil {
		return nil, "", err
	}
	if start != nil && (len(start) != 4 || !strings.HasPrefix(stringAttr(start, q.skAttr), q.prefix) ||
		stringAttr(start, attrPK) == "" || stringAttr(start, attrSK) == "") {
		return nil, "", ErrBadCursor
	}
	in := &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String(q.index),
		KeyConditionExpression:    aws.String(q.pkAttr + " = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(q.pk)},
	}
	if q.prefix != "" {
		in.KeyConditionExpression = aws.String(q.pkAttr + " = :pk AND begins_with(" + q.skAttr + ", :prefix)")
		in.ExpressionAttributeValues[":prefix"] = str(q.prefix)
	}
	for k, v := range q.filterValues {
		in.ExpressionAttributeValues[k] = v
	}
	if len(q.filterNames) > 0 {
		in.ExpressionAttributeNames = q.filterNames
	}
	if len(q.filters) > 0 {
		in.FilterExpression = aws.String(strings.Join(q.filters, " AND "))
	}
	out := make([]member.Listing, 0, limit)
	calls := 0
	for {
		read := limit - len(out)
		if in.FilterExpression != nil {
			read = max(read, filteredRead)
		}
		in.Limit, in.ExclusiveStartKey = aws.Int32(int32(read)), start
		res, err := s.db.Query(ctx, in)
		calls++
		if err != nil {
			return nil, "", s.wrap("list members", err)
		}
		for i, item := range res.Items {
			var r membershipRecord
			if err := attributevalue.UnmarshalMap(item, &r); err != nil {
				return nil, "", fmt.Errorf("list members: %w", err)
			}
			l := r.listing(time.Now())
			if !f.Matches(l) { // a lockout that has run out is filtered here
				continue
			}
			out = append(out, l)
			if len(out) == limit {
				if i == len(res.Items)-1 && res.LastEvaluatedKey == nil {
					return out, "", nil
				}
				if i == len(res.Items)-1 {
					return out, encodeCursor(res.LastEvaluatedKey), nil
				}
				return out, encodeCursor(itemKeys(item, q)), nil
			}
		}
		if res.LastEvaluatedKey == nil {
			return out, "", nil
		}
		start = res.LastEvaluatedKey
		if calls >= filteredCalls || in.FilterExpression == nil && len(out) == limit {
			return out, encodeCursor(start), nil
		}
	}
}

// itemKeys is the key of an index item, as a Query's LastEvaluatedKey.
func itemKeys(item map[string]types.AttributeValue, q memberQuery) map[string]types.AttributeValue {
	out := map[string]types.AttributeValue{}
	for _, k := range []string{attrPK, attrSK, q.pkAttr, q.skAttr} {
		out[k] = item[k]
	}
	return out
}

// memberByUsername serves the username filter: the username claim, then the
// membership item (2 Gets); the other filters are applied in memory.
func (s *Store) memberByUsername(ctx context.Context, orgID ident.OrgID, f member.Filter, cursor string) ([]member.Listing, string, error) {
	if cursor != "" {
		return nil, "", ErrBadCursor
	}
	userID, err := s.UserIDByUsername(ctx, f.Username)
	if errors.Is(err, fault.ErrNotFound) {
		return []member.Listing{}, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	var r membershipRecord
	err = s.getItem(ctx, "get membership", userPK(userID), memberSK(orgID), &r)
	if errors.Is(err, fault.ErrNotFound) {
		return []member.Listing{}, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	l := r.listing(time.Now())
	if !f.Matches(l) {
		return []member.Listing{}, "", nil
	}
	return []member.Listing{l}, "", nil
}
