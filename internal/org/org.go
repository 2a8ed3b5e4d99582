// Package org holds organizations: a provider office with its tax id (TIN)
// and individual providers (NPI).
package org

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Org is a provider office or practice.
type Org struct {
	ID        ident.OrgID
	Name      string
	TIN       string
	Providers []Provider
	Settings  Settings
	CreatedAt time.Time
}

// Settings are an org's own rules. The zero value is the default.
type Settings struct {
	// RequireMFA makes every member enrol a second factor (F3).
	RequireMFA bool
	// PasswordMinLength is the org's minimum password length, 8-64; 0 means 12 (F4).
	PasswordMinLength int
	// HideTemporaryPassword switches administrator resets to an emailed link
	// only (the contract's admin_sees_temporary_password=false, ASVS 6.4.6).
	HideTemporaryPassword bool
	// CodeWordHash is the argon2id hash of the practice code word (F6); "" when none.
	CodeWordHash string
}

// Provider is an individual provider of an org.
type Provider struct {
	NPI  string `json:"npi"`
	Name string `json:"name"`
}

// HasProvider reports whether npi belongs to the org.
func (o Org) HasProvider(npi string) bool {
	for _, p := range o.Providers {
		if p.NPI == npi {
			return true
		}
	}
	return false
}

// Store keeps organizations.
type Store interface {
	// CreateOrg stores o; it fails with ErrTINTaken when another org has the TIN.
	CreateOrg(ctx context.Context, o Org) error
	GetOrg(ctx context.Context, id ident.OrgID) (Org, error)
	ListOrgs(ctx context.Context, limit int, cursor string) ([]Org, string, error)
	// UpdateOrgSettings replaces the org's settings.
	UpdateOrgSettings(ctx context.Context, orgID ident.OrgID, s Settings) error
}

// ErrTINTaken is returned when an org with the same TIN exists.
var ErrTINTaken = fault.Conflict("tin_taken", "An organization with this TIN already exists.")

// ErrNotFound is the caller-facing not-found for orgs.
var ErrNotFound = fault.NotFound("org_not_found", "No such organization.")

// Service creates and reads organizations.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns a Service.
func NewService(store Store, now func() time.Time) *Service { return &Service{store: store, now: now} }

// CreateInput is what ops gives to create an org.
type CreateInput struct {
	Name      string     `json:"name"`
	TIN       string     `json:"tin"`
	Providers []Provider `json:"providers"`
}

// Create validates and stores a new org.
func (s *Service) Create(ctx context.Context, in CreateInput) (Org, error) {
	fields := map[string]string{}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 200 {
		fields["name"] = "is required, at most 200 characters"
	}
	tin := account.NormalizeTIN(in.TIN)
	if tin == "" {
		fields["tin"] = "must be nine digits"
	}
	seen := map[string]bool{}
	for i, p := range in.Providers {
		key := fmt.Sprintf("providers[%d]", i)
		switch {
		case !account.ValidNPI(p.NPI):
			fields[key+".npi"] = "not a valid NPI (ten digits with a check digit)"
		case seen[p.NPI]:
			fields[key+".npi"] = "listed twice"
		case strings.TrimSpace(p.Name) == "":
			fields[key+".name"] = "is required"
		}
		seen[p.NPI] = true
	}
	if len(fields) > 0 {
		return Org{}, fault.Validation(fields)
	}
	o := Org{ID: ident.NewOrgID(), Name: name, TIN: tin, Providers: in.Providers, CreatedAt: s.now().UTC()}
	if o.Providers == nil {
		o.Providers = []Provider{}
	}
	if err := s.store.CreateOrg(ctx, o); err != nil {
		return Org{}, fmt.Errorf("create org: %w", err)
	}
	return o, nil
}

// Get returns one org.
func (s *Service) Get(ctx context.Context, id ident.OrgID) (Org, error) {
	o, err := s.store.GetOrg(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return Org{}, ErrNotFound
	}
	return o, err
}

// List pages through all orgs (ops only).
func (s *Service) List(ctx context.Context, limit int, cursor string) ([]Org, string, error) {
	return s.store.ListOrgs(ctx, limit, cursor)
}
