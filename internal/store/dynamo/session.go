package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/fault"

	"github.com/gatehouse-dev/gatehouse/internal/session"
)

var _ session.Store = (*Store)(nil)

type sessionRecord struct {
	PK, SK, GSI1PK, GSI1SK string
	Type                   string
	UserID                 string
	ActiveOrgID            string `dynamodbav:",omitempty"`
	CreatedAt              string
	ExpiresAt              string
	TTL                    int64
}

// PutSession stores a session under the hash of its token.
func (s *Store) PutSession(ctx context.Context, x session.Session) error {
	return s.putNew(ctx, "put session", sessionRecord{
		PK: sessionPK(x.ID), SK: skSession, GSI1PK: userSessionsGSI1(x.UserID), GSI1SK: formatTime(x.CreatedAt), Type: "Session",
		UserID: x.UserID, ActiveOrgID: x.ActiveOrgID, CreatedAt: formatTime(x.CreatedAt), ExpiresAt: formatTime(x.ExpiresAt), TTL: ttl(x.ExpiresAt),
	})
}

// GetSession reads a session by token hash.
func (s *Store) GetSession(ctx context.Context, id string) (session.Session, error) {
	var r sessionRecord
	if err := s.getItem(ctx, "get session", sessionPK(id), skSession, &r); err != nil {
		return session.Session{}, err
	}
	return session.Session{ID: id, UserID: r.UserID, ActiveOrgID: r.ActiveOrgID, CreatedAt: parseTime(r.CreatedAt), ExpiresAt: parseTime(r.ExpiresAt)}, nil
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key(sessionPK(id), skSession)})
	return s.wrap("delete session", err)
}

// RevokeUserSessions ends every session of the user started before at. The
// stamp on the user item is what the guard checks on every request, so the
// revocation holds at once; the session items are then deleted (best effort,
// from the eventually consistent GSI1; TTL removes any left over).
func (s *Store) RevokeUserSessions(ctx context.Context, userID string, at time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(userPK(userID), skUser),
		UpdateExpression:          aws.String("SET SessionsNotBefore = :at"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": str(formatTime(at))},
	})
	if err := s.wrap("revoke sessions", err); err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return fault.ErrNotFound
		}
		return err
	}
	ids, err := s.userSessionIDs(ctx, userID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.DeleteSession(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// ListUserSessions returns the user's sessions, newest first (GSI1).
func (s *Store) ListUserSessions(ctx context.Context, userID string) ([]session.Session, error) {
	res, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(userSessionsGSI1(userID))},
		ScanIndexForward:          aws.Bool(false),
	})
	if err != nil {
		return nil, s.wrap("list sessions", err)
	}
	out := make([]session.Session, 0, len(res.Items))
	for _, item := range res.Items {
		var r sessionRecord
		if err := attributevalue.UnmarshalMap(item, &r); err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, session.Session{ID: r.PK[len("SESSION#"):], UserID: r.UserID, ActiveOrgID: r.ActiveOrgID, CreatedAt: parseTime(r.CreatedAt), ExpiresAt: parseTime(r.ExpiresAt)})
	}
	return out, nil
}

func (s *Store) userSessionIDs(ctx context.Context, userID string) ([]string, error) {
	ss, err := s.ListUserSessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(ss))
	for _, x := range ss {
		ids = append(ids, x.ID)
	}
	return ids, nil
}
