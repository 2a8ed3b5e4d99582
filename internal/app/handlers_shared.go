package app

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/help"
)

// codeListHandlers are the shared code lists (F25).
func (a *App) codeListHandlers() handlers {
	h := codelist.NewHandlers(codelist.NewService(a.Store, a.Store, time.Now))
	return handlers{
		"listCodes":     inOrg(h.List),
		"addCode":       inOrg(h.Add),
		"deleteCode":    inOrg(h.Delete),
		"copyCodeLists": signed(h.Copy),
	}
}

// helpHandlers are the Help Center (F24).
func (a *App) helpHandlers() handlers {
	h := help.NewHandlers(help.New())
	return handlers{
		"searchHelp":     signed(h.Search),
		"getHelpArticle": signed(h.Get),
	}
}
