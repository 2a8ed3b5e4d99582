package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/review"
)

var _ review.Store = (*Store)(nil)

type eventRecord struct {
	At     string
	Actor  string
	Name   string `dynamodbav:",omitempty"`
	Action string
	Detail string `dynamodbav:",omitempty"`
}

type decisionRecord struct {
	Kind   string
	Role   string `dynamodbav:",omitempty"`
	Scope  string `dynamodbav:",omitempty"`
	Reason string `dynamodbav:",omitempty"`
	Note   string `dynamodbav:",omitempty"`
	By     string
	ByName string `dynamodbav:",omitempty"`
	At     string
}

type registrationRecord struct {
	PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK string
	GSI3PK                                 string `dynamodbav:",omitempty"` // escalatedGSI3 while escalated and pending
	GSI3SK                                 string `dynamodbav:",omitempty"`
	Type                                   string
	ID                                     string
	OrgID                                  ident.OrgID
	OrgName                                string
	TIN                                    string
	NPI                                    string `dynamodbav:",omitempty"`
	ProviderName                           string `dynamodbav:",omitempty"`
	Level                                  string
	RequestedRole                          string
	FirstName                              string
	LastName                               string
	Email                                  string
	Phone                                  string `dynamodbav:",omitempty"`
	Username                               string
	PasswordHash                           string `dynamodbav:",omitempty"`
	ClaimHash                              string `dynamodbav:",omitempty"`
	ClaimMasked                            string `dynamodbav:",omitempty"`
	ApprovedByClaim                        string `dynamodbav:",omitempty"`
	DOBHash                                string `dynamodbav:",omitempty"`
	DOBMasked                              string `dynamodbav:",omitempty"`
	Status                                 string
	SubmittedAt                            string
	VerifiedAt                             string          `dynamodbav:",omitempty"`
	VerifyToken                            string          `dynamodbav:",omitempty"`
	DecisionToken                          string          `dynamodbav:",omitempty"`
	Decision                               *decisionRecord `dynamodbav:",omitempty"`
	Escalated                              bool            `dynamodbav:",omitempty"`
	UserID                                 string          `dynamodbav:",omitempty"`
	NotifiedAt                             string          `dynamodbav:",omitempty"`
	History                                []eventRecord
}

func toEventRecord(e review.Event) eventRecord {
	return eventRecord{At: formatTime(e.At), Actor: e.Actor, Name: e.Name, Action: e.Action, Detail: e.Detail}
}

func (r registrationRecord) registration() review.Registration {
	out := review.Registration{ID: r.ID, OrgID: r.OrgID, OrgName: r.OrgName, TIN: r.TIN, NPI: r.NPI, ProviderName: r.ProviderName,
		Level: review.Level(r.Level), RequestedRole: account.Role(r.RequestedRole), FirstName: r.FirstName, LastName: r.LastName,
		Email: r.Email, Phone: r.Phone, Username: r.Username, PasswordHash: r.PasswordHash, ClaimHash: r.ClaimHash, ClaimMasked: r.ClaimMasked,
		DOBHash: r.DOBHash, DOBMasked: r.DOBMasked, Status: review.Status(r.Status), SubmittedAt: parseTime(r.SubmittedAt),
		VerifiedAt: parseTimeOrZero(r.VerifiedAt), VerifyToken: r.VerifyToken, DecisionToken: r.DecisionToken, Escalated: r.Escalated, UserID: r.UserID,
		NotifiedAt: parseTimeOrZero(r.NotifiedAt), ApprovedByClaim: r.ApprovedByClaim}
	if d := r.Decision; d != nil {
		scope, _ := account.ParseScope(d.Scope)
		out.Decision = &review.Decision{Kind: d.Kind, Role: account.Role(d.Role), Scope: scope, Reason: d.Reason, Note: d.Note, By: d.By, ByName: d.ByName, At: parseTime(d.At)}
	}
	for _, e := range r.History {
		out.History = append(out.History, review.Event{At: parseTime(e.At), Actor: e.Actor, Name: e.Name, Action: e.Action, Detail: e.Detail})
	}
	return out
}

// registrationOwner is the Owner of a username claim held by a pending registration.
func registrationOwner(id string) string { return "registration:" + id }

