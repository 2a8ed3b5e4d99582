package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/ident"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// Reset links, code words, TOTP enrolment, account links and their audit
// entries (identity, F3-F8).

// resetLinkRecord is a password reset link: the LINK#<sha256> item of
// invite.go with Purpose "reset" and a counter of wrong code words.
type resetLinkRecord struct {
	PK, SK           string
	Type             string
	Purpose          string
	TargetID         string // the user
	ExpiresAt        string
	CodeWordFailures int `dynamodbav:",omitempty"`
	TTL              int64
}

const purposeReset = "reset"

// CreateResetLink stores a reset link.
func (s *Store) CreateResetLink(ctx context.Context, l auth.ResetLink) error {
	return s.putNew(ctx, "create reset link", resetLinkRecord{PK: linkPK(l.TokenHash), SK: skLink, Type: "Link", Purpose: purposeReset,
		TargetID: l.UserID, ExpiresAt: formatTime(l.ExpiresAt), TTL: ttl(l.ExpiresAt.Add(linkGrace))})
}

// ResetLinkByToken reads a reset link; a link of another purpose is not found.
func (s *Store) ResetLinkByToken(ctx context.Context, tokenHash string) (auth.ResetLink, error) {
	var r resetLinkRecord
	if err := s.getItem(ctx, "get reset link", linkPK(tokenHash), skLink, &r); err != nil {
		return auth.ResetLink{}, err
	}
	if r.Purpose != purposeReset {
		return auth.ResetLink{}, fault.ErrNotFound
	}
	return auth.ResetLink{TokenHash: tokenHash, UserID: r.TargetID, ExpiresAt: parseTime(r.ExpiresAt)}, nil
}

// CountCodeWordFailure adds one wrong code word (ADD is atomic); the attempt
// that reaches max deletes the link.
func (s *Store) CountCodeWordFailure(ctx context.Context, tokenHash string, max int) error {
	res, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(linkPK(tokenHash), skLink),
		UpdateExpression:          aws.String("ADD CodeWordFailures :one"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND Purpose = :reset"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1), ":reset": str(purposeReset)},
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	if err := conflictIsNotFound("count code word failure", s.wrap("count code word failure", err)); err != nil {
		return err
	}
	if attrInt(res.Attributes["CodeWordFailures"]) < int64(max) {
		return nil
	}
	_, err = s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key(linkPK(tokenHash), skLink)})
	return s.wrap("delete reset link", err)
}

// ResetPassword consumes the link (only while it has fewer than max wrong
// code words) and sets the password, ending every session, in one transaction.
func (s *Store) ResetPassword(ctx context.Context, tokenHash, userID, newHash string, at time.Time, max int) error {
	items := []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: &s.table, Key: key(linkPK(tokenHash), skLink),
			ConditionExpression:       aws.String("attribute_exists(PK) AND Purpose = :reset AND TargetID = :user AND (attribute_not_exists(CodeWordFailures) OR CodeWordFailures < :max)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":reset": str(purposeReset), ":user": str(userID), ":max": num(int64(max))}}},
		{Update: &types.Update{TableName: &s.table, Key: key(userPK(userID), skUser),
			UpdateExpression:          aws.String("SET PasswordHash = :hash, SessionsNotBefore = :at REMOVE PasswordChangeRequired ADD Rev :one"),
			ConditionExpression:       aws.String("attribute_exists(PK) AND " + notDeleted),
			ExpressionAttributeValues: map[string]types.AttributeValue{":hash": str(newHash), ":at": str(formatTime(at)), ":false": avFalse, ":one": num(1)}}},
	}
	if err := s.transact(ctx, "reset password", items); err != nil {
		return err
	}
	return s.deleteSessionItems(ctx, userID, "")
}

// SetCodeWordHash sets only the org's code word hash (other settings are not
// touched) and writes the audit entry, in one transaction.
func (s *Store) SetCodeWordHash(ctx context.Context, orgID ident.OrgID, hash string, e audit.Entry) error {
	item, err := s.auditItem(e)
	if err != nil {
		return err
	}
	err = s.transact(ctx, "set code word", []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.table, Key: key(orgPK(orgID), skOrg),
			UpdateExpression:          aws.String("SET Settings.CodeWordHash = :h"),
			ConditionExpression:       aws.String("attribute_exists(PK)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":h": str(hash)}}},
		item,
	})
	if failedAt(err, 0) {
		return fault.ErrNotFound
	}
	return err
}

// SetPendingTOTP stores a secret being enrolled.
func (s *Store) SetPendingTOTP(ctx context.Context, userID, secret string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(userPK(userID), skUser),
		UpdateExpression:          aws.String("SET TOTPPendingSecret = :s"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": str(secret)},
	})
	return conflictIsNotFound("set pending totp", s.wrap("set pending totp", err))
}

