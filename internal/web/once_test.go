package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
)

// TestShowOnce: a secret sealed for one page and session opens there once,
// and nowhere else: not on another page, not with another session, not
// after tampering, not without the cookie.
func TestShowOnce(t *testing.T) {
	const session, page = "session-token-of-the-browser", "/orgs/o1/settings"
	post := httptest.NewRequest("POST", "/orgs/o1/settings/code-word", nil)
	post.AddCookie(&http.Cookie{Name: auth.CookieName, Value: session})
	rec := httptest.NewRecorder()
	if err := ShowOnce(rec, post, page, "ABCD-EFGH-JKLM"); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != page {
		t.Fatalf("answer %d to %q, want 303 to %s", rec.Code, rec.Header().Get("Location"), page)
	}
	sealed := rec.Result().Cookies()[0]
	if sealed.Name != onceCookie || !sealed.HttpOnly || !sealed.Secure || sealed.MaxAge != 60 || sealed.Value == "" {
		t.Fatalf("cookie %+v", sealed)
	}

	tampered := *sealed
	tampered.Value = sealed.Value[:len(sealed.Value)-2] + "AA"
	cases := []struct {
		name    string
		path    string
		session string
		cookie  *http.Cookie
		want    string
	}{
		{"the page it is for", page, session, sealed, "ABCD-EFGH-JKLM"},
		{"another page", "/orgs/o2/settings", session, sealed, ""},
		{"another session", page, "someone-else", sealed, ""},
		{"no session", page, "", sealed, ""},
		{"tampered", page, session, &tampered, ""},
		{"no cookie", page, session, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			get := httptest.NewRequest("GET", tc.path, nil)
			if tc.session != "" {
				get.AddCookie(&http.Cookie{Name: auth.CookieName, Value: tc.session})
			}
			if tc.cookie != nil {
				get.AddCookie(tc.cookie)
			}
			rec := httptest.NewRecorder()
			var got string
			ok := TakeOnce(rec, get, &got)
			if ok != (tc.want != "") || got != tc.want {
				t.Fatalf("TakeOnce = %v %q, want %q", ok, got, tc.want)
			}
			if tc.cookie != nil {
				if c := rec.Result().Cookies(); len(c) != 1 || c[0].Name != onceCookie || c[0].MaxAge >= 0 {
					t.Fatalf("the cookie is not deleted: %+v", c)
				}
			}
		})
	}
	// Without a session nothing is sealed.
	if err := ShowOnce(httptest.NewRecorder(), httptest.NewRequest("POST", "/x", nil), page, "secret"); err == nil {
		t.Fatal("sealed without a session")
	}
}
