package ui

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
)

// statusOf is the HTTP status of a refused form: the API's status for the error.
func statusOf(err error) int { return httpapi.Status(err) }

// time0 expires a cookie.
var time0 = time.Unix(0, 0)
