package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

var _ codelist.Store = (*Store)(nil)

// codeRecord is one code of one list of an office: its own partition per
// office and list, sorted by code.
type codeRecord struct {
	PK, SK      string
	Type        string
	OrgID       ident.OrgID
	Kind        string
	Code        string
	Description string
	// Search is the lower-cased code and description, for contains().
	Search    string
	CreatedAt string
}

func toCodeRecord(orgID ident.OrgID, e codelist.Entry) codeRecord {
	return codeRecord{PK: codeListPK(orgID, string(e.Kind)), SK: codeSK(e.Code), Type: "Code", OrgID: orgID, Kind: string(e.Kind),
		Code: e.Code, Description: e.Description, Search: strings.ToLower(e.Code + " " + e.Description), CreatedAt: formatTime(e.CreatedAt)}
}

func (r codeRecord) entry() codelist.Entry {
	return codelist.Entry{Kind: codelist.Kind(r.Kind), Code: r.Code, Description: r.Description, CreatedAt: parseTime(r.CreatedAt)}
}

// AddCode writes a new code with its audit entry.
func (s *Store) AddCode(ctx context.Context, orgID ident.OrgID, e codelist.Entry, a audit.Entry) error {
	ci, err := s.putNewTx(toCodeRecord(orgID, e))
	if err != nil {
		return err
	}
	ai, err := s.auditItem(a)
	if err != nil {
		return err
	}
	err = s.transact(ctx, "add code", []types.TransactWriteItem{ci, ai})
	if failedAt(err, 0) {
		return codelist.ErrCodeExists
	}
	return err
}

// DeleteCode removes a code with its audit entry.
func (s *Store) DeleteCode(ctx context.Context, orgID ident.OrgID, kind codelist.Kind, code string, a audit.Entry) error {
	ai, err := s.auditItem(a)
	if err != nil {
		return err
	}
	err = s.transact(ctx, "delete code", []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: &s.table, Key: key(codeListPK(orgID, string(kind)), codeSK(code)), ConditionExpression: aws.String("attribute_exists(PK)")}},
		ai,
	})
	if failedAt(err, 0) {
		return fault.ErrNotFound
	}
	return err
}

// ListCodes pages through a list in code order. Without q a page is one
// Query of limit items; with q the match is a FilterExpression and a page
// reads at most filteredCalls Queries of filteredRead items (it may come
// back short, with a next_cursor), like the user list.
func (s *Store) ListCodes(ctx context.Context, orgID ident.OrgID, kind codelist.Kind, q string, limit int, cursor string) ([]codelist.Entry, string, error) {
	pk := codeListPK(orgID, string(kind))
	start, err := decodeCursor(cursor, attrPK, pk)
	if err != nil {
		return nil, "", err
	}
	if start != nil && (len(start) != 2 || !strings.HasPrefix(stringAttr(start, attrSK), skCodePrefix)) {
		return nil, "", ErrBadCursor
	}
	in := &dynamodb.QueryInput{
		TableName: &s.table, KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)},
	}
	if q != "" {
		in.FilterExpression = aws.String("contains(#search, :q)")
		in.ExpressionAttributeNames = map[string]string{"#search": "Search"}
		in.ExpressionAttributeValues[":q"] = str(q)
	}
	out := make([]codelist.Entry, 0, limit)
	for calls := 1; ; calls++ {
		read := limit - len(out) + 1 // one more tells whether a next page exists
		if q != "" {
			read = max(read, filteredRead)
		}
		in.Limit, in.ExclusiveStartKey = aws.Int32(int32(read)), start
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, "", s.wrap("list codes", err)
		}
		var recs []codeRecord
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &recs); err != nil {
			return nil, "", fmt.Errorf("list codes: %w", err)
		}
		for i, r := range recs {
			out = append(out, r.entry())
			if len(out) == limit {
				if i == len(recs)-1 && res.LastEvaluatedKey == nil {
					return out, "", nil
				}
				return out, encodeCursor(key(r.PK, r.SK)), nil
			}
		}
		if res.LastEvaluatedKey == nil {
			return out, "", nil
		}
		start = res.LastEvaluatedKey
		if calls == filteredCalls {
			return out, encodeCursor(start), nil
		}
	}
}

