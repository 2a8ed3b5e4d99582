package help

import (
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/help/markdown"
)

// TestSearchRanksTheArticleThatAnswers asks the questions people ask and
// expects the article that answers them first.
func TestSearchRanksTheArticleThatAnswers(t *testing.T) {
	c := New()
	tests := []struct {
		query, first string
	}{
		{"my account is locked", "sign-in-trouble"},
		{"forgot password", "sign-in-trouble"},
		{"code word", "code-words"},
		{"resend an invitation link", "invites"},
		{"approve or deny a registration request", "registration-console"},
		{"export the user list to csv", "user-administration"},
		{"authenticator app QR recovery codes", "two-factor"},
		{"switch office", "switching-offices"},
		{"copy codes to another account", "switching-offices"},
		{"who can file a support ticket", "support-rules"},
		{"appoint a new site administrator", "support-rules"},
		{"SUPPORT USERS", "support-rules"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got, err := c.Search(tc.query)
			if err != nil || len(got) == 0 || got[0].Slug != tc.first {
				var slugs []string
				for _, a := range got {
					slugs = append(slugs, a.Slug)
				}
				t.Fatalf("got %v (%v), want %s first", slugs, err, tc.first)
			}
		})
	}
}

func TestSearchEdges(t *testing.T) {
	c := New()
	all, err := c.Search("")
	if err != nil || len(all) != 8 {
		t.Fatalf("every article without a query: %d %v", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].Title > all[i].Title {
			t.Fatalf("not in title order: %q before %q", all[i-1].Title, all[i].Title)
		}
	}
	if got, _ := c.Search("zebra xylophone"); len(got) != 0 {
		t.Fatalf("nothing should match: %v", got)
	}
	if got, _ := c.Search("the and of"); len(got) != 8 {
		t.Fatalf("stop words only is no query: %d", len(got))
	}
	if _, err := c.Search(strings.Repeat("x", 201)); err == nil {
		t.Fatal("an overlong query is refused")
	}
}

func TestParseFrontMatter(t *testing.T) {
	tests := []struct {
		name, raw string
		ok        bool
	}{
		{"complete", "---\ntitle: T\nsummary: S\nupdated: 2026-12-01\n---\nbody", true},
		{"no front matter", "# T\nbody", false},
		{"no summary", "---\ntitle: T\nupdated: 2026-12-01\n---\nbody", false},
		{"bad date", "---\ntitle: T\nsummary: S\nupdated: yesterday\n---\nbody", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := parse("x", tc.raw)
			if (err == nil) != tc.ok || tc.ok && (a.Title != "T" || a.Body != "body") {
				t.Fatalf("%+v %v", a, err)
			}
		})
	}
}

func TestStemmingMeetsWordForms(t *testing.T) {
	for _, group := range [][]string{{"invite", "invites", "invited", "inviting"}, {"code", "codes"}, {"lock", "locked", "locking"}} {
		for _, w := range group[1:] {
			if stem(w) != stem(group[0]) {
				t.Errorf("%s → %s, %s → %s", w, stem(w), group[0], stem(group[0]))
			}
		}
	}
}

func TestArticlesRenderWithoutRawHTML(t *testing.T) {
	c := New()
	all, _ := c.Search("")
	for _, a := range all {
		html, err := a.HTML()
		if err != nil || strings.Contains(string(html), "<h1>") || !strings.Contains(string(html), "<p>") {
			t.Fatalf("%s: %v %.200s", a.Slug, err, html)
		}
	}
	html, _ := markdown.Body("Hello <script>alert(1)</script> **bold**")
	if strings.Contains(html, "<script>") || !strings.Contains(html, "<strong>bold</strong>") {
		t.Fatalf("raw HTML must be dropped: %s", html)
	}
}

// TestRenderedHTMLIsCurrent fails when an article changed (or was added or
// removed) without go generate ./internal/help: the functions serve the
// HTML rendered at build time, not the Markdown.
func TestRenderedHTMLIsCurrent(t *testing.T) {
	all, err := New().Search("")
	if err != nil {
		t.Fatal(err)
	}
	if len(rendered) != len(all) {
		t.Errorf("%d articles, %d rendered: run go generate ./internal/help", len(all), len(rendered))
	}
	for _, a := range all {
		want, err := markdown.Body(a.Body)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := rendered[a.Slug]; !ok || got != want {
			t.Errorf("%s: rendered.go is stale: run go generate ./internal/help", a.Slug)
		}
	}
}
