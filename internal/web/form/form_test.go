package form

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func post(values url.Values) *http.Request {
	r, _ := http.NewRequest("POST", "/", strings.NewReader(values.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_ = r.ParseForm()
	return r
}

func TestValidateFindsWhatAPageCanTell(t *testing.T) {
	tests := []struct {
		name   string
		form   url.Values
		read   func(*http.Request) Problems
		fields []string
	}{
		{"login complete", url.Values{"username": {"a"}, "password": {"b"}}, func(r *http.Request) Problems { return NewLogin(r).Validate() }, nil},
		{"login empty", url.Values{}, func(r *http.Request) Problems { return NewLogin(r).Validate() }, []string{"password", "username"}},
		{"login blank username", url.Values{"username": {"  "}, "password": {"b"}}, func(r *http.Request) Problems { return NewLogin(r).Validate() }, []string{"username"}},
		{"new password matches", url.Values{"new_password": {"x y z"}, "confirm_password": {"x y z"}}, func(r *http.Request) Problems { return NewNewPassword(r).Validate() }, nil},
		{"new password differs", url.Values{"new_password": {"x y z"}, "confirm_password": {"x y"}}, func(r *http.Request) Problems { return NewNewPassword(r).Validate() }, []string{"confirm_password"}},
		{"change password missing current", url.Values{"new_password": {"n"}, "confirm_password": {"n"}}, func(r *http.Request) Problems { return NewChangePassword(r).Validate() }, []string{"current_password"}},
		{"invite confirm differs", url.Values{"password": {"p"}, "confirm_password": {"q"}}, func(r *http.Request) Problems { return NewInvite(r).Validate() }, []string{"confirm_password"}},
		{"forgot empty", url.Values{}, func(r *http.Request) Problems { return NewForgot(r).Validate() }, []string{"username"}},
		{"link missing password", url.Values{"username": {"u"}}, func(r *http.Request) Problems { return NewLink(r).Validate() }, []string{"password"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.read(post(tc.form))
			if len(got) != len(tc.fields) {
				t.Fatalf("problems %v, want fields %v", got, tc.fields)
			}
			for _, f := range tc.fields {
				if got[f] == "" {
					t.Fatalf("no problem for %s: %v", f, got)
				}
			}
		})
	}
}

func TestPasswordsAreReadAsTyped(t *testing.T) {
	f := NewLogin(post(url.Values{"username": {" Ann "}, "password": {" spaced pass "}}))
	if f.Username != "Ann" || f.Password != " spaced pass " {
		t.Fatalf("%+v", f)
	}
}
