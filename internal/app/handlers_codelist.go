package app

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/codelist"
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
