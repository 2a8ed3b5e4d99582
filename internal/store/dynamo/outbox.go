package dynamo

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/event"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

var _ event.Changes = (*Store)(nil)

// The outbox (F27): which committed item changes are which published events.
//
// | item (Type)  | change                                   | event                         |
// |--------------|------------------------------------------|-------------------------------|
// | Membership   | INSERT                                   | UserCreated                   |
// | Membership   | Deleted false→true / true→false          | UserDeleted / UserReactivated |
// | Membership   | Locked false→true / true→false           | UserLocked / UserUnlocked     |
// | Membership   | Privileges differ                        | PrivilegesChanged             |
// | Membership   | role, scope, names, email differ         | UserChanged (changed: fields) |
// | User         | PasswordHash differs                     | PasswordReset, per membership |
// | User         | lockout by failed sign-ins (not admin)   | UserLocked, per membership    |
// | Invite       | INSERT / Status→EMAIL-SUCCESS / →REVOKED | InviteSent / InviteUsed / InviteRevoked |
// | Registration | INSERT / Status→a decided status         | RegistrationSubmitted / RegistrationDecided |
// | Employee     | INSERT or any listed field differs       | EmployeeChanged               |
// | Audit        | INSERT of code_list.copy_in              | CodeListCopied (in the target org) |
// Everything else (sessions, links, counters, audit entries, copies) is no event.
// "Per membership" reads the login's memberships (1 Query) when the record
// is handled, since a login belongs to no single org.

// decidedStatuses are the final registration statuses: reaching one is RegistrationDecided.
var decidedStatuses = map[string]bool{
	"AUTO-APPROVED": true, "DECLINED": true, "INVALIDATED": true, "MANUAL-ADMIN-APPROVED": true, "MANUAL-PROV-ADMIN-APPROVED": true,
}

// EventsOf is the outbox mapping of one stream record (see the table above).
func (s *Store) EventsOf(ctx context.Context, rec events.DynamoDBEventRecord) ([]event.Event, error) {
	oldItem, err := streamItem(rec.Change.OldImage)
	if err != nil {
		return nil, fmt.Errorf("old image of %s: %w", rec.EventID, err)
	}
	newItem, err := streamItem(rec.Change.NewImage)
	if err != nil {
		return nil, fmt.Errorf("new image of %s: %w", rec.EventID, err)
	}
	c := change{id: rec.EventID, at: rec.Change.ApproximateCreationDateTime.UTC(), old: oldItem, new: newItem}
	if c.new != nil {
		var st changeStamp
		if av, ok := c.new[attrChange]; ok {
			_ = attributevalue.Unmarshal(av, &st)
		}
		c.actor, c.requestID = st.Actor, st.RequestID
		if at := parseTime(st.At); !at.IsZero() {
			c.at = at
		}
	}
	switch c.itemType() {
	case "Membership":
		return c.membership()
	case "User":
		return s.userEvents(ctx, c)
	case "Invite":
		return c.invite()
	case "Registration":
		return c.registration()
	case "Employee":
		return c.employee()
	case "Audit":
		return c.codeListCopy()
	}
	return nil, nil
}

// change is one stream record with its images decoded.
type change struct {
	id               string
	at               time.Time
	old, new         map[string]types.AttributeValue
	actor, requestID string
	n                int // events made so far: the n of event.EventID
}

func (c *change) itemType() string {
	for _, img := range []map[string]types.AttributeValue{c.new, c.old} {
		if v, ok := img["Type"].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
	}
	return ""
}

// images unmarshals the old and new images into records of type R; a
// missing image is the zero record and ok false.
func images[R any](c *change) (old, new R, hadOld, hasNew bool, err error) {
	if c.old != nil {
		if err = attributevalue.UnmarshalMap(c.old, &old); err != nil {
			return old, new, false, false, fmt.Errorf("record %s: %w", c.id, err)
		}
	}
	if c.new != nil {
		if err = attributevalue.UnmarshalMap(c.new, &new); err != nil {
			return old, new, false, false, fmt.Errorf("record %s: %w", c.id, err)
		}
	}
	return old, new, c.old != nil, c.new != nil, nil
}

