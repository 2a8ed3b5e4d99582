// Package web renders the portal's pages (F29): one Renderer over templates
// embedded in the binary, the common frame of signed-in pages, CSRF tokens,
// the security headers every page carries, and the one mapping from a
// service error to what a page shows. Page handlers (package ui) parse a
// form, call the same service the JSON handler calls, and render here.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"github.com/gatehouse-dev/gatehouse/internal/web/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

// Renderer renders the embedded page templates; it is built once per cold
// start and parses each page on its first use (parsing all of them took
// about 13 ms of every cold start of auth and portal).
type Renderer struct {
	mu     sync.Mutex
	files  map[string]string             // page name → its template file
	pages  map[string]*template.Template // the pages parsed so far
	origin string                        // scheme://host of the portal, for the CSRF origin check
	log    *slog.Logger
}

// NewRenderer lists the page templates. portal is the portal's base URL.
func NewRenderer(portal *url.URL, log *slog.Logger) (*Renderer, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	r := &Renderer{files: map[string]string{}, pages: map[string]*template.Template{}, origin: portal.Scheme + "://" + portal.Host, log: log}
	for _, file := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		r.files[name] = file
	}
	return r, nil
}

// page returns a page's template, parsed with the layout and the partials
// (templates/_*.html, shared by the pages that use them) on first use.
func (r *Renderer) page(name string) (*template.Template, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.pages[name]; ok {
		return t, nil
	}
	file, ok := r.files[name]
	if !ok {
		return nil, fmt.Errorf("no page template %q", name)
	}
	t, err := template.New("layout.html").Funcs(funcs).Funcs(adminFuncs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", file)
	if err != nil {
		return nil, fmt.Errorf("page template %s: %w", name, err)
	}
	r.pages[name] = t
	return t, nil
}

// ParseAll parses every page now: the tests call it, so a broken template
// fails there rather than on the first view of its page.
func (r *Renderer) ParseAll() error {
	for name := range r.files {
		if _, err := r.page(name); err != nil {
			return err
		}
	}
	return nil
}

var funcs = template.FuncMap{
	// kindName is a support ticket's kind as people say it.
	"kindName": func(k any) string {
		switch fmt.Sprint(k) {
		case "question":
			return "Question"
		case "incident":
			return "Incident"
		case "privilege_change":
			return "Privilege change"
		}
		return fmt.Sprint(k)
	},
	// fieldError returns the error of one field of a form, if any.
	"fieldError": func(e Errors, name string) string { return e.Fields[name] },
	// field and hinted pass one form field to the "field" template.
	"field": func(p Page, name, label, typ string, value any, auto string) fieldArgs {
		return fieldArgs{P: p, Name: name, Label: label, Type: typ, Value: value, Auto: auto}
	},
	// noErrors is the page without its errors, for the forms of a page that
	// were not the one refused.
	"noErrors": func(p Page) Page { p.Errors = Errors{}; return p },
	"hinted": func(p Page, name, label, typ string, value any, auto, hint string) fieldArgs {
		return fieldArgs{P: p, Name: name, Label: label, Type: typ, Value: value, Auto: auto, Hint: hint}
	},
	// The vendored template package cannot call methods on data (see
	// internal/web/template/README.md), so the methods pages need are funcs.
	"anyErrors": Errors.Any,
	"problems":  Errors.Problems,
	// officeLabel is the same as .Label (for templates written while Label was a method).
	"officeLabel": func(o Office) string { return o.Label },
	// displayName is a role's or a list's name as people say it.
	"displayName": func(v interface{ DisplayName() string }) string { return v.DisplayName() },
	// date formats a time (or a non-nil *time.Time) with a layout; "" for none.
	"date": func(t any, layout string) string {
		switch v := t.(type) {
		case time.Time:
			return v.Format(layout)
		case *time.Time:
			if v != nil {
				return v.Format(layout)
			}
		}
		return ""
	},
	// param is one value of a query string.
	"param": func(q url.Values, name string) string { return q.Get(name) },
	// includes reports whether list holds v (a string or a string type).
	"includes": func(list []string, v any) bool { return slices.Contains(list, fmt.Sprint(v)) },
}

// fieldArgs is one labelled input with its error and hint.
type fieldArgs struct {
	P                             Page
	Name, Label, Type, Auto, Hint string
	Value                         any
	Req                           bool
}

// Page is what every template receives.
type Page struct {
	Title  string
	CSRF   string
	Frame  *Frame  // the signed-in frame; nil on public pages
	Errors Errors  // shown next to fields and in the alert summary
	Notice string  // a success message (after a redirect)
	Form   any     // the values typed so far (never a password)
	Data   any     // what the page shows
	Status int     // HTTP status; 200 when zero
	Path   string  // the request path, for the current menu entry
	Office *Office // the current office, for pages that act in it
}

// Render writes a page. Pages are never cached (the edge sets no-store).
func (r *Renderer) Render(w http.ResponseWriter, req *http.Request, name string, p Page) error {
	t, err := r.page(name)
	if err != nil {
		return err
	}
	if p.CSRF == "" {
		p.CSRF = CSRFToken(w, req)
	}
	if p.Path == "" {
		p.Path = req.URL.Path
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	status := p.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// Redirect answers a successful POST (or a page that lives elsewhere) with
// 303 See Other, so a reload never repeats the change.
func Redirect(w http.ResponseWriter, req *http.Request, to string) error {
	http.Redirect(w, req, to, http.StatusSeeOther)
	return nil
}
