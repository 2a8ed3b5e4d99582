// Package form turns a posted page form into a typed value with Validate,
// which catches only what a page can tell without a service (a missing
// field, two passwords that differ); every rule of the product is the
// service's, so pages and the JSON API refuse the same things.
package form

import (
	"net/http"
	"strings"
)

// Problems maps a field name (the API's) to what is wrong with it.
type Problems map[string]string

// add notes a problem once per field.
func (p Problems) add(field, problem string) {
	if _, ok := p[field]; !ok {
		p[field] = problem
	}
}

// required notes each empty field.
func (p Problems) required(values map[string]string) {
	for field, v := range values {
		if strings.TrimSpace(v) == "" {
			p.add(field, "is required")
		}
	}
}

// confirm notes a confirmation that differs from what it confirms.
func (p Problems) confirm(field, confirmation, original, what string) {
	if confirmation != "" && confirmation != original {
		p.add(field, "does not match the "+what)
	}
}

func value(r *http.Request, name string) string { return strings.TrimSpace(r.PostForm.Get(name)) }

// secret reads a password-like field as typed (spaces are part of it).
func secret(r *http.Request, name string) string { return r.PostForm.Get(name) }

// Login is the sign-in form: Username and Password, then, when the login has
// a second factor, the Authentication Code (a TOTP or a recovery code).
type Login struct {
	Username string
	Password string
	OTP      string
	Next     string
}

// NewLogin reads the sign-in form.
func NewLogin(r *http.Request) Login {
	return Login{Username: value(r, "username"), Password: secret(r, "password"), OTP: value(r, "otp"), Next: value(r, "next")}
}

// Validate asks for both fields.
func (f Login) Validate() Problems {
	p := Problems{}
	p.required(map[string]string{"username": f.Username, "password": f.Password})
	return p
}

// Forgot asks for a reset link by username or email.
type Forgot struct{ Who string }

// NewForgot reads the forgot-password form.
func NewForgot(r *http.Request) Forgot { return Forgot{Who: value(r, "username")} }

// Validate asks for the field.
func (f Forgot) Validate() Problems {
	p := Problems{}
	p.required(map[string]string{"username": f.Who})
	return p
}

// NewPassword is a reset or set-up link's form (F5, F14): the new password
// twice and, where the office has one, its code word.
type NewPassword struct {
	Token           string
	NewPassword     string
	ConfirmPassword string
	CodeWord        string
}

// NewNewPassword reads a reset or set-up form.
func NewNewPassword(r *http.Request) NewPassword {
	return NewPassword{Token: value(r, "token"), NewPassword: secret(r, "new_password"),
		ConfirmPassword: secret(r, "confirm_password"), CodeWord: value(r, "code_word")}
}

// Validate checks both passwords match.
func (f NewPassword) Validate() Problems {
	p := Problems{}
	p.required(map[string]string{"new_password": f.NewPassword, "confirm_password": f.ConfirmPassword})
	p.confirm("confirm_password", f.ConfirmPassword, f.NewPassword, "new password")
	return p
}

// ChangePassword is the signed-in person's password change (and the one a
// temporary password forces).
type ChangePassword struct {
	CurrentPassword string
	NewPassword     string
	ConfirmPassword string
}

// NewChangePassword reads the change-password form.
func NewChangePassword(r *http.Request) ChangePassword {
	return ChangePassword{CurrentPassword: secret(r, "current_password"), NewPassword: secret(r, "new_password"), ConfirmPassword: secret(r, "confirm_password")}
}

// Validate checks the fields are there and the new passwords match.
func (f ChangePassword) Validate() Problems {
	p := Problems{}
	p.required(map[string]string{"current_password": f.CurrentPassword, "new_password": f.NewPassword, "confirm_password": f.ConfirmPassword})
	p.confirm("confirm_password", f.ConfirmPassword, f.NewPassword, "new password")
	return p
}

// Invite is a new login made from an invite link (F9).
type Invite struct {
	Username        string
	Password        string
	ConfirmPassword string
	FirstName       string
	LastName        string
}

// NewInvite reads the invite form.
func NewInvite(r *http.Request) Invite {
	return Invite{Username: value(r, "username"), Password: secret(r, "password"), ConfirmPassword: secret(r, "confirm_password"),
		FirstName: value(r, "first_name"), LastName: value(r, "last_name")}
}

// Validate checks the passwords match; the service checks the rest.
func (f Invite) Validate() Problems {
	p := Problems{}
	p.required(map[string]string{"confirm_password": f.ConfirmPassword})
	p.confirm("confirm_password", f.ConfirmPassword, f.Password, "password")
	return p
}

// Link links another account to the signed-in login (F8, seed 000's
// "Access Other Accounts").
type Link struct {
	Username string
	Password string
	OTP      string
}

// NewLink reads the link form.
func NewLink(r *http.Request) Link {
	return Link{Username: value(r, "username"), Password: secret(r, "password"), OTP: value(r, "otp")}
}

// Validate asks for both fields.
func (f Link) Validate() Problems {
	p := Problems{}
	p.required(map[string]string{"username": f.Username, "password": f.Password})
	return p
}
