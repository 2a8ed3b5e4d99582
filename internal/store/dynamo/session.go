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
	"github.com/gatehouse-dev/gatehouse/internal/ident"

	"github.com/gatehouse-dev/gatehouse/internal/session"
)

var _ session.Store = (*Store)(nil)

type sessionRecord struct {
	PK, SK, GSI1PK, GSI1SK string
	Type                   string
	UserID                 string
	ActiveOrgID            ident.OrgID `dynamodbav:",omitempty"`
	CreatedAt              string
	ExpiresAt              string
	LastSeenAt             string `dynamodbav:",omitempty"`
	RenewedAt              string `dynamodbav:",omitempty"`
	SecondFactorAt         string `dynamodbav:",omitempty"`
	TTL                    int64
}

func toSessionRecord(x session.Session) sessionRecord {
	return sessionRecord{
		PK: sessionPK(x.ID), SK: skSession, GSI1PK: userSessionsGSI1(x.UserID), GSI1SK: formatTime(x.CreatedAt), Type: "Session",
		UserID: x.UserID, ActiveOrgID: x.ActiveOrgID, CreatedAt: formatTime(x.CreatedAt), ExpiresAt: formatTime(x.ExpiresAt),
		LastSeenAt: formatTimeOrEmpty(x.LastSeenAt), RenewedAt: formatTimeOrEmpty(x.RenewedAt),
		SecondFactorAt: formatTimeOrEmpty(x.SecondFactorAt), TTL: ttl(x.ExpiresAt),
	}
}

// session reads a record; sessions stored before idle expiry existed count
// as last seen and renewed when they were created.
func (r sessionRecord) session() session.Session {
	created := parseTime(r.CreatedAt)
	x := session.Session{ID: r.PK[len("SESSION#"):], UserID: r.UserID, ActiveOrgID: r.ActiveOrgID, CreatedAt: created,
		ExpiresAt: parseTime(r.ExpiresAt), LastSeenAt: parseTimeOrZero(r.LastSeenAt), RenewedAt: parseTimeOrZero(r.RenewedAt),
		SecondFactorAt: parseTimeOrZero(r.SecondFactorAt)}
	if x.LastSeenAt.IsZero() {
		x.LastSeenAt = created
	}
	if x.RenewedAt.IsZero() {
		x.RenewedAt = created
	}
	return x
}

// PutSession stores a session under the hash of its token.
func (s *Store) PutSession(ctx context.Context, x session.Session) error {
	return s.putNew(ctx, "put session", toSessionRecord(x))
}

// GetSession reads a session by token hash.
func (s *Store) GetSession(ctx context.Context, id string) (session.Session, error) {
	var r sessionRecord
	if err := s.getItem(ctx, "get session", sessionPK(id), skSession, &r); err != nil {
		return session.Session{}, err
	}
	return r.session(), nil
}

// TouchSession records the session's last activity.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	return s.updateSession(ctx, "touch session", id, "SET LastSeenAt = :v", str(formatTime(at)))
}

// SetSessionActiveOrg changes the org the session acts in.
func (s *Store) SetSessionActiveOrg(ctx context.Context, id string, orgID ident.OrgID) error {
	return s.updateSession(ctx, "set active org", id, "SET ActiveOrgID = :v", str(string(orgID)))
}

// MarkSessionSecondFactor records when the session presented a second factor.
func (s *Store) MarkSessionSecondFactor(ctx context.Context, id string, at time.Time) error {
	return s.updateSession(ctx, "mark second factor", id, "SET SecondFactorAt = :v", str(formatTime(at)))
}

func (s *Store) updateSession(ctx context.Context, op, id, expr string, v types.AttributeValue) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(sessionPK(id), skSession),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": v},
	})
	err = s.wrap(op, err)
	if errors.Is(err, fault.ErrConflict) {
		return fault.ErrNotFound
	}
	return err
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key(sessionPK(id), skSession)})
	return s.wrap("delete session", err)
}

// RevokeUserSessions ends every session of the user started before at. The
// stamp on the user item is what the guard checks on every request, so the
// revocation holds at once; the session items are then deleted (best effort,
// from the eventually consistent GSI1; TTL removes any left over). keep, when
// set, is renewed at the same instant in the same transaction so it survives.
func (s *Store) RevokeUserSessions(ctx context.Context, userID string, at time.Time, keep string) error {
	stamp := types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(userPK(userID), skUser),
		UpdateExpression:          aws.String("SET SessionsNotBefore = :at ADD Rev :one"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": str(formatTime(at)), ":one": num(1)},
	}}
	items := []types.TransactWriteItem{stamp}
	if keep != "" {
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: &s.table, Key: key(sessionPK(keep), skSession),
			UpdateExpression:          aws.String("SET RenewedAt = :at"),
			ConditionExpression:       aws.String("attribute_exists(PK) AND UserID = :user"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":at": str(formatTime(at)), ":user": str(userID)},
		}})
	}
	if err := s.transact(ctx, "revoke sessions", items); err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return fault.ErrNotFound
		}
		return err
	}
	return s.deleteSessionItems(ctx, userID, keep)
}

// deleteSessionItems removes the user's session items but keep.
func (s *Store) deleteSessionItems(ctx context.Context, userID, keep string) error {
	ids, err := s.userSessionIDs(ctx, userID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id == keep {
			continue
		}
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
		out = append(out, r.session())
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
