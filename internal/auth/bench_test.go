package auth_test

import (
	"context"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// countingFixture is a fixture whose DynamoDB client counts its API calls.
func countingFixture(t testing.TB, limits throttle.Limits) (fixture, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	count := middleware.InitializeMiddlewareFunc("CountCalls", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		calls.Add(1)
		return next.HandleInitialize(ctx, in)
	})
	db := dynamodb.NewFromConfig(testenv.AWSConfig(t), func(o *dynamodb.Options) {
		o.DisableValidateResponseChecksum = true
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return s.Initialize.Add(count, middleware.After) })
	})
	st := dynamo.New(db, testenv.NewTable(t))
	c := &clock{t: time.Now().UTC()}
	sessions := session.NewService(st, c.Now)
	link := func(p string, q url.Values) string { return p }
	return fixture{store: st, sessions: sessions, svc: auth.NewService(st, sessions, nil, link, throttle.New(st, limits, c.Now), c.Now), clock: c}, &calls
}

// TestDynamoDBCallsPerLogin pins the cost of a sign-in in table calls: Get
// USERNAME, Query USER partition, TransactWrite (session + user condition)
// for a login without memberships, after the two rate-limit checks (address,
// username: one UpdateItem each); a wrong password swaps the TransactWrite
// for the counter update; an unknown username reads and counts its own
// failure item instead of the login.
func TestDynamoDBCallsPerLogin(t *testing.T) {
	f, calls := countingFixture(t, throttle.Defaults)
	f.newUser(t, "count.user")
	for _, tc := range []struct {
		name string
		pw   string
		want int64
	}{
		{"success", goodPassword, 5},
		{"wrong password", "a wrong password", 5},
		{"unknown user", "", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user := "count.user"
			if tc.pw == "" {
				user, tc.pw = "count.nobody", "whatever it is"
			}
			calls.Store(0)
			_ = f.login(user, tc.pw)
			if got := calls.Load(); got != tc.want {
				t.Fatalf("%d DynamoDB calls, want %d", got, tc.want)
			}
		})
	}
}

// BenchmarkLogin is a full password sign-in against DynamoDB Local, on one
// goroutine: logins per second per core is 1/(s/op). It reports DynamoDB calls per login.
// The rate limits are off (one username signs in b.N times); each adds one
// UpdateItem, pinned by TestDynamoDBCallsPerLogin.
func BenchmarkLogin(b *testing.B) {
	f, calls := countingFixture(b, throttle.Unlimited())
	f.newUser(b, "bench.user")
	ctx := context.Background()
	calls.Store(0)
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.svc.Login(ctx, auth.Credentials{Username: "bench.user", Password: goodPassword}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(calls.Load())/float64(b.N), "dynamodb-calls/op")
}

// BenchmarkPasswordVerify is the argon2id check alone (m=19 MiB, t=2, p=1).
func BenchmarkPasswordVerify(b *testing.B) {
	hash, err := password.Hash(goodPassword, password.OWASP)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _ := password.Verify(goodPassword, hash); !ok {
			b.Fatal("no match")
		}
	}
}
