package template

import (
	"strings"
	"testing"
)

// Gatehouse: templates cannot call methods on data values (README.md).
// These upstream TestExecute cases call one: each must now fail with
// "can't evaluate field". The other cases run unchanged.
var methodCases = map[string]bool{
	".Method0":                            true,
	".Method1(1234)":                      true,
	".Method1(.I)":                        true,
	".Method2(3, .X)":                     true,
	".Method2(.U16, `str`)":               true,
	".Method2(.U16, $x)":                  true,
	".Method3(nil constant)":              true,
	".Method3(nil value)":                 true,
	"method on var":                       true,
	"method on chained var":               true,
	"chained method":                      true,
	"chained method on variable":          true,
	"method on nil value from slice":      true,
	"method on typed nil interface value": true,
	"pipeline":                            true,
	"parens: $.GetU in paren":             true,
	"printf method":                       true,
	"printf lots":                         true,
	"range []int method":                  true,
	"error method, no error":              true,
	"bug0":                                true,
	"bug1":                                true,
	"bug2":                                true,
	"bug3":                                true,
	"bug13":                               true,
	"bug17b":                              true,
}

type noMethods struct{ Field string }

func (noMethods) Method() string { return "method" }

func (noMethods) String() string { return "stringer" }

// TestMethodsAreNotCalled: fields, map keys and funcs work; a method is an
// error, not a call; a value is still printed through its String method.
func TestMethodsAreNotCalled(t *testing.T) {
	funcs := FuncMap{"method": func(v noMethods) string { return v.Method() }}
	tests := []struct {
		name, text, want string
		ok               bool
	}{
		{"field", "{{.Field}}", "field", true},
		{"func", "{{method .}}", "method", true},
		{"stringer", "{{.}}", "stringer", true},
		{"method", "{{.Method}}", "", false},
		{"method through a pointer", "{{with $p := .}}{{$p.Method}}{{end}}", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl := Must(New(tc.name).Funcs(funcs).Parse(tc.text))
			var b strings.Builder
			err := tmpl.Execute(&b, &noMethods{Field: "field"})
			if tc.ok && (err != nil || b.String() != tc.want) {
				t.Fatalf("got %q, %v; want %q", b.String(), err, tc.want)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "can't evaluate field Method")) {
				t.Fatalf("want a can't evaluate field error, got %v", err)
			}
		})
	}
}
