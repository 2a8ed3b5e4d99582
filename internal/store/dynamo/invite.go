package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
)

var _ invite.Store = (*Store)(nil)

type inviteRecord struct {
	PK, SK, GSI1PK, GSI1SK string
	GSI2PK, GSI2SK         string `dynamodbav:",omitempty"`
	Type                   string
	ID                     string
	OrgID                  ident.OrgID
	OrgName                string
	Email                  string
	Role                   string
	Scope                  string
	Status                 string
	InvitedBy              string
	CreatedAt              string
	ExpiresAt              string
	TokenHash              string
	AcceptedBy             string `dynamodbav:",omitempty"`
}

// linkRecord is an emailed single-use link: found by the hash of its token,
// deleted when used. It outlives its expiry by a week so an expired link
// answers "expired" rather than "unknown".
type linkRecord struct {
	PK, SK    string
	Type      string
	Purpose   string      // "invite", …
	OrgID     ident.OrgID `dynamodbav:",omitempty"`
	TargetID  string      // the invite (or other item) the link acts on
	Email     string      `dynamodbav:",omitempty"` // the address an email-change link confirms
	ExpiresAt string
	TTL       int64
}

const linkGrace = 7 * 24 * time.Hour

func (r inviteRecord) invite() invite.Invite {
	scope, _ := account.ParseScope(r.Scope)
	return invite.Invite{ID: r.ID, OrgID: r.OrgID, OrgName: r.OrgName, Email: r.Email, Role: account.Role(r.Role), Scope: scope,
		Status: invite.Status(r.Status), InvitedBy: r.InvitedBy, CreatedAt: parseTime(r.CreatedAt), ExpiresAt: parseTime(r.ExpiresAt),
		TokenHash: r.TokenHash, AcceptedBy: r.AcceptedBy}
}

// CreateInvite stores the invite and its link in one transaction.
func (s *Store) CreateInvite(ctx context.Context, inv invite.Invite, a audit.Entry) error {
	items, err := s.newInviteItems(inv)
	if err != nil {
		return err
	}
	ai, err := s.auditItem(a)
	if err != nil {
		return err
	}
	return s.transact(ctx, "create invite", append(items, ai))
}

// newInviteItems are the invite (listed in the registration console's
// partitions, GSI1 all entries and GSI2 by status) and its link.
func (s *Store) newInviteItems(inv invite.Invite) ([]types.TransactWriteItem, error) {
	created := formatTime(inv.CreatedAt)
	rec, err := s.putNewTx(inviteRecord{
		PK: orgPK(inv.OrgID), SK: inviteSK(inv.ID), GSI1PK: orgEntriesGSI1(inv.OrgID), GSI1SK: created + "#" + inv.ID, Type: "Invite",
		GSI2PK: orgEntriesByStatusGSI2(inv.OrgID, string(inv.Status)), GSI2SK: created + "#" + inv.ID,
		ID: inv.ID, OrgID: inv.OrgID, OrgName: inv.OrgName, Email: inv.Email, Role: string(inv.Role), Scope: inv.Scope.String(),
		Status: string(inv.Status), InvitedBy: inv.InvitedBy, CreatedAt: created, ExpiresAt: formatTime(inv.ExpiresAt), TokenHash: inv.TokenHash,
	})
	if err != nil {
		return nil, err
	}
	link, err := s.putNewTx(linkRecord{PK: linkPK(inv.TokenHash), SK: skLink, Type: "Link", Purpose: "invite", OrgID: inv.OrgID,
		TargetID: inv.ID, ExpiresAt: formatTime(inv.ExpiresAt), TTL: ttl(inv.ExpiresAt.Add(linkGrace))})
	if err != nil {
		return nil, err
	}
	return []types.TransactWriteItem{rec, link}, nil
}

// InviteByToken follows an invite link to its invite.
func (s *Store) InviteByToken(ctx context.Context, tokenHash string) (invite.Invite, error) {
	var l linkRecord
	if err := s.getItem(ctx, "get invite link", linkPK(tokenHash), skLink, &l); err != nil {
		return invite.Invite{}, err
	}
	var r inviteRecord
	if err := s.getItem(ctx, "get invite", orgPK(l.OrgID), inviteSK(l.TargetID), &r); err != nil {
		return invite.Invite{}, err
	}
	return r.invite(), nil
}

// useInviteItems consume the link (index 0) and mark the invite used (index 1);
// both fail if another accept got there first.
func (s *Store) useInviteItems(inv invite.Invite, userID string) []types.TransactWriteItem {
	return []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: &s.table, Key: key(linkPK(inv.TokenHash), skLink), ConditionExpression: aws.String("attribute_exists(PK)")}},
		{Update: &types.Update{
			TableName: &s.table, Key: key(orgPK(inv.OrgID), inviteSK(inv.ID)),
			UpdateExpression:         aws.String("SET #status = :used, AcceptedBy = :user, GSI2PK = :g2"),
			ConditionExpression:      aws.String("#status = :sent"),
			ExpressionAttributeNames: map[string]string{"#status": "Status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":used": str(string(invite.StatusAccepted)), ":sent": str(string(invite.StatusSent)), ":user": str(userID),
				":g2": str(orgEntriesByStatusGSI2(inv.OrgID, string(invite.StatusAccepted)))},
		}},
	}
}

// AcceptInviteNewUser uses the invite and creates the login in one transaction.
func (s *Store) AcceptInviteNewUser(ctx context.Context, inv invite.Invite, u account.User, m account.Membership) error {
	userItems, err := s.newUserItems(u, m)
	if err != nil {
		return err
	}
	items := append(s.useInviteItems(inv, u.ID), userItems...)
	err = s.transact(ctx, "accept invite", items)
	if failedAt(err, 2) && !failedAt(err, 0) {
		return account.ErrUsernameTaken
	}
	return err
}

