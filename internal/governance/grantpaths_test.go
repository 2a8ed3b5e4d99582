package governance_test

import (
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// TestNoOtherPathGrantsSiteAdministratorOrSupport walks every route that
// could make someone a site administrator or a support user, or take it
// away, other than a privilege-change ticket (F22): each refuses with 403
// privilege_ticket_required and changes nothing. (Registration decisions,
// by an administrator and by ops, are refused in internal/review's tests.)
func TestNoOtherPathGrantsSiteAdministratorOrSupport(t *testing.T) {
	w := newWorld(t)
	o := w.office("Paths Clinic")
	second := w.member(o, "provider-admin")
	w.grant(o, second.ID, "site-admin", "add")
	second.Token = w.Login(second.Username, stacktest.MemberPassword) // a site administrator enrols a second factor
	staff := w.member(o, "portal-user")
	w.age(staff.ID, 7)

	// An unused site administrator invite of the office, as only ops sends
	// (an office's first); an office administrator must not re-send it.
	adminInvite, err := w.App.Invites.Create(t.Context(), invite.CreateInput{OrgID: ident.OrgID(o.id), OrgName: "Paths Clinic", Email: testenv.UniqueEmail("first"),
		Role: account.RoleSiteAdmin, Scope: account.OrgScope, InvitedBy: "ops", InvitedByName: "Gatehouse operations"})
	if err != nil {
		t.Fatal(err)
	}
	paths := []struct {
		name         string
		method, path string
		body         any
	}{
		{"invite a site administrator", "POST", o.path("/invites"), map[string]string{"emails": testenv.UniqueEmail("sa"), "scope": "org", "role": "site-admin"}},
		{"add a user as site administrator", "POST", o.path("/users"), map[string]string{"first_name": "Sam", "last_name": "Admin",
			"email": testenv.UniqueEmail("sa"), "username": unique("sa"), "role": "site-admin", "scope": "org", "credentials": "email-link"}},
		{"edit a role up to site administrator", "PATCH", o.path("/users/" + staff.ID), map[string]string{"role": "site-admin"}},
		{"edit a site administrator's role down", "PATCH", o.path("/users/" + second.ID), map[string]string{"role": "provider-admin"}},
		{"give support as a privilege", "PUT", o.path("/users/" + staff.ID + "/privileges"), map[string]string{"support": "full"}},
		{"re-send the first site administrator's invite", "POST", o.path("/invites/" + adminInvite.ID + "/resend"), nil},
	}
	for _, tc := range paths {
		t.Run(tc.name, func(t *testing.T) {
			r := w.Do(tc.method, tc.path, tc.body, o.admin.Auth()...)
			if r.Status != 403 || r.ErrCode() != "privilege_ticket_required" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	if d := w.user(o, o.admin, staff.ID); d.Body["role"] != "portal-user" || d.Body["support"] != false {
		t.Fatalf("staff changed: %s", d.Raw)
	}
	if d := w.user(o, o.admin, second.ID); d.Body["role"] != "site-admin" {
		t.Fatalf("second site admin changed: %s", d.Raw)
	}
	if g := w.Do("GET", o.path("/governance"), nil, o.admin.Auth()...); g.Body["site_admins_active"] != 2.0 {
		t.Fatalf("governance: %s", g.Raw)
	}
}
