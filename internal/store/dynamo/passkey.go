package dynamo

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// Passkeys (WebAuthn) live under the user's partition, one item per
// credential, so the user's one Query (UserWithMemberships) reads them too
// and ignores them. The user item counts them (PasskeyCount) so the
// conditions of adding and removing see every passkey, parallel requests
// included. Ceremonies in progress are CHALLENGE# items with a TTL, taken
// by a conditional delete so each is used once.

// passkeyRecord is one registered credential. Credential is go-webauthn's
// JSON form of the credential record; SignCount is kept as its own number so
// that sign-ins move it by a conditional update.
type passkeyRecord struct {
	PK, SK     string
	Type       string
	UserID     string
	ID         string
	Name       string
	Credential string
	SignCount  int64
	CreatedAt  string
	LastUsedAt string `dynamodbav:",omitempty"`
}

func toPasskeyRecord(pk auth.Passkey) (passkeyRecord, error) {
	cred, err := json.Marshal(pk.Credential)
	if err != nil {
		return passkeyRecord{}, fmt.Errorf("marshal passkey credential: %w", err)
	}
	return passkeyRecord{PK: userPK(pk.UserID), SK: passkeySK(pk.ID), Type: "Passkey", UserID: pk.UserID, ID: pk.ID, Name: pk.Name,
		Credential: string(cred), SignCount: int64(pk.Credential.Authenticator.SignCount), CreatedAt: formatTime(pk.CreatedAt),
		LastUsedAt: formatTimePtr(pk.LastUsedAt)}, nil
}

func (r passkeyRecord) passkey() (auth.Passkey, error) {
	var cred webauthn.Credential
	if err := json.Unmarshal([]byte(r.Credential), &cred); err != nil {
		return auth.Passkey{}, fmt.Errorf("unmarshal passkey credential %s: %w", r.ID, err)
	}
	cred.Authenticator.SignCount = uint32(r.SignCount)
	return auth.Passkey{ID: r.ID, UserID: r.UserID, Name: r.Name, Credential: cred, CreatedAt: parseTime(r.CreatedAt),
		LastUsedAt: parseTimePtr(r.LastUsedAt)}, nil
}

// passkeyChallengeRecord is a WebAuthn ceremony in progress; Session is
// go-webauthn's session data as JSON.
type passkeyChallengeRecord struct {
	PK, SK        string
	Type          string
	Purpose       string
	UserID        string
	PasswordCheck string `dynamodbav:",omitempty"`
	Session       string
	ExpiresAt     string
	TTL           int64
}

// SavePasskeyChallenge stores a ceremony's challenge until it expires.
func (s *Store) SavePasskeyChallenge(ctx context.Context, c auth.PasskeyChallenge) error {
	sess, err := json.Marshal(c.Session)
	if err != nil {
		return fmt.Errorf("marshal passkey session: %w", err)
	}
	return s.putNew(ctx, "save passkey challenge", passkeyChallengeRecord{PK: challengePK(c.IDHash), SK: skChallenge, Type: "PasskeyChallenge",
		Purpose: c.Purpose, UserID: c.UserID, PasswordCheck: c.PasswordCheck, Session: string(sess),
		ExpiresAt: formatTime(c.ExpiresAt), TTL: ttl(c.ExpiresAt)})
}

// TakePasskeyChallenge deletes the challenge and returns what it held, in
// one conditional DeleteItem: of two requests with the same challenge, one
// gets it. A challenge of another purpose or login is left alone.
func (s *Store) TakePasskeyChallenge(ctx context.Context, idHash, purpose, userID string) (auth.PasskeyChallenge, error) {
	cond := "attribute_exists(PK) AND Purpose = :purpose"
	values := map[string]types.AttributeValue{":purpose": str(purpose)}
	if userID != "" {
		cond += " AND UserID = :user"
		values[":user"] = str(userID)
	}
	res, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.table, Key: key(challengePK(idHash), skChallenge),
		ConditionExpression: aws.String(cond), ExpressionAttributeValues: values,
		ReturnValues: types.ReturnValueAllOld,
	})
	if err := conflictIsNotFound("take passkey challenge", s.wrap("take passkey challenge", err)); err != nil {
		return auth.PasskeyChallenge{}, err
	}
	var r passkeyChallengeRecord
	if err := attributevalue.UnmarshalMap(res.Attributes, &r); err != nil {
		return auth.PasskeyChallenge{}, fmt.Errorf("take passkey challenge: %w", err)
	}
	var sess webauthn.SessionData
	if err := json.Unmarshal([]byte(r.Session), &sess); err != nil {
		return auth.PasskeyChallenge{}, fmt.Errorf("take passkey challenge: session: %w", err)
	}
	return auth.PasskeyChallenge{IDHash: idHash, Purpose: r.Purpose, UserID: r.UserID, PasswordCheck: r.PasswordCheck,
		Session: sess, ExpiresAt: parseTime(r.ExpiresAt)}, nil
}

