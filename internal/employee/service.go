package employee

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Service keeps an org's employees: the JSON routes and the portal's pages
// both go through it.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns a Service; it does no I/O.
func NewService(store Store, now func() time.Time) *Service { return &Service{store: store, now: now} }

// List pages through an org's employees.
func (s *Service) List(ctx context.Context, orgID ident.OrgID, limit int, cursor string) ([]Employee, string, error) {
	es, next, err := s.store.ListEmployees(ctx, orgID, limit, cursor)
	if err != nil {
		return nil, "", fmt.Errorf("list employees: %w", err)
	}
	return es, next, nil
}

// searchPages bounds how many pages one search reads.
const searchPages = 20

// Search finds the active employees without a user account whose last name
// starts with lastName (any case), for adding a user (seed 001 part three):
// at most limit of them, reading at most searchPages pages.
func (s *Service) Search(ctx context.Context, orgID ident.OrgID, lastName string, limit int) ([]Employee, error) {
	want := strings.ToLower(strings.TrimSpace(lastName))
	var out []Employee
	cursor := ""
	for range searchPages {
		es, next, err := s.store.ListEmployees(ctx, orgID, 200, cursor)
		if err != nil {
			return nil, fmt.Errorf("search employees: %w", err)
		}
		for _, e := range es {
			if e.Active && e.UserID == "" && strings.HasPrefix(strings.ToLower(e.LastName), want) {
				out = append(out, e)
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return out, nil
}

// Get reads one employee of the org.
func (s *Service) Get(ctx context.Context, orgID ident.OrgID, id string) (Employee, error) {
	if id == "" || len(id) > 64 {
		return Employee{}, ErrNotFound
	}
	e, err := s.store.GetEmployee(ctx, orgID, id)
	if errors.Is(err, fault.ErrNotFound) {
		return Employee{}, ErrNotFound
	}
	if err != nil {
		return Employee{}, fmt.Errorf("read employee %s: %w", id, err)
	}
	return e, nil
}

// Create adds a `manual` (out of practice) employee to the caller's org.
func (s *Service) Create(ctx context.Context, c caller.Caller, in Input) (Employee, error) {
	orgID, who := c.Org, audit.ActorOf(c)
	now := s.now().UTC()
	e := Employee{ID: ident.New(), OrgID: orgID, Source: SourceManual, Active: true, CreatedAt: now}
	if err := in.apply(&e); err != nil {
		return Employee{}, err
	}
	if err := s.store.CreateEmployee(ctx, e, who.Entry(orgID, audit.ActionEmployeeCreate, "employee:"+e.ID, now)); err != nil {
		return Employee{}, fmt.Errorf("create employee: %w", err)
	}
	return e, nil
}

// Update edits a `manual` employee of the caller's org; `pms` ones are read-only here.
func (s *Service) Update(ctx context.Context, c caller.Caller, id string, in Input) (Employee, error) {
	orgID, who := c.Org, audit.ActorOf(c)
	e, err := s.Get(ctx, orgID, id)
	if err != nil {
		return Employee{}, err
	}
	if e.Source == SourcePMS {
		return Employee{}, ErrReadOnly
	}
	if err := in.apply(&e); err != nil {
		return Employee{}, err
	}
	err = s.store.SaveEmployee(ctx, e, who.Entry(orgID, audit.ActionEmployeeUpdate, "employee:"+id, s.now()))
	if errors.Is(err, fault.ErrConflict) {
		return Employee{}, ErrChanged
	}
	if err != nil {
		return Employee{}, fmt.Errorf("save employee %s: %w", id, err)
	}
	e.Rev++
	return e, nil
}
