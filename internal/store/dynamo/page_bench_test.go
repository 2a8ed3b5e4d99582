package dynamo_test

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/audit"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
)

// pageBenchSize is the office the administration pages are measured on:
// 1,000 users, 1,000 audit entries and 1,000 registration console entries.
const pageBenchSize = 1000

// BenchmarkAdminListPages1k measures the administration list pages (User
// List, Registration Console, Audit Log: server-rendered HTML through the
// page edge, guard and services) for an office of 1,000 users on the local
// stack: p50/p99 latency and DynamoDB calls per page, beside the JSON routes
// they show. Target: p99 under 50 ms.
func BenchmarkAdminListPages1k(b *testing.B) {
	o := newBenchOffice(b, pageBenchSize)
	ctx := context.Background()
	seedInBulk(b, pageBenchSize, func(i int) error {
		return o.a.Store.PutAudit(ctx, audit.Entry{ID: fmt.Sprintf("bench-audit-%05d", i), OrgID: o.id, At: time.Now().Add(-time.Duration(i) * time.Second),
			Actor: "bench", ActorUsername: "bench.admin", Action: "user.update", Target: fmt.Sprintf("user:seed%08d", i), RequestID: "bench", IP: "127.0.0.1"})
	})
	seedInBulk(b, pageBenchSize, func(i int) error {
		now := time.Now().Add(-time.Duration(i) * time.Second)
		return o.a.Store.CreateInvite(ctx, invite.Invite{ID: fmt.Sprintf("bench-invite-%05d", i), OrgID: o.id, OrgName: o.name,
			Email: fmt.Sprintf("invitee%d@example.org", i), Role: account.RolePortalUser, Scope: account.OrgScope, Status: invite.StatusSent,
			InvitedBy: "bench", CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour), TokenHash: fmt.Sprintf("bench-token-hash-%05d", i)},
			audit.Entry{ID: fmt.Sprintf("bench-invite-audit-%05d", i), OrgID: o.id, At: now, Actor: "bench", ActorUsername: "bench.admin",
				Action: "invite.create", Target: fmt.Sprintf("invite:bench-invite-%05d", i), RequestID: "bench", IP: "127.0.0.1"})
	})
	base := "/orgs/" + o.id.String()
	pages := []struct{ name, path, want string }{
		{"user-list", base + "/users", "seed.user."},
		{"user-list-search", base + "/users?last_name=smith", "Smith"},
		{"registration-console", base + "/registrations", "EMAIL-INT"},
		{"registration-console-pending", base + "/registrations?status=PENDING-PROV-ADMIN-REVIEW", "Registration Console"},
		{"audit-log", base + "/audit", "user.update"},
		// The JSON routes the pages stand beside, measured in the same run:
		// the page's cost is the ratio of the two.
		{"json-users", "/v1" + base + "/users", "seed.user."},
		{"json-registrations", "/v1" + base + "/registrations", "EMAIL-INT"},
		{"json-audit", "/v1" + base + "/audit", "user.update"},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			var lat []time.Duration
			calls0 := o.counter.Service("DynamoDB")
			for i := 0; i < max(b.N, 200); i++ {
				t0 := time.Now()
				r := o.get(pg.path)
				var body strings.Builder
				_, _ = bufio.NewReader(r.Body).WriteTo(&body)
				r.Body.Close()
				lat = append(lat, time.Since(t0))
				if i == 0 && !strings.Contains(body.String(), pg.want) {
					b.Fatalf("%s does not show %q", pg.path, pg.want)
				}
			}
			report(b, lat, o.counter.Service("DynamoDB")-calls0)
		})
	}
}

// seedInBulk runs put for 0..n-1 from 8 goroutines.
func seedInBulk(b *testing.B, n int, put func(i int) error) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				if err := put(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}
