// Package openapi builds the OpenAPI 3.0 document of the API (F30) from the
// route table and each feature's Ops: the Go types its handlers decode and
// answer (reflected into JSON Schemas), the real success status, every
// error status a route can answer, its query parameters and CSV exports. A
// route without its Op is a test failure, so the document cannot lag behind.
package openapi

import (
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// Op documents one route with its handler's own types.
type Op struct {
	Summary string // default: the route's name in words
	// Request is a value of the body type the handler decodes; nil: no body.
	Request any
	// OptionalBody: the body may be left out (an empty object is sent).
	OptionalBody bool
	// Response is a value of the success body's type; nil: no body (204).
	Response any
	Status   int // the success status
	// Errors are the statuses (and their codes) the route answers beyond
	// those every route of its kind does (see errorsOf).
	Errors map[int][]string
	Query  []Param
	// CSV is the header row of a text/csv answer (exports).
	CSV   []string
	Paged bool // ?limit= and ?cursor=
	Doc   string
}

// Param is one query parameter (a string unless Bool or Enum say otherwise).
type Param struct {
	Name string
	Doc  string
	Enum []string
	Bool bool
}

// Ops maps route names to their Op.
type Ops map[string]Op

// Merge joins the Ops of every feature.
func Merge(all ...Ops) Ops {
	out := Ops{}
	for _, o := range all {
		maps.Copy(out, o)
	}
	return out
}

// Missing lists the routes that have no Op, and Ops that have no route.
func Missing(routes []route.Route, ops Ops) []string {
	var out []string
	known := map[string]bool{}
	for _, rt := range routes {
		if rt.Page() {
			continue // the portal's HTML pages are not part of the API
		}
		known[rt.Name] = true
		if _, ok := ops[rt.Name]; !ok {
			out = append(out, "route without an Op: "+rt.Name)
		}
	}
	for name := range ops {
		if !known[name] {
			out = append(out, "Op without a route: "+name)
		}
	}
	slices.Sort(out)
	return out
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\}`)

// Document returns the OpenAPI document of routes.
func Document(routes []route.Route, serverURL string, ops Ops) map[string]any {
	s := newSchemas()
	paths := map[string]map[string]any{}
	tags := map[string]bool{}
	for _, rt := range routes {
		if rt.Page() {
			continue // the portal's HTML pages are not part of the API
		}
		op := ops[rt.Name]
		o := map[string]any{
			"operationId": rt.Name,
			"summary":     summary(rt, op),
			"tags":        []string{tag(rt.Path)},
			"responses":   responses(s, rt, op),
		}
		tags[tag(rt.Path)] = true
		if d := description(rt, op); d != "" {
			o["description"] = d
		}
		switch rt.Access {
		case route.Session:
			o["security"] = []map[string][]string{{"bearer": {}}, {"cookie": {}}}
		case route.OptionalSession:
			o["security"] = []map[string][]string{{"bearer": {}}, {"cookie": {}}, {}}
		default:
			o["security"] = []map[string][]string{}
		}
		if params := parameters(rt, op); len(params) > 0 {
			o["parameters"] = params
		}
		if op.Request != nil {
			o["requestBody"] = map[string]any{
				"required": !op.OptionalBody,
				"content":  map[string]any{"application/json": map[string]any{"schema": s.of(reflect.TypeOf(op.Request))}},
			}
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = o
	}
	s.components["Error"] = errorSchema
	var tagList []map[string]string
	for _, t := range slices.Sorted(maps.Keys(tags)) {
		d, ok := tagDescriptions[t]
		if !ok {
			d = "Routes under " + t + "."
		}
		tagList = append(tagList, map[string]string{"name": t, "description": d})
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "Gatehouse API",
			"version": "1",
			"description": "Accounts and access for healthcare portals. Errors are {\"error\": {\"code\", \"message\", \"fields\"?}}; " +
				"every response carries X-Request-Id; lists take ?limit= and ?cursor= and answer {\"items\", \"next_cursor\"?}; times are RFC 3339 UTC.",
			"license": map[string]string{"name": "Proprietary", "url": strings.TrimSuffix(serverURL, "/") + "/v1/openapi.json"},
		},
		"servers": []map[string]string{{"url": serverURL}},
		"tags":    tagList,
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]string{"type": "http", "scheme": "bearer", "description": "The token of POST /v1/auth/login."},
				"cookie": map[string]string{"type": "apiKey", "in": "cookie", "name": "__Host-gatehouse_session",
					"description": "The session cookie set by sign-in; unsafe requests must come from the portal's origin."},
			},
			"headers": map[string]any{
				"RequestId": map[string]any{"description": "The request's id, also in the logs and the audit log.", "required": true,
					"schema": map[string]string{"type": "string"}},
			},
			"schemas": s.components,
		},
	}
}

var errorSchema = map[string]any{
	"type":     "object",
	"required": []string{"error"},
	"properties": map[string]any{"error": map[string]any{
		"type":     "object",
		"required": []string{"code", "message"},
		"properties": map[string]any{
			"code":    map[string]any{"type": "string", "description": "A stable snake_case code."},
			"message": map[string]any{"type": "string", "description": "A sentence for a person."},
			"fields":  map[string]any{"type": "object", "additionalProperties": map[string]string{"type": "string"}, "description": "Why each named field is invalid (400)."},
		},
	}},
}

var tagDescriptions = map[string]string{
	"health": "Liveness and the API document.", "openapi.json": "This document.",
	"auth": "Sign-in, sessions, passwords, second factors.", "me": "The signed-in person: memberships, sessions, passkeys, links.",
	"invites": "One-click invites (F9).", "registrations": "Self-registration and its review (F10-F12).",
	"employees": "An office's people (F13).", "users": "Running accounts (F14-F19).", "settings": "Office settings.",
	"audit": "The audit log (F26).", "code-word": "The practice code word (F6).",
	"governance": "Site administrator warnings (F20).", "tickets": "Support and privilege-change tickets (F21, F22).",
	"support": "Emergency requests from people who cannot sign in (F21).", "code-lists": "Diagnosis, billing and payer codes (F25).",
	"help": "The Help Center (F24).",
}

func tag(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) >= 4 && parts[1] == "orgs":
		return parts[3]
	case len(parts) >= 2:
		return parts[1]
	}
	return "api"
}

// summary is op.Summary, or the route's name in words ("listUsers" → "List users").
func summary(rt route.Route, op Op) string {
	if op.Summary != "" {
		return op.Summary
	}
	var b strings.Builder
	for i, r := range rt.Name {
		switch {
		case i == 0:
			b.WriteRune(unicode.ToUpper(r))
		case unicode.IsUpper(r):
			b.WriteRune(' ')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	return strings.ReplaceAll(b.String(), "t o t p", "TOTP")
}

func description(rt route.Route, op Op) string {
	var parts []string
	if op.Doc != "" {
		parts = append(parts, op.Doc)
	}
	if rt.Module != "" {
		need := "view"
		if rt.Writes() {
			need = "full"
		}
		parts = append(parts, "Needs an active membership in the org with `"+need+"` access to the `"+rt.Module+"` module.")
	} else if rt.OrgScoped() {
		parts = append(parts, "Needs an active membership in the org.")
	}
	return strings.Join(parts, " ")
}

func parameters(rt route.Route, op Op) []map[string]any {
	var params []map[string]any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
	}
	if op.Paged {
		params = append(params,
			map[string]any{"name": "limit", "in": "query", "description": "Page size.", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
			map[string]any{"name": "cursor", "in": "query", "description": "The next_cursor of the previous page.", "schema": map[string]string{"type": "string"}})
	}
	for _, q := range op.Query {
		sch := map[string]any{"type": "string"}
		switch {
		case q.Bool:
			sch = map[string]any{"type": "boolean"}
		case q.Enum != nil:
			sch["enum"] = q.Enum
		}
		params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Doc, "schema": sch})
	}
	return params
}

// errorsOf are the error statuses a route answers, with the codes each
// carries: those of its kind (body, session, org, path) and its own.
func errorsOf(rt route.Route, op Op) map[int][]string {
	out := map[int][]string{
		http.StatusTooManyRequests:    {"too_many_requests"},
		http.StatusServiceUnavailable: {"dependency_unavailable"},
	}
	add := func(status int, codes ...string) { out[status] = append(out[status], codes...) }
	if op.Request != nil {
		add(http.StatusBadRequest, "json_required", "malformed_json", "validation_failed")
		add(http.StatusRequestEntityTooLarge, "body_too_large")
	}
	if op.Paged || len(op.Query) > 0 {
		add(http.StatusBadRequest, "validation_failed", "invalid_cursor")
	}
	switch rt.Access {
	case route.Session:
		add(http.StatusUnauthorized, "not_signed_in")
		add(http.StatusForbidden, "csrf_rejected", "password_change_required", "mfa_enrolment_required")
	case route.OptionalSession:
		add(http.StatusUnauthorized, "not_signed_in")
		add(http.StatusForbidden, "csrf_rejected")
	}
	if rt.OrgScoped() {
		add(http.StatusNotFound, "not_found")
		if rt.Module != "" {
			add(http.StatusForbidden, "insufficient_privilege")
		}
	}
	if strings.Count(rt.Path, "{") > btoi(rt.OrgScoped()) {
		add(http.StatusNotFound, "not_found")
	}
	for status, codes := range op.Errors {
		add(status, codes...)
	}
	for status, codes := range out {
		slices.Sort(codes)
		out[status] = slices.Compact(codes)
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

var statusDescriptions = map[int]string{
	400: "Invalid input.", 401: "Not signed in, or bad credentials.", 403: "Signed in but not allowed.",
	404: "No such thing in your reach.", 409: "A conflict: the state no longer allows it.", 410: "The link expired.",
	413: "Body too large.", 423: "The account is locked.", 429: "Throttled; see Retry-After.", 503: "A dependency is down; retry later.",
}

func responses(s *schemas, rt route.Route, op Op) map[string]any {
	headers := map[string]any{"X-Request-Id": map[string]string{"$ref": "#/components/headers/RequestId"}}
	status := op.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status) + ".", "headers": headers}
	switch {
	case op.CSV != nil:
		ok["content"] = map[string]any{"text/csv": map[string]any{"schema": map[string]any{"type": "string",
			"description": "A header row (" + strings.Join(op.CSV, ",") + ") and one row per entry; cells that could start a formula are quoted."}}}
		ok["headers"] = map[string]any{"X-Request-Id": headers["X-Request-Id"],
			"Content-Disposition": map[string]any{"description": "attachment; filename=…", "schema": map[string]string{"type": "string"}}}
	case op.Response != nil:
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": s.of(reflect.TypeOf(op.Response))}}
	}
	out := map[string]any{strconv.Itoa(status): ok}
	for code, codes := range errorsOf(rt, op) {
		d := statusDescriptions[code] + " Codes: " + strings.Join(codes, ", ") + "."
		r := map[string]any{"description": d, "headers": headers,
			"content": map[string]any{"application/json": map[string]any{"schema": map[string]string{"$ref": "#/components/schemas/Error"}}}}
		if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
			r["headers"] = map[string]any{"X-Request-Id": headers["X-Request-Id"],
				"Retry-After": map[string]any{"description": "Seconds to wait.", "schema": map[string]string{"type": "integer"}}}
		}
		out[strconv.Itoa(code)] = r
	}
	return out
}
