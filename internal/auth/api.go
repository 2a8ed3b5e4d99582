package auth

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/httpapi"
	"github.com/gatehouse-dev/gatehouse/internal/openapi"
)

// API documents the sign-in and self routes with their handlers' types (F30).
func API() openapi.Ops {
	return openapi.Ops{
		"login": {Request: loginRequest{}, Response: loginResponse{}, Status: http.StatusOK,
			Doc:    "Signs in; the token is also set as the session cookie. mfa_required: true means a second factor must be enrolled before acting.",
			Errors: map[int][]string{401: {"invalid_credentials", "mfa_required", "invalid_otp", "temporary_password_expired"}, 423: {"account_locked"}}},
		"logout":         {Status: http.StatusNoContent},
		"logoutAll":      {Status: http.StatusNoContent, Doc: "Every session of the login ends."},
		"changePassword": {Request: changePasswordRequest{}, Status: http.StatusNoContent, Errors: map[int][]string{400: {"weak_password"}, 403: {"current_password_incorrect"}}},
		"forgotPassword": {Request: forgotRequest{}, Response: forgotView{}, Status: http.StatusAccepted,
			Doc: "Send a username or an email; the answer is the same whether or not an account matches."},
		"resetPassword": {Request: resetRequest{}, Status: http.StatusNoContent,
			Errors: map[int][]string{400: {"weak_password", "code_word_required"}, 401: {"code_word_mismatch"}, 404: {"link_not_found"}, 410: {"link_expired"}}},
		"startTOTP":  {Request: reauthRequest{}, OptionalBody: true, Response: Enrolment{}, Status: http.StatusOK, Errors: map[int][]string{403: {"current_password_incorrect"}, 409: {"mfa_already_enabled"}}},
		"verifyTOTP": {Request: reauthRequest{}, Response: recoveryCodesView{}, Status: http.StatusOK, Errors: map[int][]string{401: {"invalid_otp"}, 409: {"mfa_enrolment_not_started"}}},
		"beginPasskeyRegistration": {Request: reauthRequest{}, OptionalBody: true, Response: PasskeyCeremony{}, Status: http.StatusOK,
			Errors: map[int][]string{403: {"current_password_incorrect"}, 404: {"passkeys_unavailable"}, 409: {"passkey_limit"}}},
		"finishPasskeyRegistration": {Request: finishPasskeyRegistrationRequest{}, Response: RegisteredPasskey{}, Status: http.StatusCreated,
			Errors: map[int][]string{401: {"invalid_passkey"}, 404: {"passkeys_unavailable"}, 409: {"passkey_challenge_invalid", "passkey_not_added"}}},
		"listPasskeys":        {Response: httpapi.List[PasskeyView]{}, Status: http.StatusOK},
		"deletePasskey":       {Request: reauthRequest{}, OptionalBody: true, Status: http.StatusNoContent, Errors: map[int][]string{403: {"current_password_incorrect"}, 404: {"passkey_not_found"}, 409: {"last_second_factor"}}},
		"beginPasskeyLogin":   {Request: beginPasskeyLoginRequest{}, Response: PasskeyCeremony{}, Status: http.StatusOK, Errors: map[int][]string{401: {"invalid_credentials"}, 404: {"passkeys_unavailable"}, 409: {"no_passkey"}, 423: {"account_locked"}}},
		"finishPasskeyLogin":  {Request: finishPasskeyLoginRequest{}, Response: loginResponse{}, Status: http.StatusOK, Errors: map[int][]string{401: {"invalid_passkey"}, 409: {"passkey_challenge_invalid"}, 423: {"account_locked"}}},
		"getMe":               {Response: MeView{}, Status: http.StatusOK},
		"listSessions":        {Response: httpapi.List[SessionView]{}, Status: http.StatusOK},
		"endSession":          {Status: http.StatusNoContent, Errors: map[int][]string{404: {"session_not_found"}}},
		"setActiveOrg":        {Request: switchOrgRequest{}, Response: MeView{}, Status: http.StatusOK, Errors: map[int][]string{403: {"not_a_member"}}},
		"linkAccount":         {Request: linkRequest{}, Response: MeView{}, Status: http.StatusOK, Errors: map[int][]string{400: {"link_self"}, 401: {"invalid_credentials", "mfa_required", "invalid_otp"}, 409: {"already_linked"}, 423: {"account_locked"}}},
		"deleteLinkedAccount": {Status: http.StatusNoContent, Errors: map[int][]string{404: {"user_not_found"}}},
		"rotateCodeWord":      {Response: codeWordView{}, Status: http.StatusOK},
	}
}
