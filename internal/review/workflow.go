package review

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
)

// The review state machine's steps, as service methods: the Step Functions
// tasks (task.go) decode a step's Payload and call one of these. Each
// returns a typed output, the JSON the state machine's ResultSelector reads.

// Ref names the registration a step acts on.
type Ref struct {
	OrgID ident.OrgID
	ID    string
}

// Waiting is the output of a step that stored a task token: nothing.
type Waiting struct{}

// VerificationOutcome is ExpireVerification's output: "verified" when the
// registrant verified at the last moment, else "invalidated".
type VerificationOutcome struct {
	Outcome string `json:"outcome"`
}

// Screening is Screen's output: the route the request takes,
// "auto-approved" or "review".
type Screening struct {
	Route string `json:"route"`
}

// ReviewOutcome is ExpireReview's output: the decision that stands and who made it.
type ReviewOutcome struct {
	Decision string `json:"decision"`
	By       string `json:"by"`
}

// Provisioned is Provision's output: the login created.
type Provisioned struct {
	UserID string `json:"user_id"`
}

// Notified is Notify's output: the outcome the registrant was emailed.
type Notified struct {
	Status Status `json:"status"`
}

func (s *Service) workflowEvent(action, detail string) Event {
	return Event{At: s.now().UTC(), Actor: "workflow", Action: action, Detail: detail}
}

// AwaitVerification stores the task token; if the registrant verified
// before it was stored, it completes its own task.
func (s *Service) AwaitVerification(ctx context.Context, ref Ref, token string) (Waiting, error) {
	r, err := s.store.SetVerifyToken(ctx, ref.OrgID, ref.ID, token)
	if err != nil {
		return Waiting{}, err
	}
	if !r.VerifiedAt.IsZero() {
		if err := s.workflow.Succeed(ctx, token, map[string]bool{"verified": true}); err != nil && !errors.Is(err, ErrTaskGone) {
			return Waiting{}, err
		}
	}
	return Waiting{}, nil
}

// ExpireVerification ends a request never verified; a verification that
// arrived at the last moment wins.
func (s *Service) ExpireVerification(ctx context.Context, ref Ref) (VerificationOutcome, error) {
	err := s.store.ExpireVerification(ctx, ref.OrgID, ref.ID, s.workflowEvent("invalidated", "email not verified in time"))
	if errors.Is(err, fault.ErrConflict) {
		return VerificationOutcome{Outcome: "verified"}, nil
	}
	if err != nil {
		return VerificationOutcome{}, err
	}
	return VerificationOutcome{Outcome: "invalidated"}, nil
}

// Screen auto-approves a request whose claim number is on file for exactly
// what it asks for: its NPI (individual level), or the office as a whole
// (TIN level). A claim of one provider approves nothing else; the claim
// reference that approved is recorded on the request and in its history.
func (s *Service) Screen(ctx context.Context, ref Ref) (Screening, error) {
	r, err := s.store.GetRegistration(ctx, ref.OrgID, ref.ID)
	if err != nil {
		return Screening{}, err
	}
	if r.Status == StatusAutoApproved {
		return Screening{Route: "auto-approved"}, nil
	}
	if r.Status.Pending() || r.Decision != nil {
		// In review or decided already (an execution started again for this
		// request, see infra/local/stack/resume.go): WaitForDecision picks it up.
		return Screening{Route: "review"}, nil
	}
	if r.ClaimHash != "" {
		npi := ""
		if r.Level == LevelProvider {
			npi = r.NPI
		}
		found, err := s.store.ClaimReferenceExists(ctx, r.OrgID, npi, r.ClaimHash)
		if err != nil {
			return Screening{}, err
		}
		if found {
			by := ClaimReference{OrgID: r.OrgID, NPI: npi, Hash: r.ClaimHash}
			detail := "claim number " + r.ClaimMasked + " on file for the office"
			if npi != "" {
				detail = "claim number " + r.ClaimMasked + " on file for NPI " + npi
			}
			if err := s.store.SetAutoApproved(ctx, r.OrgID, r.ID, by, s.workflowEvent("auto-approved", detail)); err != nil {
				return Screening{}, err
			}
			return Screening{Route: "auto-approved"}, nil
		}
	}
	return Screening{Route: "review"}, nil
}

