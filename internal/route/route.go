// Package route is the one table of HTTP routes. The functions, the local API
// gateway and the CDK stack all read it, so a route cannot exist in one place
// and be missing in another.
package route

import (
	"sort"
	"strings"
)

// Access says what a caller must present before a route's handler runs.
type Access int

const (
	// Public routes need no session (sign-in, invite links, registration).
	Public Access = iota
	// Session routes need a valid session; org-scoped ones also a membership.
	Session
	// OptionalSession routes serve both; a session, when sent, must be valid.
	OptionalSession
)

// Route is one HTTP route: Pattern uses the syntax shared by net/http.ServeMux
// and API Gateway HTTP API route keys ("GET /v1/orgs/{org}/users").
type Route struct {
	Name     string // operation id, also the handler key and the OpenAPI operationId
	Method   string
	Path     string
	Function string // the Lambda function that serves it
	Access   Access
	// Module, for routes under /v1/orgs/{org}, is the portal module whose
	// access level the caller needs there: view for GET, full otherwise (F19).
	// Empty means membership in the org is enough. Values are account.Module
	// names ("user_admin", "code_lists", …).
	Module string
}

// OrgScoped reports whether the route acts inside one org ({org} in the path).
func (r Route) OrgScoped() bool { return strings.Contains(r.Path, "{org}") }

// Writes reports whether the route changes state (needs full access).
func (r Route) Writes() bool { return r.Method != "GET" && r.Method != "HEAD" }

// Pattern is the API Gateway route key (and, but for the root page, the ServeMux pattern).
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// MuxPattern is the net/http.ServeMux pattern: as Pattern, except that the
// root page matches "/" alone, as its API Gateway route key does.
func (r Route) MuxPattern() string {
	if r.Path == "/" {
		return r.Method + " /{$}"
	}
	return r.Pattern()
}

// Page reports whether the route is a page of the portal (HTML for people)
// rather than the JSON API under /v1.
func (r Route) Page() bool { return !strings.HasPrefix(r.Path, "/v1/") }

// Function names. The ops function has no route: it is invoked with IAM
// only; the review function runs the review state machine's tasks.
const (
	FunctionAuth   = "auth"
	FunctionPortal = "portal"
	FunctionOps    = "ops"
	FunctionReview = "review"
	FunctionEvents = "events"
)

// TaskFunctions are the functions without routes: invoked directly (ops, by
// IAM), by Step Functions (review), or by the table's stream and EventBridge
// rules (events).
var TaskFunctions = []string{FunctionOps, FunctionReview, FunctionEvents}