// CreateRegistration stores the request with its username claim, its id
// pointer and its verification link in one transaction.
func (s *Store) CreateRegistration(ctx context.Context, r review.Registration, linkHash string, linkExpires time.Time) error {
	submitted := formatTime(r.SubmittedAt)
	rec := registrationRecord{
		PK: orgPK(r.OrgID), SK: registrationSK(r.ID), GSI1PK: orgEntriesGSI1(r.OrgID), GSI1SK: submitted + "#" + r.ID,
		GSI2PK: orgEntriesByStatusGSI2(r.OrgID, string(r.Status)), GSI2SK: submitted + "#" + r.ID, Type: "Registration",
		ID: r.ID, OrgID: r.OrgID, OrgName: r.OrgName, TIN: r.TIN, NPI: r.NPI, ProviderName: r.ProviderName, Level: string(r.Level),
		RequestedRole: string(r.RequestedRole), FirstName: r.FirstName, LastName: r.LastName, Email: r.Email, Phone: r.Phone,
		Username: r.Username, PasswordHash: r.PasswordHash, ClaimHash: r.ClaimHash, ClaimMasked: r.ClaimMasked, DOBHash: r.DOBHash,
		DOBMasked: r.DOBMasked, Status: string(r.Status), SubmittedAt: submitted,
	}
	for _, e := range r.History {
		rec.History = append(rec.History, toEventRecord(e))
	}
	claim, err := s.putNewTx(uniqueRecord{PK: usernamePK(r.Username), SK: skUsername, Type: "UsernameClaim", Owner: registrationOwner(r.ID)})
	if err != nil {
		return err
	}
	item, err := s.putNewTx(rec)
	if err != nil {
		return err
	}
	pointer, err := s.putNewTx(uniqueRecord{PK: registrationPK(r.ID), SK: skRegistration, Type: "RegistrationPointer", Owner: string(r.OrgID)})
	if err != nil {
		return err
	}
	link, err := s.putNewTx(linkRecord{PK: linkPK(linkHash), SK: skLink, Type: "Link", Purpose: "verify-registration", OrgID: r.OrgID,
		TargetID: r.ID, ExpiresAt: formatTime(linkExpires), TTL: ttl(linkExpires.Add(linkGrace))})
	if err != nil {
		return err
	}
	err = s.transact(ctx, "create registration", []types.TransactWriteItem{claim, item, pointer, link})
	if failedAt(err, 0) {
		return account.ErrUsernameTaken
	}
	return err
}

// DiscardRegistration deletes what CreateRegistration wrote, in one
// transaction; the username claim only while this registration holds it.
func (s *Store) DiscardRegistration(ctx context.Context, r review.Registration, linkHash string) error {
	del := func(pk, sk string) types.TransactWriteItem {
		return types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: key(pk, sk)}}
	}
	claim := types.TransactWriteItem{Delete: &types.Delete{
		TableName: &s.table, Key: key(usernamePK(r.Username), skUsername),
		ConditionExpression:       aws.String("#owner = :reg"),
		ExpressionAttributeNames:  map[string]string{"#owner": "Owner"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":reg": str(registrationOwner(r.ID))},
	}}
	return s.transact(ctx, "discard registration", []types.TransactWriteItem{
		claim, del(orgPK(r.OrgID), registrationSK(r.ID)), del(registrationPK(r.ID), skRegistration), del(linkPK(linkHash), skLink),
	})
}

// GetRegistration reads one registration of an org.
func (s *Store) GetRegistration(ctx context.Context, orgID ident.OrgID, id string) (review.Registration, error) {
	return getAs(ctx, s, "get registration", orgPK(orgID), registrationSK(id), registrationRecord.registration)
}

// RegistrationOrg follows the id pointer to the registration's org.
func (s *Store) RegistrationOrg(ctx context.Context, id string) (ident.OrgID, error) {
	return s.ownerOrg(ctx, "get registration pointer", registrationPK(id), skRegistration)
}

// RegistrationByVerifyLink follows a verification link to its registration.
func (s *Store) RegistrationByVerifyLink(ctx context.Context, linkHash string) (review.Registration, time.Time, error) {
	var l linkRecord
	if err := s.getItem(ctx, "get verification link", linkPK(linkHash), skLink, &l); err != nil {
		return review.Registration{}, time.Time{}, err
	}
	if l.Purpose != "verify-registration" {
		return review.Registration{}, time.Time{}, fault.ErrNotFound
	}
	r, err := s.GetRegistration(ctx, l.OrgID, l.TargetID)
	return r, parseTime(l.ExpiresAt), err
}

