package stack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/app"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/org"
	"github.com/gatehouse-dev/gatehouse/internal/password"
)

// The demo org and administrator seeded on a first local run. The password is
// public on purpose: it exists only in a local, loopback-only stack.
const (
	DemoOrgName  = "Demo Family Practice"
	DemoTIN      = "123456789"
	DemoUsername = "demo.admin"
	DemoPassword = "gatehouse-demo-password"
	DemoEmail    = "demo.admin@demo-practice.example"
)

// DemoProviders are the demo org's two individual providers.
var DemoProviders = []org.Provider{{NPI: "1234567893", Name: "Dr. Ada Lovelace"}, {NPI: "1245319599", Name: "Dr. Grace Hopper"}}

// SeedDemo creates the demo org and its site administrator unless they exist.
// It reports whether it created them.
func SeedDemo(ctx context.Context, a *app.App) (bool, error) {
	o, err := a.Orgs.Create(ctx, org.CreateInput{Name: DemoOrgName, TIN: DemoTIN, Providers: DemoProviders})
	if errors.Is(err, org.ErrTINTaken) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("seed demo org: %w", err)
	}
	hash, err := password.Hash(DemoPassword, password.OWASP)
	if err != nil {
		return false, err
	}
	now := time.Now().UTC()
	u := account.User{ID: ident.New(), Username: DemoUsername, FirstName: "Demo", LastName: "Administrator", Email: DemoEmail, PasswordHash: hash, CreatedAt: now}
	m := account.Membership{UserID: u.ID, OrgID: o.ID, OrgName: o.Name, Role: account.RoleSiteAdmin, Scope: account.OrgScope, Active: true, CreatedAt: now}
	if err := a.Store.CreateUser(ctx, u, m); err != nil && !fault.Is(err, "username_taken") {
		return false, fmt.Errorf("seed demo administrator: %w", err)
	}
	return true, nil
}
