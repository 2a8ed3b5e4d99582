package ui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/web/template"
	"image/png"
	"net/http"

	"github.com/pquerna/otp"

	"github.com/gatehouse-dev/gatehouse/internal/web"
)

// twoFactorData is the enrolment page: off (ask for the password to start),
// started (the QR code and the secret, then the Authentication Code), on, or
// just finished (the recovery codes, shown this once).
type twoFactorData struct {
	Enabled       bool
	Secret        string
	QR            template.URL // a data: PNG of the otpauth URL, drawn on the server
	RecoveryCodes []string
}

// TwoFactorShow is GET /account/two-factor: two-step sign-in (F3, F20).
// A site administrator without a second factor is sent here after sign-in.
func (x *Pages) TwoFactorShow(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "Two-step sign-in")
	var codes []string
	if web.TakeOnce(w, r, &codes) {
		page.Title = "Save your recovery codes"
		page.Data = twoFactorData{Enabled: true, RecoveryCodes: codes}
		return x.view.Render(w, r, "two-factor", page)
	}
	return x.renderTwoFactor(w, r, c, page)
}

// TwoFactorStart is POST /account/two-factor/start: the password again, then
// the same as POST /v1/auth/mfa/totp; the page then shows the QR code.
func (x *Pages) TwoFactorStart(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "Two-step sign-in")
	err := x.auth.Reauthenticate(r.Context(), c, r.PostForm.Get("current_password"))
	if err == nil {
		_, err = x.auth.StartTOTP(r.Context(), c)
	}
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page.Errors, page.Status, page.Data = e, status, twoFactorData{Enabled: c.User.MFAEnabled}
		return x.view.Render(w, r, "two-factor", page)
	}
	return web.Redirect(w, r, web.TwoFactorPath)
}

// TwoFactorVerify is POST /account/two-factor/verify: the same as POST
// /v1/auth/mfa/totp/verify. The recovery codes are never stored readable:
// the page the browser is sent to shows them once (web.ShowOnce).
func (x *Pages) TwoFactorVerify(w http.ResponseWriter, r *http.Request, c caller.Caller) error {
	page := signedIn(c, "Two-step sign-in")
	codes, err := x.auth.VerifyTOTP(r.Context(), c, r.PostForm.Get("otp"))
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		page.Errors, page.Status = e, status
		return x.renderTwoFactor(w, r, c, page)
	}
	return web.ShowOnce(w, r, web.TwoFactorPath, codes)
}

// renderTwoFactor renders the enrolment page, with the pending secret if one was started.
func (x *Pages) renderTwoFactor(w http.ResponseWriter, r *http.Request, c caller.Caller, page web.Page) error {
	d := twoFactorData{Enabled: c.User.MFAEnabled}
	if e, ok := x.auth.PendingEnrolment(c); ok {
		qr, err := qrPNG(e.OTPAuthURL)
		if err != nil {
			return err
		}
		d.Secret, d.QR = e.Secret, qr
	}
	page.Data = d
	return x.view.Render(w, r, "two-factor", page)
}

// qrPNG draws the otpauth URL as a QR code PNG, as a data: URL.
func qrPNG(otpauthURL string) (template.URL, error) {
	key, err := otp.NewKeyFromURL(otpauthURL)
	if err != nil {
		return "", fmt.Errorf("otpauth url: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("qr png: %w", err)
	}
	// A PNG this code made, never input: safe as an image URL.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}
