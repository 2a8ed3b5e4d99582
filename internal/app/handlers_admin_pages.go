package app

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/settings"
	"github.com/gatehouse-dev/gatehouse/internal/ui"
)

// adminPageHandlers are the administration pages of an office (F29 for
// F9-F19, F26), over the services the JSON routes use.
func (a *App) adminPageHandlers() handlers {
	p := ui.NewAdmin(a.View, ui.AdminServices{Auth: a.Auth, Orgs: a.Orgs, Invites: a.Invites, InviteStore: a.Store, Reviews: a.Reviews,
		Members: a.Members, Employees: employee.NewService(a.Store, time.Now), Settings: settings.NewService(a.Store, time.Now), Audit: a.Store})
	return handlers{
		"adminInvitesPage":         inOrg(p.InvitesShow),
		"adminInvitesForm":         inOrg(p.InvitesSubmit),
		"adminRegistrationsPage":   inOrg(p.RegistrationsShow),
		"adminRegistrationPage":    inOrg(p.RegistrationShow),
		"adminApproveForm":         inOrg(p.ApproveSubmit),
		"adminDenyPage":            inOrg(p.DenyShow),
		"adminDenyForm":            inOrg(p.DenySubmit),
		"adminModifyPage":          inOrg(p.ModifyShow),
		"adminModifyForm":          inOrg(p.ModifySubmit),
		"adminUsersPage":           inOrg(p.UsersShow),
		"adminAddUserPage":         inOrg(p.AddUserShow),
		"adminAddUserEmployeePage": inOrg(p.AddUserEmployeeShow),
		"adminAddUserInfoPage":     inOrg(p.AddUserInfoShow),
		"adminAddUserInfoForm":     inOrg(p.AddUserInfoSubmit),
		"adminUserPage":            inOrg(p.UserShow),
		"adminEditUserPage":        inOrg(p.EditUserShow),
		"adminEditUserForm":        inOrg(p.EditUserSubmit),
		"adminResetPasswordPage":   inOrg(p.ResetPasswordShow),
		"adminResetPasswordForm":   inOrg(p.ResetPasswordSubmit),
		"adminDeleteUserPage":      inOrg(p.DeleteUserShow),
		"adminDeleteUserForm":      inOrg(p.DeleteUserSubmit),
		"adminReactivateUserForm":  inOrg(p.ReactivateUserSubmit),
		"adminLockUserForm":        inOrg(p.LockUserSubmit),
		"adminUnlockUserForm":      inOrg(p.UnlockUserSubmit),
		"adminPrivilegesPage":      inOrg(p.PrivilegesShow),
		"adminPrivilegesForm":      inOrg(p.PrivilegesSubmit),
		"adminEmployeesPage":       inOrg(p.EmployeesShow),
		"adminAddEmployeePage":     inOrg(p.AddEmployeeShow),
		"adminAddEmployeeForm":     inOrg(p.AddEmployeeSubmit),
		"adminEmployeePage":        inOrg(p.EmployeeShow),
		"adminEmployeeForm":        inOrg(p.EmployeeSubmit),
		"adminSettingsPage":        inOrg(p.SettingsShow),
		"adminSettingsForm":        inOrg(p.SettingsSubmit),
		"adminCodeWordForm":        inOrg(p.CodeWordSubmit),
		"adminAuditPage":           inOrg(p.AuditShow),
	}
}
