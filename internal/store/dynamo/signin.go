package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

var _ auth.Store = (*Store)(nil)

// Sign-in state lives on the user item and changes only by conditional
// updates, so parallel requests cannot lose a failed attempt or slip past a
// lock (the counter is never read, changed and written back).

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

var (
	avTrue  types.AttributeValue = &types.AttributeValueMemberBOOL{Value: true}
	avFalse types.AttributeValue = &types.AttributeValueMemberBOOL{Value: false}
)

// notLocked is true unless the account is locked at :now: an administrator's
// lock, or a lockout whose time is after :lockCutoff (now - LockoutDuration).
const notLocked = "(attribute_not_exists(Locked) OR Locked = :false OR " +
	"((attribute_not_exists(LockedByAdmin) OR LockedByAdmin = :false) AND LockoutTime <= :lockCutoff))"

const notDeleted = "(attribute_not_exists(Deleted) OR Deleted = :false)"

func lockValues(now time.Time) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		":false": avFalse, ":lockCutoff": str(formatTime(now.Add(-account.LockoutDuration))),
	}
}

// RecordLoginFailure counts one failed attempt with a conditional UpdateItem:
// inside an open window the counter goes up by one; when the window is over
// (or never started) a new one starts at 1. seenWindow, the window start the
// caller read, only picks which update to try first (one call in the common
// case); the conditions decide. The attempt that reaches MaxFailedLogins
// locks the account (LockUser's condition makes that happen once), which also
// ends its sessions. It reports whether this call locked.
func (s *Store) RecordLoginFailure(ctx context.Context, userID string, now time.Time, seenWindow *time.Time) (bool, error) {
	cutoff := now.Add(-account.FailureWindow)
	increment := seenWindow != nil && seenWindow.After(cutoff)
	var count int64
	for attempt := 0; ; attempt++ {
		var err error
		if increment {
			count, err = s.countInWindow(ctx, key(userPK(userID), skUser), "attribute_exists(PK) AND ", cutoff, nil)
		} else {
			count, err = s.startFailureWindow(ctx, key(userPK(userID), skUser), "attribute_exists(PK) AND ", cutoff, now, nil)
		}
		if err == nil {
			break
		}
		if !errors.Is(err, fault.ErrConflict) {
			return false, err
		}
		// Another request opened the window, or it just closed: try the
		// other update, a bounded number of times (the user may be gone).
		if attempt == 3 {
			return false, fault.ErrNotFound
		}
		increment = !increment
	}
	if count < account.MaxFailedLogins {
		return false, nil
	}
	return s.LockUser(ctx, userID, now, false)
}

// countInWindow and startFailureWindow are the two updates of a failure
// counter (on a user item, or on the item of a username no login uses):
// cond is prepended to the window condition; extra values are set too.
func (s *Store) countInWindow(ctx context.Context, k map[string]types.AttributeValue, cond string, cutoff time.Time, ttlAt *time.Time) (int64, error) {
	set, values := "SET FailedLogins = FailedLogins + :one", map[string]types.AttributeValue{":one": num(1), ":cutoff": str(formatTime(cutoff))}
	if ttlAt != nil {
		set, values[":ttl"] = set+", #ttl = :ttl", num(ttl(*ttlAt))
	}
	res, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: k,
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String(cond + "FailureWindowStart > :cutoff"),
		ExpressionAttributeNames:  ttlName(ttlAt),
		ExpressionAttributeValues: values,
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	if err != nil {
		return 0, s.wrap("count failed login", err)
	}
	return attrInt(res.Attributes["FailedLogins"]), nil
}

func (s *Store) startFailureWindow(ctx context.Context, k map[string]types.AttributeValue, cond string, cutoff, now time.Time, ttlAt *time.Time) (int64, error) {
	set := "SET FailedLogins = :one, FailureWindowStart = :now"
	values := map[string]types.AttributeValue{":one": num(1), ":cutoff": str(formatTime(cutoff)), ":now": str(formatTime(now))}
	if ttlAt != nil {
		set, values[":ttl"] = set+", #ttl = :ttl", num(ttl(*ttlAt))
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: k,
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String(cond + "(attribute_not_exists(FailureWindowStart) OR FailureWindowStart <= :cutoff)"),
		ExpressionAttributeNames:  ttlName(ttlAt),
		ExpressionAttributeValues: values,
	})
	if err != nil {
		return 0, s.wrap("start failed-login window", err)
	}
	return 1, nil
}

