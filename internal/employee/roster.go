package employee

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// RosterEntry is one employee as the practice management system sends it
// (pms.roster / EmployeeUpserted, F27). Nil optional fields are left as they are.
type RosterEntry struct {
	OrgID        ident.OrgID
	EmployeeNo   string
	FirstName    string
	LastName     string
	Email        *string
	Phone        *string
	Title        *string
	ProviderType *string
	Active       bool
}

// RosterID is the id of the pms employee with an employee number: derived
// from it, so the employee is found (and created once) by its key alone.
func RosterID(orgID ident.OrgID, employeeNo string) string {
	sum := sha256.Sum256([]byte(string(orgID) + "\x00" + employeeNo))
	return "pms-" + hex.EncodeToString(sum[:16])
}

// Orgs tells whether an org exists.
type Orgs interface {
	OrgExists(ctx context.Context, orgID ident.OrgID) (bool, error)
}

// Roster applies the roster sync: one pms employee per employee number,
// created or updated; the same entry sent twice changes nothing.
type Roster struct {
	store Store
	orgs  Orgs
	now   func() time.Time
}

// NewRoster returns the roster sync; it does no I/O.
func NewRoster(store Store, orgs Orgs, now func() time.Time) *Roster {
	return &Roster{store: store, orgs: orgs, now: now}
}

// ActionEmployeeSync is the audit action of a roster sync write.
const ActionEmployeeSync = "employee.sync"

// ErrNoSuchOrg refuses an entry for an org that does not exist.
var ErrNoSuchOrg = fault.NotFound("org_not_found", "No such organization.")

// Upsert creates or updates the pms employee with in.EmployeeNo.
func (r *Roster) Upsert(ctx context.Context, in RosterEntry) (Employee, error) {
	fields := map[string]string{}
	if in.OrgID == "" {
		fields["org_id"] = "is required"
	}
	if in.EmployeeNo == "" {
		fields["employee_no"] = "is required"
	}
	if len(fields) > 0 {
		return Employee{}, fault.Validation(fields)
	}
	ok, err := r.orgs.OrgExists(ctx, in.OrgID)
	if err != nil {
		return Employee{}, err
	}
	if !ok {
		return Employee{}, ErrNoSuchOrg
	}
	for attempt := 0; ; attempt++ {
		e, err := r.upsertOnce(ctx, in)
		if errors.Is(err, fault.ErrConflict) && attempt < 3 {
			continue // created or changed meanwhile: read it again
		}
		return e, err
	}
}

func (r *Roster) upsertOnce(ctx context.Context, in RosterEntry) (Employee, error) {
	now := r.now().UTC()
	input := Input{FirstName: &in.FirstName, LastName: &in.LastName, EmployeeNo: &in.EmployeeNo, Email: in.Email, Phone: in.Phone,
		Title: in.Title, ProviderType: in.ProviderType, Active: &in.Active}
	e, err := r.store.GetEmployee(ctx, in.OrgID, RosterID(in.OrgID, in.EmployeeNo))
	switch {
	case errors.Is(err, fault.ErrNotFound):
		e = Employee{ID: RosterID(in.OrgID, in.EmployeeNo), OrgID: in.OrgID, Source: SourcePMS, CreatedAt: now}
		if err := input.apply(&e); err != nil {
			return Employee{}, err
		}
		entry := audit.Entry{ID: ident.New(), OrgID: e.OrgID, At: now, Actor: "pms.roster", Action: ActionEmployeeSync, Target: "employee:" + e.ID}
		if err := r.store.CreateEmployee(ctx, e, entry); err != nil {
			return Employee{}, fmt.Errorf("create roster employee: %w", err)
		}
		return e, nil
	case err != nil:
		return Employee{}, fmt.Errorf("read roster employee: %w", err)
	}
	before := e
	if err := input.apply(&e); err != nil {
		return Employee{}, err
	}
	if e == before {
		return e, nil // the same entry again: nothing to write
	}
	entry := audit.Entry{ID: ident.New(), OrgID: e.OrgID, At: now, Actor: "pms.roster", Action: ActionEmployeeSync, Target: "employee:" + e.ID}
	if err := r.store.SaveEmployee(ctx, e, entry); err != nil {
		return Employee{}, fmt.Errorf("save roster employee: %w", err)
	}
	e.Rev++
	return e, nil
}
