// Package markdown renders a Help Center article's Markdown to HTML with
// goldmark. Only the generator (go generate ./internal/help) and the tests
// import it: the functions serve the HTML rendered at build time, so
// goldmark stays out of the Lambda binaries.
package markdown

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
)

// converter drops raw HTML in an article (goldmark's default).
var converter = goldmark.New()

// Body renders an article's Markdown body without its leading "# Title"
// line (the page shows the title itself).
func Body(md string) (string, error) {
	if strings.HasPrefix(md, "# ") {
		_, md, _ = strings.Cut(md, "\n")
	}
	var buf bytes.Buffer
	if err := converter.Convert([]byte(md), &buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}