func ttlName(ttlAt *time.Time) map[string]string {
	if ttlAt == nil {
		return nil
	}
	return map[string]string{"#ttl": "TTL"}
}

func attrInt(v types.AttributeValue) int64 {
	n, ok := v.(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	i, _ := strconv.ParseInt(n.Value, 10, 64)
	return i
}

// LockUser locks the account unless it is already locked, and ends its
// sessions (SessionsNotBefore) in the same write, so an unlock later cannot
// bring an old session back. byAdmin locks until an administrator unlocks;
// otherwise the lock lasts account.LockoutDuration. It reports whether this
// call locked the account.
func (s *Store) LockUser(ctx context.Context, userID string, at time.Time, byAdmin bool) (bool, error) {
	values := lockValues(at)
	values[":true"] = avTrue
	values[":at"] = str(formatTime(at))
	values[":byAdmin"] = &types.AttributeValueMemberBOOL{Value: byAdmin}
	values[":one"] = num(1)
	cond := "attribute_exists(PK) AND " + notLocked
	if byAdmin {
		// An administrator's lock replaces a lockout from failures.
		cond = "attribute_exists(PK) AND (attribute_not_exists(LockedByAdmin) OR LockedByAdmin = :false)"
		delete(values, ":lockCutoff")
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(userPK(userID), skUser),
		UpdateExpression:          aws.String("SET Locked = :true, LockoutTime = :at, LockedByAdmin = :byAdmin, SessionsNotBefore = :at ADD Rev :one"),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeValues: values,
	})
	if err := s.wrap("lock user", err); err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return false, nil
		}
		return false, err
	}
	if err := s.copyLockToListings(ctx, userID, at, byAdmin); err != nil {
		return true, err
	}
	return true, s.deleteSessionItems(ctx, userID, "")
}

// copyLockToListings writes the login's new lock onto its membership items
// and their first-name copies, which the user list reads (F15). Each update bumps
// the membership's Rev, so an administrator's edit made from an older read
// fails with edit_conflict instead of writing the lock back.
func (s *Store) copyLockToListings(ctx context.Context, userID string, at time.Time, byAdmin bool) error {
	u, ms, err := s.UserWithMemberships(ctx, userID)
	if err != nil {
		return err
	}
	u.Locked, u.LockedByAdmin, u.LockoutTime = true, byAdmin, &at
	values := map[string]types.AttributeValue{":at": str(loginLockout(u))}
	set := "SET LoginLockoutTime = :at"
	for _, m := range ms {
		err := s.transact(ctx, "copy lock to user list", []types.TransactWriteItem{
			{Update: &types.Update{TableName: &s.table, Key: key(userPK(userID), memberSK(m.OrgID)),
				UpdateExpression: aws.String(set + " ADD Rev :one"), ConditionExpression: aws.String("attribute_exists(PK)"),
				ExpressionAttributeValues: withOne(values)}},
			{Update: &types.Update{TableName: &s.table, Key: key(orgPK(m.OrgID), memberByFirstSK(userID)),
				UpdateExpression: aws.String(set), ConditionExpression: aws.String("attribute_exists(PK)"),
				ExpressionAttributeValues: values}},
		})
		// A membership removed meanwhile has nothing to copy to.
		if err != nil && !errors.Is(err, fault.ErrConflict) {
			return err
		}
	}
	return nil
}

func withOne(v map[string]types.AttributeValue) map[string]types.AttributeValue {
	out := map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}}
	for k, x := range v {
		out[k] = x
	}
	return out
}