// EnableTOTP turns MFA on with the pending secret, if it is still the
// pending one and MFA is not on yet.
func (s *Store) EnableTOTP(ctx context.Context, userID, secret string, step int64, recoveryHashes []string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(userPK(userID), skUser),
		UpdateExpression: aws.String("SET TOTPSecret = :s, MFAEnabled = :true, TOTPLastStep = :step, RecoveryCodes = :codes REMOVE TOTPPendingSecret ADD Rev :one"),
		ConditionExpression: aws.String("attribute_exists(PK) AND TOTPPendingSecret = :s AND " +
			"(attribute_not_exists(MFAEnabled) OR MFAEnabled = :false)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": str(secret), ":true": avTrue, ":false": avFalse,
			":step": num(step), ":one": num(1), ":codes": &types.AttributeValueMemberSS{Value: recoveryHashes}},
	})
	return s.wrap("enable totp", err)
}

// LinkAccounts adds the memberships to into, marks from as linked (only if it
// is not linked or deleted and still has the password that was checked) and
// writes the audit entries, in one transaction.
func (s *Store) LinkAccounts(ctx context.Context, into, from account.User, used auth.FactorUse, add []account.Membership, entries []audit.Entry) error {
	expr := "SET LinkedTo = :into"
	cond := "attribute_exists(PK) AND attribute_not_exists(LinkedTo) AND PasswordHash = :hash AND " + notDeleted
	values := map[string]types.AttributeValue{":into": str(into.ID), ":hash": str(from.PasswordHash), ":false": avFalse, ":one": num(1)}
	// The second factor presented is used up as CompleteLogin uses it up.
	if used.TOTPStep > 0 {
		expr += ", TOTPLastStep = :step"
		cond += " AND (attribute_not_exists(TOTPLastStep) OR TOTPLastStep < :step)"
		values[":step"] = num(used.TOTPStep)
	}
	expr += " ADD Rev :one"
	if used.RecoveryCodeHash != "" {
		expr += " DELETE RecoveryCodes :code"
		cond += " AND contains(RecoveryCodes, :codeHash)"
		values[":code"] = &types.AttributeValueMemberSS{Value: []string{used.RecoveryCodeHash}}
		values[":codeHash"] = str(used.RecoveryCodeHash)
	}
	items := []types.TransactWriteItem{{Update: &types.Update{TableName: &s.table, Key: key(userPK(from.ID), skUser),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond), ExpressionAttributeValues: values}}}
	for _, m := range add {
		// Written like every membership, with the copies the user list reads.
		mis, err := s.newMembershipItems(m, into)
		if err != nil {
			return err
		}
		items = append(items, mis...)
	}
	for _, e := range entries {
		ai, err := s.auditItem(e)
		if err != nil {
			return err
		}
		items = append(items, ai)
	}
	return s.transact(ctx, "link accounts", items)
}

// linkItem marks from as linked into the login into (a new revision), if
// from is still as read (same password, not linked, not deleted).
func linkItem(table, into string, from account.User) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: &table, Key: key(userPK(from.ID), skUser),
		UpdateExpression:          aws.String("SET LinkedTo = :into ADD Rev :one"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND attribute_not_exists(LinkedTo) AND PasswordHash = :hash AND " + notDeleted),
		ExpressionAttributeValues: map[string]types.AttributeValue{":into": str(into), ":hash": str(from.PasswordHash), ":false": avFalse, ":one": num(1)}}}
}

// AddLogin creates the login u (username, user and membership items, as
// CreateUser writes them) and links from into it, with the audit entries, in
// one transaction (seed 000's "Add Username").
func (s *Store) AddLogin(ctx context.Context, u, from account.User, ms []account.Membership, entries []audit.Entry) error {
	items, err := s.newUserItems(u, ms...)
	if err != nil {
		return err
	}
	items = append(items, linkItem(s.table, u.ID, from))
	for _, e := range entries {
		ai, err := s.auditItem(e)
		if err != nil {
			return err
		}
		items = append(items, ai)
	}
	err = s.transact(ctx, "add login", items)
	if failedAt(err, 0) {
		return account.ErrUsernameTaken
	}
	return err
}

// DeleteLinkedUser logically deletes from if it is linked to into, ends its
// sessions in the same write and records the audit entries.
func (s *Store) DeleteLinkedUser(ctx context.Context, into, from string, at time.Time, entries []audit.Entry) error {
	items := []types.TransactWriteItem{{Update: &types.Update{TableName: &s.table, Key: key(userPK(from), skUser),
		UpdateExpression:          aws.String("SET Deleted = :true, SessionsNotBefore = :at ADD Rev :one"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND LinkedTo = :into AND " + notDeleted),
		ExpressionAttributeValues: map[string]types.AttributeValue{":into": str(into), ":true": avTrue, ":false": avFalse, ":at": str(formatTime(at)), ":one": num(1)}}}}
	for _, e := range entries {
		ai, err := s.auditItem(e)
		if err != nil {
			return err
		}
		items = append(items, ai)
	}
	if err := s.transact(ctx, "delete linked user", items); err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return fault.ErrConflict
		}
		return err
	}
	return s.deleteSessionItems(ctx, from, "")
}