// AwaitDecision opens the request for review with the task token and emails
// the eligible reviewers; with none, the request is escalated to ops.
func (s *Service) AwaitDecision(ctx context.Context, ref Ref, token string) (Waiting, error) {
	r, err := s.store.GetRegistration(ctx, ref.OrgID, ref.ID)
	if err != nil {
		return Waiting{}, err
	}
	reviewers, err := s.reviewers(ctx, r)
	if err != nil {
		return Waiting{}, err
	}
	detail := fmt.Sprintf("%d eligible reviewers notified", len(reviewers))
	if len(reviewers) == 0 {
		detail = "no eligible reviewer in the office: escalated to ops"
	}
	status := r.Level.pendingStatus()
	opened, err := s.store.AwaitDecision(ctx, r.OrgID, r.ID, status, token, len(reviewers) == 0, s.workflowEvent(string(status), detail))
	if errors.Is(err, fault.ErrConflict) {
		// Decided already (a retry of this step after a decision): deliver it.
		cur, gerr := s.store.GetRegistration(ctx, r.OrgID, r.ID)
		if gerr != nil {
			return Waiting{}, gerr
		}
		if cur.Decision == nil {
			return Waiting{}, fmt.Errorf("await decision on %s: status %s, not reviewable", r.ID, cur.Status)
		}
		if err := s.workflow.Succeed(ctx, token, cur.Decision); err != nil && !errors.Is(err, ErrTaskGone) {
			return Waiting{}, err
		}
		return Waiting{}, nil
	}
	if err != nil {
		return Waiting{}, err
	}
	if r.Status == status {
		return Waiting{}, nil // a retry: the reviewers (or ops) were told already
	}
	if len(reviewers) == 0 {
		s.log.WarnContext(ctx, "registration escalated to ops: no eligible reviewer", "registration_id", r.ID, "org_id", r.OrgID)
		return Waiting{}, s.tellOps(ctx, opened)
	}
	for _, u := range reviewers {
		msg, err := mail.Render("registration-review", u.Email, map[string]string{
			"ReviewerName": u.FirstName, "OrgName": opened.OrgName, "Name": opened.FirstName + " " + opened.LastName,
			"Level": levelWords(opened), "Link": s.link("/orgs/"+opened.OrgID.String()+"/registrations/"+opened.ID, nil),
		})
		if err != nil {
			return Waiting{}, err
		}
		if err := s.mailer.Send(ctx, msg); err != nil {
			return Waiting{}, fault.Unavailable(fmt.Errorf("email reviewer of %s: %w", r.ID, err))
		}
	}
	return Waiting{}, nil
}

// tellOps emails the ops address (GATEHOUSE_OPS_EMAIL) about a request no
// one in its office may decide; ListEscalatedRegistrations lists them all.
func (s *Service) tellOps(ctx context.Context, r Registration) error {
	if s.settings.OpsEmail == "" {
		return nil
	}
	msg, err := mail.Render("registration-escalated", s.settings.OpsEmail, map[string]string{
		"ID": r.ID, "OrgID": r.OrgID.String(), "OrgName": r.OrgName, "Name": r.FirstName + " " + r.LastName, "Level": levelWords(r),
	})
	if err != nil {
		return err
	}
	if err := s.mailer.Send(ctx, msg); err != nil {
		return fault.Unavailable(fmt.Errorf("email ops about %s: %w", r.ID, err))
	}
	return nil
}

func levelWords(r Registration) string {
	if r.Level == LevelOrg {
		return "TIN level (the whole office)"
	}
	return "individual provider " + r.ProviderName + " (NPI " + r.NPI + ")"
}

