package review

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
)

// TaskInput is the Payload of every Task of the state machine.
type TaskInput struct {
	Step           string      `json:"step"`
	RegistrationID string      `json:"registration_id"`
	OrgID          ident.OrgID `json:"org_id"`
	TaskToken      string      `json:"task_token,omitempty"`
}

// The task errors. Their Go type names are Lambda's errorType, which the
// state machine matches in Retry and Catch: rename them only together with
// statemachine.asl.json.
type (
	// StoreUnavailable is a transient table failure (retried by the state machine).
	StoreUnavailable struct{ Cause string }
	// RegistrationNotFound means the registration item is gone (caught: RegistrationGone).
	RegistrationNotFound struct{ ID string }
	// ProvisionConflict means the login could not be created (caught: ProvisionFailed).
	ProvisionConflict struct{ ID string }
	// InvalidTaskInput is a Payload the handler does not understand (a bug; not retried).
	InvalidTaskInput struct{ Problem string }
	// StepFailed is any other failure of a step (a bug; not retried, the execution fails).
	StepFailed struct{ Cause string }
)

func (e *StepFailed) Error() string { return e.Cause }

func (e *StoreUnavailable) Error() string { return "the table is unavailable: " + e.Cause }
func (e *RegistrationNotFound) Error() string {
	return "registration " + e.ID + " does not exist"
}
func (e *ProvisionConflict) Error() string {
	return "registration " + e.ID + ": the username claim is not held by this registration"
}
func (e *InvalidTaskInput) Error() string { return "invalid task input: " + e.Problem }

// Tasks runs the steps of the review state machine (the review function).
type Tasks struct{ s *Service }

// Tasks returns the task handlers of the service.
func (s *Service) Tasks() *Tasks { return &Tasks{s: s} }

// Handle runs one step. Errors come back as the named types above (never
// wrapped), so that Lambda's errorType is the type's name.
func (t *Tasks) Handle(ctx context.Context, in TaskInput) (map[string]any, error) {
	if in.RegistrationID == "" || in.OrgID == "" {
		return nil, &InvalidTaskInput{Problem: "registration_id and org_id are required"}
	}
	steps := map[string]func(context.Context, TaskInput) (map[string]any, error){
		"await-verification":  t.awaitVerification,
		"expire-verification": t.expireVerification,
		"screen":              t.screen,
		"await-decision":      t.awaitDecision,
		"expire-review":       t.expireReview,
		"provision":           t.provision,
		"notify":              t.notify,
	}
	step, ok := steps[in.Step]
	if !ok {
		return nil, &InvalidTaskInput{Problem: fmt.Sprintf("unknown step %q", in.Step)}
	}
	if strings.HasPrefix(in.Step, "await-") && in.TaskToken == "" {
		return nil, &InvalidTaskInput{Problem: in.Step + " needs task_token"}
	}
	out, err := step(ctx, in)
	if err != nil {
		t.s.log.ErrorContext(ctx, "review step failed", "step", in.Step, "registration_id", in.RegistrationID, "error", err.Error())
		return nil, taskError(in, err)
	}
	return out, nil
}

func taskError(in TaskInput, err error) error {
	var (
		pc *ProvisionConflict
		rn *RegistrationNotFound
	)
	switch {
	case errors.As(err, &pc):
		return pc
	case errors.As(err, &rn):
		return rn
	case errors.Is(err, fault.ErrNotFound):
		return &RegistrationNotFound{ID: in.RegistrationID}
	}
	if fe, ok := fault.As(err); ok && fe.Kind == fault.KindUnavailable {
		return &StoreUnavailable{Cause: fe.Error()}
	}
	var invalid *InvalidTaskInput
	if errors.As(err, &invalid) {
		return invalid
	}
	return &StepFailed{Cause: err.Error()}
}

func (t *Tasks) event(action, detail string) Event {
	return Event{At: t.s.now().UTC(), Actor: "workflow", Action: action, Detail: detail}
}

// awaitVerification stores the task token; if the registrant verified
// before it was stored, it completes its own task.
func (t *Tasks) awaitVerification(ctx context.Context, in TaskInput) (map[string]any, error) {
	r, err := t.s.store.SetVerifyToken(ctx, in.OrgID, in.RegistrationID, in.TaskToken)
	if err != nil {
		return nil, err
	}
	if !r.VerifiedAt.IsZero() {
		if err := t.s.workflow.Succeed(ctx, in.TaskToken, map[string]bool{"verified": true}); err != nil && !errors.Is(err, ErrTaskGone) {
			return nil, err
		}
	}
	return map[string]any{}, nil
}

// expireVerification ends a request never verified; a verification that
// arrived at the last moment wins.
func (t *Tasks) expireVerification(ctx context.Context, in TaskInput) (map[string]any, error) {
	err := t.s.store.ExpireVerification(ctx, in.OrgID, in.RegistrationID, t.event("invalidated", "email not verified in time"))
	if errors.Is(err, fault.ErrConflict) {
		return map[string]any{"outcome": "verified"}, nil
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"outcome": "invalidated"}, nil
}

