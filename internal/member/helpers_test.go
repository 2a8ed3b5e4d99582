package member_test

import (
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var tinSeq atomic.Int64

// newTIN returns a TIN no other test of this run uses.
func newTIN() string {
	n := tinSeq.Add(1) + time.Now().UnixNano()%1000*1000
	s := "9" + strings.Repeat("0", 8)
	d := []byte(s)
	for i := 8; i > 0 && n > 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return string(d)
}

// office is an org with its signed-in first site administrator.
type office struct {
	h     *stacktest.Harness
	id    string
	admin string // bearer token
}

func newOffice(t *testing.T, h *stacktest.Harness, name string) office {
	t.Helper()
	id, tok := h.NewAdminOrg(name, newTIN(), "admin."+strings.ToLower(strings.ReplaceAll(name, " ", ""))+newTIN()[5:])
	return office{h: h, id: id, admin: tok}
}

func (o office) path(rest string) string { return "/v1/orgs/" + o.id + rest }

func (o office) do(token, method, rest string, body any) stacktest.Reply {
	o.h.T.Helper()
	return o.h.Do(method, o.path(rest), body, "Authorization", "Bearer "+token)
}

var setupLink = regexp.MustCompile(`https://portal\.gatehouse\.test/setup\?token=([A-Za-z0-9_-]{43})`)

// setupToken reads the newest set-up link emailed to addr.
func setupToken(t *testing.T, addr string) string {
	t.Helper()
	mails := testenv.Emails(t, addr)
	if len(mails) == 0 {
		t.Fatalf("no email for %s", addr)
	}
	m := setupLink.FindStringSubmatch(mails[len(mails)-1].Body.Text)
	if m == nil {
		t.Fatalf("no set-up link in %q", mails[len(mails)-1].Body.Text)
	}
	return m[1]
}

// member creates a user in the office through the API (emailed set-up
// link), sets its password and signs it in. It returns the user id and token.
func (o office) member(t *testing.T, username, first, last, role, scope string) (string, string) {
	t.Helper()
	email := testenv.UniqueEmail(username)
	r := o.do(o.admin, "POST", "/users", map[string]string{"first_name": first, "last_name": last, "email": email,
		"username": username, "role": role, "scope": scope, "credentials": "email-link"})
	if r.Status != 201 {
		t.Fatalf("create %s: %d %s", username, r.Status, r.Raw)
	}
	pw := "a long member passphrase"
	if s := o.h.Do("POST", "/v1/auth/setup", map[string]string{"token": setupToken(t, email), "new_password": pw}); s.Status != 204 {
		t.Fatalf("set up %s: %d %s", username, s.Status, s.Raw)
	}
	return r.Body["id"].(string), o.h.Login(username, pw)
}

// siteAdmin adds a provider administrator, has them appointed site
// administrator by an approved privilege-change ticket (the only way, F22)
// and signs them in again (enrolled in a second factor, as site
// administrators must be).
func (o office) siteAdmin(t *testing.T, username, first, last string) (string, string) {
	t.Helper()
	id, _ := o.member(t, username, first, last, "provider-admin", "org")
	o.h.GrantByTicket(o.id, o.admin, id, "site-admin", "add")
	return id, o.h.Login(username, "a long member passphrase")
}
