package app

import (
	"fmt"
	"sort"

	"github.com/gatehouse-dev/gatehouse/internal/caller"
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// access is what a handler was written for: the route table's access, with
// org routes apart. The wiring refuses a handler whose kind is not its
// route's, so a signed-in route cannot be served by a handler that never
// receives the caller, nor an org route by one that skips the org check.
type access int

const (
	accessPublic access = iota
	accessSigned
	accessMember
	accessOptional
)

// handler is one route's handler and the kind it was written for.
type handler struct {
	kind  access
	serve edge.HandlerFunc
}

// handlers maps route names to handlers.
type handlers map[string]handler

func public(h edge.HandlerFunc) handler         { return handler{accessPublic, h} }
func signed(h caller.Handler) handler           { return handler{accessSigned, caller.Signed(h)} }
func inOrg(h caller.Handler) handler            { return handler{accessMember, caller.Member(h)} }
func optional(h caller.OptionalHandler) handler { return handler{accessOptional, caller.Optional(h)} }

// accessOf is the kind of handler a route needs.
func accessOf(rt route.Route) access {
	switch {
	case rt.Access == route.Public:
		return accessPublic
	case rt.Access == route.OptionalSession:
		return accessOptional
	case rt.OrgScoped():
		return accessMember
	}
	return accessSigned
}

// serving returns the edge handlers of one function's routes, each checked
// against its route's access. A handler for a route the function does not
// serve is refused too: the function would build (and link) a part it
// never uses.
func (hs handlers) serving(routes []route.Route) (map[string]edge.HandlerFunc, error) {
	out := map[string]edge.HandlerFunc{}
	for _, rt := range routes {
		h, ok := hs[rt.Name]
		if !ok {
			continue // edge.New names the missing handler
		}
		if h.kind != accessOf(rt) {
			return nil, fmt.Errorf("route %s (%s): handler written for another access than the route table's", rt.Name, rt.Pattern())
		}
		out[rt.Name] = h.serve
	}
	var extra []string
	for name := range hs {
		if _, ok := out[name]; !ok {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return nil, fmt.Errorf("handlers of routes another function serves: %v", extra)
	}
	return out, nil
}
