package codelist

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
)

// Service runs code lists.
type Service struct {
	store Store
	orgs  Orgs
	now   func() time.Time
}

// NewService returns a Service.
func NewService(store Store, orgs Orgs, now func() time.Time) *Service {
	return &Service{store: store, orgs: orgs, now: now}
}

// AddInput is POST /v1/orgs/{org}/code-lists/{kind}.
type AddInput struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// Add puts a code in one of the office's lists (409 code_exists when there).
func (s *Service) Add(ctx context.Context, who caller.Caller, kind Kind, in AddInput) (Entry, error) {
	if !who.Membership.Scope.IsOrg() {
		return Entry{}, ErrOfficeWideOnly
	}
	code := NormalizeCode(in.Code)
	fields := map[string]string{}
	if p := CodeProblem(code); p != "" {
		fields["code"] = p
	}
	if p := DescriptionProblem(in.Description); p != "" {
		fields["description"] = p
	}
	if len(fields) > 0 {
		return Entry{}, fault.Validation(fields)
	}
	now := s.now().UTC()
	e := Entry{Kind: kind, Code: code, Description: strings.TrimSpace(in.Description), CreatedAt: now}
	orgID := who.Org
	err := s.store.AddCode(ctx, orgID, e, audit.ActorOf(who).Entry(orgID, ActionCodeAdd, target(kind, code), now))
	if errors.Is(err, ErrCodeExists) {
		return Entry{}, ErrCodeExists
	}
	if err != nil {
		return Entry{}, fmt.Errorf("add %s code: %w", kind, err)
	}
	return e, nil
}

// maxQuery bounds a search string.
const maxQuery = 100

// List pages through one list, optionally searched.
func (s *Service) List(ctx context.Context, who caller.Caller, kind Kind, q string, limit int, cursor string) ([]Entry, string, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	if len(q) > maxQuery {
		return nil, "", fault.Validation(map[string]string{"q": "must be at most 100 characters"})
	}
	return s.store.ListCodes(ctx, who.Org, kind, q, limit, cursor)
}

// Delete removes a code from one list.
func (s *Service) Delete(ctx context.Context, who caller.Caller, kind Kind, code string) error {
	if !who.Membership.Scope.IsOrg() {
		return ErrOfficeWideOnly
	}
	code = NormalizeCode(code)
	if CodeProblem(code) != "" {
		return ErrCodeNotFound
	}
	orgID := who.Org
	err := s.store.DeleteCode(ctx, orgID, kind, code, audit.ActorOf(who).Entry(orgID, ActionCodeDelete, target(kind, code), s.now()))
	if errors.Is(err, fault.ErrNotFound) {
		return ErrCodeNotFound
	}
	return err
}

func target(kind Kind, code string) string { return "code:" + string(kind) + ":" + code }

// CopyInput is POST /v1/code-lists/copy.
type CopyInput struct {
	FromOrg ident.OrgID `json:"from_org"`
	ToOrg   ident.OrgID `json:"to_org"`
	Kinds   []string    `json:"kinds"`
}

// CopyResult counts, per list, the codes written to the target office and
// those skipped because the target already had them.
type CopyResult struct {
	Copied  map[Kind]int `json:"copied"`
	Skipped map[Kind]int `json:"skipped"`
}

// Copy copies the chosen lists from one office to another ("Copy Codes to
// Another Account"). The person needs code_lists full access at office
// scope in both. Codes the target already has are skipped, never
// overwritten, so running the same copy again copies nothing twice.
func (s *Service) Copy(ctx context.Context, who caller.Caller, in CopyInput) (CopyResult, error) {
	kinds, err := in.validate()
	if err != nil {
		return CopyResult{}, err
	}
	for _, orgID := range []ident.OrgID{in.FromOrg, in.ToOrg} {
		if err := s.mayCopy(ctx, who, orgID); err != nil {
			return CopyResult{}, err
		}
	}
	res := CopyResult{Copied: map[Kind]int{}, Skipped: map[Kind]int{}}
	for _, k := range kinds {
		copied, skipped, err := s.copyList(ctx, in.FromOrg, in.ToOrg, k)
		if err != nil {
			return CopyResult{}, fmt.Errorf("copy %s codes from %s to %s: %w", k, in.FromOrg, in.ToOrg, err)
		}
		res.Copied[k], res.Skipped[k] = copied, skipped
	}
	now := s.now()
	summary := res.summary(kinds)
	for _, e := range []audit.Entry{
		withDetail(audit.ActorOf(who).Entry(in.FromOrg, ActionCopyFrom, "org:"+in.ToOrg.String(), now), summary),
		withDetail(audit.ActorOf(who).Entry(in.ToOrg, ActionCopyTo, "org:"+in.FromOrg.String(), now), summary),
	} {
		if err := s.store.PutAudit(ctx, e); err != nil {
			return CopyResult{}, fmt.Errorf("audit code copy: %w", err)
		}
	}
	return res, nil
}

