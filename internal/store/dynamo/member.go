package dynamo

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/member"
)

var _ member.Store = (*Store)(nil)

// listedMembership is the membership item with the user list's copy of the
// user's fields and its two sort keys (GSI1 by role, GSI2 by last name).
func listedMembership(m account.Membership, u account.User) membershipRecord {
	r := toMembershipRecord(m)
	first, last := strings.ToLower(u.FirstName), strings.ToLower(u.LastName)
	r.Username, r.FirstName, r.LastName, r.Email = u.Username, u.FirstName, u.LastName, u.Email
	r.FirstLower, r.LastLower = first, last
	if u.Locked {
		r.LoginLockoutTime = loginLockout(u)
	}
	r.GSI1SK = memberRoleGSI1(string(m.Role)) + last + "#" + first + "#" + m.UserID
	r.GSI2PK, r.GSI2SK = orgByLastGSI2(m.OrgID), last+"#"+first+"#"+m.UserID
	return r
}

// memberByFirstItem is the transaction Put of the copy of a listed
// membership keyed by first name (only on GSI2).
func (s *Store) memberByFirstItem(r membershipRecord) (types.TransactWriteItem, error) {
	r.PK, r.SK, r.Type = orgPK(r.OrgID), memberByFirstSK(r.UserID), "MemberByFirstName"
	r.GSI2PK, r.GSI2SK = orgByFirstGSI2(r.OrgID), r.FirstLower+"#"+r.LastLower+"#"+r.UserID
	item, err := marshal(r)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	delete(item, attrGSI1PK)
	delete(item, attrGSI1SK)
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item}}, nil
}

// loginLockout is the copy of a login's lock kept on its memberships: the
// lockout's time, or, for a lock an administrator set on the login itself
// (before locks became per office), a time that never runs out.
func loginLockout(u account.User) string {
	if u.LockedByAdmin || u.LockoutTime == nil {
		return formatTime(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	return formatTime(*u.LockoutTime)
}

// listing is the list's view of a membership: locked when the office locked
// the membership, or while the login is locked out after failed sign-ins (a
// lockout ends by itself after account.LockoutDuration without any write, so
// the copy is read as the lock in force at now).
func (r membershipRecord) listing(now time.Time) member.Listing {
	scope, _ := account.ParseScope(r.Scope)
	l := member.Listing{UserID: r.UserID, Username: r.Username, FirstName: r.FirstName, LastName: r.LastName, Email: r.Email,
		Role: account.Role(r.Role), Scope: scope, Locked: r.Locked, Deleted: r.Deleted}
	if r.Locked {
		l.LockoutTime = parseTimePtr(r.LockoutTime)
		return l
	}
	if r.LoginLockoutTime != "" {
		lockout := account.User{Locked: true, LockoutTime: parseTimePtr(r.LoginLockoutTime)}
		if lockout.LockActive(now) {
			l.Locked, l.LockoutTime = true, lockout.LockoutTime
		}
	}
	return l
}

// newMembershipItems create a membership (index 0, fails if it exists) and
// its first-name copy.
func (s *Store) newMembershipItems(m account.Membership, u account.User) ([]types.TransactWriteItem, error) {
	rec := listedMembership(m, u)
	mi, err := s.putNewTx(rec)
	if err != nil {
		return nil, err
	}
	fi, err := s.memberByFirstItem(rec)
	if err != nil {
		return nil, err
	}
	return []types.TransactWriteItem{mi, fi}, nil
}

type auditRecord struct {
	PK, SK        string
	Type          string
	ID            string
	OrgID         ident.OrgID
	At            string
	Actor         string
	ActorUsername string `dynamodbav:",omitempty"`
	Action        string
	Target        string
	RequestID     string `dynamodbav:",omitempty"`
	IP            string `dynamodbav:",omitempty"`
	Detail        string `dynamodbav:",omitempty"`
}

func (s *Store) auditItem(e audit.Entry) (types.TransactWriteItem, error) {
	at := formatTime(e.At)
	return s.putNewTx(auditRecord{PK: orgPK(e.OrgID), SK: auditSK(at, e.ID), Type: "Audit", ID: e.ID, OrgID: e.OrgID, At: at,
		Actor: e.Actor, ActorUsername: e.ActorUsername, Action: e.Action, Target: e.Target, RequestID: e.RequestID, IP: e.IP, Detail: e.Detail})
}

// PutAudit writes one audit entry on its own, for changes that have no
// transaction to join.
func (s *Store) PutAudit(ctx context.Context, e audit.Entry) error {
	it, err := s.auditItem(e)
	if err != nil {
		return err
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: it.Put.Item, ConditionExpression: it.Put.ConditionExpression})
	return s.wrap("put audit entry", err)
}

// ListAudit pages through an org's audit entries, newest first.
func (s *Store) ListAudit(ctx context.Context, orgID ident.OrgID, limit int, cursor string) ([]audit.Entry, string, error) {
	p := partition{op: "list audit", pk: orgPK(orgID), skPrefix: skAuditPrefix, newestFirst: true}
	return listPage(ctx, s, p, limit, cursor, auditRecord.entry)
}

func (r auditRecord) entry() audit.Entry {
	return audit.Entry{ID: r.ID, OrgID: r.OrgID, At: parseTime(r.At), Actor: r.Actor, ActorUsername: r.ActorUsername,
		Action: r.Action, Target: r.Target, RequestID: r.RequestID, IP: r.IP, Detail: r.Detail}
}

func (s *Store) linkItem(l member.Link) (types.TransactWriteItem, error) {
	return s.putNewTx(linkRecord{PK: linkPK(l.TokenHash), SK: skLink, Type: "Link", Purpose: l.Purpose, OrgID: l.OrgID,
		TargetID: l.UserID, Email: l.Email, ExpiresAt: formatTime(l.ExpiresAt), TTL: ttl(l.ExpiresAt.Add(linkGrace))})
}

// CreateMember writes a new user, its claim, membership, first-name copy,
// the employee link, the set-up link and the audit entry in one transaction.
func (s *Store) CreateMember(ctx context.Context, nm member.NewMember) error {
	items, err := s.newUserItems(nm.User, nm.Membership) // 0: username claim
	if err != nil {
		return err
	}
	employeeAt := -1
	if nm.EmployeeID != "" {
		employeeAt = len(items)
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: &s.table, Key: key(orgPK(nm.Membership.OrgID), employeeSK(nm.EmployeeID)),
			UpdateExpression:          aws.String("SET UserID = :u"),
			ConditionExpression:       aws.String("attribute_exists(PK) AND Active = :t AND attribute_not_exists(UserID)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":u": str(nm.User.ID), ":t": &types.AttributeValueMemberBOOL{Value: true}},
		}})
	}
	if nm.Link != nil {
		li, err := s.linkItem(*nm.Link)
		if err != nil {
			return err
		}
		items = append(items, li)
	}
	ai, err := s.auditItem(nm.Audit)
	if err != nil {
		return err
	}
	items = append(items, ai)
	err = s.transact(ctx, "create member", items)
	switch {
	case failedAt(err, 0):
		return account.ErrUsernameTaken
	case employeeAt >= 0 && failedAt(err, employeeAt):
		return member.ErrEmployeeTaken
	}
	return err
}

