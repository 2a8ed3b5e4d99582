package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

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
