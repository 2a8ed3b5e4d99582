// Package mail renders the emails Gatehouse sends from templates embedded in
// the binary. Sending is done by an adapter (internal/mail/ses).
//
// The templates use a small subset of Go's template syntax: {{.Key}},
// {{if .Key}}…{{else}}…{{end}} and {{define "name"}}…{{end}}, filled from a
// map, parsed on first use, not at package init. They were written for
// size: the standard text/template's reflective method lookup stopped the
// linker from dropping unused code (about 5 MiB a function). The pages'
// internal/web/template has no such lookup and would cost ops and review
// only about 0.4 MiB, but its text part prints "<no value>" for a key a
// caller leaves out of the map, where this renderer prints nothing; moving
// to it means typed data per email first.
package mail

import (
	"embed"
	"fmt"
	"html"
	"io/fs"
	"strings"
	"sync"
)

// Message is one rendered email.
type Message struct {
	To      []string
	Subject string
	Text    string
	HTML    string
	// Kind names the template, for logs and metrics (never the content).
	Kind string
}

//go:embed templates/*.tmpl
var files embed.FS

// templates are every named template: "<kind>.subject" and "<kind>.text"
// from templates/<kind>.txt.tmpl, and "<kind>.html.tmpl" (the whole file).
var templates = sync.OnceValues(func() (map[string][]node, error) {
	all := map[string][]node{}
	names, err := fs.Glob(files, "templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		src, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		top, defined, err := parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		for n, body := range defined {
			all[n] = body
		}
		if strings.HasSuffix(name, ".html.tmpl") {
			all[strings.TrimPrefix(name, "templates/")] = top
		}
	}
	return all, nil
})

// Render builds the message named kind (templates/<kind>.txt.tmpl, which
// defines "<kind>.subject" and "<kind>.text", and templates/<kind>.html.tmpl).
// data is a map[string]string or map[string]any (or nil).
func Render(kind string, to string, data any) (Message, error) {
	values, err := valuesOf(data)
	if err != nil {
		return Message{}, fmt.Errorf("render %s: %w", kind, err)
	}
	all, err := templates()
	if err != nil {
		return Message{}, err
	}
	parts := [3]string{}
	for i, name := range []string{kind + ".subject", kind + ".text", kind + ".html.tmpl"} {
		body, ok := all[name]
		if !ok {
			return Message{}, fmt.Errorf("render %s: no template %q", kind, name)
		}
		escape := plain
		if i == 2 {
			escape = html.EscapeString
		}
		var b strings.Builder
		execute(&b, body, values, escape)
		parts[i] = b.String()
	}
	return Message{To: []string{to}, Subject: strings.TrimSpace(parts[0]), Text: parts[1], HTML: parts[2], Kind: kind}, nil
}

func plain(s string) string { return s }

func valuesOf(data any) (map[string]any, error) {
	switch d := data.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return d, nil
	case map[string]string:
		out := make(map[string]any, len(d))
		for k, v := range d {
			out[k] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("template data is a %T, not a map", data)
}
