package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/help"
)

// codeListHandlers are the shared code lists (F25).
func (p *Parts) codeListHandlers() handlers {
	h := codelist.NewHandlers(p.codeListService())
	return handlers{
		"listCodes":     inOrg(h.List),
		"addCode":       inOrg(h.Add),
		"deleteCode":    inOrg(h.Delete),
		"copyCodeLists": signed(h.Copy),
	}
}

// helpHandlers are the Help Center (F24).
func (p *Parts) helpHandlers() handlers {
	h := help.NewHandlers(p.helpCenter())
	return handlers{
		"searchHelp":     signed(h.Search),
		"getHelpArticle": signed(h.Get),
	}
}
