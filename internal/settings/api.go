package settings

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/openapi"
)

// API documents the org settings routes with their handlers' types (F30).
func API() openapi.Ops {
	return openapi.Ops{
		"getOrgSettings":    {Response: View{}, Status: http.StatusOK},
		"updateOrgSettings": {Request: PatchBody{}, Response: View{}, Status: http.StatusOK, Doc: "Office-wide: an administrator scoped to one provider gets 403."},
	}
}
