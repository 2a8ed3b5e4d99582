package member_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/codeword"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestCreateUser(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(t, h, "Create Clinic")
	_, provAdmin := o.member(t, "prov.admin.c", "Pat", "Prov", "provider-admin", "provider:1234567893")
	valid := func(username string) map[string]any {
		return map[string]any{"first_name": "Nora", "last_name": "New", "email": testenv.UniqueEmail(username), "username": username,
			"role": "portal-user", "scope": "org", "credentials": "temporary-password"}
	}
	with := func(m map[string]any, k string, v any) map[string]any { m[k] = v; return m }
	tests := []struct {
		name   string
		token  string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"temporary password", o.admin, valid("nora.new"), 201, "", ""},
		{"username taken across the system", o.admin, valid("NORA.NEW"), 409, "username_taken", ""},
		{"bad email", o.admin, with(valid("bad.mail"), "email", "not-an-address"), 400, "validation_failed", "email"},
		{"bad username", o.admin, with(valid("x"), "username", "a b"), 400, "validation_failed", "username"},
		{"unknown role", o.admin, with(valid("bad.role"), "role", "owner"), 400, "validation_failed", "role"},
		{"provider not in the org", o.admin, with(valid("bad.npi"), "scope", "provider:1003000126"), 400, "validation_failed", "scope"},
		{"bad credentials", o.admin, with(valid("bad.cred"), "credentials", "sms"), 400, "validation_failed", "credentials"},
		{"weak given password", o.admin, with(valid("weak.pw"), "password", "short"), 400, "validation_failed", "password"},
		{"provider admin at org scope", provAdmin, valid("too.wide"), 403, "scope_too_wide", ""},
		{"provider admin for another provider", provAdmin, with(valid("other.npi"), "scope", "provider:1245319599"), 403, "scope_too_wide", ""},
		{"provider admin creates site admin", provAdmin, with(with(valid("sa.by.pa"), "role", "site-admin"), "scope", "provider:1234567893"), 403, "role_too_high", ""},
		{"site admin creates site admin: only by ticket (F22)", o.admin, with(valid("sa.by.sa"), "role", "site-admin"), 403, "privilege_ticket_required", ""},
		{"provider admin at own provider", provAdmin, with(valid("own.npi"), "scope", "provider:1234567893"), 201, "", ""},
		{"employee that does not exist", o.admin, with(valid("no.emp"), "employee_id", "missing"), 409, "employee_unavailable", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := o.do(tc.token, "POST", "/users", tc.body)
			if r.Status != tc.status || r.ErrCode() != tc.code || (tc.field != "" && r.Field(tc.field) == "") {
				t.Fatalf("got %d %s", r.Status, r.Raw)
			}
			if r.Status != 201 {
				return
			}
			temp, _ := r.Body["temporary_password"].(string)
			if len(temp) < 12 || r.Body["password_change_required"] != true {
				t.Fatalf("temporary password missing or too short: %s", r.Raw)
			}
			if mails := testenv.Emails(t, tc.body["email"].(string)); len(mails) != 0 {
				t.Fatalf("temporary-password credentials must not email anyone, got %d", len(mails))
			}
			login := h.Do("POST", "/v1/auth/login", map[string]string{"username": tc.body["username"].(string), "password": temp})
			if login.Status != 200 || login.Body["password_change_required"] != true {
				t.Fatalf("login with temporary password: %d %s", login.Status, login.Raw)
			}
		})
	}
}

func TestSetupLinkAndCodeWord(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(t, h, "Setup Clinic")
	ctx := context.Background()
	org, err := h.App.Store.GetOrg(ctx, ident.OrgID(o.id))
	if err != nil {
		t.Fatal(err)
	}
	org.Settings.CodeWordHash, _ = password.Hash(codeword.Normalize("bluebird"), password.OWASP)
	if err := h.App.Store.UpdateOrgSettings(ctx, ident.OrgID(o.id), org.Settings); err != nil {
		t.Fatal(err)
	}
	email := testenv.UniqueEmail("linked")
	r := o.do(o.admin, "POST", "/users", map[string]string{"first_name": "Lin", "last_name": "Ked", "email": email,
		"username": "lin.ked", "role": "clerical-user", "scope": "org", "credentials": "email-link"})
	if r.Status != 201 || r.Body["temporary_password"] != nil {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	mails := testenv.Emails(t, email)
	if len(mails) != 1 || !strings.Contains(mails[0].Body.Text, "code word") {
		t.Fatalf("set-up email: %+v", mails)
	}
	token := setupToken(t, email)
	if l := h.Do("POST", "/v1/auth/login", map[string]string{"username": "lin.ked", "password": "anything at all here"}); l.Status != 401 {
		t.Fatalf("login before set-up: %d", l.Status)
	}
	steps := []struct {
		name   string
		body   map[string]string
		status int
		code   string
	}{
		{"unknown token", map[string]string{"token": "nope", "new_password": "a good new passphrase", "code_word": "bluebird"}, 404, "link_not_found"},
		{"code word missing", map[string]string{"token": token, "new_password": "a good new passphrase"}, 400, "code_word_required"},
		{"code word wrong", map[string]string{"token": token, "new_password": "a good new passphrase", "code_word": "robin"}, 401, "code_word_mismatch"},
		{"weak password", map[string]string{"token": token, "new_password": "short", "code_word": "bluebird"}, 400, "validation_failed"},
		{"right code word", map[string]string{"token": token, "new_password": "a good new passphrase", "code_word": "bluebird"}, 204, ""},
		{"link used twice", map[string]string{"token": token, "new_password": "a good new passphrase", "code_word": "bluebird"}, 404, "link_not_found"},
	}
	for _, s := range steps {
		if r := h.Do("POST", "/v1/auth/setup", s.body); r.Status != s.status || r.ErrCode() != s.code {
			t.Fatalf("%s: %d %s", s.name, r.Status, r.Raw)
		}
	}
	h.Login("lin.ked", "a good new passphrase")

	// A link survives only a few wrong code words.
	email2 := testenv.UniqueEmail("guess")
	o.do(o.admin, "POST", "/users", map[string]string{"first_name": "Gus", "last_name": "Guess", "email": email2,
		"username": "gus.guess", "role": "clerical-user", "scope": "org", "credentials": "email-link"})
	tok2 := setupToken(t, email2)
	for i := 0; i < 5; i++ {
		h.Do("POST", "/v1/auth/setup", map[string]string{"token": tok2, "new_password": "a good new passphrase", "code_word": "wrong"})
	}
	if r := h.Do("POST", "/v1/auth/setup", map[string]string{"token": tok2, "new_password": "a good new passphrase", "code_word": "bluebird"}); r.Status != 429 {
		t.Fatalf("after five wrong code words: %d %s", r.Status, r.Raw)
	}
}
