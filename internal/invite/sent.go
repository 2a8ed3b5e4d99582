package invite

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

// Sent reads back invites the administrator just sent (the result lines of
// the portal's "Send Registration Links"), in the order of ids; ids of
// another org or outside the administrator's scope are left out.
func (s *Service) Sent(ctx context.Context, admin AdminStore, who caller.Caller, ids []string) ([]Invite, error) {
	if len(ids) > MaxPerRequest {
		ids = ids[:MaxPerRequest]
	}
	out := make([]Invite, 0, len(ids))
	for _, id := range ids {
		if id == "" || len(id) > 64 {
			continue
		}
		inv, err := admin.GetInvite(ctx, who.Org, id)
		if errors.Is(err, fault.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read invite %s: %w", id, err)
		}
		if who.Membership.Scope.Covers(inv.Scope) {
			out = append(out, inv)
		}
	}
	return out, nil
}