// update runs one conditional UpdateItem on a registration and returns the
// item after it; a failed condition is fault.ErrConflict.
func (s *Store) updateRegistration(ctx context.Context, op string, orgID ident.OrgID, id, set, cond string, names map[string]string, values map[string]types.AttributeValue) (review.Registration, error) {
	if strings.Contains(set+cond, "#status") {
		if names == nil {
			names = map[string]string{}
		}
		names["#status"] = "Status"
	}
	res, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(orgPK(orgID), registrationSK(id)),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("attribute_exists(PK) AND (" + cond + ")"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ReturnValues:              types.ReturnValueAllNew,
	})
	if err != nil {
		return review.Registration{}, s.wrap(op, err)
	}
	var r registrationRecord
	if err := attributevalue.UnmarshalMap(res.Attributes, &r); err != nil {
		return review.Registration{}, fmt.Errorf("%s: %w", op, err)
	}
	return r.registration(), nil
}

func eventValue(ev review.Event) (types.AttributeValue, error) {
	av, err := attributevalue.Marshal([]eventRecord{toEventRecord(ev)})
	if err != nil {
		return nil, fmt.Errorf("marshal event: %w", err)
	}
	return av, nil
}

// statusValues are the values of a status change: the status, its GSI2
// partition (the console's filter) and the history line.
func statusValues(orgID ident.OrgID, status review.Status, ev review.Event, more map[string]types.AttributeValue) (map[string]types.AttributeValue, error) {
	evv, err := eventValue(ev)
	if err != nil {
		return nil, err
	}
	v := map[string]types.AttributeValue{":new": str(string(status)), ":g2": str(orgEntriesByStatusGSI2(orgID, string(status))), ":ev": evv}
	for k, x := range more {
		v[k] = x
	}
	return v, nil
}

const setStatus = "SET #status = :new, GSI2PK = :g2, History = list_append(History, :ev)"

// MarkVerified sets VerifiedAt on a request that still waits for it, then deletes the link.
func (s *Store) MarkVerified(ctx context.Context, r review.Registration, linkHash string, ev review.Event) (review.Registration, error) {
	evv, err := eventValue(ev)
	if err != nil {
		return review.Registration{}, err
	}
	out, err := s.updateRegistration(ctx, "verify registration", r.OrgID, r.ID,
		"SET VerifiedAt = :at, History = list_append(History, :ev)",
		"#status = :pending AND attribute_not_exists(VerifiedAt)", nil,
		map[string]types.AttributeValue{":at": str(formatTime(ev.At)), ":ev": evv, ":pending": str(string(review.StatusPendingEmail))})
	if err != nil {
		return review.Registration{}, err
	}
	// The link is dead already (VerifiedAt is set); deleting it is tidiness.
	_, _ = s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key(linkPK(linkHash), skLink)})
	return out, nil
}

// SetVerifyToken stores AwaitVerification's task token.
func (s *Store) SetVerifyToken(ctx context.Context, orgID ident.OrgID, id, token string) (review.Registration, error) {
	r, err := s.updateRegistration(ctx, "store verification task token", orgID, id, "SET VerifyToken = :t", "attribute_exists(SK)", nil,
		map[string]types.AttributeValue{":t": str(token)})
	if errors.Is(err, fault.ErrConflict) {
		return review.Registration{}, fault.ErrNotFound
	}
	return r, err
}

// ExpireVerification invalidates an unverified request and drops its password hash.
func (s *Store) ExpireVerification(ctx context.Context, orgID ident.OrgID, id string, ev review.Event) error {
	v, err := statusValues(orgID, review.StatusInvalidated, ev, map[string]types.AttributeValue{":pending": str(string(review.StatusPendingEmail))})
	if err != nil {
		return err
	}
	_, err = s.updateRegistration(ctx, "expire verification", orgID, id, setStatus+" REMOVE PasswordHash, VerifyToken",
		"#status = :pending AND attribute_not_exists(VerifiedAt)", nil, v)
	return err
}

