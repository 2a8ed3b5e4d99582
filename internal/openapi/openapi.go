// Package openapi builds the OpenAPI 3.1 document of the API from the route
// table, so the document lists exactly the routes that exist (F30).
package openapi

import (
	"regexp"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/route"
)

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\}`)

// Document returns the OpenAPI document for routes.
func Document(routes []route.Route, serverURL string) map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		if rt.Page() {
			continue // the portal's HTML pages are not part of the API
		}
		op := map[string]any{
			"operationId": rt.Name,
			"tags":        []string{tag(rt.Path)},
			"responses":   responses(rt),
		}
		if rt.Access == route.Session {
			op["security"] = []map[string][]string{{"bearer": {}}, {"cookie": {}}}
		} else {
			op["security"] = []map[string][]string{{}}
		}
		if rt.Module != "" {
			need := "view"
			if rt.Writes() {
				need = "full"
			}
			op["description"] = "Needs an active membership in the org with `" + need + "` access to the `" + rt.Module + "` module."
		} else if rt.OrgScoped() {
			op["description"] = "Needs an active membership in the org."
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		if rt.Method == "GET" && !strings.Contains(rt.Path[strings.LastIndex(rt.Path, "/"):], "{") && rt.OrgScoped() {
			params = append(params,
				map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
				map[string]any{"name": "cursor", "in": "query", "schema": map[string]string{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Writes() {
			op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]string{"type": "object"}}}}
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Gatehouse API",
			"version":     "1",
			"description": "Accounts and access for healthcare portals. Errors are {\"error\": {\"code\", \"message\", \"fields\"?}}; every response carries X-Request-Id; lists take ?limit= and ?cursor= and answer {\"items\", \"next_cursor\"?}.",
		},
		"servers": []map[string]string{{"url": serverURL}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]string{"type": "http", "scheme": "bearer"},
				"cookie": map[string]string{"type": "apiKey", "in": "cookie", "name": "__Host-gatehouse_session"},
			},
			"schemas": map[string]any{
				"Error": map[string]any{
					"type":     "object",
					"required": []string{"error"},
					"properties": map[string]any{"error": map[string]any{
						"type":     "object",
						"required": []string{"code", "message"},
						"properties": map[string]any{
							"code":    map[string]string{"type": "string"},
							"message": map[string]string{"type": "string"},
							"fields":  map[string]any{"type": "object", "additionalProperties": map[string]string{"type": "string"}},
						},
					}},
				},
			},
		},
	}
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

func responses(rt route.Route) map[string]any {
	errorRef := map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]string{"$ref": "#/components/schemas/Error"}}}}
	ok := "200"
	switch {
	case rt.Method == "DELETE":
		ok = "204"
	case rt.Method == "POST" && strings.HasSuffix(rt.Path, "s") && rt.OrgScoped():
		ok = "201"
	}
	out := map[string]any{
		ok:    map[string]string{"description": "Success."},
		"400": withDescription(errorRef, "Invalid input."),
		"413": withDescription(errorRef, "Body too large."),
		"429": withRetryAfter(withDescription(errorRef, "Throttled (too_many_requests): past a rate limit.")),
		"503": withRetryAfter(withDescription(errorRef, "A dependency is down (dependency_unavailable); retry later.")),
	}
	if rt.Access != route.Public {
		out["401"] = withDescription(errorRef, "Not signed in.")
		out["403"] = withDescription(errorRef, "Signed in but not allowed.")
	}
	if rt.OrgScoped() || strings.Contains(rt.Path, "{") {
		out["404"] = withDescription(errorRef, "No such thing in your reach.")
	}
	return out
}

func withDescription(m map[string]any, d string) map[string]any {
	out := map[string]any{"description": d}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// withRetryAfter documents the Retry-After header (seconds) of a 429 or 503.
func withRetryAfter(m map[string]any) map[string]any {
	m["headers"] = map[string]any{"Retry-After": map[string]any{
		"description": "Seconds to wait before trying again.", "schema": map[string]string{"type": "integer"}}}
	return m
}
