package ui

import (
	"net/http"

	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/web"
	"github.com/gatehouse-dev/gatehouse/internal/web/form"
)

// RegistrationShow is GET /registrations/new: request access (F10, seed 001 part two).
func (x *Pages) RegistrationShow(w http.ResponseWriter, r *http.Request) error {
	return x.view.Render(w, r, "registration", web.Page{Title: "Request access", Form: form.Registration{Level: string(review.LevelOrg)}})
}

// RegistrationSubmit is POST /registrations/new: the same as POST
// /v1/registrations. Its answer does not say whether an office matched.
func (x *Pages) RegistrationSubmit(w http.ResponseWriter, r *http.Request) error {
	f := form.NewRegistration(r)
	_, err := x.reviews.Submit(r.Context(), review.Request{TIN: f.TIN, NPI: f.NPI, Level: f.Level, FirstName: f.FirstName, LastName: f.LastName,
		Email: f.Email, Phone: f.Phone, Username: f.Username, Password: f.Password, ClaimNumber: f.ClaimNumber, ProviderDOB: f.ProviderDOB})
	if err != nil {
		e, status, ok := refusal(err)
		if !ok {
			return err
		}
		f.Password = ""
		return x.view.Render(w, r, "registration", web.Page{Title: "Request access", Form: f, Errors: e, Status: status})
	}
	return web.Redirect(w, r, "/registrations/sent")
}

// RegistrationSent is GET /registrations/sent: what happens next.
func (x *Pages) RegistrationSent(w http.ResponseWriter, r *http.Request) error {
	return x.view.Render(w, r, "registration-status", web.Page{Title: "Check your email", Data: statusWords{
		Lead: "We have sent you an email. Open the link in it to confirm your address; then your request goes to your office's administrator for review.",
	}})
}

// statusWords says where a request stands, for a person.
type statusWords struct{ Lead, Status string }

// RegistrationVerify is GET /registrations/verify?token=… (the emailed
// link): the same as POST /v1/registrations/verify.
func (x *Pages) RegistrationVerify(w http.ResponseWriter, r *http.Request) error {
	sub, err := x.reviews.Verify(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		return err
	}
	words := statusWords{Status: string(sub.Status),
		Lead: "Thank you, your email address is confirmed. Your request is waiting for review by your office's administrator; we email you when it is decided."}
	switch sub.Status {
	case review.StatusAutoApproved, review.StatusAdminApproved, review.StatusProvAdminApprove, review.StatusInviteUsed:
		words.Lead = "Thank you, your email address is confirmed and your request is approved. You can sign in now."
	case review.StatusDeclined, review.StatusInvalidated:
		words.Lead = "Thank you, your email address is confirmed. Your request could not be approved; we have emailed you the details."
	}
	return x.view.Render(w, r, "registration-status", web.Page{Title: "Email confirmed", Data: words})
}
