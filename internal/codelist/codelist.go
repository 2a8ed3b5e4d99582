// Package codelist holds an office's shared code lists (F25, seed 000's
// "Master Files for Group Setup"): diagnosis codes, billing codes and
// insurance payers, and copying chosen lists from one office to another
// without overwriting what the other office already has.
package codelist

import (
	"context"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/org"
)

// Kind is one of an office's code lists.
type Kind string

const (
	KindDiagnosis Kind = "diagnosis"
	KindBilling   Kind = "billing"
	KindPayers    Kind = "payers"
)

// Kinds lists every code list, in the order the portal shows them.
var Kinds = []Kind{KindDiagnosis, KindBilling, KindPayers}

// ParseKind accepts a list's API name.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// DisplayName is the list's name as the portal shows it.
func (k Kind) DisplayName() string {
	switch k {
	case KindDiagnosis:
		return "Diagnosis codes"
	case KindBilling:
		return "Billing codes"
	case KindPayers:
		return "Insurance payers"
	}
	return string(k)
}

// Entry is one code of one list of an office.
type Entry struct {
	Kind        Kind
	Code        string // upper-cased, as stored and matched
	Description string
	CreatedAt   time.Time
}

// Store keeps code lists; every call is inside one office.
type Store interface {
	// AddCode writes a new code and its audit entry together; ErrCodeExists when the code is there.
	AddCode(ctx context.Context, orgID ident.OrgID, e Entry, a audit.Entry) error
	// ListCodes pages through a list in code order; q, when set, keeps
	// codes whose code or description contains it (case-insensitive).
	ListCodes(ctx context.Context, orgID ident.OrgID, kind Kind, q string, limit int, cursor string) ([]Entry, string, error)
	// DeleteCode removes a code and writes its audit entry; fault.ErrNotFound when absent.
	DeleteCode(ctx context.Context, orgID ident.OrgID, kind Kind, code string, a audit.Entry) error
	// AllCodes reads a whole list (for a copy).
	AllCodes(ctx context.Context, orgID ident.OrgID, kind Kind) ([]Entry, error)
	// CodeSet returns the codes a list holds, without descriptions.
	CodeSet(ctx context.Context, orgID ident.OrgID, kind Kind) (map[string]bool, error)
	// PutNewCodes writes entries that must not exist yet, in batches whose
	// every write is conditional; it returns how many it wrote and how many
	// it found already there (written meanwhile by someone else).
	PutNewCodes(ctx context.Context, orgID ident.OrgID, kind Kind, entries []Entry) (written, existed int, err error)
	PutAudit(ctx context.Context, e audit.Entry) error
}

// Orgs reads an office (its settings: RequireMFA).
type Orgs interface {
	GetOrg(ctx context.Context, id ident.OrgID) (org.Org, error)
}

// Audit actions.
const (
	ActionCodeAdd    = "code_list.add"
	ActionCodeDelete = "code_list.delete"
	ActionCopyFrom   = "code_list.copy_out"
	ActionCopyTo     = "code_list.copy_in"
)

// Errors callers see.
var (
	ErrCodeExists     = fault.Conflict("code_exists", "This code is already in the list.")
	ErrCodeNotFound   = fault.NotFound("code_not_found", "No such code in this list.")
	ErrKindNotFound   = fault.NotFound("code_list_not_found", "There is no such code list; the lists are diagnosis, billing and payers.")
	ErrOfficeWideOnly = fault.Forbidden("scope_too_narrow", "Code lists belong to the whole office; only someone with office-wide access can change them.")
	ErrCopyForbidden  = fault.Forbidden("insufficient_privilege", "Copying codes needs full access to code lists in both offices.")
	ErrMFARequired    = fault.Forbidden("mfa_enrolment_required", "Set up two-step sign-in before you continue.")
)

// NormalizeCode trims and upper-cases a code (ICD-10, CPT/HCPCS and payer
// ids are case-insensitive).
func NormalizeCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// CodeProblem explains why a normalized code is not acceptable, or returns "".
func CodeProblem(code string) string {
	if code == "" {
		return "is required"
	}
	if len(code) > 20 {
		return "must be at most 20 characters"
	}
	for _, r := range code {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return "may contain only letters, digits, '.' and '-'"
		}
	}
	return ""
}

// DescriptionProblem checks a code's description.
func DescriptionProblem(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "is required"
	case len(s) > 200:
		return "must be at most 200 characters"
	}
	return ""
}