// Passkeys lists a login's passkeys, oldest first (1 Query).
func (s *Store) Passkeys(ctx context.Context, userID string) ([]auth.Passkey, error) {
	var (
		out   []auth.Passkey
		start map[string]types.AttributeValue
	)
	for {
		res, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName:              &s.table,
			KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :sk)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": str(userPK(userID)), ":sk": str(skPasskeyPrefix),
			},
			ConsistentRead:    aws.Bool(true),
			ExclusiveStartKey: start,
		})
		if err != nil {
			return nil, s.wrap("list passkeys", err)
		}
		var recs []passkeyRecord
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &recs); err != nil {
			return nil, fmt.Errorf("list passkeys: %w", err)
		}
		for _, r := range recs {
			pk, err := r.passkey()
			if err != nil {
				return nil, err
			}
			out = append(out, pk)
		}
		if res.LastEvaluatedKey == nil {
			break
		}
		start = res.LastEvaluatedKey
	}
	slices.SortStableFunc(out, func(a, b auth.Passkey) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// AddPasskey stores the passkey and, on the user item, turns MFA on, counts
// the passkey (at most max) and sets the recovery codes when given and the
// login has none, in one transaction.
func (s *Store) AddPasskey(ctx context.Context, pk auth.Passkey, recoveryHashes []string, max int) error {
	rec, err := toPasskeyRecord(pk)
	if err != nil {
		return err
	}
	put, err := s.putNewTx(rec)
	if err != nil {
		return err
	}
	set := "SET MFAEnabled = :true"
	cond := "attribute_exists(PK) AND " + notDeleted + " AND (attribute_not_exists(PasskeyCount) OR PasskeyCount < :max)"
	values := map[string]types.AttributeValue{":true": avTrue, ":false": avFalse, ":one": num(1), ":max": num(int64(max))}
	if len(recoveryHashes) > 0 {
		set += ", RecoveryCodes = :codes"
		cond += " AND attribute_not_exists(RecoveryCodes)"
		values[":codes"] = &types.AttributeValueMemberSS{Value: recoveryHashes}
	}
	return s.transact(ctx, "add passkey", []types.TransactWriteItem{put, {Update: &types.Update{
		TableName: &s.table, Key: key(userPK(pk.UserID), skUser),
		UpdateExpression: aws.String(set + " ADD PasskeyCount :one, Rev :one"), ConditionExpression: aws.String(cond),
		ExpressionAttributeValues: values,
	}}})
}

// UsePasskey moves the passkey's sign count to count: only upwards, or
// staying at zero for an authenticator that keeps no counter. Two sign-ins
// with the same counter cannot both pass.
func (s *Store) UsePasskey(ctx context.Context, userID, id string, count uint32, at time.Time) error {
	cond := "attribute_exists(PK) AND SignCount < :count"
	if count == 0 {
		cond = "attribute_exists(PK) AND SignCount = :count"
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(userPK(userID), passkeySK(id)),
		UpdateExpression:          aws.String("SET SignCount = :count, LastUsedAt = :at"),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeValues: map[string]types.AttributeValue{":count": num(int64(count)), ":at": str(formatTime(at))},
	})
	return s.wrap("use passkey", err)
}

// RemovePasskey deletes the passkey and uncounts it in one transaction.
// Unless last, the user item's condition demands another second factor
// (another passkey or a TOTP secret); with last, it demands that this was
// the only one, and turns MFA off with the recovery codes.
func (s *Store) RemovePasskey(ctx context.Context, userID, id string, last bool) error {
	update := "ADD PasskeyCount :minus, Rev :one"
	cond := "attribute_exists(PK) AND (PasskeyCount > :one OR attribute_exists(TOTPSecret))"
	values := map[string]types.AttributeValue{":minus": num(-1), ":one": num(1)}
	if last {
		update = "SET MFAEnabled = :false REMOVE RecoveryCodes ADD PasskeyCount :minus, Rev :one"
		cond = "attribute_exists(PK) AND PasskeyCount = :one AND attribute_not_exists(TOTPSecret)"
		values[":false"] = avFalse
	}
	err := s.transact(ctx, "remove passkey", []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: &s.table, Key: key(userPK(userID), passkeySK(id)),
			ConditionExpression: aws.String("attribute_exists(PK)")}},
		{Update: &types.Update{TableName: &s.table, Key: key(userPK(userID), skUser),
			UpdateExpression: aws.String(update), ConditionExpression: aws.String(cond), ExpressionAttributeValues: values}},
	})
	if failedAt(err, 0) {
		return fault.ErrNotFound
	}
	return err
}
