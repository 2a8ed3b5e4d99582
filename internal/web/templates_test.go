package web

import (
	"net/url"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/web/template/text/parse"
)

// TestTemplatesCallNoMethods: internal/web/template cannot call a method on
// data (see its README), so {{.CreatedAt.Format "…"}} would fail only when
// the page renders. This finds, before any page runs, a template that names
// a method of the types pages show: use a func of web.go (date, displayName,
// anyErrors, problems, param, includes) or a field instead.
func TestTemplatesCallNoMethods(t *testing.T) {
	methods := map[string]string{}
	for _, v := range []any{time.Time{}, &time.Time{}, url.Values{}, Office{}, Errors{}, account.Role(""), codelist.Kind("")} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumMethod() {
			methods[typ.Method(i).Name] = typ.String()
		}
	}
	// Names that are also fields of page data (time.Time.In, a form's "In").
	delete(methods, "In")
	r, err := NewRenderer(&url.URL{Scheme: "https", Host: "portal.example.org"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.ParseAll(); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(r.pages))
	for name := range r.pages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, page := range names {
		for _, tmpl := range r.pages[page].Templates() {
			if tmpl.Tree == nil {
				continue
			}
			walkIdents(tmpl.Tree.Root, func(ident string) {
				if typ, ok := methods[ident]; ok {
					t.Errorf("page %s, template %s: .%s is a method of %s; templates cannot call methods", page, tmpl.Name(), ident, typ)
				}
			})
		}
	}
}

// walkIdents calls f with every field name a template reads (.A.B, $x.A, (…).A).
func walkIdents(n parse.Node, f func(string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkIdents(c, f)
			}
		}
	case *parse.ActionNode:
		walkIdents(n.Pipe, f)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				walkIdents(c, f)
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walkIdents(a, f)
		}
	case *parse.IfNode:
		walkBranch(&n.BranchNode, f)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, f)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, f)
	case *parse.TemplateNode:
		walkIdents(n.Pipe, f)
	case *parse.ChainNode:
		walkIdents(n.Node, f)
		for _, id := range n.Field {
			f(id)
		}
	case *parse.FieldNode:
		for _, id := range n.Ident {
			f(id)
		}
	case *parse.VariableNode:
		for _, id := range n.Ident[1:] {
			f(id)
		}
	}
}

func walkBranch(b *parse.BranchNode, f func(string)) {
	walkIdents(b.Pipe, f)
	walkIdents(b.List, f)
	walkIdents(b.ElseList, f)
}
