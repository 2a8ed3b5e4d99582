package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
)

var _ invite.Store = (*Store)(nil)

type inviteRecord struct {
	PK, SK, GSI1PK, GSI1SK string
	Type                   string
	ID                     string
	OrgID                  string
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
	Purpose   string // "invite", …
	OrgID     string `dynamodbav:",omitempty"`
	TargetID  string // the invite (or other item) the link acts on
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
func (s *Store) CreateInvite(ctx context.Context, inv invite.Invite) error {
	created := formatTime(inv.CreatedAt)
	rec, err := s.putNewTx(inviteRecord{
		PK: orgPK(inv.OrgID), SK: inviteSK(inv.ID), GSI1PK: orgInvitesGSI1(inv.OrgID), GSI1SK: created + "#" + inv.ID, Type: "Invite",
		ID: inv.ID, OrgID: inv.OrgID, OrgName: inv.OrgName, Email: inv.Email, Role: string(inv.Role), Scope: inv.Scope.String(),
		Status: string(inv.Status), InvitedBy: inv.InvitedBy, CreatedAt: created, ExpiresAt: formatTime(inv.ExpiresAt), TokenHash: inv.TokenHash,
	})
	if err != nil {
		return err
	}
	link, err := s.putNewTx(linkRecord{PK: linkPK(inv.TokenHash), SK: skLink, Type: "Link", Purpose: "invite", OrgID: inv.OrgID,
		TargetID: inv.ID, ExpiresAt: formatTime(inv.ExpiresAt), TTL: ttl(inv.ExpiresAt.Add(linkGrace))})
	if err != nil {
		return err
	}
	return s.transact(ctx, "create invite", []types.TransactWriteItem{rec, link})
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
			UpdateExpression:          aws.String("SET #status = :used, AcceptedBy = :user"),
			ConditionExpression:       aws.String("#status = :sent"),
			ExpressionAttributeNames:  map[string]string{"#status": "Status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":used": str(string(invite.StatusAccepted)), ":sent": str(string(invite.StatusSent)), ":user": str(userID)},
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
