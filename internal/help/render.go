package help

import (
	"fmt"

	"github.com/gatehouse-dev/gatehouse/internal/web/template"
)

//go:generate go run ./gen

// HTML is the article's body for the Help Center page, rendered from its
// Markdown at build time (rendered.go; raw HTML in an article is dropped),
// without its leading "# Title" line (the page shows the title itself).
func (a Article) HTML() (template.HTML, error) {
	html, ok := rendered[a.Slug]
	if !ok {
		return "", fmt.Errorf("help article %s is not rendered: run go generate ./internal/help", a.Slug)
	}
	return template.HTML(html), nil // #nosec: goldmark escaped the text and omitted raw HTML
}
