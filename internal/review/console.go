package review

import "github.com/gatehouse-dev/gatehouse/internal/org"

// Identifiers names what a console entry asks access to, as seed 001's
// console shows it: the TIN with qualifier 24 for the whole office, or the
// NPI with qualifier XX and that provider's name for one provider.
func Identifiers(o org.Org, npi string) (other, qualifier, providerName string) {
	if npi == "" {
		return o.TIN, "24", o.Name
	}
	name := o.Name
	for _, p := range o.Providers {
		if p.NPI == npi {
			name = p.Name
		}
	}
	return npi, "XX", name
}

// DenyReasonLabels are the words the portal shows for DenyReasons.
var DenyReasonLabels = map[string]string{
	"identity_not_verified": "Identity could not be verified",
	"not_affiliated":        "Not affiliated with this office",
	"duplicate_request":     "Duplicate request",
	"other":                 "Other (explain in the note)",
}
