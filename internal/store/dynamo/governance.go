package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/governance"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/member"
)

var _ governance.Store = (*Store)(nil)

// ticketRecord is a support ticket on its office's partition. Privilege
// changes are also on the sparse GSI3 by status, for ops.
type ticketRecord struct {
	PK, SK          string
	Type            string
	GSI3PK          string `dynamodbav:",omitempty"`
	GSI3SK          string `dynamodbav:",omitempty"`
	ID              string
	OrgID           ident.OrgID
	Kind            string
	Subject         string
	Body            string
	Status          string
	FiledBy         string
	FiledByUsername string
	CreatedAt       string
	UpdatedAt       string
	ChangeUserID    string `dynamodbav:",omitempty"`
	ChangeGrant     string `dynamodbav:",omitempty"`
	ChangeAction    string `dynamodbav:",omitempty"`
	DecisionNote    string `dynamodbav:",omitempty"`
	DecidedAt       string `dynamodbav:",omitempty"`
	Rev             int
}

func toTicketRecord(t governance.Ticket) ticketRecord {
	r := ticketRecord{PK: orgPK(t.OrgID), SK: ticketSK(t.ID), Type: "Ticket", ID: t.ID, OrgID: t.OrgID, Kind: string(t.Kind),
		Subject: t.Subject, Body: t.Body, Status: string(t.Status), FiledBy: t.FiledBy, FiledByUsername: t.FiledByUsername,
		CreatedAt: formatTime(t.CreatedAt), UpdatedAt: formatTime(t.UpdatedAt), DecisionNote: t.DecisionNote,
		DecidedAt: formatTimePtr(t.DecidedAt), Rev: t.Rev}
	if c := t.Change; c != nil {
		r.ChangeUserID, r.ChangeGrant, r.ChangeAction = c.UserID, string(c.Grant), string(c.Action)
		r.GSI3PK, r.GSI3SK = privilegeTicketsGSI3(string(t.Status)), r.CreatedAt+"#"+t.ID
	}
	return r
}

func (r ticketRecord) ticket() governance.Ticket {
	t := governance.Ticket{ID: r.ID, OrgID: r.OrgID, Kind: governance.Kind(r.Kind), Subject: r.Subject, Body: r.Body,
		Status: governance.Status(r.Status), FiledBy: r.FiledBy, FiledByUsername: r.FiledByUsername, CreatedAt: parseTime(r.CreatedAt),
		UpdatedAt: parseTime(r.UpdatedAt), DecisionNote: r.DecisionNote, DecidedAt: parseTimePtr(r.DecidedAt), Rev: r.Rev}
	if r.ChangeUserID != "" {
		t.Change = &governance.PrivilegeChange{UserID: r.ChangeUserID, Grant: governance.Grant(r.ChangeGrant), Action: governance.Action(r.ChangeAction)}
	}
	return t
}

// CreateTicket writes the ticket, its id → office pointer and the audit entry.
func (s *Store) CreateTicket(ctx context.Context, t governance.Ticket, a audit.Entry) error {
	ti, err := s.putNewTx(toTicketRecord(t))
	if err != nil {
		return err
	}
	pi, err := s.putNewTx(uniqueRecord{PK: ticketPK(t.ID), SK: skTicket, Type: "TicketOrg", Owner: string(t.OrgID)})
	if err != nil {
		return err
	}
	ai, err := s.auditItem(a)
	if err != nil {
		return err
	}
	return s.transact(ctx, "create ticket", []types.TransactWriteItem{ti, pi, ai})
}

// GetTicket reads a ticket of an office.
func (s *Store) GetTicket(ctx context.Context, orgID ident.OrgID, id string) (governance.Ticket, error) {
	return getAs(ctx, s, "get ticket", orgPK(orgID), ticketSK(id), ticketRecord.ticket)
}

// TicketOrg reads the office of a ticket.
func (s *Store) TicketOrg(ctx context.Context, id string) (ident.OrgID, error) {
	return s.ownerOrg(ctx, "get ticket office", ticketPK(id), skTicket)
}

// ListTickets pages through an office's tickets, newest first (ids sort by time).
func (s *Store) ListTickets(ctx context.Context, orgID ident.OrgID, limit int, cursor string) ([]governance.Ticket, string, error) {
	p := partition{op: "list tickets", pk: orgPK(orgID), skPrefix: skTicketPrefix, newestFirst: true}
	return listPage(ctx, s, p, limit, cursor, ticketRecord.ticket)
}

// ListPrivilegeTickets pages through GSI3 PRIVILEGE_TICKETS#<status>, oldest first.
func (s *Store) ListPrivilegeTickets(ctx context.Context, status governance.Status, limit int, cursor string) ([]governance.Ticket, string, error) {
	p := partition{op: "list privilege tickets", index: "GSI3", pk: privilegeTicketsGSI3(string(status))}
	return listPage(ctx, s, p, limit, cursor, ticketRecord.ticket)
}

// ticketSaveItem replaces a ticket read at revision t.Rev.
func (s *Store) ticketSaveItem(t governance.Ticket) (types.TransactWriteItem, error) {
	rec := toTicketRecord(t)
	rec.Rev = t.Rev + 1
	item, err := marshal(rec)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item,
		ConditionExpression:       aws.String("attribute_exists(PK) AND Rev = :rev"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":rev": &types.AttributeValueMemberN{Value: strconv.Itoa(t.Rev)}},
	}}, nil
}