// Table lists every route of the API, in sections by feature.
var Table = []Route{
	// Health.
	{"health", "GET", "/v1/health", FunctionAuth, Public, ""},
	{"openapi", "GET", "/v1/openapi.json", FunctionAuth, Public, ""},

	// Sign-in and self (F1-F8).
	{"login", "POST", "/v1/auth/login", FunctionAuth, Public, ""},
	{"logout", "POST", "/v1/auth/logout", FunctionPortal, Session, ""},
	{"logoutAll", "POST", "/v1/auth/logout-all", FunctionPortal, Session, ""},
	{"changePassword", "POST", "/v1/auth/password", FunctionPortal, Session, ""},
	{"forgotPassword", "POST", "/v1/auth/password/forgot", FunctionAuth, Public, ""},
	{"resetPassword", "POST", "/v1/auth/password/reset", FunctionAuth, Public, ""},
	{"startTOTP", "POST", "/v1/auth/mfa/totp", FunctionPortal, Session, ""},
	{"verifyTOTP", "POST", "/v1/auth/mfa/totp/verify", FunctionPortal, Session, ""},
	{"beginPasskeyRegistration", "POST", "/v1/auth/mfa/passkeys/register/begin", FunctionAuth, Session, ""},
	{"finishPasskeyRegistration", "POST", "/v1/auth/mfa/passkeys/register/finish", FunctionAuth, Session, ""},
	{"listPasskeys", "GET", "/v1/me/passkeys", FunctionAuth, Session, ""},
	{"deletePasskey", "DELETE", "/v1/me/passkeys/{id}", FunctionAuth, Session, ""},
	{"beginPasskeyLogin", "POST", "/v1/auth/login/passkey/begin", FunctionAuth, Public, ""},
	{"finishPasskeyLogin", "POST", "/v1/auth/login/passkey/finish", FunctionAuth, Public, ""},
	{"getMe", "GET", "/v1/me", FunctionPortal, Session, ""},
	{"listSessions", "GET", "/v1/me/sessions", FunctionPortal, Session, ""},
	{"endSession", "DELETE", "/v1/me/sessions/{id}", FunctionPortal, Session, ""},
	{"setActiveOrg", "PUT", "/v1/me/active-org", FunctionPortal, Session, ""},
	{"linkAccount", "POST", "/v1/me/links", FunctionPortal, Session, ""},
	{"deleteLinkedAccount", "DELETE", "/v1/me/links/{username}", FunctionPortal, Session, ""},
	{"rotateCodeWord", "PUT", "/v1/orgs/{org}/code-word", FunctionPortal, Session, "user_admin"},

	// Invites (F9).
	{"getInvite", "GET", "/v1/invites/{token}", FunctionAuth, Public, ""},
	{"acceptInvite", "POST", "/v1/invites/{token}/accept", FunctionAuth, OptionalSession, ""},
	{"createInvites", "POST", "/v1/orgs/{org}/invites", FunctionPortal, Session, "user_admin"},
	{"listInvites", "GET", "/v1/orgs/{org}/invites", FunctionPortal, Session, "user_admin"},
	{"resendInvite", "POST", "/v1/orgs/{org}/invites/{id}/resend", FunctionPortal, Session, "user_admin"},
	{"revokeInvite", "DELETE", "/v1/orgs/{org}/invites/{id}", FunctionPortal, Session, "user_admin"},

	// Self-registration and review (F10-F12).
	{"submitRegistration", "POST", "/v1/registrations", FunctionAuth, Public, ""},
	{"verifyRegistration", "POST", "/v1/registrations/verify", FunctionAuth, Public, ""},
	{"listRegistrations", "GET", "/v1/orgs/{org}/registrations", FunctionPortal, Session, "user_admin"},
	{"getRegistration", "GET", "/v1/orgs/{org}/registrations/{id}", FunctionPortal, Session, "user_admin"},
	{"approveRegistration", "POST", "/v1/orgs/{org}/registrations/{id}/approve", FunctionPortal, Session, "user_admin"},
	{"denyRegistration", "POST", "/v1/orgs/{org}/registrations/{id}/deny", FunctionPortal, Session, "user_admin"},
	{"modifyRegistration", "POST", "/v1/orgs/{org}/registrations/{id}/modify", FunctionPortal, Session, "user_admin"},

	// Accounts (F13-F19, F26).
	{"listEmployees", "GET", "/v1/orgs/{org}/employees", FunctionPortal, Session, "user_admin"},
	{"createEmployee", "POST", "/v1/orgs/{org}/employees", FunctionPortal, Session, "user_admin"},
	{"updateEmployee", "PATCH", "/v1/orgs/{org}/employees/{id}", FunctionPortal, Session, "user_admin"},
	{"listUsers", "GET", "/v1/orgs/{org}/users", FunctionPortal, Session, "user_admin"},
	{"createUser", "POST", "/v1/orgs/{org}/users", FunctionPortal, Session, "user_admin"},
	{"exportUsers", "GET", "/v1/orgs/{org}/users/export", FunctionPortal, Session, "user_admin"},
	{"getUser", "GET", "/v1/orgs/{org}/users/{id}", FunctionPortal, Session, "user_admin"},
	{"updateUser", "PATCH", "/v1/orgs/{org}/users/{id}", FunctionPortal, Session, "user_admin"},
	{"deleteUser", "DELETE", "/v1/orgs/{org}/users/{id}", FunctionPortal, Session, "user_admin"},
	{"reactivateUser", "POST", "/v1/orgs/{org}/users/{id}/reactivate", FunctionPortal, Session, "user_admin"},
	{"resetUserPassword", "POST", "/v1/orgs/{org}/users/{id}/reset-password", FunctionPortal, Session, "user_admin"},
	{"setUserPrivileges", "PUT", "/v1/orgs/{org}/users/{id}/privileges", FunctionPortal, Session, "user_admin"},
	{"getOrgSettings", "GET", "/v1/orgs/{org}/settings", FunctionPortal, Session, "user_admin"},
	{"updateOrgSettings", "PATCH", "/v1/orgs/{org}/settings", FunctionPortal, Session, "user_admin"},
	{"listAudit", "GET", "/v1/orgs/{org}/audit", FunctionPortal, Session, "user_admin"},
	{"exportAudit", "GET", "/v1/orgs/{org}/audit/export", FunctionPortal, Session, "user_admin"},
	{"setupPassword", "POST", "/v1/auth/setup", FunctionAuth, Public, ""},
	{"confirmEmail", "POST", "/v1/auth/email/confirm", FunctionAuth, Public, ""},

	// Governance (F20-F23): the site-administrator warning, support tickets
	// (site administrators and support users; checked by the service), the
	// public emergency form.
	{"getGovernance", "GET", "/v1/orgs/{org}/governance", FunctionPortal, Session, "user_admin"},
	{"listTickets", "GET", "/v1/orgs/{org}/tickets", FunctionPortal, Session, ""},
	{"fileTicket", "POST", "/v1/orgs/{org}/tickets", FunctionPortal, Session, ""},
	{"getTicket", "GET", "/v1/orgs/{org}/tickets/{id}", FunctionPortal, Session, ""},
	{"closeTicket", "POST", "/v1/orgs/{org}/tickets/{id}/close", FunctionPortal, Session, ""},
	{"emergencySupport", "POST", "/v1/support/emergency", FunctionAuth, Public, ""},

	// Help Center (F24): every signed-in user.
	{"searchHelp", "GET", "/v1/help/articles", FunctionPortal, Session, ""},
	{"getHelpArticle", "GET", "/v1/help/articles/{slug}", FunctionPortal, Session, ""},

	// Shared code lists (F25).
	{"listCodes", "GET", "/v1/orgs/{org}/code-lists/{kind}", FunctionPortal, Session, "code_lists"},
	{"addCode", "POST", "/v1/orgs/{org}/code-lists/{kind}", FunctionPortal, Session, "code_lists"},
	{"deleteCode", "DELETE", "/v1/orgs/{org}/code-lists/{kind}/{code}", FunctionPortal, Session, "code_lists"},
	{"copyCodeLists", "POST", "/v1/code-lists/copy", FunctionPortal, Session, ""},

	// The portal's pages (F29, web-contract.md): the same functions, guard
	// and services as the JSON routes. Public pages are served by auth,
	// signed-in ones by portal.
	{"asset", "GET", "/assets/{name}", FunctionAuth, Public, ""},
	{"loginPage", "GET", "/login", FunctionAuth, OptionalSession, ""},
	{"loginForm", "POST", "/login", FunctionAuth, Public, ""},
	{"forgotPage", "GET", "/password/forgot", FunctionAuth, Public, ""},
	{"forgotForm", "POST", "/password/forgot", FunctionAuth, Public, ""},
	{"resetPage", "GET", "/password/reset", FunctionAuth, Public, ""},
	{"resetForm", "POST", "/password/reset", FunctionAuth, Public, ""},
	{"setupPage", "GET", "/setup", FunctionAuth, Public, ""},
	{"setupForm", "POST", "/setup", FunctionAuth, Public, ""},
	{"invitePage", "GET", "/invites/{token}", FunctionAuth, OptionalSession, ""},
	{"inviteForm", "POST", "/invites/{token}", FunctionAuth, OptionalSession, ""},
	{"registrationPage", "GET", "/registrations/new", FunctionAuth, Public, ""},
	{"registrationForm", "POST", "/registrations/new", FunctionAuth, Public, ""},
	{"registrationSentPage", "GET", "/registrations/sent", FunctionAuth, Public, ""},
	{"registrationVerifyPage", "GET", "/registrations/verify", FunctionAuth, Public, ""},
	{"emailConfirmPage", "GET", "/email/confirm", FunctionAuth, Public, ""},
	{"emailConfirmForm", "POST", "/email/confirm", FunctionAuth, Public, ""},
	{"emergencyPage", "GET", "/support/emergency", FunctionAuth, Public, ""},
	{"emergencyForm", "POST", "/support/emergency", FunctionAuth, Public, ""},
	{"homePage", "GET", "/", FunctionPortal, Session, ""},
	{"logoutForm", "POST", "/logout", FunctionPortal, Session, ""},
	{"switchOfficeForm", "POST", "/switch-office", FunctionPortal, Session, ""},
	{"accountPage", "GET", "/account", FunctionPortal, Session, ""},
	{"helpPage", "GET", "/help", FunctionPortal, Session, ""},
	{"helpArticlePage", "GET", "/help/{slug}", FunctionPortal, Session, ""},
	{"ticketsPage", "GET", "/tickets", FunctionPortal, Session, ""},
	{"ticketForm", "POST", "/tickets", FunctionPortal, Session, ""},
	{"ticketPage", "GET", "/tickets/{id}", FunctionPortal, Session, ""},
	{"ticketCloseForm", "POST", "/tickets/{id}/close", FunctionPortal, Session, ""},
	{"copyCodesPage", "GET", "/account/copy-codes", FunctionPortal, Session, ""},
	{"copyCodesForm", "POST", "/account/copy-codes", FunctionPortal, Session, ""},
	{"passwordPage", "GET", "/account/password", FunctionPortal, Session, ""},
	{"passwordForm", "POST", "/account/password", FunctionPortal, Session, ""},
	{"twoFactorPage", "GET", "/account/two-factor", FunctionPortal, Session, ""},
	{"twoFactorStartForm", "POST", "/account/two-factor/start", FunctionPortal, Session, ""},
	{"twoFactorVerifyForm", "POST", "/account/two-factor/verify", FunctionPortal, Session, ""},
	{"endSessionsForm", "POST", "/account/sessions/end-all", FunctionPortal, Session, ""},
	{"endSessionForm", "POST", "/account/sessions/{id}/end", FunctionPortal, Session, ""},
	{"linkAccountForm", "POST", "/account/links", FunctionPortal, Session, ""},
	{"deleteLinkedForm", "POST", "/account/links/delete", FunctionPortal, Session, ""},
	{"addUsernameForm", "POST", "/account/usernames", FunctionPortal, Session, ""},
	{"deletePasskeyForm", "POST", "/account/passkeys/{id}/delete", FunctionPortal, Session, ""},

	// The administration pages of an office (seed 001 parts one to three,
	// seed 004), under the "Administration" menu: the same module check as
	// the JSON routes they stand beside (view to read, full to change).
	{"adminInvitesPage", "GET", "/orgs/{org}/invites/new", FunctionPortal, Session, "user_admin"},
	{"adminInvitesForm", "POST", "/orgs/{org}/invites/new", FunctionPortal, Session, "user_admin"},
	{"adminRegistrationsPage", "GET", "/orgs/{org}/registrations", FunctionPortal, Session, "user_admin"},
	{"adminRegistrationPage", "GET", "/orgs/{org}/registrations/{id}", FunctionPortal, Session, "user_admin"},
	{"adminApproveForm", "POST", "/orgs/{org}/registrations/{id}/approve", FunctionPortal, Session, "user_admin"},
	{"adminDenyPage", "GET", "/orgs/{org}/registrations/{id}/deny", FunctionPortal, Session, "user_admin"},
	{"adminDenyForm", "POST", "/orgs/{org}/registrations/{id}/deny", FunctionPortal, Session, "user_admin"},
	{"adminModifyPage", "GET", "/orgs/{org}/registrations/{id}/modify", FunctionPortal, Session, "user_admin"},
	{"adminModifyForm", "POST", "/orgs/{org}/registrations/{id}/modify", FunctionPortal, Session, "user_admin"},
	{"adminUsersPage", "GET", "/orgs/{org}/users", FunctionPortal, Session, "user_admin"},
	{"adminAddUserPage", "GET", "/orgs/{org}/users/new", FunctionPortal, Session, "user_admin"},
	{"adminAddUserEmployeePage", "GET", "/orgs/{org}/users/new/employee", FunctionPortal, Session, "user_admin"},
	{"adminAddUserInfoPage", "GET", "/orgs/{org}/users/new/info", FunctionPortal, Session, "user_admin"},
	{"adminAddUserInfoForm", "POST", "/orgs/{org}/users/new/info", FunctionPortal, Session, "user_admin"},
	{"adminUserPage", "GET", "/orgs/{org}/users/{id}", FunctionPortal, Session, "user_admin"},
	{"adminEditUserPage", "GET", "/orgs/{org}/users/{id}/edit", FunctionPortal, Session, "user_admin"},
	{"adminEditUserForm", "POST", "/orgs/{org}/users/{id}/edit", FunctionPortal, Session, "user_admin"},
	{"adminResetPasswordPage", "GET", "/orgs/{org}/users/{id}/reset-password", FunctionPortal, Session, "user_admin"},
	{"adminResetPasswordForm", "POST", "/orgs/{org}/users/{id}/reset-password", FunctionPortal, Session, "user_admin"},
	{"adminDeleteUserPage", "GET", "/orgs/{org}/users/{id}/delete", FunctionPortal, Session, "user_admin"},
	{"adminDeleteUserForm", "POST", "/orgs/{org}/users/{id}/delete", FunctionPortal, Session, "user_admin"},
	{"adminReactivateUserForm", "POST", "/orgs/{org}/users/{id}/reactivate", FunctionPortal, Session, "user_admin"},
	{"adminLockUserForm", "POST", "/orgs/{org}/users/{id}/lock", FunctionPortal, Session, "user_admin"},
	{"adminUnlockUserForm", "POST", "/orgs/{org}/users/{id}/unlock", FunctionPortal, Session, "user_admin"},
	{"adminPrivilegesPage", "GET", "/orgs/{org}/users/{id}/privileges", FunctionPortal, Session, "user_admin"},
	{"adminPrivilegesForm", "POST", "/orgs/{org}/users/{id}/privileges", FunctionPortal, Session, "user_admin"},
	{"adminEmployeesPage", "GET", "/orgs/{org}/employees", FunctionPortal, Session, "user_admin"},
	{"adminAddEmployeePage", "GET", "/orgs/{org}/employees/new", FunctionPortal, Session, "user_admin"},
	{"adminAddEmployeeForm", "POST", "/orgs/{org}/employees/new", FunctionPortal, Session, "user_admin"},
	{"adminEmployeePage", "GET", "/orgs/{org}/employees/{id}", FunctionPortal, Session, "user_admin"},
	{"adminEmployeeForm", "POST", "/orgs/{org}/employees/{id}", FunctionPortal, Session, "user_admin"},
	{"adminSettingsPage", "GET", "/orgs/{org}/settings", FunctionPortal, Session, "user_admin"},
	{"adminSettingsForm", "POST", "/orgs/{org}/settings", FunctionPortal, Session, "user_admin"},
	{"adminCodeWordForm", "POST", "/orgs/{org}/settings/code-word", FunctionPortal, Session, "user_admin"},
	{"adminAuditPage", "GET", "/orgs/{org}/audit", FunctionPortal, Session, "user_admin"},
	// Code lists (F25, seed 000's "Master Files for Group Setup").
	{"codeListPage", "GET", "/orgs/{org}/code-lists/{kind}", FunctionPortal, Session, "code_lists"},
	{"codeAddForm", "POST", "/orgs/{org}/code-lists/{kind}", FunctionPortal, Session, "code_lists"},
	{"codeDeleteForm", "POST", "/orgs/{org}/code-lists/{kind}/{code}/delete", FunctionPortal, Session, "code_lists"},
}

