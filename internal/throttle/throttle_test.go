package throttle_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		check    throttle.Name
		want     throttle.Limit
		bad      bool
	}{
		{"empty is the defaults", "", throttle.SignInUsername, throttle.Defaults[throttle.SignInUsername], false},
		{"one changed", "signin_per_address=50/5m", throttle.SignInAddress, throttle.Limit{Max: 50, Window: 5 * time.Minute}, false},
		{"others keep their default", "signin_per_address=50/5m", throttle.ForgotIdentifier, throttle.Defaults[throttle.ForgotIdentifier], false},
		{"switched off", "forgot_per_identifier=off, signin_per_address=9/1h", throttle.ForgotIdentifier, throttle.Limit{}, false},
		{"unknown name", "signin_per_planet=5/1m", "", throttle.Limit{}, true},
		{"no window", "signin_per_address=5", "", throttle.Limit{}, true},
		{"zero", "signin_per_address=0/1m", "", throttle.Limit{}, true},
		{"window under a second", "signin_per_address=5/10ms", "", throttle.Limit{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := throttle.Parse(tc.in)
			if tc.bad {
				if err == nil {
					t.Fatalf("Parse(%q) accepted", tc.in)
				}
				return
			}
			if err != nil || got[tc.check] != tc.want {
				t.Fatalf("Parse(%q)[%s] = %v, %v; want %v", tc.in, tc.check, got[tc.check], err, tc.want)
			}
		})
	}
}

func TestDoorsAreRoutes(t *testing.T) {
	names := map[string]bool{}
	for _, r := range route.Table {
		names[r.Name] = true
	}
	for name := range throttle.Doors {
		if !names[name] {
			t.Errorf("throttle.Doors names %q, which is no route", name)
		}
	}
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestLimiterCountsFixedWindowsInTheTable: Max checks pass per window and
// subject, the next is a 429 whose Retry-After is the window's end; a new
// window starts afresh; parallel checks never let more than Max through
// (one conditional UpdateItem each, never read-modify-write).
func TestLimiterCountsFixedWindowsInTheTable(t *testing.T) {
	st := dynamo.New(testenv.DynamoDB(t), testenv.NewTable(t))
	c := &clock{t: time.Date(2026, 12, 1, 10, 0, 20, 0, time.UTC)}
	l := throttle.New(st, throttle.Defaults.With(throttle.SignInAddress, throttle.Limit{Max: 3, Window: time.Minute}), c.now)
	ctx := context.Background()
	for i := range 3 {
		if err := l.Allow(ctx, throttle.SignInAddress, "192.0.2.1"); err != nil {
			t.Fatalf("check %d: %v", i+1, err)
		}
	}
	err := l.Allow(ctx, throttle.SignInAddress, "192.0.2.1")
	fe, ok := fault.As(err)
	if !ok || fe.Code != "too_many_requests" || fe.RetryAfter != 40*time.Second {
		t.Fatalf("fourth check: %v (retry after %v), want 429 retry after 40s", err, fe.RetryAfter)
	}
	if err := l.Allow(ctx, throttle.SignInAddress, "192.0.2.2"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	c.advance(40 * time.Second)
	if err := l.Allow(ctx, throttle.SignInAddress, "192.0.2.1"); err != nil {
		t.Fatalf("next window: %v", err)
	}

	var passed atomic.Int64
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := l.Allow(ctx, throttle.SignInAddress, "198.51.100.7")
			switch {
			case err == nil:
				passed.Add(1)
			case !fault.Is(err, throttle.CodeTooManyRequests):
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if passed.Load() != 3 {
		t.Fatalf("%d of 20 parallel checks passed, want 3", passed.Load())
	}
}