// event makes the next event of the record, for orgID, with the stamp's
// actor (or fallback when the change carries none).
func (c *change) event(t event.DetailType, orgID ident.OrgID, fallback string) event.Event {
	actor := c.actor
	if actor == "" {
		actor = fallback
	}
	if actor == "" {
		actor = event.SystemActor
	}
	e := event.Event{DetailType: t, Detail: event.Detail{EventID: event.EventID(c.id, c.n), OrgID: orgID, Actor: actor, At: c.at, RequestID: c.requestID}}
	c.n++
	return e
}

func (c *change) membership() ([]event.Event, error) {
	old, now, hadOld, hasNew, err := images[membershipRecord](c)
	if err != nil || !hasNew {
		return nil, err
	}
	subject := func(t event.DetailType) event.Event {
		e := c.event(t, now.OrgID, now.UserID)
		e.Detail.UserID, e.Detail.Role, e.Detail.Scope = now.UserID, now.Role, now.Scope
		return e
	}
	if !hadOld {
		return []event.Event{subject(event.UserCreated)}, nil
	}
	var out []event.Event
	if old.Deleted != now.Deleted {
		out = append(out, subject(map[bool]event.DetailType{true: event.UserDeleted, false: event.UserReactivated}[now.Deleted]))
	}
	if old.Locked != now.Locked {
		out = append(out, subject(map[bool]event.DetailType{true: event.UserLocked, false: event.UserUnlocked}[now.Locked]))
	}
	if !maps.Equal(old.Privileges, now.Privileges) {
		e := subject(event.PrivilegesChanged)
		e.Detail.Privileges = now.Privileges
		if e.Detail.Privileges == nil {
			e.Detail.Privileges = map[string]string{}
		}
		out = append(out, e)
	}
	var changed []string
	for _, f := range []struct {
		name     string
		was, now string
	}{{"role", old.Role, now.Role}, {"scope", old.Scope, now.Scope}, {"first_name", old.FirstName, now.FirstName},
		{"last_name", old.LastName, now.LastName}, {"email", old.Email, now.Email}} {
		if f.was != f.now {
			changed = append(changed, f.name)
		}
	}
	if len(changed) > 0 {
		e := subject(event.UserChanged)
		e.Detail.Changed = changed
		out = append(out, e)
	}
	return out, nil
}

// userEvents are the login-level changes, told to each org of the login.
func (s *Store) userEvents(ctx context.Context, c change) ([]event.Event, error) {
	old, now, hadOld, hasNew, err := images[userRecord](&c)
	if err != nil || !hadOld || !hasNew {
		return nil, err
	}
	var kinds []event.DetailType
	if old.PasswordHash != now.PasswordHash && now.PasswordHash != "" {
		kinds = append(kinds, event.PasswordReset)
	}
	// A lockout by failed sign-ins; an administrator's lock is the
	// membership's (UserLocked from its item).
	if !old.Locked && now.Locked && !now.LockedByAdmin {
		kinds = append(kinds, event.UserLocked)
	}
	if len(kinds) == 0 {
		return nil, nil
	}
	orgs, err := s.membershipOrgs(ctx, now.ID)
	if err != nil {
		return nil, err
	}
	var out []event.Event
	for _, t := range kinds {
		for _, org := range orgs {
			e := c.event(t, org, now.ID)
			e.Detail.UserID = now.ID
			out = append(out, e)
		}
	}
	return out, nil
}

// membershipOrgs lists the orgs a login has a membership in.
func (s *Store) membershipOrgs(ctx context.Context, userID string) ([]ident.OrgID, error) {
	res, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :m)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(userPK(userID)), ":m": str(memberSK(""))},
		ProjectionExpression:      aws.String("OrgID"),
	})
	if err != nil {
		return nil, s.wrap("memberships of a login", err)
	}
	var recs []struct{ OrgID ident.OrgID }
	if err := attributevalue.UnmarshalListOfMaps(res.Items, &recs); err != nil {
		return nil, fmt.Errorf("memberships of a login: %w", err)
	}
	var out []ident.OrgID
	for _, r := range recs {
		out = append(out, r.OrgID)
	}
	slices.Sort(out)
	return out, nil
}

func (c *change) invite() ([]event.Event, error) {
	old, now, hadOld, hasNew, err := images[inviteRecord](c)
	if err != nil || !hasNew {
		return nil, err
	}
	var t event.DetailType
	fallback := now.InvitedBy
	switch {
	case !hadOld:
		t = event.InviteSent
	case old.Status != now.Status && now.Status == "EMAIL-SUCCESS":
		t, fallback = event.InviteUsed, now.AcceptedBy
	case old.Status != now.Status && now.Status == "REVOKED":
		t = event.InviteRevoked
	default:
		return nil, nil
	}
	e := c.event(t, now.OrgID, fallback)
	e.Detail.InviteID, e.Detail.Role, e.Detail.Scope, e.Detail.Status = now.ID, now.Role, now.Scope, now.Status
	if t == event.InviteUsed {
		e.Detail.UserID = now.AcceptedBy
	}
	return []event.Event{e}, nil
}