// screen auto-approves a request whose claim number is on file for exactly
// what it asks for: its NPI (individual level), or the office as a whole
// (TIN level). A claim of one provider approves nothing else; the claim
// reference that approved is recorded on the request and in its history.
func (t *Tasks) screen(ctx context.Context, in TaskInput) (map[string]any, error) {
	r, err := t.s.store.GetRegistration(ctx, in.OrgID, in.RegistrationID)
	if err != nil {
		return nil, err
	}
	if r.Status == StatusAutoApproved {
		return map[string]any{"route": "auto-approved"}, nil
	}
	if r.Status.Pending() || r.Decision != nil {
		// In review or decided already (an execution started again for this
		// request, see infra/local/stack/resume.go): WaitForDecision picks it up.
		return map[string]any{"route": "review"}, nil
	}
	if r.ClaimHash != "" {
		npi := ""
		if r.Level == LevelProvider {
			npi = r.NPI
		}
		found, err := t.s.store.ClaimReferenceExists(ctx, r.OrgID, npi, r.ClaimHash)
		if err != nil {
			return nil, err
		}
		if found {
			by := ClaimReference{OrgID: r.OrgID, NPI: npi, Hash: r.ClaimHash}
			detail := "claim number " + r.ClaimMasked + " on file for the office"
			if npi != "" {
				detail = "claim number " + r.ClaimMasked + " on file for NPI " + npi
			}
			if err := t.s.store.SetAutoApproved(ctx, r.OrgID, r.ID, by, t.event("auto-approved", detail)); err != nil {
				return nil, err
			}
			return map[string]any{"route": "auto-approved"}, nil
		}
	}
	return map[string]any{"route": "review"}, nil
}

// awaitDecision opens the request for review with the task token and emails
// the eligible reviewers; with none, the request is escalated to ops.
func (t *Tasks) awaitDecision(ctx context.Context, in TaskInput) (map[string]any, error) {
	r, err := t.s.store.GetRegistration(ctx, in.OrgID, in.RegistrationID)
	if err != nil {
		return nil, err
	}
	reviewers, err := t.reviewers(ctx, r)
	if err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("%d eligible reviewers notified", len(reviewers))
	if len(reviewers) == 0 {
		detail = "no eligible reviewer in the office: escalated to ops"
	}
	status := r.Level.pendingStatus()
	opened, err := t.s.store.AwaitDecision(ctx, r.OrgID, r.ID, status, in.TaskToken, len(reviewers) == 0, t.event(string(status), detail))
	if errors.Is(err, fault.ErrConflict) {
		// Decided already (a retry of this step after a decision): deliver it.
		cur, gerr := t.s.store.GetRegistration(ctx, r.OrgID, r.ID)
		if gerr != nil {
			return nil, gerr
		}
		if cur.Decision == nil {
			return nil, fmt.Errorf("await decision on %s: status %s, not reviewable", r.ID, cur.Status)
		}
		if err := t.s.workflow.Succeed(ctx, in.TaskToken, cur.Decision); err != nil && !errors.Is(err, ErrTaskGone) {
			return nil, err
		}
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, err
	}
	if r.Status == status {
		return map[string]any{}, nil // a retry: the reviewers (or ops) were told already
	}
	if len(reviewers) == 0 {
		t.s.log.WarnContext(ctx, "registration escalated to ops: no eligible reviewer", "registration_id", r.ID, "org_id", r.OrgID)
		return map[string]any{}, t.tellOps(ctx, opened)
	}
	for _, u := range reviewers {
		msg, err := mail.Render("registration-review", u.Email, map[string]string{
			"ReviewerName": u.FirstName, "OrgName": opened.OrgName, "Name": opened.FirstName + " " + opened.LastName,
			"Level": levelWords(opened), "Link": t.s.link("/orgs/"+opened.OrgID.String()+"/registrations/"+opened.ID, nil),
		})
		if err != nil {
			return nil, err
		}
		if err := t.s.mailer.Send(ctx, msg); err != nil {
			return nil, fault.Unavailable(fmt.Errorf("email reviewer of %s: %w", r.ID, err))
		}
	}
	return map[string]any{}, nil
}

