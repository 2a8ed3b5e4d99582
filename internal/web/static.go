package web

import (
	"embed"
	"net/http"
	"path"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

//go:embed static
var staticFS embed.FS

var assetTypes = map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

// Asset serves the embedded stylesheet and scripts: GET /assets/{name}.
func Asset(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	ctype, ok := assetTypes[path.Ext(name)]
	b, err := staticFS.ReadFile("static/" + name)
	if !ok || err != nil {
		return fault.NotFound("not_found", "There is no such file.")
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write(b)
	return err
}