// reviewers are the active logins eligible to decide r.
func (s *Service) reviewers(ctx context.Context, r Registration) ([]account.User, error) {
	ms, err := s.store.OrgMembers(ctx, r.OrgID)
	if err != nil {
		return nil, err
	}
	var out []account.User
	for _, m := range ms {
		if !eligible(m, r) {
			continue
		}
		u, _, err := s.store.UserWithMemberships(ctx, m.UserID)
		if errors.Is(err, fault.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !u.Deleted && !u.Locked && u.Email != "" {
			out = append(out, u)
		}
	}
	return out, nil
}

// ExpireReview invalidates an undecided request; a decision claimed at the
// moment the wait timed out is applied instead.
func (s *Service) ExpireReview(ctx context.Context, ref Ref) (ReviewOutcome, error) {
	err := s.store.ExpireReview(ctx, ref.OrgID, ref.ID, s.workflowEvent("invalidated", "no decision in time"))
	if errors.Is(err, fault.ErrConflict) {
		r, gerr := s.store.GetRegistration(ctx, ref.OrgID, ref.ID)
		if gerr != nil {
			return ReviewOutcome{}, gerr
		}
		if r.Decision != nil {
			return ReviewOutcome{Decision: r.Decision.Kind, By: r.Decision.By}, nil
		}
		return ReviewOutcome{}, fmt.Errorf("expire review of %s: status %s without a decision", r.ID, r.Status)
	}
	if err != nil {
		return ReviewOutcome{}, err
	}
	return ReviewOutcome{Decision: DecisionInvalidated, By: "workflow"}, nil
}

// Provision creates the login and its membership; a retry after success
// finds the user already there.
func (s *Service) Provision(ctx context.Context, ref Ref) (Provisioned, error) {
	r, err := s.store.GetRegistration(ctx, ref.OrgID, ref.ID)
	if err != nil {
		return Provisioned{}, err
	}
	if r.UserID != "" {
		return Provisioned{UserID: r.UserID}, nil
	}
	now := s.now().UTC()
	u := account.User{ID: "u-" + r.ID, Username: r.Username, FirstName: r.FirstName, LastName: r.LastName, Email: r.Email,
		PasswordHash: r.PasswordHash, CreatedAt: now}
	m := account.Membership{UserID: u.ID, OrgID: r.OrgID, OrgName: r.OrgName, Role: r.FinalRole(), Scope: r.FinalScope(), Active: true, CreatedAt: now}
	err = s.store.Provision(ctx, r, u, m, s.workflowEvent("login created", fmt.Sprintf("username %s, role %s, scope %s", u.Username, m.Role, m.Scope)))
	if errors.Is(err, fault.ErrConflict) {
		cur, gerr := s.store.GetRegistration(ctx, ref.OrgID, ref.ID)
		if gerr != nil {
			return Provisioned{}, gerr
		}
		if cur.UserID != "" {
			return Provisioned{UserID: cur.UserID}, nil
		}
		return Provisioned{}, &ProvisionConflict{ID: r.ID}
	}
	if err != nil {
		return Provisioned{}, err
	}
	return Provisioned{UserID: u.ID}, nil
}

// Notify emails the registrant the outcome; for a declined or invalidated
// request it first frees the username.
//
// At least once, deduplicated: it sends, then records NotifiedAt with a
// condition; a retry (or a second invocation) that finds NotifiedAt set
// sends nothing. Sending after marking would lose the email when the send
// fails. The window left: the function dies (or its Lambda times out)
// between the send and the mark, or two invocations run at the same moment;
// then the registrant gets the same outcome twice, never none.
func (s *Service) Notify(ctx context.Context, ref Ref) (Notified, error) {
	r, err := s.store.GetRegistration(ctx, ref.OrgID, ref.ID)
	if err != nil {
		return Notified{}, err
	}
	if !r.NotifiedAt.IsZero() {
		return Notified{Status: r.Status}, nil
	}
	data := map[string]string{"FirstName": r.FirstName, "OrgName": r.OrgName, "Username": r.Username,
		"RoleName": r.FinalRole().DisplayName(), "Link": s.link("/login", nil)}
	kind := ""
	switch r.Status {
	case StatusAutoApproved, StatusAdminApproved, StatusProvAdminApprove:
		kind = "registration-approved"
	case StatusDeclined:
		kind = "registration-declined"
		if r.Decision != nil {
			data["Reason"] = denyReasonWords[r.Decision.Reason]
		}
	case StatusInvalidated:
		kind = "registration-invalidated"
	default:
		return Notified{}, fmt.Errorf("notify %s: status %s has no outcome", r.ID, r.Status)
	}
	if kind != "registration-approved" {
		if err := s.store.ReleaseUsername(ctx, r); err != nil {
			return Notified{}, err
		}
	}
	msg, err := mail.Render(kind, r.Email, data)
	if err != nil {
		return Notified{}, err
	}
	if err := s.mailer.Send(ctx, msg); err != nil {
		return Notified{}, fault.Unavailable(fmt.Errorf("email outcome of %s: %w", r.ID, err))
	}
	err = s.store.MarkNotified(ctx, r.OrgID, r.ID, s.workflowEvent("registrant emailed", string(r.Status)))
	if err != nil && !errors.Is(err, fault.ErrConflict) { // a conflict: a concurrent invocation marked it
		return Notified{}, err
	}
	return Notified{Status: r.Status}, nil
}

var denyReasonWords = map[string]string{
	"identity_not_verified": "your identity could not be verified",
	"not_affiliated":        "you are not affiliated with this office",
	"duplicate_request":     "this was a duplicate request",
	"other":                 "of a reason the administrator noted",
}