// AllCodes reads a whole list, page by page (1 MB per Query).
func (s *Store) AllCodes(ctx context.Context, orgID ident.OrgID, kind codelist.Kind) ([]codelist.Entry, error) {
	var out []codelist.Entry
	err := s.eachCodePage(ctx, orgID, kind, "", func(items []map[string]types.AttributeValue) error {
		var recs []codeRecord
		if err := attributevalue.UnmarshalListOfMaps(items, &recs); err != nil {
			return err
		}
		for _, r := range recs {
			out = append(out, r.entry())
		}
		return nil
	})
	return out, err
}

// CodeSet reads the codes of a list (only the sort keys: about 30 bytes each).
func (s *Store) CodeSet(ctx context.Context, orgID ident.OrgID, kind codelist.Kind) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.eachCodePage(ctx, orgID, kind, "SK", func(items []map[string]types.AttributeValue) error {
		for _, it := range items {
			out[strings.TrimPrefix(stringAttr(it, attrSK), skCodePrefix)] = true
		}
		return nil
	})
	return out, err
}

func (s *Store) eachCodePage(ctx context.Context, orgID ident.OrgID, kind codelist.Kind, projection string, page func([]map[string]types.AttributeValue) error) error {
	in := &dynamodb.QueryInput{
		TableName: &s.table, KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(codeListPK(orgID, string(kind)))},
	}
	if projection != "" {
		in.ProjectionExpression = aws.String(projection)
	}
	for {
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return s.wrap("read code list", err)
		}
		if err := page(res.Items); err != nil {
			return fmt.Errorf("read code list: %w", err)
		}
		if res.LastEvaluatedKey == nil {
			return nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// Batched conditional writes of a copy: TransactWriteItems takes at most
// 100 items, each here a Put conditioned on the code not existing yet;
// copyWriters transactions run at once.
const (
	copyBatch   = 100
	copyWriters = 4
)

// PutNewCodes writes entries in transactions of copyBatch conditional Puts.
// A transaction cancelled because some codes appeared meanwhile is retried
// without them (they are counted as existed), so nothing is overwritten and
// a retried copy writes each code at most once.
func (s *Store) PutNewCodes(ctx context.Context, orgID ident.OrgID, kind codelist.Kind, entries []codelist.Entry) (written, existed int, err error) {
	batches := make(chan []codelist.Entry)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range copyWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				w, e, err := s.putCodeBatch(ctx, orgID, b)
				mu.Lock()
				written, existed = written+w, existed+e
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < len(entries); i += copyBatch {
		batches <- entries[i:min(i+copyBatch, len(entries))]
	}
	close(batches)
	wg.Wait()
	return written, existed, firstErr
}

func (s *Store) putCodeBatch(ctx context.Context, orgID ident.OrgID, batch []codelist.Entry) (written, existed int, err error) {
	for len(batch) > 0 {
		items := make([]types.TransactWriteItem, 0, len(batch))
		for _, e := range batch {
			it, err := s.putNewTx(toCodeRecord(orgID, e))
			if err != nil {
				return written, existed, err
			}
			items = append(items, it)
		}
		err := s.transact(ctx, "copy codes", items)
		if err == nil {
			return written + len(batch), existed, nil
		}
		var tc *txConflict
		if !errors.As(err, &tc) {
			return written, existed, err
		}
		rest := batch[:0:0]
		for i, e := range batch {
			if tc.failed[i] {
				existed++
			} else {
				rest = append(rest, e)
			}
		}
		batch = rest
	}
	return written, existed, nil
}
