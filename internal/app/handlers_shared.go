package app

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/help"
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

// codeListHandlers are the shared code lists (F25).
func (a *App) codeListHandlers() map[string]edge.HandlerFunc {
	h := codelist.NewHandlers(codelist.NewService(a.Store, a.Store, time.Now))
	return map[string]edge.HandlerFunc{
		"listCodes":     h.List,
		"addCode":       h.Add,
		"deleteCode":    h.Delete,
		"copyCodeLists": h.Copy,
	}
}

// helpHandlers are the Help Center (F24).
func (a *App) helpHandlers() map[string]edge.HandlerFunc {
	h := help.NewHandlers(help.New())
	return map[string]edge.HandlerFunc{
		"searchHelp":     h.Search,
		"getHelpArticle": h.Get,
	}
}
