package app

import (
	"github.com/gatehouse-dev/gatehouse/internal/employee"
	"github.com/gatehouse-dev/gatehouse/internal/settings"
	"github.com/gatehouse-dev/gatehouse/internal/ui"
)

// adminPageHandlers are the administration pages of an office (F29 for
// F9-F19, F26), over the services the JSON routes use.
func (p *Parts) adminPageHandlers() handlers {
	x := ui.NewAdmin(p.renderer(), ui.AdminServices{Auth: p.authService(), Orgs: p.orgService(), Invites: p.inviteService(), InviteStore: p.storeOf(),
		Reviews: p.reviewService(), Members: p.memberService(), Employees: employee.NewService(p.storeOf(), p.now),
		Settings: settings.NewService(p.storeOf(), p.now), Audit: p.storeOf(), CodeLists: p.codeListService()})
	return handlers{
		"adminInvitesPage":         inOrg(x.InvitesShow),
		"adminInvitesForm":         inOrg(x.InvitesSubmit),
		"adminRegistrationsPage":   inOrg(x.RegistrationsShow),
		"adminRegistrationPage":    inOrg(x.RegistrationShow),
		"adminApproveForm":         inOrg(x.ApproveSubmit),
		"adminDenyPage":            inOrg(x.DenyShow),
		"adminDenyForm":            inOrg(x.DenySubmit),
		"adminModifyPage":          inOrg(x.ModifyShow),
		"adminModifyForm":          inOrg(x.ModifySubmit),
		"adminUsersPage":           inOrg(x.UsersShow),
		"adminAddUserPage":         inOrg(x.AddUserShow),
		"adminAddUserEmployeePage": inOrg(x.AddUserEmployeeShow),
		"adminAddUserInfoPage":     inOrg(x.AddUserInfoShow),
		"adminAddUserInfoForm":     inOrg(x.AddUserInfoSubmit),
		"adminUserPage":            inOrg(x.UserShow),
		"adminEditUserPage":        inOrg(x.EditUserShow),
		"adminEditUserForm":        inOrg(x.EditUserSubmit),
		"adminResetPasswordPage":   inOrg(x.ResetPasswordShow),
		"adminResetPasswordForm":   inOrg(x.ResetPasswordSubmit),
		"adminDeleteUserPage":      inOrg(x.DeleteUserShow),
		"adminDeleteUserForm":      inOrg(x.DeleteUserSubmit),
		"adminReactivateUserForm":  inOrg(x.ReactivateUserSubmit),
		"adminLockUserForm":        inOrg(x.LockUserSubmit),
		"adminUnlockUserForm":      inOrg(x.UnlockUserSubmit),
		"adminPrivilegesPage":      inOrg(x.PrivilegesShow),
		"adminPrivilegesForm":      inOrg(x.PrivilegesSubmit),
		"adminEmployeesPage":       inOrg(x.EmployeesShow),
		"adminAddEmployeePage":     inOrg(x.AddEmployeeShow),
		"adminAddEmployeeForm":     inOrg(x.AddEmployeeSubmit),
		"adminEmployeePage":        inOrg(x.EmployeeShow),
		"adminEmployeeForm":        inOrg(x.EmployeeSubmit),
		"adminSettingsPage":        inOrg(x.SettingsShow),
		"adminSettingsForm":        inOrg(x.SettingsSubmit),
		"adminCodeWordForm":        inOrg(x.CodeWordSubmit),
		"adminAuditPage":           inOrg(x.AuditShow),
		"codeListPage":             inOrg(x.CodeListShow),
		"codeAddForm":              inOrg(x.CodeAddSubmit),
		"codeDeleteForm":           inOrg(x.CodeDeleteSubmit),
	}
}
