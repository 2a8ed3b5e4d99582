package help_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestEverySignedInUserReadsTheHelpCenter: a site administrator and a
// portal client (who has no module but the client portal) both search and
// read; without a session nothing is served.
func TestEverySignedInUserReadsTheHelpCenter(t *testing.T) {
	h := stacktest.New(t)
	orgID, admin := h.NewAdminOrg("Help Clinic", stacktest.NewTIN(), "help.admin")
	client := h.AddMember(orgID, admin, fmt.Sprintf("client%d", time.Now().UnixNano()), "client", "org")
	for name, auth := range map[string][]string{"site administrator": {"Authorization", "Bearer " + admin}, "portal client": client.Auth()} {
		t.Run(name, func(t *testing.T) {
			r := h.Do("GET", "/v1/help/articles?q=locked+out+of+my+account", nil, auth...)
			items, _ := r.Body["items"].([]any)
			if r.Status != 200 || len(items) == 0 {
				t.Fatalf("search: %d %s", r.Status, r.Raw)
			}
			top := items[0].(map[string]any)
			if top["slug"] != "sign-in-trouble" || top["title"] == "" || top["summary"] == "" {
				t.Fatalf("best match: %v", top)
			}
			a := h.Do("GET", "/v1/help/articles/sign-in-trouble", nil, auth...)
			body, _ := a.Body["body_markdown"].(string)
			if a.Status != 200 || !strings.Contains(body, "Forgot password") || a.Body["updated_at"] == nil {
				t.Fatalf("article: %d %s", a.Status, a.Raw)
			}
			if all := h.Do("GET", "/v1/help/articles", nil, auth...); len(all.Body["items"].([]any)) != 8 {
				t.Fatalf("all articles: %s", all.Raw)
			}
		})
	}
	refusals := []struct {
		name, path string
		auth       []string
		status     int
		code       string
	}{
		{"no session", "/v1/help/articles?q=password", nil, 401, "not_signed_in"},
		{"no session, an article", "/v1/help/articles/sign-in-trouble", nil, 401, "not_signed_in"},
		{"unknown article", "/v1/help/articles/no-such-page", client.Auth(), 404, "article_not_found"},
		{"overlong query", "/v1/help/articles?q=" + strings.Repeat("a", 201), client.Auth(), 400, "validation_failed"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			if r := h.Do("GET", tc.path, nil, tc.auth...); r.Status != tc.status || r.ErrCode() != tc.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
}
