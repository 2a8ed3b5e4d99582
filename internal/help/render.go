package help

import (
	"bytes"
	"fmt"
	"github.com/gatehouse-dev/gatehouse/internal/web/template"
	"strings"

	"github.com/yuin/goldmark"
)

// markdown renders articles; raw HTML in an article is dropped (goldmark's default).
var markdown = goldmark.New()

// HTML renders the article's Markdown body for the Help Center page,
// without its leading "# Title" line (the page shows the title itself).
func (a Article) HTML() (template.HTML, error) {
	body := a.Body
	if strings.HasPrefix(body, "# ") {
		_, body, _ = strings.Cut(body, "\n")
	}
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(body), &buf); err != nil {
		return "", fmt.Errorf("render help article %s: %w", a.Slug, err)
	}
	return template.HTML(buf.String()), nil // #nosec: goldmark escapes text and omits raw HTML
}
