package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// Decode reads a JSON body into v. An empty body decodes as {}. Malformed
// JSON, a wrong type or trailing data is a 400; an oversized body a 413.
func Decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return fault.Invalid("json_required", "Send the body as application/json.")
		}
	}
	dec := json.NewDecoder(r.Body)
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("trailing data")
		}
	}
	if err == nil {
		return nil
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return fault.TooLarge("body_too_large", "The request body is larger than "+strconv.FormatInt(tooBig.Limit, 10)+" bytes.")
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fault.Validation(map[string]string{typeErr.Field: "must be a " + jsonKind(typeErr.Type.Kind().String())})
	}
	return fault.Invalid("malformed_json", "The request body is not valid JSON.")
}

func jsonKind(goKind string) string {
	switch {
	case goKind == "string":
		return "string"
	case goKind == "bool":
		return "boolean"
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "number"
	case goKind == "slice":
		return "list"
	}
	return "JSON object"
}

// JSON writes v with the given status.
func JSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// NoContent writes a 204.
func NoContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Page reads ?limit= (default 50, 1-200) and ?cursor=.
func Page(r *http.Request) (limit int, cursor string, err error) {
	limit = 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 1 || n > 200 {
			return 0, "", fault.Validation(map[string]string{"limit": "must be a whole number from 1 to 200"})
		}
		limit = n
	}
	return limit, r.URL.Query().Get("cursor"), nil
}

// List is the contract's list shape.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}