func withDetail(e audit.Entry, detail string) audit.Entry {
	e.Detail = detail
	return e
}

// summary is the audit log's account of a copy, e.g. "diagnosis: 3 copied, 1 skipped".
func (r CopyResult) summary(kinds []Kind) string {
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, string(k)+": "+strconv.Itoa(r.Copied[k])+" copied, "+strconv.Itoa(r.Skipped[k])+" skipped")
	}
	return strings.Join(parts, "; ")
}

func (in CopyInput) validate() ([]Kind, error) {
	fields := map[string]string{}
	if in.FromOrg == "" {
		fields["from_org"] = "is required"
	}
	if in.ToOrg == "" {
		fields["to_org"] = "is required"
	} else if in.ToOrg == in.FromOrg {
		fields["to_org"] = "must be another office than from_org"
	}
	seen := map[Kind]bool{}
	var kinds []Kind
	for _, s := range in.Kinds {
		k, ok := ParseKind(s)
		if !ok {
			fields["kinds"] = "each must be diagnosis, billing or payers"
			break
		}
		if !seen[k] {
			seen[k] = true
			kinds = append(kinds, k)
		}
	}
	if len(in.Kinds) == 0 {
		fields["kinds"] = "choose at least one list"
	}
	if len(fields) > 0 {
		return nil, fault.Validation(fields)
	}
	sort.Slice(kinds, func(i, j int) bool { return kindOrder(kinds[i]) < kindOrder(kinds[j]) })
	return kinds, nil
}

func kindOrder(k Kind) int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return len(Kinds)
}

// mayCopy checks the person's membership in one office of a copy: active,
// office-wide, code_lists full, and a second factor where the office requires one.
// Every refusal reads the same, so a copy reveals nothing about offices the
// person does not belong to.
func (s *Service) mayCopy(ctx context.Context, who caller.Caller, orgID ident.OrgID) error {
	var m account.Membership
	found := false
	for _, x := range who.Memberships {
		if x.OrgID == orgID && x.Active {
			m, found = x, true
		}
	}
	if !found || !m.Scope.IsOrg() || !m.Level(account.ModuleCodeLists).Allows(account.LevelFull) {
		return ErrCopyForbidden
	}
	if who.User.MFAEnabled {
		return nil
	}
	o, err := s.orgs.GetOrg(ctx, orgID)
	if errors.Is(err, fault.ErrNotFound) {
		return ErrCopyForbidden
	}
	if err != nil {
		return fmt.Errorf("read office %s: %w", orgID, err)
	}
	if o.Settings.RequireMFA {
		return ErrMFARequired
	}
	return nil
}

// copyList copies one list: it reads the source and the codes the target
// has, and writes only the missing ones, each conditional on still being
// missing (a code added meanwhile in the target is kept and counted as skipped).
func (s *Service) copyList(ctx context.Context, from, to ident.OrgID, kind Kind) (copied, skipped int, err error) {
	src, err := s.store.AllCodes(ctx, from, kind)
	if err != nil {
		return 0, 0, err
	}
	have, err := s.store.CodeSet(ctx, to, kind)
	if err != nil {
		return 0, 0, err
	}
	now := s.now().UTC()
	missing := make([]Entry, 0, len(src))
	for _, e := range src {
		if have[e.Code] {
			skipped++
			continue
		}
		e.CreatedAt = now
		missing = append(missing, e)
	}
	written, existed, err := s.store.PutNewCodes(ctx, to, kind, missing)
	if err != nil {
		return 0, 0, err
	}
	return written, skipped + existed, nil
}
