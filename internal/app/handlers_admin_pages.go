package app

import (
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/employee"
	edge "github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/settings"
	"github.com/gatehouse-dev/gatehouse/internal/ui"
)

// adminPageHandlers are the administration pages of an office (F29 for
// F9-F19, F26), over the services the JSON routes use.
func (a *App) adminPageHandlers() map[string]edge.HandlerFunc {
	p := ui.NewAdmin(a.View, ui.AdminServices{Auth: a.Auth, Orgs: a.Orgs, Invites: a.Invites, InviteStore: a.Store, Reviews: a.Reviews,
		Members: a.Members, Employees: employee.NewService(a.Store, time.Now), Settings: settings.NewService(a.Store, time.Now), Audit: a.Store})
	return map[string]edge.HandlerFunc{
		"adminInvitesPage":         p.InvitesShow,
		"adminInvitesForm":         p.InvitesSubmit,
		"adminRegistrationsPage":   p.RegistrationsShow,
		"adminRegistrationPage":    p.RegistrationShow,
		"adminApproveForm":         p.ApproveSubmit,
		"adminDenyPage":            p.DenyShow,
		"adminDenyForm":            p.DenySubmit,
		"adminModifyPage":          p.ModifyShow,
		"adminModifyForm":          p.ModifySubmit,
		"adminUsersPage":           p.UsersShow,
		"adminAddUserPage":         p.AddUserShow,
		"adminAddUserEmployeePage": p.AddUserEmployeeShow,
		"adminAddUserInfoPage":     p.AddUserInfoShow,
		"adminAddUserInfoForm":     p.AddUserInfoSubmit,
		"adminUserPage":            p.UserShow,
		"adminEditUserPage":        p.EditUserShow,
		"adminEditUserForm":        p.EditUserSubmit,
		"adminResetPasswordPage":   p.ResetPasswordShow,
		"adminResetPasswordForm":   p.ResetPasswordSubmit,
		"adminDeleteUserPage":      p.DeleteUserShow,
		"adminDeleteUserForm":      p.DeleteUserSubmit,
		"adminReactivateUserForm":  p.ReactivateUserSubmit,
		"adminLockUserForm":        p.LockUserSubmit,
		"adminUnlockUserForm":      p.UnlockUserSubmit,
		"adminPrivilegesPage":      p.PrivilegesShow,
		"adminPrivilegesForm":      p.PrivilegesSubmit,
		"adminEmployeesPage":       p.EmployeesShow,
		"adminAddEmployeePage":     p.AddEmployeeShow,
		"adminAddEmployeeForm":     p.AddEmployeeSubmit,
		"adminEmployeePage":        p.EmployeeShow,
		"adminEmployeeForm":        p.EmployeeSubmit,
		"adminSettingsPage":        p.SettingsShow,
		"adminSettingsForm":        p.SettingsSubmit,
		"adminCodeWordForm":        p.CodeWordSubmit,
		"adminAuditPage":           p.AuditShow,
	}
}