// SaveTicket writes a ticket change with its audit entry.
func (s *Store) SaveTicket(ctx context.Context, t governance.Ticket, a audit.Entry) error {
	ti, err := s.ticketSaveItem(t)
	if err != nil {
		return err
	}
	ai, err := s.auditItem(a)
	if err != nil {
		return err
	}
	return s.transact(ctx, "save ticket", []types.TransactWriteItem{ti, ai})
}

// ApplyPrivilegeChange writes an approved privilege change in one
// transaction: the ticket (only if unchanged since read), the memberships
// (each at the revision read, with their list copies), the checks that the
// kept site administrators still are, and the audit entry. The user item
// is not written: a privilege lives on the membership.
func (s *Store) ApplyPrivilegeChange(ctx context.Context, p governance.PrivilegeApply) error {
	ti, err := s.ticketSaveItem(p.Ticket)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{ti}
	ms, err := s.revisedMembershipItems(p.User, p.Memberships)
	if err != nil {
		return err
	}
	items = append(items, ms...)
	keepFrom := len(items)
	items = append(items, s.keepSiteAdminChecks(p.KeepSiteAdmins)...)
	keepTo := len(items)
	ai, err := s.auditItem(p.Audit)
	if err != nil {
		return err
	}
	items = append(items, ai)
	err = s.transact(ctx, "apply privilege change", items)
	if failedAt(err, 0) {
		return governance.ErrTicketDecided
	}
	for i := keepFrom; i < keepTo; i++ {
		if failedAt(err, i) {
			return member.ErrKeepSiteAdminGone
		}
	}
	return err
}

// SiteAdmins lists every site-administrator membership of an office
// (GSI1 ORG#<org>#MEMBERS begins ROLE#site-admin#, with the list copy of
// the login's lock and delete).
func (s *Store) SiteAdmins(ctx context.Context, orgID ident.OrgID) ([]governance.SiteAdmin, error) {
	var out []governance.SiteAdmin
	in := &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression: aws.String("GSI1PK = :pk AND begins_with(GSI1SK, :role)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(orgMembersGSI1(orgID)), ":role": str(memberRoleGSI1(string(account.RoleSiteAdmin))),
		},
	}
	now := time.Now()
	for {
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, s.wrap("list site administrators", err)
		}
		var recs []membershipRecord
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &recs); err != nil {
			return nil, fmt.Errorf("list site administrators: %w", err)
		}
		for _, r := range recs {
			l := r.listing(now)
			out = append(out, governance.SiteAdmin{UserID: r.UserID, Active: r.Active, Locked: l.Locked, Deleted: l.Deleted})
		}
		if res.LastEvaluatedKey == nil {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// emergencyKeep is how long emergency requests are kept.
const emergencyKeep = 180 * 24 * time.Hour

type emergencyRecord struct {
	PK, SK     string
	Type       string
	ID         string
	TIN        string
	OrgID      ident.OrgID `dynamodbav:",omitempty"`
	Name       string
	Email      string
	Phone      string `dynamodbav:",omitempty"`
	Message    string
	ReceivedAt string
	TTL        int64
	// Every request is on GSI3 EMERGENCIES, newest first, for ops.
	GSI3PK, GSI3SK string
}

func (r emergencyRecord) request() governance.EmergencyRequest {
	return governance.EmergencyRequest{ID: r.ID, TIN: r.TIN, OrgID: r.OrgID, Name: r.Name, Email: r.Email, Phone: r.Phone,
		Message: r.Message, ReceivedAt: parseTime(r.ReceivedAt)}
}

// PutEmergencyRequest keeps one emergency request for ops (TTL 180 days).
func (s *Store) PutEmergencyRequest(ctx context.Context, e governance.EmergencyRequest) error {
	return s.putNew(ctx, "put emergency request", emergencyRecord{PK: emergencyPK(e.ID), SK: skEmergency, Type: "Emergency", ID: e.ID,
		TIN: e.TIN, OrgID: e.OrgID, Name: e.Name, Email: e.Email, Phone: e.Phone, Message: e.Message,
		ReceivedAt: formatTime(e.ReceivedAt), TTL: ttl(e.ReceivedAt.Add(emergencyKeep)),
		GSI3PK: emergenciesGSI3, GSI3SK: formatTime(e.ReceivedAt) + "#" + e.ID})
}

// ListEmergencyRequests pages through GSI3 EMERGENCIES, newest first.
func (s *Store) ListEmergencyRequests(ctx context.Context, limit int, cursor string) ([]governance.EmergencyRequest, string, error) {
	p := partition{op: "list emergency requests", index: "GSI3", pk: emergenciesGSI3, newestFirst: true}
	return listPage(ctx, s, p, limit, cursor, emergencyRecord.request)
}

// CountInWindow counts one hit of key in the fixed window that starts at
// start, if fewer than max were counted there: one conditional UpdateItem
// on an item that expires with the window (the emergency form's limiter).
func (s *Store) CountInWindow(ctx context.Context, counter string, start time.Time, window time.Duration, max int) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(ratePK(counter, formatTime(start)), skRate),
		UpdateExpression:         aws.String("ADD Hits :one SET #ttl = :ttl"),
		ConditionExpression:      aws.String("attribute_not_exists(Hits) OR Hits < :max"),
		ExpressionAttributeNames: map[string]string{"#ttl": "TTL"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": &types.AttributeValueMemberN{Value: "1"}, ":max": &types.AttributeValueMemberN{Value: strconv.Itoa(max)},
			":ttl": &types.AttributeValueMemberN{Value: strconv.FormatInt(ttl(start.Add(2*window)), 10)},
		},
	})
	err = s.wrap("count rate", err)
	if errors.Is(err, fault.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}
