package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// Failed sign-ins for a username no login uses (or a deleted login's) are
// counted and locked exactly like a login's, on an item of their own, so a
// lock answers the same for every username and tells a guesser nothing:
// SIGNINFAIL#<sha256 of the username> / SIGNINFAIL, with FailedLogins,
// FailureWindowStart, Locked and LockoutTime as on the user item and a TTL
// at the end of the window or the lock.

type unknownSignInRecord struct {
	FailedLogins       int
	FailureWindowStart string
	Locked             bool
	LockoutTime        string
}

func unknownSignInKey(username string) map[string]types.AttributeValue {
	sum := sha256.Sum256([]byte(account.NormalizeUsername(username)))
	return key(skSignInFail+"#"+hex.EncodeToString(sum[:]), skSignInFail)
}

// UnknownUsername reads the sign-in failures of a username no login uses,
// as a User whose LockActive and FailureWindowStart mean what a login's do.
func (s *Store) UnknownUsername(ctx context.Context, username string) (account.User, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: unknownSignInKey(username)})
	if err := s.wrap("get sign-in failures", err); err != nil {
		return account.User{}, err
	}
	var r unknownSignInRecord
	if err := attributevalue.UnmarshalMap(out.Item, &r); err != nil {
		return account.User{}, fmt.Errorf("read sign-in failures: %w", err)
	}
	u := account.User{Username: account.NormalizeUsername(username), FailedLogins: r.FailedLogins, Locked: r.Locked}
	u.FailureWindowStart = parseTimePtr(r.FailureWindowStart)
	u.LockoutTime = parseTimePtr(r.LockoutTime)
	return u, nil
}

// RecordUnknownFailure counts one failed attempt on a username no login
// uses, with the conditional updates of RecordLoginFailure; the attempt that
// reaches account.MaxFailedLogins locks it for account.LockoutDuration. It
// reports whether this call locked.
func (s *Store) RecordUnknownFailure(ctx context.Context, username string, now time.Time, seenWindow *time.Time) (bool, error) {
	k := unknownSignInKey(username)
	cutoff := now.Add(-account.FailureWindow)
	expires := now.Add(account.FailureWindow)
	increment := seenWindow != nil && seenWindow.After(cutoff)
	var count int64
	for attempt := 0; ; attempt++ {
		var err error
		if increment {
			count, err = s.countInWindow(ctx, k, "", cutoff, &expires)
		} else {
			count, err = s.startFailureWindow(ctx, k, "", cutoff, now, &expires)
		}
		if err == nil {
			break
		}
		if !errors.Is(err, fault.ErrConflict) || attempt == 3 {
			return false, err
		}
		increment = !increment
	}
	if count < account.MaxFailedLogins {
		return false, nil
	}
	values := lockValues(now)
	values[":true"], values[":at"] = avTrue, str(formatTime(now))
	values[":ttl"] = num(ttl(now.Add(account.LockoutDuration).Add(time.Minute)))
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: k,
		UpdateExpression:          aws.String("SET Locked = :true, LockoutTime = :at, #ttl = :ttl"),
		ConditionExpression:       aws.String(notLocked),
		ExpressionAttributeNames:  map[string]string{"#ttl": "TTL"},
		ExpressionAttributeValues: values,
	})
	err = s.wrap("lock unknown username", err)
	if errors.Is(err, fault.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}
