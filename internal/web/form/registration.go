package form

import "net/http"

// Registration is the self-registration form (F10, seed 001 part two).
type Registration struct {
	TIN, Level, NPI, FirstName, LastName, Email, Phone, Username, Password, ClaimNumber, ProviderDOB string
}

// NewRegistration reads the registration form.
func NewRegistration(r *http.Request) Registration {
	return Registration{TIN: value(r, "tin"), Level: value(r, "level"), NPI: value(r, "npi"), FirstName: value(r, "first_name"),
		LastName: value(r, "last_name"), Email: value(r, "email"), Phone: value(r, "phone"), Username: value(r, "username"),
		Password: secret(r, "password"), ClaimNumber: value(r, "claim_number"), ProviderDOB: value(r, "provider_dob")}
}

// Validate leaves every rule to the service, which names each problem.
func (f Registration) Validate() Problems { return Problems{} }
