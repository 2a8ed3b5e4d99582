package dynamo

import (
	"context"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

var _ employee.Store = (*Store)(nil)

type employeeRecord struct {
	PK, SK        string
	Type          string
	ID            string
	OrgID         ident.OrgID
	FirstName     string
	LastName      string
	MiddleInitial string `dynamodbav:",omitempty"`
	ProviderType  string `dynamodbav:",omitempty"`
	EmployeeNo    string `dynamodbav:",omitempty"`
	Phone         string `dynamodbav:",omitempty"`
	Fax           string `dynamodbav:",omitempty"`
	Email         string `dynamodbav:",omitempty"`
	Title         string `dynamodbav:",omitempty"`
	Active        bool
	Source        string
	UserID        string `dynamodbav:",omitempty"` // set by CreateMember
	CreatedAt     string
	Rev           int `dynamodbav:",omitempty"`
}

func toEmployeeRecord(e employee.Employee) employeeRecord {
	return employeeRecord{PK: orgPK(e.OrgID), SK: employeeSK(e.ID), Type: "Employee", ID: e.ID, OrgID: e.OrgID, FirstName: e.FirstName,
		LastName: e.LastName, MiddleInitial: e.MiddleInitial, ProviderType: e.ProviderType, EmployeeNo: e.EmployeeNo, Phone: e.Phone,
		Fax: e.Fax, Email: e.Email, Title: e.Title, Active: e.Active, Source: e.Source, UserID: e.UserID, CreatedAt: formatTime(e.CreatedAt), Rev: e.Rev}
}

func (r employeeRecord) employee() employee.Employee {
	return employee.Employee{ID: r.ID, OrgID: r.OrgID, FirstName: r.FirstName, LastName: r.LastName, MiddleInitial: r.MiddleInitial,
		ProviderType: r.ProviderType, EmployeeNo: r.EmployeeNo, Phone: r.Phone, Fax: r.Fax, Email: r.Email, Title: r.Title,
		Active: r.Active, Source: r.Source, UserID: r.UserID, CreatedAt: parseTime(r.CreatedAt), Rev: r.Rev}
}

// CreateEmployee stores a new employee with its audit entry.
func (s *Store) CreateEmployee(ctx context.Context, e employee.Employee, a audit.Entry) error {
	ei, err := s.putNewTx(toEmployeeRecord(e))
	if err != nil {
		return err
	}
	ai, err := s.auditItem(a)
	if err != nil {
		return err
	}
	return s.transact(ctx, "create employee", []types.TransactWriteItem{ei, ai})
}

// GetEmployee reads one employee of the org.
func (s *Store) GetEmployee(ctx context.Context, orgID ident.OrgID, id string) (employee.Employee, error) {
	return getAs(ctx, s, "get employee", orgPK(orgID), employeeSK(id), employeeRecord.employee)
}

// SaveEmployee replaces an employee read at e.Rev, keeping the user link
// that CreateMember may have set since, with its audit entry.
func (s *Store) SaveEmployee(ctx context.Context, e employee.Employee, a audit.Entry) error {
	rec := toEmployeeRecord(e)
	rec.Rev = e.Rev + 1
	item, err := marshal(rec)
	if err != nil {
		return err
	}
	cond, vals := "Rev = :rev", map[string]types.AttributeValue{":rev": &types.AttributeValueMemberN{Value: strconv.Itoa(e.Rev)}}
	if e.Rev == 0 {
		cond, vals = "attribute_exists(PK) AND attribute_not_exists(Rev)", nil
	}
	if e.UserID == "" {
		cond += " AND attribute_not_exists(UserID)"
	}
	ai, err := s.auditItem(a)
	if err != nil {
		return err
	}
	return s.transact(ctx, "save employee", []types.TransactWriteItem{
		{Put: &types.Put{TableName: &s.table, Item: item, ConditionExpression: aws.String(cond), ExpressionAttributeValues: vals}}, ai})
}

// ListEmployees pages through the org's employees (by id, i.e. creation).
func (s *Store) ListEmployees(ctx context.Context, orgID ident.OrgID, limit int, cursor string) ([]employee.Employee, string, error) {
	p := partition{op: "list employees", pk: orgPK(orgID), skPrefix: skEmployeePrefix}
	return listPage(ctx, s, p, limit, cursor, employeeRecord.employee)
}
