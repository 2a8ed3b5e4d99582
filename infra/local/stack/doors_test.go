package stack_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/codeword"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// want429 checks a throttled answer: 429 too_many_requests in the error
// shape, with a Retry-After of whole seconds within the window.
func want429(t *testing.T, r stacktest.Reply, window time.Duration) {
	t.Helper()
	if r.Status != 429 || r.ErrCode() != "too_many_requests" {
		t.Fatalf("want 429 too_many_requests, got %d %s", r.Status, r.Raw)
	}
	s, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || s < 1 || time.Duration(s)*time.Second > window {
		t.Fatalf("Retry-After %q, want 1..%v seconds", r.Header.Get("Retry-After"), window.Seconds())
	}
}

// TestPublicDoorsAnswer429PastTheirLimits sends bounded bursts from
// loopback (one client address) at each door with a 429 and checks that
// exactly the configured number get through and the rest answer 429 with
// Retry-After; the limits are the defaults with one lowered per case.
func TestPublicDoorsAnswer429PastTheirLimits(t *testing.T) {
	// Windows are fixed (aligned to the clock): a long one keeps a burst
	// of slow sign-ins from straddling two windows.
	const window = 24 * time.Hour
	cases := []struct {
		name    string
		limit   throttle.Name
		max     int
		request func(h *stacktest.Harness, i int) stacktest.Reply
		within  int // status of an answer within the limit
	}{
		{"sign-in per address, unknown usernames", throttle.SignInAddress, 8, func(h *stacktest.Harness, i int) stacktest.Reply {
			return h.Do("POST", "/v1/auth/login", map[string]string{"username": fmt.Sprintf("burst.%d", i), "password": "a guess at random"})
		}, 401},
		{"sign-in per username", throttle.SignInUsername, 3, func(h *stacktest.Harness, i int) stacktest.Reply {
			return h.Do("POST", "/v1/auth/login", map[string]string{"username": "burst.target", "password": fmt.Sprintf("guess number %d", i)})
		}, 401},
		{"invite links per address", throttle.LinkAddress, 6, func(h *stacktest.Harness, i int) stacktest.Reply {
			return h.Do("GET", fmt.Sprintf("/v1/invites/guessed-token-%043d", i), nil)
		}, 404},
		{"one invite link", throttle.LinkToken, 4, func(h *stacktest.Harness, i int) stacktest.Reply {
			return h.Do("POST", "/v1/invites/one-guessed-token/accept", map[string]string{"username": "someone"})
		}, 404},
		{"reset links per address", throttle.LinkAddress, 5, func(h *stacktest.Harness, i int) stacktest.Reply {
			return h.Do("POST", "/v1/auth/password/reset", map[string]string{"token": fmt.Sprintf("guess-%d", i), "new_password": "some new words here"})
		}, 404},
		{"code words per address", throttle.CodeWordAddress, 3, func(h *stacktest.Harness, i int) stacktest.Reply {
			return h.Do("POST", "/v1/auth/setup", map[string]string{"token": fmt.Sprintf("guess-%d", i), "new_password": "some new words here", "code_word": "ABCD-EFGH-JKLM"})
		}, 404},
		{"email confirmation links per address", throttle.LinkAddress, 4, func(h *stacktest.Harness, i int) stacktest.Reply {
			return h.Do("POST", "/v1/auth/email/confirm", map[string]string{"token": fmt.Sprintf("guess-%d", i)})
		}, 404},
		{"registration verify links per address", throttle.LinkAddress, 4, func(h *stacktest.Harness, i int) stacktest.Reply {
			return h.Do("POST", "/v1/registrations/verify", map[string]string{"token": fmt.Sprintf("guess-%d", i)})
		}, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := stacktest.New(t, stacktest.Limit(tc.limit, throttle.Limit{Max: tc.max, Window: window}))
			for i := range tc.max + 3 {
				r := tc.request(h, i)
				if i < tc.max {
					if r.Status != tc.within {
						t.Fatalf("request %d (within the limit): %d %s", i+1, r.Status, r.Raw)
					}
					continue
				}
				want429(t, r, window)
			}
		})
	}
}

