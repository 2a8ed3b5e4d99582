package stack_test

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/internal/app"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// cpuTime is the CPU this process has used (user and system).
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSignInCPU is the server CPU of one password sign-in on the local
// stack (POST /v1/auth/login as API Gateway hands it to the auth function:
// the event, the edge, the rate-limit counters, the table calls to DynamoDB
// Local, the session, the JSON answer and the log line), beside one
// argon2id verification alone, measured in the same run, in the same
// process, with the auth function's AWS configuration and GC setting.
// DynamoDB Local's own CPU (another process) is not counted; all of this
// process's is (getrusage: every thread, so GC and the HTTP client's
// goroutines too). Its figures: cpu-ms/signin, cpu-ms/hash and signin/hash
// (the target is at most 1.2). The default -benchtime runs few rounds on a
// busy machine; -benchtime 200x gives a steadier figure.
// A CPU profile of the sign-in: go test -run '^$' -bench SignInCPU -cpuprofile cpu.out ./infra/local/stack
func BenchmarkSignInCPU(b *testing.B) {
	ctx := context.Background()
	cfg := testenv.Config(b, testenv.NewTable(b))
	// Every sign-in still counts toward its two limits (two table updates),
	// as in production, but never reaches them.
	many := throttle.Limit{Max: 1 << 30, Window: time.Hour}
	cfg.Limits = throttle.Defaults.With(throttle.SignInAddress, many).With(throttle.SignInUsername, many)
	// As the auth function runs: its AWS configuration and its GC setting
	// (1024 MiB is its memory in infra/cdk/functions.go), for the sign-ins
	// and the hashes alike.
	defer app.TuneGC(1024)()
	awsCfg, err := app.AWSConfigFromEnv()
	if err != nil {
		b.Fatal(err)
	}
	a := app.New(cfg, awsCfg, logging.New(io.Discard, "info"))
	if _, err := stack.SeedDemo(ctx, a); err != nil {
		b.Fatal(err)
	}
	h, err := a.LambdaHandler("auth")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"username": stack.DemoUsername, "password": stack.DemoPassword})
	ev, _ := json.Marshal(events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "POST /v1/auth/login", RawPath: "/v1/auth/login",
		Headers: map[string]string{"content-type": "application/json", "host": "api.example.org"}, Body: string(body),
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "bench", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/v1/auth/login", Protocol: "HTTP/1.1", SourceIP: "203.0.113.7"}}})
	signIn := func() {
		out, err := h.Invoke(ctx, ev)
		if err != nil || !strings.Contains(string(out), `"statusCode":200`) {
			b.Fatalf("sign-in: %v %.300s", err, out)
		}
	}
	signIn() // warm: clients, connections, the demo login's item
	hash, err := password.Hash(stack.DemoPassword, password.OWASP)
	if err != nil {
		b.Fatal(err)
	}

	// Each round is one sign-in and one hash, in an order drawn at random:
	// a change of the shared machine's load weighs on both alike, and the
	// work that follows an allocation (each argon2id call allocates 19 MiB:
	// a GC cycle, fresh pages to fault in) falls on either as often, never
	// on one of them by the rhythm of the loop.
	order := rand.New(rand.NewPCG(9, 9))
	var signInCPU, hashCPU time.Duration
	timed := func(total *time.Duration, f func()) {
		start := cpuTime(b)
		f()
		*total += cpuTime(b) - start
	}
	verify := func() {
		if ok, err := password.Verify(stack.DemoPassword, hash); err != nil || !ok {
			b.Fatal("verify", err)
		}
	}
	for b.Loop() {
		if order.IntN(2) == 0 {
			timed(&signInCPU, signIn)
			timed(&hashCPU, verify)
		} else {
			timed(&hashCPU, verify)
			timed(&signInCPU, signIn)
		}
	}
	perSignIn, perHash := signInCPU/time.Duration(b.N), hashCPU/time.Duration(b.N)
	b.ReportMetric(float64(perSignIn)/1e6, "cpu-ms/signin")
	b.ReportMetric(float64(perHash)/1e6, "cpu-ms/hash")
	b.ReportMetric(float64(perSignIn)/float64(perHash), "signin/hash")
}