// AcceptInviteExistingUser uses the invite and adds the membership.
func (s *Store) AcceptInviteExistingUser(ctx context.Context, inv invite.Invite, m account.Membership) error {
	// The membership carries the user list's copy of the user (member.go).
	var ur userRecord
	if err := s.getItem(ctx, "accept invite: get user", userPK(m.UserID), skUser, &ur); err != nil {
		return err
	}
	mi, err := s.newMembershipItems(m, ur.user())
	if err != nil {
		return err
	}
	err = s.transact(ctx, "accept invite", append(s.useInviteItems(inv, m.UserID), mi...))
	if failedAt(err, 2) && !failedAt(err, 0) {
		return account.ErrAlreadyMember
	}
	return err
}

// GetInvite reads one invite of an org.
func (s *Store) GetInvite(ctx context.Context, orgID ident.OrgID, id string) (invite.Invite, error) {
	var r inviteRecord
	if err := s.getItem(ctx, "get invite", orgPK(orgID), inviteSK(id), &r); err != nil {
		return invite.Invite{}, err
	}
	if r.Status == string(invite.StatusRevoked) {
		return invite.Invite{}, fault.ErrNotFound
	}
	return r.invite(), nil
}

// revokeItems end an unused invite (index 0, fails once used or revoked)
// and delete its link; a revoked invite leaves the console's partitions.
func (s *Store) revokeItems(inv invite.Invite) []types.TransactWriteItem {
	return []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: &s.table, Key: key(orgPK(inv.OrgID), inviteSK(inv.ID)),
			UpdateExpression:          aws.String("SET #status = :revoked REMOVE GSI1PK, GSI1SK, GSI2PK, GSI2SK"),
			ConditionExpression:       aws.String("#status = :sent"),
			ExpressionAttributeNames:  map[string]string{"#status": "Status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":revoked": str(string(invite.StatusRevoked)), ":sent": str(string(invite.StatusSent))},
		}},
		{Delete: &types.Delete{TableName: &s.table, Key: key(linkPK(inv.TokenHash), skLink)}},
	}
}

// RevokeInvite ends an unused invite and its link (fault.ErrConflict once used).
func (s *Store) RevokeInvite(ctx context.Context, inv invite.Invite, a audit.Entry) error {
	ai, err := s.auditItem(a)
	if err != nil {
		return err
	}
	return s.transact(ctx, "revoke invite", append(s.revokeItems(inv), ai))
}

// ResendInvite replaces an unused invite by a new one in one transaction:
// the old link dies as the new one is born.
func (s *Store) ResendInvite(ctx context.Context, old, next invite.Invite, a audit.Entry) error {
	items, err := s.newInviteItems(next)
	if err != nil {
		return err
	}
	ai, err := s.auditItem(a)
	if err != nil {
		return err
	}
	return s.transact(ctx, "resend invite", append(append(s.revokeItems(old), items...), ai))
}

// ListInvites pages an org's invites, newest first. By status: one Query of
// GSI2 ORG#<org>#ENTRIES#<status> (only invites have the EMAIL-* statuses).
// Without: the console's GSI1 partition ORG#<org>#ENTRIES filtered to
// invites, read until limit invites or at most filteredCalls Queries of
// filteredRead items (as the user list): a request stays bounded however
// many registrations sit between the invites, and a page may come back
// short only then, with a next_cursor. The cursor is the last returned
// invite's keys (or the last evaluated key), pinned to the partition.
func (s *Store) ListInvites(ctx context.Context, orgID ident.OrgID, status invite.Status, limit int, cursor string) ([]invite.Invite, string, error) {
	if status != "" {
		p := partition{op: "list invites", index: "GSI2", pk: orgEntriesByStatusGSI2(orgID, string(status)), newestFirst: true}
		return listPage(ctx, s, p, limit, cursor, inviteRecord.invite)
	}
	pk := orgEntriesGSI1(orgID)
	start, err := decodeCursor(cursor, attrGSI1PK, pk)
	if err != nil {
		return nil, "", err
	}
	in := &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		FilterExpression:          aws.String("#type = :invite"),
		ExpressionAttributeNames:  map[string]string{"#type": "Type"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk), ":invite": str("Invite")},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(int32(max(limit, filteredRead))),
	}
	out := make([]invite.Invite, 0, limit)
	for calls := 1; ; calls++ {
		in.ExclusiveStartKey = start
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, "", s.wrap("list invites", err)
		}
		for i, item := range res.Items {
			var r inviteRecord
			if err := attributevalue.UnmarshalMap(item, &r); err != nil {
				return nil, "", fmt.Errorf("list invites: %w", err)
			}
			out = append(out, r.invite())
			if len(out) < limit {
				continue
			}
			if i == len(res.Items)-1 {
				return out, encodeCursor(res.LastEvaluatedKey), nil
			}
			return out, encodeCursor(map[string]types.AttributeValue{attrPK: item[attrPK], attrSK: item[attrSK], attrGSI1PK: item[attrGSI1PK], attrGSI1SK: item[attrGSI1SK]}), nil
		}
		if res.LastEvaluatedKey == nil || calls == filteredCalls {
			return out, encodeCursor(res.LastEvaluatedKey), nil
		}
		start = res.LastEvaluatedKey
	}
}

// UserExistsByEmail reports whether some login has this email (GSI1 EMAIL#<email>).
func (s *Store) UserExistsByEmail(ctx context.Context, email string) (bool, error) {
	res, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(emailGSI1(account.NormalizeEmail(email)))},
		Limit:                     aws.Int32(1),
	})
	if err != nil {
		return false, s.wrap("find login by email", err)
	}
	return len(res.Items) > 0, nil
}
