package dynamo

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

type userRecord struct {
	PK, SK, GSI1PK, GSI1SK string
	Type                   string
	ID                     string
	Username               string
	FirstName              string
	LastName               string
	Email                  string
	PasswordHash           string
	PasswordChangeRequired bool   `dynamodbav:",omitempty"`
	MFAEnabled             bool   `dynamodbav:",omitempty"`
	Locked                 bool   `dynamodbav:",omitempty"`
	LockoutTime            string `dynamodbav:",omitempty"`
	Deleted                bool   `dynamodbav:",omitempty"`
	SessionsNotBefore      string `dynamodbav:",omitempty"`
	CreatedAt              string

	// Sign-in state (identity): see signin.go for the conditional updates
	// that change these.
	FailedLogins       int      `dynamodbav:",omitempty"`
	FailureWindowStart string   `dynamodbav:",omitempty"`
	LockedByAdmin      bool     `dynamodbav:",omitempty"`
	TOTPSecret         string   `dynamodbav:",omitempty"`
	TOTPPendingSecret  string   `dynamodbav:",omitempty"`
	TOTPLastStep       int64    `dynamodbav:",omitempty"`
	RecoveryCodes      []string `dynamodbav:",omitempty,stringset"`
	LinkedTo           string   `dynamodbav:",omitempty"`
	// Rev counts writes of the login's own fields (account.User.Rev).
	Rev int `dynamodbav:",omitempty"`

	// Running accounts (member.go).
	MiddleName                 string          `dynamodbav:",omitempty"`
	Phone                      string          `dynamodbav:",omitempty"`
	NotificationPreferences    map[string]bool `dynamodbav:",omitempty"`
	TemporaryPasswordExpiresAt string          `dynamodbav:",omitempty"`
}

func toUserRecord(u account.User) userRecord {
	return userRecord{PK: userPK(u.ID), SK: skUser, GSI1PK: emailGSI1(account.NormalizeEmail(u.Email)), GSI1SK: userPK(u.ID), Type: "User",
		ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, PasswordHash: u.PasswordHash,
		PasswordChangeRequired: u.PasswordChangeRequired, MFAEnabled: u.MFAEnabled, Locked: u.Locked, LockoutTime: formatTimePtr(u.LockoutTime),
		Deleted: u.Deleted, SessionsNotBefore: formatTimeOrEmpty(u.SessionsNotBefore), CreatedAt: formatTime(u.CreatedAt),
		FailedLogins: u.FailedLogins, FailureWindowStart: formatTimePtr(u.FailureWindowStart), LockedByAdmin: u.LockedByAdmin,
		TOTPSecret: u.TOTPSecret, TOTPPendingSecret: u.TOTPPendingSecret, TOTPLastStep: u.TOTPLastStep,
		RecoveryCodes: u.RecoveryCodeHashes, LinkedTo: u.LinkedTo, Rev: u.Rev,
		MiddleName: u.MiddleName, Phone: u.Phone, NotificationPreferences: u.NotificationPreferences,
		TemporaryPasswordExpiresAt: formatTimePtr(u.TemporaryPasswordExpiresAt)}
}

func (r userRecord) user() account.User {
	return account.User{ID: r.ID, Username: r.Username, FirstName: r.FirstName, LastName: r.LastName, Email: r.Email,
		PasswordHash: r.PasswordHash, PasswordChangeRequired: r.PasswordChangeRequired, MFAEnabled: r.MFAEnabled,
		Locked: r.Locked, LockoutTime: parseTimePtr(r.LockoutTime), Deleted: r.Deleted, SessionsNotBefore: parseTimeOrZero(r.SessionsNotBefore),
		CreatedAt:    parseTime(r.CreatedAt),
		FailedLogins: r.FailedLogins, FailureWindowStart: parseTimePtr(r.FailureWindowStart), LockedByAdmin: r.LockedByAdmin,
		TOTPSecret: r.TOTPSecret, TOTPPendingSecret: r.TOTPPendingSecret, TOTPLastStep: r.TOTPLastStep,
		RecoveryCodeHashes: r.RecoveryCodes, LinkedTo: r.LinkedTo, Rev: r.Rev,
		MiddleName: r.MiddleName, Phone: r.Phone, NotificationPreferences: r.NotificationPreferences,
		TemporaryPasswordExpiresAt: parseTimePtr(r.TemporaryPasswordExpiresAt)}
}

type membershipRecord struct {
	PK, SK, GSI1PK, GSI1SK string
	Type                   string
	UserID                 string
	OrgID                  ident.OrgID
	OrgName                string
	Role                   string
	Scope                  string
	ClientName             string            `dynamodbav:",omitempty"`
	Privileges             map[string]string `dynamodbav:",omitempty"`
	Support                bool              `dynamodbav:",omitempty"`
	Active                 bool
	CreatedAt              string
	// The membership's own lock and logical delete in its office.
	Locked      bool
	LockoutTime string `dynamodbav:",omitempty"`
	Deleted     bool
	// The user list's fields, copied from the user (member.go): kept in
	// step with the user item by the transactions that change either.
	// LoginLockoutTime is the login's lockout from failed sign-ins (F2),
	// which ends by itself after account.LockoutDuration.
	GSI2PK, GSI2SK   string `dynamodbav:",omitempty"`
	Rev              int    `dynamodbav:",omitempty"`
	Username         string `dynamodbav:",omitempty"`
	FirstName        string `dynamodbav:",omitempty"`
	LastName         string `dynamodbav:",omitempty"`
	FirstLower       string `dynamodbav:",omitempty"`
	LastLower        string `dynamodbav:",omitempty"`
	Email            string `dynamodbav:",omitempty"`
	LoginLockoutTime string `dynamodbav:",omitempty"`
}

