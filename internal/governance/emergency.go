package governance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// EmergencyAnswer is the one answer to every well-formed emergency
// request, on the API and the page alike.
const EmergencyAnswer = "Thank you. If the details match an office, Gatehouse support will contact you."

// EmergencyInput is POST /v1/support/emergency (public).
type EmergencyInput struct {
	OrgTIN  string `json:"org_tin"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Message string `json:"message"`
}

// Emergency takes a request from someone who cannot use the portal (F21,
// seed 002's exception). Well-formed requests get the same answer whether
// or not the TIN is an office's: the request is kept, the office's audit
// log records it, and ops is emailed. It is throttled per client address
// and per email; past a limit the answer stays the same and nothing is kept
// or sent, so the form tells a flood nothing.
func (s *Service) Emergency(ctx context.Context, in EmergencyInput, address, requestID string) error {
	tin := account.NormalizeTIN(in.OrgTIN)
	email := account.NormalizeEmail(in.Email)
	fields := map[string]string{}
	if tin == "" {
		fields["org_tin"] = "must be the office's nine-digit tax ID"
	}
	if p := account.NameProblem(in.Name); p != "" {
		fields["name"] = p
	}
	if p := account.EmailProblem(email); p != "" {
		fields["email"] = p
	}
	if len(in.Phone) > 40 {
		fields["phone"] = "must be at most 40 characters"
	}
	switch msg := strings.TrimSpace(in.Message); {
	case msg == "":
		fields["message"] = "is required: say what happened"
	case len(msg) > 4000:
		fields["message"] = "must be at most 4000 characters"
	}
	if len(fields) > 0 {
		return fault.Validation(fields)
	}
	if err := s.limiter.AllowEmergency(ctx, address, email); err != nil {
		if fault.Is(err, throttle.CodeTooManyRequests) {
			return nil // the contract's "202 always": past the limit nothing is kept or sent
		}
		return err
	}
	orgID, err := s.store.OrgIDByTIN(ctx, tin)
	if err != nil && !errors.Is(err, fault.ErrNotFound) {
		return fmt.Errorf("emergency request: %w", err)
	}
	now := s.now().UTC()
	req := EmergencyRequest{ID: newID(), TIN: tin, OrgID: orgID, Name: strings.TrimSpace(in.Name), Email: email,
		Phone: strings.TrimSpace(in.Phone), Message: strings.TrimSpace(in.Message), ReceivedAt: now}
	if err := s.store.PutEmergencyRequest(ctx, req); err != nil {
		return fmt.Errorf("keep emergency request: %w", err)
	}
	label := "no office has this TIN"
	if orgID != "" {
		label = "organization " + orgID.String()
		if o, err := s.orgs.GetOrg(ctx, orgID); err == nil {
			label = o.Name + " (" + orgID.String() + ")"
		}
		e := audit.Actor{UserID: "public", Username: req.Email, RequestID: requestID, IP: address}.
			Entry(orgID, ActionEmergencyRequest, "emergency:"+req.ID, now)
		if err := s.store.PutAudit(ctx, e); err != nil {
			return fmt.Errorf("audit emergency request: %w", err)
		}
	}
	phone := req.Phone
	if phone == "" {
		phone = "(none given)"
	}
	return s.tellOps(ctx, "emergency-request", map[string]string{"ID": req.ID, "TIN": tin, "OrgLabel": label, "Name": req.Name,
		"Email": req.Email, "Phone": phone, "Message": req.Message, "At": now.Format(time.RFC3339)})
}

// ListEmergencyRequests is ops' queue of emergency requests (kept 180
// days), newest first.
func (s *Service) ListEmergencyRequests(ctx context.Context, limit int, cursor string) ([]EmergencyRequest, string, error) {
	return s.store.ListEmergencyRequests(ctx, limit, cursor)
}
