package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

var _ org.Store = (*Store)(nil)

type orgRecord struct {
	PK, SK, GSI1PK, GSI1SK string
	Type                   string
	ID                     string
	Name                   string
	TIN                    string
	Providers              []org.Provider
	Settings               orgSettingsRecord
	CreatedAt              string
}

type orgSettingsRecord struct {
	RequireMFA            bool   `dynamodbav:",omitempty"`
	PasswordMinLength     int    `dynamodbav:",omitempty"`
	HideTemporaryPassword bool   `dynamodbav:",omitempty"`
	CodeWordHash          string `dynamodbav:",omitempty"`
}

type uniqueRecord struct {
	PK, SK string
	Type   string
	Owner  string // the id of the item that holds the value
}

func toOrgRecord(o org.Org) orgRecord {
	created := formatTime(o.CreatedAt)
	return orgRecord{PK: orgPK(o.ID), SK: skOrg, GSI1PK: gsi1Orgs, GSI1SK: created + "#" + string(o.ID), Type: "Org",
		ID: string(o.ID), Name: o.Name, TIN: o.TIN, Providers: o.Providers, Settings: orgSettingsRecord(o.Settings), CreatedAt: created}
}

func (r orgRecord) org() org.Org {
	return org.Org{ID: ident.OrgID(r.ID), Name: r.Name, TIN: r.TIN, Providers: r.Providers, Settings: org.Settings(r.Settings), CreatedAt: parseTime(r.CreatedAt)}
}

// CreateOrg stores the org and claims its TIN in one transaction.
func (s *Store) CreateOrg(ctx context.Context, o org.Org) error {
	tin, err := s.putNewTx(uniqueRecord{PK: tinPK(o.TIN), SK: skTIN, Type: "TINClaim", Owner: string(o.ID)})
	if err != nil {
		return err
	}
	rec, err := s.putNewTx(toOrgRecord(o))
	if err != nil {
		return err
	}
	err = s.transact(ctx, "create org", []types.TransactWriteItem{tin, rec})
	if failedAt(err, 0) {
		return org.ErrTINTaken
	}
	return err
}

// GetOrg reads one org.
func (s *Store) GetOrg(ctx context.Context, id ident.OrgID) (org.Org, error) {
	return getAs(ctx, s, "get org", orgPK(id), skOrg, orgRecord.org)
}

// ListOrgs pages through orgs, newest first (GSI1 ORGS).
func (s *Store) ListOrgs(ctx context.Context, limit int, cursor string) ([]org.Org, string, error) {
	p := partition{op: "list orgs", index: "GSI1", pk: gsi1Orgs, newestFirst: true}
	return listPage(ctx, s, p, limit, cursor, orgRecord.org)
}

// UpdateOrgSettings replaces an existing org's settings.
func (s *Store) UpdateOrgSettings(ctx context.Context, orgID ident.OrgID, set org.Settings) error {
	av, err := attributevalue.Marshal(orgSettingsRecord(set))
	if err != nil {
		return fmt.Errorf("update org settings: %w", err)
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(orgPK(orgID), skOrg),
		UpdateExpression:          aws.String("SET Settings = :s"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": av},
	})
	if errors.Is(s.wrap("", err), fault.ErrConflict) {
		return fault.ErrNotFound
	}
	return s.wrap("update org settings", err)
}

// SaveOrgSettings writes the org's settings fields that administrators
// change (not the code word hash, which has its own rotation) with the
// audit entry, in one transaction.
func (s *Store) SaveOrgSettings(ctx context.Context, orgID ident.OrgID, set org.Settings, a audit.Entry) error {
	upd := newUpdate()
	upd.set("Settings.RequireMFA", boolAttr(set.RequireMFA))
	upd.set("Settings.PasswordMinLength", &types.AttributeValueMemberN{Value: strconv.Itoa(set.PasswordMinLength)})
	upd.set("Settings.HideTemporaryPassword", boolAttr(set.HideTemporaryPassword))
	ai, err := s.auditItem(a)
	if err != nil {
		return err
	}
	err = s.transact(ctx, "save org settings", []types.TransactWriteItem{
		{Update: upd.item(&s.table, key(orgPK(orgID), skOrg), "attribute_exists(PK)")}, ai})
	if failedAt(err, 0) {
		return fault.ErrNotFound
	}
	return err
}

// OrgExists reports whether the org exists (the roster sync's check).
func (s *Store) OrgExists(ctx context.Context, id ident.OrgID) (bool, error) {
	_, err := s.GetOrg(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
