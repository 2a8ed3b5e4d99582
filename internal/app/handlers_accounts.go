package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/member"
	"github.com/gatehouse-dev/gatehouse/internal/settings"
)

// setupHandlers are the emailed links of one login: password set-up (F14) and email confirmation.
func (p *Parts) setupHandlers() handlers {
	users := member.NewHandlers(p.memberService())
	return handlers{
		"setupPassword": public(users.Setup),
		"confirmEmail":  public(users.ConfirmEmail),
	}
}

// accountHandlers are running accounts (F13-F19), office settings and the audit log (F26).
func (p *Parts) accountHandlers() handlers {
	users := member.NewHandlers(p.memberService())
	employees := employee.NewHandlers(employee.NewService(p.storeOf(), p.now))
	settings := settings.NewHandlers(settings.NewService(p.storeOf(), p.now))
	log := audit.NewHandlers(p.storeOf())
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
	}
}
