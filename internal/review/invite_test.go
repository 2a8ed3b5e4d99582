package review_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestInvitesThroughTheAPI(t *testing.T) {
	o := newOffice(t)
	path := "/v1/orgs/" + o.orgID + "/invites"
	a, b := testenv.UniqueEmail("a"), testenv.UniqueEmail("b")
	many := ""
	for i := 0; i < 51; i++ {
		many += testenv.UniqueEmail("m") + ","
	}
	tests := []struct {
		name   string
		body   map[string]string
		status int
		field  string
		code   string
	}{
		{"every bad address is named", map[string]string{"emails": "ok@x.org, bad, also@bad", "scope": "org", "role": "portal-user"}, 400, "emails[1]", ""},
		{"second bad address", map[string]string{"emails": "ok@x.org, bad, also@bad", "scope": "org", "role": "portal-user"}, 400, "emails[2]", ""},
		{"at most fifty", map[string]string{"emails": many, "scope": "org", "role": "portal-user"}, 400, "emails", ""},
		{"NPI of another office", map[string]string{"emails": a, "scope": "provider:1003000126", "role": "portal-user"}, 400, "scope", ""},
		{"unknown role", map[string]string{"emails": a, "scope": "org", "role": "boss"}, 400, "role", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := o.h.Do("POST", path, tc.body, o.auth()...)
			if r.Status != tc.status || tc.field != "" && r.Field(tc.field) == "" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}

	// Spaces trimmed, duplicates (any case) dropped: two invites, two emails.
	r := o.h.Do("POST", path, map[string]string{"emails": " " + a + " ," + strings.ToUpper(a) + "," + b, "scope": "provider:" + npiAda, "role": "provider-admin"}, o.auth()...)
	items, _ := r.Body["items"].([]any)
	if r.Status != 201 || len(items) != 2 || items[0].(map[string]any)["status"] != "EMAIL-INT" || items[0].(map[string]any)["expires_at"] == nil {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	if len(testenv.Emails(t, a)) != 1 || len(testenv.Emails(t, b)) != 1 {
		t.Fatalf("want one email each")
	}
	tokenA := stacktest.InviteLink.FindStringSubmatch(testenv.Emails(t, a)[0].Body.Text)[1]

	// A provider-scoped administrator cannot invite wider than themselves.
	provAdmin := o.h.SignUp(tokenA, "pa"+o.tin, pw)
	pa := []string{"Authorization", "Bearer " + provAdmin}
	for name, body := range map[string]map[string]string{
		"the whole office":  {"emails": testenv.UniqueEmail("w"), "scope": "org", "role": "portal-user"},
		"another provider":  {"emails": testenv.UniqueEmail("w"), "scope": "provider:" + npiGrace, "role": "portal-user"},
		"a site admin role": {"emails": testenv.UniqueEmail("w"), "scope": "provider:" + npiAda, "role": "site-admin"},
	} {
		if r := o.h.Do("POST", path, body, pa...); r.Status != 403 || r.ErrCode() != "scope_too_wide" {
			t.Errorf("provider admin inviting to %s: %d %s", name, r.Status, r.Raw)
		}
	}

	// Lists by status.
	list := func(q string) []string {
		r := o.h.Do("GET", path+q, nil, o.auth()...)
		var out []string
		for _, it := range r.Body["items"].([]any) {
			out = append(out, it.(map[string]any)["email"].(string)+"="+it.(map[string]any)["status"].(string))
		}
		return out
	}
	if got := list("?status=EMAIL-SUCCESS"); len(got) != 2 || !strings.Contains(strings.Join(got, " "), a) {
		t.Errorf("used invites: %v", got)
	}
	if got := list("?status=EMAIL-INT"); len(got) != 1 || !strings.HasPrefix(got[0], b) {
		t.Errorf("sent invites: %v", got)
	}

	// Resend: a new link; the old one dies.
	idB := items[1].(map[string]any)["id"].(string)
	oldB := stacktest.InviteLink.FindStringSubmatch(testenv.Emails(t, b)[0].Body.Text)[1]
	r = o.h.Do("POST", path+"/"+idB+"/resend", nil, o.auth()...)
	if r.Status != 201 || r.Body["id"] == idB {
		t.Fatalf("resend: %d %s", r.Status, r.Raw)
	}
	if r := o.h.Do("GET", "/v1/invites/"+oldB, nil); r.Status != 404 {
		t.Errorf("old link after resend: %d", r.Status)
	}
	newB := stacktest.InviteLink.FindStringSubmatch(testenv.Emails(t, b)[1].Body.Text)[1]
	if r := o.h.Do("GET", "/v1/invites/"+newB, nil); r.Status != 200 {
		t.Errorf("new link: %d %s", r.Status, r.Raw)
	}
	// Revoke: the link dies; a second revoke finds nothing.
	newID := r.Body["id"].(string)
	if r := o.h.Do("DELETE", path+"/"+newID, nil, o.auth()...); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Raw)
	}
	if r := o.h.Do("GET", "/v1/invites/"+newB, nil); r.Status != 404 {
		t.Errorf("link after revoke: %d", r.Status)
	}
	if r := o.h.Do("DELETE", path+"/"+newID, nil, o.auth()...); r.Status != 404 {
		t.Errorf("second revoke: %d", r.Status)
	}

	// An address that already has a login is told to sign in first, and
	// accepting with its session joins the org to that login.
	r = o.h.Do("POST", path, map[string]string{"emails": a, "scope": "org", "role": "portal-user"}, o.auth()...)
	if r.Status != 201 {
		t.Fatalf("invite existing: %d %s", r.Status, r.Raw)
	}
	mails := testenv.Emails(t, a)
	last := mails[len(mails)-1]
	if !strings.Contains(last.Body.Text, "Sign in first") {
		t.Errorf("invite to an existing login: %q", last.Body.Text)
	}
}