// SetAutoApproved moves a verified request to AUTO-APPROVED and records the
// claim reference that approved it (ApprovedByClaim: its sort key).
func (s *Store) SetAutoApproved(ctx context.Context, orgID ident.OrgID, id string, by review.ClaimReference, ev review.Event) error {
	v, err := statusValues(orgID, review.StatusAutoApproved, ev, map[string]types.AttributeValue{
		":pending": str(string(review.StatusPendingEmail)), ":claim": str(claimRefSK(by.Hash, by.NPI)),
	})
	if err != nil {
		return err
	}
	_, err = s.updateRegistration(ctx, "auto-approve registration", orgID, id, setStatus+", ApprovedByClaim = :claim",
		"#status = :pending AND attribute_exists(VerifiedAt)", nil, v)
	return err
}

// AwaitDecision opens a verified request for review with the decision task token.
func (s *Store) AwaitDecision(ctx context.Context, orgID ident.OrgID, id string, status review.Status, token string, escalated bool, ev review.Event) (review.Registration, error) {
	v, err := statusValues(orgID, status, ev, map[string]types.AttributeValue{
		":t": str(token), ":esc": &types.AttributeValueMemberBOOL{Value: escalated}, ":pending": str(string(review.StatusPendingEmail)),
	})
	if err != nil {
		return review.Registration{}, err
	}
	// An escalated request enters ops's sparse GSI3 partition (sorted like
	// the console: submitted time, id); a claimed decision or the timeout
	// takes it out again.
	set := setStatus + ", DecisionToken = :t, Escalated = :esc REMOVE GSI3PK, GSI3SK"
	if escalated {
		set = setStatus + ", DecisionToken = :t, Escalated = :esc, GSI3PK = :g3, GSI3SK = GSI1SK"
		v[":g3"] = str(escalatedGSI3)
	}
	return s.updateRegistration(ctx, "open registration for review", orgID, id, set,
		"(#status = :pending AND attribute_exists(VerifiedAt) OR #status = :new) AND attribute_not_exists(Decision)", nil, v)
}

// ClaimDecision records the one decision: it succeeds only while the
// request is pending and undecided, so of many concurrent decisions one wins.
// The decision's audit entry a is written in the same transaction; the
// registration is then read back (a transaction returns no item).
func (s *Store) ClaimDecision(ctx context.Context, r review.Registration, d review.Decision, status review.Status, ev review.Event, a audit.Entry) (review.Registration, error) {
	dr := decisionRecord{Kind: d.Kind, Role: string(d.Role), Reason: d.Reason, Note: d.Note, By: d.By, ByName: d.ByName, At: formatTime(d.At)}
	if d.Kind == review.DecisionModify {
		dr.Scope = d.Scope.String()
	}
	dv, err := attributevalue.Marshal(dr)
	if err != nil {
		return review.Registration{}, fmt.Errorf("claim decision: %w", err)
	}
	v, err := statusValues(r.OrgID, status, ev, map[string]types.AttributeValue{":d": dv, ":was": str(string(r.Status))})
	if err != nil {
		return review.Registration{}, err
	}
	set := setStatus + ", Decision = :d REMOVE GSI3PK, GSI3SK"
	if status == review.StatusDeclined {
		set += ", PasswordHash"
	}
	ai, err := s.auditItem(a)
	if err != nil {
		return review.Registration{}, err
	}
	claim := types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(orgPK(r.OrgID), registrationSK(r.ID)),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("attribute_exists(PK) AND (#status = :was AND attribute_not_exists(Decision))"),
		ExpressionAttributeNames:  map[string]string{"#status": "Status"},
		ExpressionAttributeValues: v,
	}}
	if err := s.transact(ctx, "claim decision", []types.TransactWriteItem{claim, ai}); err != nil {
		return review.Registration{}, err
	}
	var rec registrationRecord
	if err := s.getItem(ctx, "claimed registration", orgPK(r.OrgID), registrationSK(r.ID), &rec); err != nil {
		return review.Registration{}, err
	}
	return rec.registration(), nil
}

// ExpireReview invalidates a request nobody decided.
func (s *Store) ExpireReview(ctx context.Context, orgID ident.OrgID, id string, ev review.Event) error {
	v, err := statusValues(orgID, review.StatusInvalidated, ev, map[string]types.AttributeValue{
		":p1": str(string(review.StatusPendingAdmin)), ":p2": str(string(review.StatusPendingProvAdmin)),
	})
	if err != nil {
		return err
	}
	_, err = s.updateRegistration(ctx, "expire review", orgID, id, setStatus+" REMOVE PasswordHash, GSI3PK, GSI3SK",
		"#status IN (:p1, :p2) AND attribute_not_exists(Decision)", nil, v)
	return err
}