// TestInviteResendIsLimited: resending invites over and over gets 429 past
// resend_per_org (each resend makes a new invite id, so the count is the
// office's and the client address's).
func TestInviteResendIsLimited(t *testing.T) {
	h := stacktest.New(t, stacktest.Limit(throttle.ResendOrg, throttle.Limit{Max: 2, Window: 24 * time.Hour}))
	orgID, tok := h.NewAdminOrg("Resend Clinic", "330000011", "resend.admin")
	r := h.Do("POST", "/v1/orgs/"+orgID+"/invites", map[string]string{"emails": testenv.UniqueEmail("resent"), "scope": "org", "role": "portal-user"}, bearer(tok)...)
	items, _ := r.Body["items"].([]any)
	if r.Status != 201 || len(items) != 1 {
		t.Fatalf("invite: %d %s", r.Status, r.Raw)
	}
	id := items[0].(map[string]any)["id"].(string)
	for i := range 2 {
		r := h.Do("POST", "/v1/orgs/"+orgID+"/invites/"+id+"/resend", nil, bearer(tok)...)
		items, _ := r.Body["items"].([]any)
		if r.Status != 201 {
			t.Fatalf("resend %d: %d %s", i+1, r.Status, r.Raw)
		}
		if next, ok := r.Body["id"].(string); ok {
			id = next
		} else if len(items) == 1 {
			id = items[0].(map[string]any)["id"].(string)
		}
	}
	want429(t, h.Do("POST", "/v1/orgs/"+orgID+"/invites/"+id+"/resend", nil, bearer(tok)...), 24*time.Hour)
}

// TestForgotSendsOneEmailPerWindow: however often forgot-password is asked
// for one account, by username and by email, in a burst, every answer is
// the same 202 and one email goes out in the window.
func TestForgotSendsOneEmailPerWindow(t *testing.T) {
	// The default (one email per 5 minutes) over a day-long window, so the
	// burst cannot straddle two of the clock-aligned windows.
	max := throttle.Defaults[throttle.ForgotIdentifier].Max
	h := stacktest.New(t, stacktest.Limit(throttle.ForgotIdentifier, throttle.Limit{Max: max, Window: 24 * time.Hour}))
	orgID, _ := h.NewAdminOrg("Forgot Clinic", "330000012", "forgot.admin")
	userID := newMember(t, h, orgID, "forgot.user", account.RolePortalUser, nil)
	u, _, err := h.App.Store.UserWithMemberships(t.Context(), userID)
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for i := range 12 {
		body := map[string]string{"username": "forgot.user"}
		if i%2 == 1 {
			body = map[string]string{"email": u.Email}
		}
		r := h.Do("POST", "/v1/auth/password/forgot", body)
		if first == "" {
			first = r.Raw
		}
		if r.Status != 202 || r.Raw != first {
			t.Fatalf("request %d: %d %s, first %s", i+1, r.Status, r.Raw, first)
		}
	}
	if got := len(testenv.Emails(t, u.Email)); got != max {
		t.Fatalf("%d reset emails for 12 requests, want %d per window", got, max)
	}
}

var setupLinkRe = regexp.MustCompile(`https://portal\.gatehouse\.test/setup\?token=([A-Za-z0-9_-]{43})`)