// SaveMember writes an administrator's change: the user item when the
// login's own fields change (only the fields running accounts owns, so
// sign-in state written by others survives; conditional on the login's
// revision as read), every membership given and its first-name copy (each
// conditioned on the revision that was read), the kept site administrators'
// checks, the link and the audit entry, all in one transaction.
func (s *Store) SaveMember(ctx context.Context, sv member.Save) error {
	u := sv.User
	var items []types.TransactWriteItem
	if sv.LoginChanged() {
		upd := newUpdate()
		upd.set("FirstName", str(u.FirstName))
		upd.set("MiddleName", str(u.MiddleName))
		upd.set("LastName", str(u.LastName))
		upd.set("Email", str(u.Email))
		upd.set("GSI1PK", str(emailGSI1(account.NormalizeEmail(u.Email))))
		upd.set("Phone", str(u.Phone))
		if len(u.NotificationPreferences) > 0 {
			prefs, err := attributevalue.Marshal(u.NotificationPreferences)
			if err != nil {
				return fmt.Errorf("save member: %w", err)
			}
			upd.set("NotificationPreferences", prefs)
		} else {
			upd.remove("NotificationPreferences")
		}
		if sv.EndSessions {
			// Always the time of this write, never a value read earlier, so
			// a revocation made meanwhile is never moved back.
			upd.set("SessionsNotBefore", str(formatTime(sv.Audit.At)))
		}
		if sv.PasswordChanged {
			upd.set("PasswordHash", str(u.PasswordHash))
			upd.set("PasswordChangeRequired", boolAttr(u.PasswordChangeRequired))
			upd.setTime("TemporaryPasswordExpiresAt", formatTimePtr(u.TemporaryPasswordExpiresAt))
		}
		if sv.ClearLoginLock {
			for _, a := range []string{"Locked", "LockedByAdmin", "LockoutTime", "FailedLogins", "FailureWindowStart"} {
				upd.remove(a)
			}
			// …and the memberships' copies of the lock go with it.
			u.Locked, u.LockedByAdmin, u.LockoutTime = false, false, nil
		}
		upd.set("Rev", &types.AttributeValueMemberN{Value: strconv.Itoa(u.Rev + 1)})
		cond, vals := "attribute_exists(PK) AND Rev = :rev", map[string]types.AttributeValue{":rev": &types.AttributeValueMemberN{Value: strconv.Itoa(u.Rev)}}
		if u.Rev == 0 {
			cond, vals = "attribute_exists(PK) AND attribute_not_exists(Rev)", nil
		}
		items = append(items, types.TransactWriteItem{Update: upd.item(&s.table, key(userPK(u.ID), skUser), cond, vals)})
	}
	ms, err := s.revisedMembershipItems(u, sv.Memberships)
	if err != nil {
		return err
	}
	items = append(items, ms...)
	keepFrom := len(items)
	items = append(items, s.keepSiteAdminChecks(sv.KeepSiteAdmins)...)
	keepTo := len(items)
	if sv.UseLink != "" {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: key(linkPK(sv.UseLink), skLink),
			ConditionExpression: aws.String("attribute_exists(PK)")}})
	}
	if sv.Link != nil {
		li, err := s.linkItem(*sv.Link)
		if err != nil {
			return err
		}
		items = append(items, li)
	}
	ai, err := s.auditItem(sv.Audit)
	if err != nil {
		return err
	}
	items = append(items, ai)
	err = s.transact(ctx, "save member", items)
	for i := keepFrom; i < keepTo; i++ {
		if failedAt(err, i) {
			return member.ErrKeepSiteAdminGone
		}
	}
	return err
}