// UnlockUser lifts any lock and clears the failed-login counter (the
// administrator's unlock of F2; issue 5's route calls it).
func (s *Store) UnlockUser(ctx context.Context, userID string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(userPK(userID), skUser),
		UpdateExpression:    aws.String("REMOVE Locked, LockoutTime, LockedByAdmin, FailedLogins, FailureWindowStart"),
		ConditionExpression: aws.String("attribute_exists(PK)"),
	})
	if err := s.wrap("unlock user", err); err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return fault.ErrNotFound
		}
		return err
	}
	return nil
}

// CompleteLogin stores the new session only if, at that instant, the account
// is not deleted, not locked, still has the password that was checked and (with
// a second factor) has not used the TOTP step or recovery code before: one
// transaction that also clears the failed-login counter and an expired lockout.
// A failed condition is fault.ErrConflict; the caller re-reads to explain it.
func (s *Store) CompleteLogin(ctx context.Context, c auth.Completion) error {
	put, err := s.putNewTx(toSessionRecord(c.Session))
	if err != nil {
		return err
	}
	values := lockValues(c.Session.CreatedAt)
	values[":hash"] = str(c.PasswordHash)
	set := "SET FailedLogins = :zero"
	values[":zero"] = num(0)
	cond := "attribute_exists(PK) AND PasswordHash = :hash AND " + notDeleted + " AND " + notLocked
	if c.TOTPStep > 0 {
		set += ", TOTPLastStep = :step"
		cond += " AND (attribute_not_exists(TOTPLastStep) OR TOTPLastStep < :step)"
		values[":step"] = num(c.TOTPStep)
	}
	expr := set + " REMOVE FailureWindowStart, Locked, LockoutTime, LockedByAdmin"
	if c.RecoveryCodeHash != "" {
		expr += " DELETE RecoveryCodes :code"
		cond += " AND contains(RecoveryCodes, :codeHash)"
		values[":code"] = &types.AttributeValueMemberSS{Value: []string{c.RecoveryCodeHash}}
		values[":codeHash"] = str(c.RecoveryCodeHash)
	}
	update := types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(userPK(c.Session.UserID), skUser),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond), ExpressionAttributeValues: values,
	}}
	return s.transact(ctx, "complete login", []types.TransactWriteItem{put, update})
}

// ChangePassword replaces the password if it is still the one checked
// (oldHash), clears a forced change, ends every session started before at and
// keeps (renews) the session keep, in one transaction.
func (s *Store) ChangePassword(ctx context.Context, userID, oldHash, newHash string, at time.Time, keep string) error {
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: &s.table, Key: key(userPK(userID), skUser),
		UpdateExpression:          aws.String("SET PasswordHash = :new, SessionsNotBefore = :at REMOVE PasswordChangeRequired ADD Rev :one"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND PasswordHash = :old"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":new": str(newHash), ":old": str(oldHash), ":at": str(formatTime(at)), ":one": num(1)},
	}}}
	if keep != "" {
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: &s.table, Key: key(sessionPK(keep), skSession),
			UpdateExpression:          aws.String("SET RenewedAt = :at"),
			ConditionExpression:       aws.String("attribute_exists(PK) AND UserID = :user"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":at": str(formatTime(at)), ":user": str(userID)},
		}})
	}
	if err := s.transact(ctx, "change password", items); err != nil {
		return err
	}
	return s.deleteSessionItems(ctx, userID, keep)
}

// UserIDsByEmail lists the logins that use an email address (GSI1 EMAIL#),
// at most limit of them.
func (s *Store) UserIDsByEmail(ctx context.Context, email string, limit int) ([]string, error) {
	res, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(emailGSI1(account.NormalizeEmail(email)))},
		Limit:                     aws.Int32(int32(limit)),
	})
	if err != nil {
		return nil, s.wrap("users by email", err)
	}
	ids := make([]string, 0, len(res.Items))
	for _, item := range res.Items {
		if sk, ok := item[attrGSI1SK].(*types.AttributeValueMemberS); ok && len(sk.Value) > len("USER#") {
			ids = append(ids, sk.Value[len("USER#"):])
		}
	}
	return ids, nil
}

func conflictIsNotFound(op string, err error) error {
	if errors.Is(err, fault.ErrConflict) {
		return fmt.Errorf("%s: %w", op, fault.ErrNotFound)
	}
	return err
}