// Provision moves the username claim from the registration to the new
// user, creates the user and membership, and records the user on the
// registration, in one transaction (index 0: the claim; 4: the registration).
func (s *Store) Provision(ctx context.Context, r review.Registration, u account.User, m account.Membership, ev review.Event) error {
	user, err := s.putNewTx(toUserRecord(u))
	if err != nil {
		return err
	}
	// The membership with the user list's copy, like every other way in.
	member, err := s.newMembershipItems(m, u)
	if err != nil {
		return err
	}
	evv, err := eventValue(ev)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: &s.table, Key: key(usernamePK(r.Username), skUsername),
			UpdateExpression:          aws.String("SET #owner = :user"),
			ConditionExpression:       aws.String("#owner = :reg"),
			ExpressionAttributeNames:  map[string]string{"#owner": "Owner"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":user": str(u.ID), ":reg": str(registrationOwner(r.ID))},
		}},
		user, member[0], member[1],
		{Update: &types.Update{
			TableName: &s.table, Key: key(orgPK(r.OrgID), registrationSK(r.ID)),
			UpdateExpression:          aws.String("SET UserID = :user, History = list_append(History, :ev) REMOVE PasswordHash"),
			ConditionExpression:       aws.String("attribute_exists(PK) AND attribute_not_exists(UserID)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":user": str(u.ID), ":ev": evv},
		}},
	}
	return s.transact(ctx, "provision registration", items)
}

// ReleaseUsername deletes the username claim if this registration still holds it.
func (s *Store) ReleaseUsername(ctx context.Context, r review.Registration) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.table, Key: key(usernamePK(r.Username), skUsername),
		ConditionExpression:       aws.String("#owner = :reg"),
		ExpressionAttributeNames:  map[string]string{"#owner": "Owner"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":reg": str(registrationOwner(r.ID))},
	})
	if err = s.wrap("release username", err); errors.Is(err, fault.ErrConflict) {
		return nil // released already, or never this registration's
	}
	return err
}

// MarkNotified sets NotifiedAt (and adds the history line) unless it is set.
func (s *Store) MarkNotified(ctx context.Context, orgID ident.OrgID, id string, ev review.Event) error {
	evv, err := eventValue(ev)
	if err != nil {
		return err
	}
	_, err = s.updateRegistration(ctx, "mark registrant notified", orgID, id, "SET NotifiedAt = :at, History = list_append(History, :ev)",
		"attribute_not_exists(NotifiedAt)", nil, map[string]types.AttributeValue{":at": str(formatTime(ev.At)), ":ev": evv})
	return err
}

// ListEntries pages the console: every entry (GSI1 ORG#<org>#ENTRIES) or one
// status (GSI2 ORG#<org>#ENTRIES#<status>), newest first. Invites and
// registrations share the partitions, so one Query merges them by time.
func (s *Store) ListEntries(ctx context.Context, orgID ident.OrgID, status review.Status, limit int, cursor string) ([]review.Entry, string, error) {
	index, pkAttr, pk := "GSI1", attrGSI1PK, orgEntriesGSI1(orgID)
	if status != "" {
		index, pkAttr, pk = "GSI2", "GSI2PK", orgEntriesByStatusGSI2(orgID, string(status))
	}
	start, err := decodeCursor(cursor, pkAttr, pk)
	if err != nil {
		return nil, "", err
	}
	res, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String(index),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": pkAttr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(int32(limit)),
		ExclusiveStartKey:         start,
	})
	if err != nil {
		return nil, "", s.wrap("list registrations", err)
	}
	out := make([]review.Entry, 0, len(res.Items))
	for _, item := range res.Items {
		e, err := entryFromItem(item)
		if err != nil {
			return nil, "", err
		}
		out = append(out, e)
	}
	return out, encodeCursor(res.LastEvaluatedKey), nil
}

