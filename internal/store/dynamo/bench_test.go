package dynamo_test

import (
	"bufio"
	"context"
	"net/http"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/caller"
	"github.com/pquerna/otp/totp"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/internal/app"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

const benchMembers = 20000

// BenchmarkUserAdmin20k measures the user list and its CSV export for an
// office of 20,000 members on the local stack: p50/p99 latency, DynamoDB
// calls per request and (export) the peak heap of the process.
func BenchmarkUserAdmin20k(b *testing.B) {
	o := newBenchOffice(b, benchMembers)
	counter, get := o.counter, func(path string) *http.Response { return o.get("/v1/orgs/" + o.id.String() + path) }

	b.Run("list-page-50", func(b *testing.B) {
		var lat []time.Duration
		calls0 := counter.Service("DynamoDB")
		for i := 0; i < max(b.N, 200); i++ {
			t0 := time.Now()
			r := get("/users?limit=50&last_name=" + []string{"", "smith", "jo", "brown1"}[i%4])
			_, _ = bufio.NewReader(r.Body).Discard(1 << 20)
			r.Body.Close()
			lat = append(lat, time.Since(t0))
		}
		report(b, lat, counter.Service("DynamoDB")-calls0)
	})

	b.Run("export-20000", func(b *testing.B) {
		var lat []time.Duration
		calls0 := counter.Service("DynamoDB")
		peak := heapSampler()
		for i := 0; i < max(b.N, 5); i++ {
			t0 := time.Now()
			r := get("/users/export")
			sc := bufio.NewScanner(r.Body)
			rows := 0
			for sc.Scan() {
				rows++
			}
			r.Body.Close()
			lat = append(lat, time.Since(t0))
			if rows != benchMembers+2 { // header, the demo administrator, the seeded members
				b.Fatalf("export has %d lines, want %d", rows, benchMembers+2)
			}
		}
		heap := peak()
		report(b, lat, counter.Service("DynamoDB")-calls0)
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
	})
}

// benchOffice is the demo office on the local stack, seeded with members,
// and its site administrator signed in (MFA enrolled, so they may act).
type benchOffice struct {
	b     *testing.B
	a     *app.App
	id    ident.OrgID
	name  string
	api   string
	token string
	// counter counts the AWS calls of the app (awscfg.Bounded replaces
	// the HTTP client, so the count is a middleware on the config).
	counter *testenv.Calls
}

func newBenchOffice(b *testing.B, members int) benchOffice {
	ctx := context.Background()
	awsCfg := testenv.AWSConfig(b)
	counter := testenv.CountCalls(&awsCfg)
	cfg := testenv.Config(b, testenv.NewTable(b))
	a := app.New(cfg, awsCfg, testenv.Logger(b))
	st, err := stack.Start(a, stack.Addrs{API: "127.0.0.1:0", Invoke: "127.0.0.1:0", Events: "127.0.0.1:0"}, testenv.Logger(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(st.Close)
	if _, err := stack.SeedDemo(ctx, a); err != nil {
		b.Fatal(err)
	}
	orgs, _, err := a.Store.ListOrgs(ctx, 1, "")
	if err != nil || len(orgs) != 1 {
		b.Fatalf("demo org: %v %v", orgs, err)
	}
	o := orgs[0]
	start := time.Now()
	if err := a.Store.SeedListings(ctx, o.ID, o.Name, members); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d members in %s", members, time.Since(start).Round(time.Second))
	res, err := a.Auth.Login(ctx, auth.Credentials{Username: stack.DemoUsername, Password: stack.DemoPassword})
	if err != nil {
		b.Fatal(err)
	}
	// A site administrator acts only once enrolled in MFA (F20).
	p := caller.Caller{Session: res.Session, User: res.User, Memberships: res.Memberships}
	enrol, err := a.Auth.StartTOTP(ctx, p)
	if err != nil {
		b.Fatal(err)
	}
	code, err := totp.GenerateCode(enrol.Secret, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	if p.User, p.Memberships, err = a.Store.UserWithMemberships(ctx, res.User.ID); err != nil { // now with the pending secret
		b.Fatal(err)
	}
	if _, err := a.Auth.VerifyTOTP(ctx, p, code); err != nil {
		b.Fatal(err)
	}
	return benchOffice{b: b, a: a, id: o.ID, name: o.Name, api: st.APIURL, token: res.Token, counter: counter}
}

// get answers a GET of the administrator's (status 200 or the benchmark fails).
func (o benchOffice) get(path string) *http.Response {
	req, _ := http.NewRequest("GET", o.api+path, nil)
	req.Header.Set("Authorization", "Bearer "+o.token)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		o.b.Fatalf("GET %s: %v", path, err)
	}
	if r.StatusCode != 200 {
		o.b.Fatalf("GET %s: %s", path, r.Status)
	}
	return r
}

// report writes p50/p99 latency and DynamoDB calls per request.
func report(b *testing.B, lat []time.Duration, calls int) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	b.ReportMetric(float64(calls)/float64(len(lat)), "ddb-calls/req")
	b.Logf("%d requests: p50 %.1f ms, p99 %.1f ms, %.1f DynamoDB calls per request", len(lat), p(0.50), p(0.99), float64(calls)/float64(len(lat)))
}

// heapSampler samples the heap every 10 ms until the returned function is
// called, which returns the peak HeapAlloc seen.
func heapSampler() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(stop); wg.Wait(); return peak.Load() }
}
