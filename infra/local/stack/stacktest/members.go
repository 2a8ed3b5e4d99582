package stacktest

import (
	"fmt"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// SetupLink finds a set-up link (new user, administrator reset, break-glass) in an email.
var SetupLink = regexp.MustCompile(`https?://[^/\s]+/(?:v1/auth/)?setup\?token=([A-Za-z0-9_-]{43})`)

// MemberPassword is the password AddMember gives every login it sets up.
const MemberPassword = "a long sturdy passphrase kept safe"

// Member is a login a test made through the API.
type Member struct {
	ID       string
	Username string
	Email    string
	Token    string // bearer token of a signed-in session
}

// Auth is the Authorization header of the member's session.
func (m Member) Auth() []string { return []string{"Authorization", "Bearer " + m.Token} }

// AddMember adds a user with role and scope ("org" or "provider:<NPI>") to
// org through POST /v1/orgs/{org}/users (emailed set-up link), sets its
// password from the link and signs it in.
func (h *Harness) AddMember(orgID, adminToken, username, role, scope string) Member {
	h.T.Helper()
	email := testenv.UniqueEmail(username)
	r := h.Do("POST", "/v1/orgs/"+orgID+"/users", map[string]string{"first_name": "Pat", "last_name": "Quill", "email": email,
		"username": username, "role": role, "scope": scope, "credentials": "email-link"}, "Authorization", "Bearer "+adminToken)
	if r.Status != 201 {
		h.T.Fatalf("create %s: %d %s", username, r.Status, r.Raw)
	}
	h.SetUpFromEmail(email)
	return Member{ID: r.Body["id"].(string), Username: username, Email: email, Token: h.Login(username, MemberPassword)}
}

// SetUpFromEmail sets MemberPassword from the newest set-up link emailed to addr.
func (h *Harness) SetUpFromEmail(addr string) {
	h.T.Helper()
	mails := testenv.Emails(h.T, addr)
	if len(mails) == 0 {
		h.T.Fatalf("no email for %s", addr)
	}
	m := SetupLink.FindStringSubmatch(mails[len(mails)-1].Body.Text)
	if m == nil {
		h.T.Fatalf("no set-up link in the email to %s: %q", addr, mails[len(mails)-1].Body.Text)
	}
	if s := h.Do("POST", "/v1/auth/setup", map[string]string{"token": m[1], "new_password": MemberPassword}); s.Status != 204 {
		h.T.Fatalf("set up %s: %d %s", addr, s.Status, s.Raw)
	}
}

// JoinOrg invites the member's email to another org with role and scope
// and accepts the invite with the member's session: one login, two offices.
func (h *Harness) JoinOrg(orgID, adminToken string, m Member, role, scope string) {
	h.T.Helper()
	before := len(testenv.Emails(h.T, m.Email))
	r := h.Do("POST", "/v1/orgs/"+orgID+"/invites", map[string]string{"emails": m.Email, "scope": scope, "role": role}, "Authorization", "Bearer "+adminToken)
	if r.Status != 201 {
		h.T.Fatalf("invite %s: %d %s", m.Username, r.Status, r.Raw)
	}
	mails := testenv.Emails(h.T, m.Email)
	if len(mails) != before+1 {
		h.T.Fatalf("want an invite email for %s", m.Email)
	}
	link := InviteLink.FindStringSubmatch(mails[len(mails)-1].Body.Text)
	if link == nil {
		h.T.Fatalf("no invite link for %s", m.Email)
	}
	if a := h.Do("POST", "/v1/invites/"+link[1]+"/accept", map[string]string{}, m.Auth()...); a.Status != 201 {
		h.T.Fatalf("accept invite as %s: %d %s", m.Username, a.Status, a.Raw)
	}
}

var tinSeq atomic.Int64

// NewTIN returns a nine-digit TIN no other test of this process uses (tests
// of several packages share DynamoDB Local but not a table, so TINs only
// need to differ within one process).
func NewTIN() string {
	n := tinSeq.Add(1)
	return fmt.Sprintf("8%02d%06d", time.Now().UnixNano()%100, n)
}

// GrantByTicket files a privilege-change ticket (grant "site-admin" or
// "support", action "add" or "remove") as a site administrator of org and
// has ops approve it: the only way either is granted or removed (F22).
func (h *Harness) GrantByTicket(orgID, adminToken, userID, grant, action string) {
	h.T.Helper()
	r := h.Do("POST", "/v1/orgs/"+orgID+"/tickets", map[string]any{"kind": "privilege_change", "subject": action + " " + grant,
		"body": "Filed by a test.", "privilege_change": map[string]string{"user_id": userID, "grant": grant, "action": action}},
		"Authorization", "Bearer "+adminToken)
	if r.Status != 201 {
		h.T.Fatalf("file %s %s for %s: %d %s", action, grant, userID, r.Status, r.Raw)
	}
	out, fnErr := h.Invoke("ops", map[string]any{"command": "DecidePrivilegeTicket", "ticket_id": r.Body["id"], "approve": true})
	if fnErr != "" || out["status"] != "approved" {
		h.T.Fatalf("approve ticket %v: %v", r.Body["id"], out)
	}
}
