package mail

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// node is one piece of a parsed template: text, a value, or a condition.
type node struct {
	text  string // literal text, when key is ""
	key   string // {{.Key}}, or the condition's key
	cond  bool   // {{if .Key}}
	then  []node
	other []node // {{else}}
}

// parse reads a template file: its top-level content and its {{define}}s.
func parse(src string) (top []node, defined map[string][]node, err error) {
	defined = map[string][]node{}
	type frame struct {
		nodes  *[]node
		cond   *node  // the open {{if}}, or nil
		define string // the open {{define}}'s name
		inElse bool
	}
	root := []node{}
	stack := []frame{{nodes: &root}}
	for len(src) > 0 {
		open := strings.Index(src, "{{")
		if open < 0 {
			*stack[len(stack)-1].nodes = append(*stack[len(stack)-1].nodes, node{text: src})
			break
		}
		if open > 0 {
			*stack[len(stack)-1].nodes = append(*stack[len(stack)-1].nodes, node{text: src[:open]})
		}
		end := strings.Index(src[open:], "}}")
		if end < 0 {
			return nil, nil, errors.New("unclosed {{")
		}
		action := strings.TrimSpace(src[open+2 : open+end])
		src = src[open+end+2:]
		cur := &stack[len(stack)-1]
		switch {
		case action == "end":
			if len(stack) == 1 {
				return nil, nil, errors.New("{{end}} without {{if}} or {{define}}")
			}
			done := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			parent := &stack[len(stack)-1]
			if done.cond != nil {
				*parent.nodes = append(*parent.nodes, *done.cond)
			} else {
				defined[done.define] = *done.nodes
			}
		case action == "else":
			if cur.cond == nil || cur.inElse {
				return nil, nil, errors.New("{{else}} outside {{if}}")
			}
			cur.inElse, cur.nodes = true, &cur.cond.other
		case strings.HasPrefix(action, "if ."):
			n := &node{key: strings.TrimPrefix(action, "if ."), cond: true}
			stack = append(stack, frame{nodes: &n.then, cond: n})
		case strings.HasPrefix(action, "define "):
			name := strings.Trim(strings.TrimPrefix(action, "define "), `"`)
			body := []node{}
			stack = append(stack, frame{nodes: &body, define: name})
		case strings.HasPrefix(action, ".") && !strings.ContainsAny(action, " |()"):
			*cur.nodes = append(*cur.nodes, node{key: action[1:]})
		default:
			return nil, nil, fmt.Errorf("unsupported action {{%s}}", action)
		}
	}
	if len(stack) != 1 {
		return nil, nil, errors.New("{{if}} or {{define}} without {{end}}")
	}
	return root, defined, nil
}

// execute writes nodes with values, each value through escape.
func execute(b *strings.Builder, nodes []node, values map[string]any, escape func(string) string) {
	for _, n := range nodes {
		switch {
		case n.cond && truth(values[n.key]):
			execute(b, n.then, values, escape)
		case n.cond:
			execute(b, n.other, values, escape)
		case n.key != "":
			if v, ok := values[n.key]; ok && v != nil {
				b.WriteString(escape(fmt.Sprint(v)))
			}
		default:
			b.WriteString(n.text)
		}
	}
}

// truth is {{if}}'s test, as text/template's: the zero value is false.
func truth(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case int:
		return x != 0
	case time.Time:
		return !x.IsZero()
	}
	return true
}