// OrgWide names the org routes that act on the whole office (its settings,
// its practice code word, its employees, its audit log): a membership scoped
// to one provider is refused them whatever its module levels, since what
// they show or change reaches past its provider.
var OrgWide = map[string]bool{
	"rotateCodeWord": true, "getOrgSettings": true, "updateOrgSettings": true,
	"listEmployees": true, "createEmployee": true, "updateEmployee": true,
	"listAudit": true, "exportAudit": true, "getGovernance": true,
	// Their pages, and the employee search of Add User.
	"adminEmployeesPage": true, "adminAddEmployeePage": true, "adminAddEmployeeForm": true, "adminEmployeePage": true,
	"adminEmployeeForm": true, "adminAddUserEmployeePage": true, "adminSettingsPage": true, "adminSettingsForm": true,
	"adminCodeWordForm": true, "adminAuditPage": true,
}

// ForFunction returns the routes served by one function.
func ForFunction(function string) []Route {
	var out []Route
	for _, r := range Table {
		if r.Function == function {
			out = append(out, r)
		}
	}
	return out
}

// Functions lists every Lambda function: those serving routes, then the task functions.
func Functions() []string { return append(HTTPFunctions(), TaskFunctions...) }

// HTTPFunctions returns the names of the functions that serve routes, sorted.
func HTTPFunctions() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range Table {
		if !seen[r.Function] {
			seen[r.Function] = true
			out = append(out, r.Function)
		}
	}
	sort.Strings(out)
	return out
}