// revisedMembershipItems write memberships of u (and their first-name
// copies), each conditioned on the revision that was read.
func (s *Store) revisedMembershipItems(u account.User, ms []account.Membership) ([]types.TransactWriteItem, error) {
	var items []types.TransactWriteItem
	for _, m := range ms {
		rec := listedMembership(m, u)
		rec.Rev = m.Rev + 1
		item, err := marshal(rec)
		if err != nil {
			return nil, err
		}
		cond, vals := "Rev = :rev", map[string]types.AttributeValue{":rev": &types.AttributeValueMemberN{Value: strconv.Itoa(m.Rev)}}
		if m.Rev == 0 {
			cond, vals = "attribute_exists(PK) AND attribute_not_exists(Rev)", nil
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item,
			ConditionExpression: aws.String(cond), ExpressionAttributeValues: vals}})
		fi, err := s.memberByFirstItem(rec)
		if err != nil {
			return nil, err
		}
		items = append(items, fi)
	}
	return items, nil
}

// keepSiteAdminChecks are the ConditionChecks that each kept user (by org)
// is still an active, unlocked, undeleted site administrator there.
func (s *Store) keepSiteAdminChecks(keep map[ident.OrgID]string) []types.TransactWriteItem {
	orgs := make([]ident.OrgID, 0, len(keep))
	for o := range keep {
		orgs = append(orgs, o)
	}
	slices.Sort(orgs)
	var items []types.TransactWriteItem
	checkedUser := map[string]bool{}
	for _, orgID := range orgs {
		kept := keep[orgID]
		items = append(items, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: &s.table, Key: key(userPK(kept), memberSK(orgID)),
			ConditionExpression:       aws.String("#role = :sa AND Active = :t"),
			ExpressionAttributeNames:  map[string]string{"#role": "Role"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":sa": str(string(account.RoleSiteAdmin)), ":t": boolAttr(true)},
		}})
		if !checkedUser[kept] {
			checkedUser[kept] = true
			// The user item is the truth for locked and deleted.
			items = append(items, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
				TableName: &s.table, Key: key(userPK(kept), skUser),
				ConditionExpression:       aws.String("attribute_exists(PK) AND (attribute_not_exists(Locked) OR Locked = :f) AND (attribute_not_exists(Deleted) OR Deleted = :f)"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":f": boolAttr(false)},
			}})
		}
	}
	return items
}

// ActiveSiteAdmins lists the org's active site administrators from GSI1
// (eventually consistent: SaveMember checks the one it keeps).
func (s *Store) ActiveSiteAdmins(ctx context.Context, orgID ident.OrgID) ([]string, error) {
	var out []string
	var start map[string]types.AttributeValue
	for {
		res, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName: &s.table, IndexName: aws.String("GSI1"),
			KeyConditionExpression: aws.String("GSI1PK = :pk AND begins_with(GSI1SK, :role)"),
			FilterExpression:       aws.String("Active = :t AND Locked = :f AND Deleted = :f"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": str(orgMembersGSI1(orgID)), ":role": str(memberRoleGSI1(string(account.RoleSiteAdmin))),
				":t": boolAttr(true), ":f": boolAttr(false),
			},
			ProjectionExpression: aws.String("UserID"),
			ExclusiveStartKey:    start,
		})
		if err != nil {
			return nil, s.wrap("list site administrators", err)
		}
		for _, it := range res.Items {
			out = append(out, stringAttr(it, "UserID"))
		}
		if res.LastEvaluatedKey == nil {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
}

