package app

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/settings"
)

// accountHandlers are running accounts (F13-F19) and the audit log (F26).
func (a *App) accountHandlers() handlers {
	users := member.NewHandlers(a.Members)
	employees := employee.NewHandlers(employee.NewService(a.Store, time.Now))
	settings := settings.NewHandlers(settings.NewService(a.Store, time.Now))
	log := audit.NewHandlers(a.Store)
	return handlers{
		"listEmployees":     inOrg(employees.List),
		"createEmployee":    inOrg(employees.Create),
		"updateEmployee":    inOrg(employees.Update),
		"listUsers":         inOrg(users.List),
		"createUser":        inOrg(users.Create),
		"exportUsers":       inOrg(users.Export),
		"getUser":           inOrg(users.Get),
		"updateUser":        inOrg(users.Update),
		"deleteUser":        inOrg(users.Delete),
		"reactivateUser":    inOrg(users.Reactivate),
		"resetUserPassword": inOrg(users.ResetPassword),
		"setUserPrivileges": inOrg(users.SetPrivileges),
		"getOrgSettings":    inOrg(settings.Get),
		"updateOrgSettings": inOrg(settings.Patch),
		"listAudit":         inOrg(log.List),
		"exportAudit":       inOrg(log.Export),
		"setupPassword":     public(users.Setup),
		"confirmEmail":      public(users.ConfirmEmail),
	}
}
