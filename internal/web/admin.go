package web

import (
	"github.com/gatehouse-dev/gatehouse/internal/web/template"
	"time"
)

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}

// selectArgs is one labelled select with its error and hint.
type selectArgs struct {
	P                 Page
	Name, Label, Hint string
	Options           []Option
}

// adminFuncs are the template helpers of the administration pages.
var adminFuncs = template.FuncMap{
	// selectField passes one select to the "select" partial.
	"selectField": func(p Page, name, label string, opts []Option) selectArgs {
		return selectArgs{P: p, Name: name, Label: label, Options: opts}
	},
	"hintedSelect": func(p Page, name, label string, opts []Option, hint string) selectArgs {
		return selectArgs{P: p, Name: name, Label: label, Options: opts, Hint: hint}
	},
	// yn shows a flag the way seed 001's tables do.
	"yn": func(b bool) string {
		if b {
			return "Y"
		}
		return "N"
	},
	// when shows a time the way seed 001's console does (UTC); "" for none.
	"when": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			if !v.IsZero() {
				return v.UTC().Format("01/02/2006 3:04:05 PM") + " UTC"
			}
		case *time.Time:
			if v != nil && !v.IsZero() {
				return v.UTC().Format("01/02/2006 3:04:05 PM") + " UTC"
			}
		}
		return ""
	},
}
