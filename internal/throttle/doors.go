package throttle

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

// Doors are the limits counted before a route's handler runs, by route name:
// the emailed links (per client address and per link: invites, resets,
// set-up, registration verification, email confirmation), the code word tries
// they carry (per client address; each link also dies after five wrong ones)
// and invite resends (per address and per office: a resend makes a new id). Sign-in, forgot-password
// and registration count in their services, where a limit past its end
// answers as usual but sends nothing (the contract's same answer).
var Doors = map[string][]Check{
	"getInvite":          {linkAddress, linkToken(pathToken)},
	"acceptInvite":       {linkAddress, linkToken(pathToken)},
	"verifyRegistration": {linkAddress, linkToken(bodyField("token"))},
	"resetPassword":      {linkAddress, linkToken(bodyField("token")), codeWordTry},
	"setupPassword":      {linkAddress, linkToken(bodyField("token")), codeWordTry},
	"confirmEmail":       {linkAddress, linkToken(bodyField("token"))},

	// The portal's pages for the same links count the same limits.
	"invitePage":             {linkAddress, linkToken(pathToken)},
	"inviteForm":             {linkAddress, linkToken(pathToken)},
	"registrationVerifyPage": {linkAddress, linkToken(queryField("token"))},
	"resetPage":              {linkAddress, linkToken(queryField("token"))},
	"resetForm":              {linkAddress, linkToken(formField("token")), codeWordFormTry},
	"setupPage":              {linkAddress, linkToken(queryField("token"))},
	"setupForm":              {linkAddress, linkToken(formField("token")), codeWordFormTry},
	"emailConfirmForm":       {linkAddress, linkToken(formField("token"))},
	"resendInvite": {
		{Name: ResendAddress, Subject: clientAddress},
		{Name: ResendOrg, Subject: func(r *http.Request) string { return r.PathValue("org") }},
	},
}

// Check counts one limit of a request, of the subject it names ("" counts nothing).
type Check struct {
	Name    Name
	Subject func(r *http.Request) string
}

var (
	linkAddress = Check{Name: LinkAddress, Subject: clientAddress}
	codeWordTry = Check{Name: CodeWordAddress, Subject: func(r *http.Request) string {
		if bodyField("code_word")(r) == "" {
			return ""
		}
		return clientAddress(r)
	}}
)

// codeWordFormTry is codeWordTry for a page's form.
var codeWordFormTry = Check{Name: CodeWordAddress, Subject: func(r *http.Request) string {
	if formField("code_word")(r) == "" {
		return ""
	}
	return clientAddress(r)
}}

// queryField reads one field of the query string (a page opened from an emailed link).
func queryField(field string) func(*http.Request) string {
	return func(r *http.Request) string { return r.URL.Query().Get(field) }
}

// formField reads one field of a posted page form (the page edge has parsed
// it for the CSRF check; parsing again is a no-op).
func formField(field string) func(*http.Request) string {
	return func(r *http.Request) string {
		if r.ParseForm() != nil {
			return ""
		}
		return r.PostForm.Get(field)
	}
}

func linkToken(token func(*http.Request) string) Check { return Check{Name: LinkToken, Subject: token} }

func clientAddress(r *http.Request) string { return httpapi.ClientAddress(r) }

func pathToken(r *http.Request) string { return r.PathValue("token") }

// bodyField reads one string field of a JSON body and leaves the body for
// the handler (it is at most httpapi.MaxBodyBytes). A body that is not JSON
// names nothing; the handler refuses it.
func bodyField(field string) func(*http.Request) string {
	return func(r *http.Request) string {
		if r.Body == nil {
			return ""
		}
		raw, err := io.ReadAll(r.Body)
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), errReader{err}))
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return ""
		}
		var s string
		if json.Unmarshal(m[field], &s) != nil {
			return ""
		}
		return s
	}
}

// errReader hands the handler the read error (e.g. a body over the limit)
// after the bytes read, so it answers as it would have.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

// Wrap counts the Doors checks of a route before its handler; a route
// without checks is returned as is.
func (l *Limiter) Wrap(route string, h httpapi.HandlerFunc) httpapi.HandlerFunc {
	checks := Doors[route]
	if len(checks) == 0 {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		for _, c := range checks {
			if err := l.Allow(r.Context(), c.Name, c.Subject(r)); err != nil {
				return err
			}
		}
		return h(w, r)
	}
}