func toMembershipRecord(m account.Membership) membershipRecord {
	var privs map[string]string
	for mod, l := range m.Privileges {
		if privs == nil {
			privs = map[string]string{}
		}
		privs[string(mod)] = string(l)
	}
	return membershipRecord{Privileges: privs, PK: userPK(m.UserID), SK: memberSK(m.OrgID), GSI1PK: orgMembersGSI1(m.OrgID), GSI1SK: userPK(m.UserID),
		Type: "Membership", UserID: m.UserID, OrgID: m.OrgID, OrgName: m.OrgName, Role: string(m.Role), Scope: m.Scope.String(),
		ClientName: m.ClientName, Support: m.Support, Active: m.Active && !m.Locked && !m.Deleted, CreatedAt: formatTime(m.CreatedAt), Rev: m.Rev,
		Locked: m.Locked, LockoutTime: formatTimePtr(m.LockedAt), Deleted: m.Deleted}
}

func (r membershipRecord) membership() account.Membership {
	scope, _ := account.ParseScope(r.Scope)
	var privs map[account.Module]account.Level
	for mod, l := range r.Privileges {
		if privs == nil {
			privs = map[account.Module]account.Level{}
		}
		privs[account.Module(mod)] = account.Level(l)
	}
	return account.Membership{Privileges: privs, UserID: r.UserID, OrgID: r.OrgID, OrgName: r.OrgName, Role: account.Role(r.Role), Scope: scope,
		ClientName: r.ClientName, Support: r.Support, Active: r.Active && !r.Locked && !r.Deleted, CreatedAt: parseTime(r.CreatedAt), Rev: r.Rev,
		Locked: r.Locked, LockedAt: parseTimePtr(r.LockoutTime), Deleted: r.Deleted}
}

// newUserItems are the transaction items that create a login: the username
// claim (index 0, fails when taken), the user and its memberships.
func (s *Store) newUserItems(u account.User, ms ...account.Membership) ([]types.TransactWriteItem, error) {
	claim, err := s.putNewTx(uniqueRecord{PK: usernamePK(u.Username), SK: skUsername, Type: "UsernameClaim", Owner: u.ID})
	if err != nil {
		return nil, err
	}
	user, err := s.putNewTx(toUserRecord(u))
	if err != nil {
		return nil, err
	}
	items := []types.TransactWriteItem{claim, user}
	for _, m := range ms {
		mi, err := s.newMembershipItems(m, u)
		if err != nil {
			return nil, err
		}
		items = append(items, mi...)
	}
	return items, nil
}

// CreateUser stores a new login with its memberships; the username must be free.
func (s *Store) CreateUser(ctx context.Context, u account.User, ms ...account.Membership) error {
	items, err := s.newUserItems(u, ms...)
	if err != nil {
		return err
	}
	err = s.transact(ctx, "create user", items)
	if failedAt(err, 0) {
		return account.ErrUsernameTaken
	}
	return err
}

// UserIDByUsername resolves a username to its user id.
func (s *Store) UserIDByUsername(ctx context.Context, username string) (string, error) {
	var r uniqueRecord
	if err := s.getItem(ctx, "get username", usernamePK(account.NormalizeUsername(username)), skUsername, &r); err != nil {
		return "", err
	}
	return r.Owner, nil
}

// UserWithMemberships reads the user and every membership with one Query.
func (s *Store) UserWithMemberships(ctx context.Context, userID string) (account.User, []account.Membership, error) {
	var (
		user  *account.User
		ms    []account.Membership
		start map[string]types.AttributeValue
	)
	for {
		res, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 &s.table,
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(userPK(userID))},
			ConsistentRead:            aws.Bool(true),
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return account.User{}, nil, s.wrap("get user", err)
		}
		for _, item := range res.Items {
			sk := item[attrSK].(*types.AttributeValueMemberS).Value
			switch {
			case sk == skUser:
				var r userRecord
				if err := attributevalue.UnmarshalMap(item, &r); err != nil {
					return account.User{}, nil, fmt.Errorf("get user: %w", err)
				}
				u := r.user()
				user = &u
			case strings.HasPrefix(sk, "MEMBER#"):
				var r membershipRecord
				if err := attributevalue.UnmarshalMap(item, &r); err != nil {
					return account.User{}, nil, fmt.Errorf("get user: %w", err)
				}
				ms = append(ms, r.membership())
			}
		}
		if res.LastEvaluatedKey == nil {
			break
		}
		start = res.LastEvaluatedKey
	}
	if user == nil {
		return account.User{}, nil, fault.ErrNotFound
	}
	return *user, ms, nil
}