// tellOps emails the ops address (GATEHOUSE_OPS_EMAIL) about a request no
// one in its office may decide; ListEscalatedRegistrations lists them all.
func (t *Tasks) tellOps(ctx context.Context, r Registration) error {
	if t.s.settings.OpsEmail == "" {
		return nil
	}
	msg, err := mail.Render("registration-escalated", t.s.settings.OpsEmail, map[string]string{
		"ID": r.ID, "OrgID": r.OrgID.String(), "OrgName": r.OrgName, "Name": r.FirstName + " " + r.LastName, "Level": levelWords(r),
	})
	if err != nil {
		return err
	}
	if err := t.s.mailer.Send(ctx, msg); err != nil {
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
func (t *Tasks) reviewers(ctx context.Context, r Registration) ([]account.User, error) {
	ms, err := t.s.store.OrgMembers(ctx, r.OrgID)
	if err != nil {
		return nil, err
	}
	var out []account.User
	for _, m := range ms {
		if !eligible(m, r) {
			continue
		}
		u, _, err := t.s.store.UserWithMemberships(ctx, m.UserID)
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

// expireReview invalidates an undecided request; a decision claimed at the
// moment the wait timed out is applied instead.
func (t *Tasks) expireReview(ctx context.Context, in TaskInput) (map[string]any, error) {
	err := t.s.store.ExpireReview(ctx, in.OrgID, in.RegistrationID, t.event("invalidated", "no decision in time"))
	if errors.Is(err, fault.ErrConflict) {
		r, gerr := t.s.store.GetRegistration(ctx, in.OrgID, in.RegistrationID)
		if gerr != nil {
			return nil, gerr
		}
		if r.Decision != nil {
			return map[string]any{"decision": r.Decision.Kind, "by": r.Decision.By}, nil
		}
		return nil, fmt.Errorf("expire review of %s: status %s without a decision", r.ID, r.Status)
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"decision": DecisionInvalidated, "by": "workflow"}, nil
}

// provision creates the login and its membership; a retry after success
// finds the user already there.
func (t *Tasks) provision(ctx context.Context, in TaskInput) (map[string]any, error) {
	r, err := t.s.store.GetRegistration(ctx, in.OrgID, in.RegistrationID)
	if err != nil {
		return nil, err
	}
	if r.UserID != "" {
		return map[string]any{"user_id": r.UserID}, nil
	}
	now := t.s.now().UTC()
	u := account.User{ID: "u-" + r.ID, Username: r.Username, FirstName: r.FirstName, LastName: r.LastName, Email: r.Email,
		PasswordHash: r.PasswordHash, CreatedAt: now}
	m := account.Membership{UserID: u.ID, OrgID: r.OrgID, OrgName: r.OrgName, Role: r.FinalRole(), Scope: r.FinalScope(), Active: true, CreatedAt: now}
	err = t.s.store.Provision(ctx, r, u, m, t.event("login created", fmt.Sprintf("username %s, role %s, scope %s", u.Username, m.Role, m.Scope)))
	if errors.Is(err, fault.ErrConflict) {
		cur, gerr := t.s.store.GetRegistration(ctx, in.OrgID, in.RegistrationID)
		if gerr != nil {
			return nil, gerr
		}
		if cur.UserID != "" {
			return map[string]any{"user_id": cur.UserID}, nil
		}
		return nil, &ProvisionConflict{ID: r.ID}
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"user_id": u.ID}, nil
}

// notify emails the registrant the outcome; for a declined or invalidated
// request it first frees the username.
//
// At least once, deduplicated: it sends, then records NotifiedAt with a
// condition; a retry (or a second invocation) that finds NotifiedAt set
// sends nothing. Sending after marking would lose the email when the send
// fails. The window left: the function dies (or its Lambda times out)
// between the send and the mark, or two invocations run at the same moment;
// then the registrant gets the same outcome twice, never none.
func (t *Tasks) notify(ctx context.Context, in TaskInput) (map[string]any, error) {
	r, err := t.s.store.GetRegistration(ctx, in.OrgID, in.RegistrationID)
	if err != nil {
		return nil, err
	}
	if !r.NotifiedAt.IsZero() {
		return map[string]any{"status": string(r.Status)}, nil
	}
	data := map[string]string{"FirstName": r.FirstName, "OrgName": r.OrgName, "Username": r.Username,
		"RoleName": r.FinalRole().DisplayName(), "Link": t.s.link("/login", nil)}
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
		return nil, fmt.Errorf("notify %s: status %s has no outcome", r.ID, r.Status)
	}
	if kind != "registration-approved" {
		if err := t.s.store.ReleaseUsername(ctx, r); err != nil {
			return nil, err
		}
	}
	msg, err := mail.Render(kind, r.Email, data)
	if err != nil {
		return nil, err
	}
	if err := t.s.mailer.Send(ctx, msg); err != nil {
		return nil, fault.Unavailable(fmt.Errorf("email outcome of %s: %w", r.ID, err))
	}
	err = t.s.store.MarkNotified(ctx, r.OrgID, r.ID, t.event("registrant emailed", string(r.Status)))
	if err != nil && !errors.Is(err, fault.ErrConflict) { // a conflict: a concurrent invocation marked it
		return nil, err
	}
	return map[string]any{"status": string(r.Status)}, nil
}

var denyReasonWords = map[string]string{
	"identity_not_verified": "your identity could not be verified",
	"not_affiliated":        "you are not affiliated with this office",
	"duplicate_request":     "this was a duplicate request",
	"other":                 "of a reason the administrator noted",
}
