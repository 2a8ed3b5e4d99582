package app

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/settings"
)

// accountHandlers are running accounts (F13-F19) and the audit log (F26).
func (a *App) accountHandlers() map[string]edge.HandlerFunc {
	users := member.NewHandlers(a.Members)
	employees := employee.NewHandlers(employee.NewService(a.Store, time.Now))
	settings := settings.NewHandlers(settings.NewService(a.Store, time.Now))
	log := audit.NewHandlers(a.Store)
	return map[string]edge.HandlerFunc{
		"listEmployees":     employees.List,
		"createEmployee":    employees.Create,
		"updateEmployee":    employees.Update,
		"listUsers":         users.List,
		"createUser":        users.Create,
		"exportUsers":       users.Export,
		"getUser":           users.Get,
		"updateUser":        users.Update,
		"deleteUser":        users.Delete,
		"reactivateUser":    users.Reactivate,
		"resetUserPassword": users.ResetPassword,
		"setUserPrivileges": users.SetPrivileges,
		"getOrgSettings":    settings.Get,
		"updateOrgSettings": settings.Patch,
		"listAudit":         log.List,
		"exportAudit":       log.Export,
		"setupPassword":     users.Setup,
	}
}
