package help

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
)

// API documents the Help Center routes with their handlers' types (F30).
func API() openapi.Ops {
	return openapi.Ops{
		"searchHelp": {Response: httpapi.List[Summary]{}, Status: http.StatusOK, Doc: "Ranked best first.",
			Query: []openapi.Param{{Name: "q", Doc: "Words to find."}}},
		"getHelpArticle": {Response: View{}, Status: http.StatusOK, Errors: map[int][]string{404: {"article_not_found"}}},
	}
}
