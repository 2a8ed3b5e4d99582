package audit

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
)

// API documents the audit log routes with their handlers' types (F30).
func API() openapi.Ops {
	return openapi.Ops{
		"listAudit":   {Response: httpapi.List[View]{}, Status: http.StatusOK, Paged: true, Doc: "Newest first."},
		"exportAudit": {CSV: CSVHeader, Status: http.StatusOK, Doc: "The whole log, newest first, streamed."},
	}
}