// LinkByToken reads a set-up link by the hash of its token.
func (s *Store) LinkByToken(ctx context.Context, tokenHash string) (member.Link, error) {
	var r struct {
		linkRecord
		Attempts int
	}
	if err := s.getItem(ctx, "get link", linkPK(tokenHash), skLink, &r); err != nil {
		return member.Link{}, err
	}
	return member.Link{TokenHash: tokenHash, Purpose: r.Purpose, OrgID: r.OrgID, UserID: r.TargetID, Email: r.Email,
		ExpiresAt: parseTime(r.ExpiresAt), Attempts: r.Attempts}, nil
}

// CountLinkAttempt counts one wrong code word; it fails with
// fault.ErrConflict once max have been counted.
func (s *Store) CountLinkAttempt(ctx context.Context, tokenHash string, max int) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(linkPK(tokenHash), skLink),
		UpdateExpression:    aws.String("ADD Attempts :one"),
		ConditionExpression: aws.String("attribute_exists(PK) AND (attribute_not_exists(Attempts) OR Attempts < :max)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": &types.AttributeValueMemberN{Value: "1"}, ":max": &types.AttributeValueMemberN{Value: strconv.Itoa(max)},
		},
	})
	return s.wrap("count link attempt", err)
}

// UseLink consumes the link and sets the user's password in one transaction.
func (s *Store) UseLink(ctx context.Context, l member.Link, passwordHash string) error {
	upd := newUpdate()
	upd.set("PasswordHash", str(passwordHash))
	upd.set("PasswordChangeRequired", boolAttr(false))
	upd.remove("TemporaryPasswordExpiresAt")
	upd.bumpRev()
	return s.transact(ctx, "use link", []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: &s.table, Key: key(linkPK(l.TokenHash), skLink), ConditionExpression: aws.String("attribute_exists(PK)")}},
		{Update: upd.item(&s.table, key(userPK(l.UserID), skUser), "attribute_exists(PK) AND (attribute_not_exists(Deleted) OR Deleted = :notDeleted)",
			map[string]types.AttributeValue{":notDeleted": boolAttr(false)})},
	})
}

func boolAttr(b bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: b} }

func stringAttr(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// update builds an UpdateExpression of SETs and REMOVEs with placeholders.
type update struct {
	sets, removes []string
	names         map[string]string
	values        map[string]types.AttributeValue
}

func newUpdate() *update {
	return &update{names: map[string]string{}, values: map[string]types.AttributeValue{}}
}

// set adds "SET path = value"; path may name a map entry ("Settings.RequireMFA").
func (u *update) set(path string, v types.AttributeValue) {
	ref := u.path(path)
	val := ":v" + strconv.Itoa(len(u.values))
	u.values[val] = v
	u.sets = append(u.sets, ref+" = "+val)
}

// bumpRev counts one more write of the item's own fields (Rev), so writes
// conditional on the revision they read fail after this one.
func (u *update) bumpRev() {
	u.values[":revZero"] = &types.AttributeValueMemberN{Value: "0"}
	u.values[":revOne"] = &types.AttributeValueMemberN{Value: "1"}
	u.sets = append(u.sets, u.path("Rev")+" = if_not_exists("+u.path("Rev")+", :revZero) + :revOne")
}

func (u *update) remove(path string) {
	u.removes = append(u.removes, u.path(path))
}

// path turns a dotted attribute path into name placeholders.
func (u *update) path(path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		n := "#a" + strconv.Itoa(len(u.names))
		u.names[n] = p
		parts[i] = n
	}
	return strings.Join(parts, ".")
}

// setTime sets a time attribute, or removes it when empty.
func (u *update) setTime(attr, v string) {
	if v == "" {
		u.remove(attr)
		return
	}
	u.set(attr, str(v))
}

func (u *update) item(table *string, k map[string]types.AttributeValue, cond string, condValues ...map[string]types.AttributeValue) *types.Update {
	var expr []string
	if len(u.sets) > 0 {
		expr = append(expr, "SET "+strings.Join(u.sets, ", "))
	}
	if len(u.removes) > 0 {
		expr = append(expr, "REMOVE "+strings.Join(u.removes, ", "))
	}
	vals := map[string]types.AttributeValue{}
	for k, v := range u.values {
		vals[k] = v
	}
	for _, cv := range condValues {
		for k, v := range cv {
			vals[k] = v
		}
	}
	if len(vals) == 0 {
		vals = nil
	}
	return &types.Update{TableName: table, Key: k, UpdateExpression: aws.String(strings.Join(expr, " ")),
		ConditionExpression: aws.String(cond), ExpressionAttributeNames: u.names, ExpressionAttributeValues: vals}
}
