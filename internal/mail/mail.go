// Package mail renders the emails Gatehouse sends from templates embedded in
// the binary. Sending is done by an adapter (internal/mail/ses).
package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// Message is one rendered email.
type Message struct {
	To      []string
	Subject string
	Text    string
	HTML    string
	// Kind names the template, for logs and metrics (never the content).
	Kind string
}

//go:embed templates/*.tmpl
var files embed.FS

var (
	textTemplates = texttemplate.Must(texttemplate.ParseFS(files, "templates/*.txt.tmpl"))
	htmlTemplates = htmltemplate.Must(htmltemplate.ParseFS(files, "templates/*.html.tmpl"))
)

// Render builds the message named kind (templates/<kind>.txt.tmpl, which
// defines "<kind>.subject" and "<kind>.text", and templates/<kind>.html.tmpl).
func Render(kind string, to string, data any) (Message, error) {
	var subject, text, html bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&subject, kind+".subject", data); err != nil {
		return Message{}, fmt.Errorf("render %s subject: %w", kind, err)
	}
	if err := textTemplates.ExecuteTemplate(&text, kind+".text", data); err != nil {
		return Message{}, fmt.Errorf("render %s text: %w", kind, err)
	}
	if err := htmlTemplates.ExecuteTemplate(&html, kind+".html.tmpl", data); err != nil {
		return Message{}, fmt.Errorf("render %s html: %w", kind, err)
	}
	return Message{
		To:      []string{to},
		Subject: strings.TrimSpace(subject.String()),
		Text:    text.String(),
		HTML:    html.String(),
		Kind:    kind,
	}, nil
}