func (c *change) registration() ([]event.Event, error) {
	old, now, hadOld, hasNew, err := images[registrationRecord](c)
	if err != nil || !hasNew {
		return nil, err
	}
	var t event.DetailType
	switch {
	case !hadOld:
		t = event.RegistrationSubmitted
	case old.Status != now.Status && decidedStatuses[now.Status]:
		t = event.RegistrationDecided
	default:
		return nil, nil
	}
	fallback := ""
	if now.Decision != nil {
		fallback = now.Decision.By
	}
	e := c.event(t, now.OrgID, fallback)
	e.Detail.RegistrationID, e.Detail.Status, e.Detail.Level, e.Detail.Role = now.ID, now.Status, now.Level, now.RequestedRole
	if now.Decision != nil && now.Decision.Role != "" {
		e.Detail.Role = now.Decision.Role
	}
	if now.Decision != nil && now.Decision.Scope != "" {
		e.Detail.Scope = now.Decision.Scope
	}
	return []event.Event{e}, nil
}

func (c *change) employee() ([]event.Event, error) {
	old, now, hadOld, hasNew, err := images[employeeRecord](c)
	if err != nil || !hasNew {
		return nil, err
	}
	if hadOld {
		// Rev and the user link (CreateMember) are bookkeeping, not a change of the person.
		old.Rev, now.Rev = 0, 0
		old.UserID = now.UserID
		if old == now {
			return nil, nil
		}
	}
	e := c.event(event.EmployeeChanged, now.OrgID, "")
	active := now.Active
	e.Detail.EmployeeID, e.Detail.EmployeeNo, e.Detail.Source, e.Detail.Active = now.ID, now.EmployeeNo, now.Source, &active
	return []event.Event{e}, nil
}

// copiedCounts reads "diagnosis: 3 copied, 1 skipped; …", the detail of a
// code list copy's audit entry (codelist.Service.Copy).
var copiedCounts = regexp.MustCompile(`([a-z_]+): (\d+) copied`)

// codeListCopy is the one event of a code list copy: the copy writes one
// item per code, and then the audit entry of the target org, which says
// what was copied from where.
func (c *change) codeListCopy() ([]event.Event, error) {
	_, now, hadOld, hasNew, err := images[auditRecord](c)
	if err != nil || hadOld || !hasNew || now.Action != "code_list.copy_in" {
		return nil, err
	}
	e := c.event(event.CodeListCopied, now.OrgID, now.Actor)
	e.Detail.FromOrgID = ident.OrgID(strings.TrimPrefix(now.Target, "org:"))
	e.Detail.Copied = map[string]int{}
	for _, m := range copiedCounts.FindAllStringSubmatch(now.Detail, -1) {
		n, _ := strconv.Atoi(m[2])
		e.Detail.Copied[m[1]] = n
	}
	return []event.Event{e}, nil
}

// streamItem converts a stream image (Lambda's event shape) into the SDK's
// attribute values, so the store's records unmarshal it as they do an item.
func streamItem(img map[string]events.DynamoDBAttributeValue) (map[string]types.AttributeValue, error) {
	if img == nil {
		return nil, nil
	}
	out := make(map[string]types.AttributeValue, len(img))
	for k, v := range img {
		av, err := streamValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", k, err)
		}
		out[k] = av
	}
	return out, nil
}

func streamValue(v events.DynamoDBAttributeValue) (types.AttributeValue, error) {
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}, nil
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}, nil
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}, nil
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: v.Binary()}, nil
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: v.StringSet()}, nil
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: v.NumberSet()}, nil
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: v.BinarySet()}, nil
	case events.DataTypeList:
		var l []types.AttributeValue
		for _, x := range v.List() {
			av, err := streamValue(x)
			if err != nil {
				return nil, err
			}
			l = append(l, av)
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case events.DataTypeMap:
		m, err := streamItem(v.Map())
		if err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	}
	return nil, fmt.Errorf("unknown attribute type %v", v.DataType())
}