func entryFromItem(item map[string]types.AttributeValue) (review.Entry, error) {
	t, _ := item["Type"].(*types.AttributeValueMemberS)
	if t != nil && t.Value == "Invite" {
		var r inviteRecord
		if err := attributevalue.UnmarshalMap(item, &r); err != nil {
			return review.Entry{}, fmt.Errorf("list registrations: %w", err)
		}
		inv := r.invite()
		e := review.Entry{ID: inv.ID, Kind: "invite", Status: review.Status(inv.Status), CreatedAt: inv.CreatedAt, Level: review.LevelOrg,
			NPI: inv.Scope.NPI, Role: inv.Role, Email: inv.Email, RequestedBy: inv.InvitedBy}
		if e.NPI != "" {
			e.Level = review.LevelProvider
		}
		return e, nil
	}
	var r registrationRecord
	if err := attributevalue.UnmarshalMap(item, &r); err != nil {
		return review.Entry{}, fmt.Errorf("list registrations: %w", err)
	}
	return review.Entry{ID: r.ID, Kind: "registration", Status: review.Status(r.Status), CreatedAt: parseTime(r.SubmittedAt), Level: review.Level(r.Level),
		NPI: r.NPI, Role: account.Role(r.RequestedRole), Email: r.Email, FirstName: r.FirstName, LastName: r.LastName}, nil
}

// ListEscalated pages the registrations escalated to ops and still pending,
// newest first (the sparse GSI3 partition ESCALATED).
func (s *Store) ListEscalated(ctx context.Context, limit int, cursor string) ([]review.Registration, string, error) {
	p := partition{op: "list escalated registrations", index: "GSI3", pk: escalatedGSI3, newestFirst: true}
	return listPage(ctx, s, p, limit, cursor, registrationRecord.registration)
}

// ClaimReferenceExists looks a claim hash up with one GetItem: for an NPI,
// a claim recorded for that provider; for "" (a TIN-level request), a claim
// recorded for the office as a whole. A claim of one provider never
// approves a request for another provider or for the whole office.
func (s *Store) ClaimReferenceExists(ctx context.Context, orgID ident.OrgID, npi, hash string) (bool, error) {
	var r struct{ PK string }
	err := s.getItem(ctx, "get claim reference", orgPK(orgID), claimRefSK(hash, npi), &r)
	if errors.Is(err, fault.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

type claimRefRecord struct {
	PK, SK string
	Type   string
	NPI    string `dynamodbav:",omitempty"`
}

// PutClaimReferences stores claim hashes, 100 per TransactWriteItems (the
// functions' IAM grants item writes, no batch writes). Refs are distinct;
// storing one again overwrites it with itself.
func (s *Store) PutClaimReferences(ctx context.Context, refs []review.ClaimReference) error {
	for i := 0; i < len(refs); i += 100 {
		var items []types.TransactWriteItem
		for _, ref := range refs[i:min(i+100, len(refs))] {
			item, err := marshal(claimRefRecord{PK: orgPK(ref.OrgID), SK: claimRefSK(ref.Hash, ref.NPI), Type: "ClaimReference", NPI: ref.NPI})
			if err != nil {
				return err
			}
			items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item}})
		}
		if err := s.transact(ctx, "import claim references", items); err != nil {
			return err
		}
	}
	return nil
}

// OrgIDByTIN resolves a TIN to its org through the TIN claim item.
func (s *Store) OrgIDByTIN(ctx context.Context, tin string) (ident.OrgID, error) {
	var r uniqueRecord
	if err := s.getItem(ctx, "get TIN", tinPK(tin), skTIN, &r); err != nil {
		return "", err
	}
	return ident.OrgID(r.Owner), nil
}

// OrgMembers lists every membership of an org (GSI1 ORG#<org>#MEMBERS).
func (s *Store) OrgMembers(ctx context.Context, orgID ident.OrgID) ([]account.Membership, error) {
	var (
		out   []account.Membership
		start map[string]types.AttributeValue
	)
	for {
		res, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName: &s.table, IndexName: aws.String("GSI1"),
			KeyConditionExpression:    aws.String("GSI1PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(orgMembersGSI1(orgID))},
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return nil, s.wrap("list org members", err)
		}
		var recs []membershipRecord
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &recs); err != nil {
			return nil, fmt.Errorf("list org members: %w", err)
		}
		for _, r := range recs {
			out = append(out, r.membership())
		}
		if res.LastEvaluatedKey == nil {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
}