func lastMatch(t *testing.T, re *regexp.Regexp, addr string) string {
	t.Helper()
	mails := testenv.Emails(t, addr)
	for i := len(mails) - 1; i >= 0; i-- {
		if m := re.FindStringSubmatch(mails[i].Body.Text); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no link for %s", addr)
	return ""
}

// TestCodeWordAsShownIsAccepted: the practice code word, shown as
// XXXX-XXXX-XXXX, is accepted as shown and as people type it (lower case,
// spaces, no dashes) by the set-up link and the reset link alike. While
// the run goes, every token, code word, password and temporary password
// handled is kept, and at the end the captured logs of the whole run are
// searched for each of them: none may appear.
func TestCodeWordAsShownIsAcceptedAndLogsKeepNoSecrets(t *testing.T) {
	h := stacktest.NewReview(t)
	var secrets []string
	keep := func(s ...string) { secrets = append(secrets, s...) }

	// An office from ops: the first administrator's invite link and sign-up.
	adminEmail := testenv.UniqueEmail("logs-admin")
	orgID, invite := h.CreateOrg("Logs Clinic", "330000013", adminEmail)
	const adminPassword = "a long admin passphrase for logs"
	keep(invite, adminPassword)
	if r := h.Do("GET", "/v1/invites/"+invite, nil); r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("POST", "/v1/invites/"+invite+"/accept", map[string]string{"username": "logs.admin", "password": adminPassword, "first_name": "Lo", "last_name": "Gs"}); r.Status != 201 {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}
	first := h.Do("POST", "/v1/auth/login", map[string]string{"username": "logs.admin", "password": adminPassword})
	firstToken, _ := first.Body["token"].(string)
	keep(firstToken)
	keep(h.EnrolTOTP("logs.admin", firstToken)...)
	keep(h.TOTPSecret("logs.admin"))
	tok := h.Login("logs.admin", adminPassword)
	keep(tok)
	auth := bearer(tok)

	rot := h.Do("PUT", "/v1/orgs/"+orgID+"/code-word", nil, auth...)
	word, _ := rot.Body["code_word"].(string)
	if rot.Status != 200 || !regexp.MustCompile(`^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$`).MatchString(word) {
		t.Fatalf("rotate: %d %s", rot.Status, rot.Raw)
	}
	keep(word, codeword.Normalize(word))

	// Set-up links: the word as shown, and as typed.
	typed := map[string]string{
		"as shown":          word,
		"as typed, lower":   strings.ToLower(word),
		"as typed, spaced":  strings.ReplaceAll(strings.ToLower(word), "-", " "),
		"as typed, no dash": strings.ReplaceAll(word, "-", ""),
	}
	i := 0
	for name, w := range typed {
		i++
		email := testenv.UniqueEmail("setup")
		username := fmt.Sprintf("setup.%d", i)
		r := h.Do("POST", "/v1/orgs/"+orgID+"/users", map[string]string{"first_name": "Set", "last_name": "Up", "email": email,
			"username": username, "role": "portal-user", "scope": "org", "credentials": "email-link"}, auth...)
		if r.Status != 201 {
			t.Fatalf("create user: %d %s", r.Status, r.Raw)
		}
		setupToken := lastMatch(t, setupLinkRe, email)
		newPassword := fmt.Sprintf("quiet harbour lanterns %d", i)
		keep(setupToken, newPassword, w)
		if r := h.Do("POST", "/v1/auth/setup", map[string]string{"token": setupToken, "new_password": newPassword, "code_word": w}); r.Status != 204 {
			t.Fatalf("set-up link, code word %s (%q): %d %s", name, w, r.Status, r.Raw)
		}
		keep(h.Login(username, newPassword))
	}

	// A temporary password, then the reset link with the word as typed.
	tempEmail := testenv.UniqueEmail("temp")
	r := h.Do("POST", "/v1/orgs/"+orgID+"/users", map[string]string{"first_name": "Tem", "last_name": "Porary", "email": tempEmail,
		"username": "temp.user", "role": "portal-user", "scope": "org", "credentials": "temporary-password"}, auth...)
	temp, _ := r.Body["temporary_password"].(string)
	if r.Status != 201 || temp == "" {
		t.Fatalf("temporary password: %d %s", r.Status, r.Raw)
	}
	keep(temp)
	if r := h.Do("POST", "/v1/auth/password/forgot", map[string]string{"username": "temp.user"}); r.Status != 202 {
		t.Fatalf("forgot: %d %s", r.Status, r.Raw)
	}
	resetToken := lastMatch(t, resetLink, tempEmail)
	const resetPassword = "orchard walks in the rain"
	keep(resetToken, resetPassword)
	if r := h.Do("POST", "/v1/auth/password/reset", map[string]string{"token": resetToken, "new_password": resetPassword, "code_word": " " + strings.ToLower(word) + " "}); r.Status != 204 {
		t.Fatalf("reset with the code word as typed: %d %s", r.Status, r.Raw)
	}
	keep(h.Login("temp.user", resetPassword))

	// A registration and its verification link; a wrong password.
	regEmail := testenv.UniqueEmail("logs-reg")
	const regPassword = "a sturdy passphrase for the clinic"
	keep(regPassword)
	if r := h.Do("POST", "/v1/registrations", map[string]string{"tin": "330000013", "level": "org", "first_name": "Reg", "last_name": "Istrant",
		"email": regEmail, "username": "logs.registrant", "password": regPassword, "claim_number": "LOGS-CLAIM-77"}); r.Status != 202 {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	keep("LOGS-CLAIM-77", "LOGSCLAIM77")
	verify := h.VerifyToken(regEmail)
	keep(verify)
	if r := h.Do("POST", "/v1/registrations/verify", map[string]string{"token": verify}); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	const wrongPassword = "this guess is logged nowhere"
	keep(wrongPassword)
	h.Do("POST", "/v1/auth/login", map[string]string{"username": "temp.user", "password": wrongPassword})

	logs := h.Logs()
	if n := strings.Count(logs, `"msg":"request"`); n < 20 {
		t.Fatalf("only %d request lines captured", n)
	}
	for _, route := range []string{`"route":"GET /v1/invites/{token}"`, `"route":"POST /v1/invites/{token}/accept"`, `"route":"POST /v1/auth/setup"`} {
		if !strings.Contains(logs, route) {
			t.Errorf("logs do not name the route %s", route)
		}
	}
	for _, s := range secrets {
		if len(s) < 6 {
			t.Fatalf("secret %q too short to search for", s)
		}
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain a secret the run handled (%d characters, starting %q)", len(s), s[:3])
		}
	}
	t.Logf("searched %d KiB of logs (%d lines) for %d secrets", len(logs)/1024, strings.Count(logs, "\n"), len(secrets))
}
