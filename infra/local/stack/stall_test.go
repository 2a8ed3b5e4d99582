package stack_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/gatehouse-dev/gatehouse/infra/local/emulator"
	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/awscfg"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// TestStalledTableAnswers503AndRecovers pauses a DynamoDB Local of its own
// (SIGSTOP: the port stays open, nothing answers, as a stalled dependency)
// and checks that the health check and the public doors answer 503
// dependency_unavailable with Retry-After, in the contract's error shape,
// bounded (about 2.5 s; logged); then resumes it (SIGCONT) and checks that they recover. The
// process is resumed however the test ends.
func TestStalledTableAnswers503AndRecovers(t *testing.T) {
	root, err := emulator.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	port, err := emulator.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	db, err := emulator.StartDynamoDB(context.Background(), root, emulator.DynamoDBOptions{Port: port})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Stop)
	awsCfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(db.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	table := "stall-" + ident.New()
	if err := dynamo.CreateTable(context.Background(), dynamo.NewClient(awsCfg), table); err != nil {
		t.Fatal(err)
	}
	cfg := testenv.Config(t, table)
	cfg.AWS = awscfg.Default // production's bounds, not the test runs' generous ones
	h := stacktest.NewOn(t, cfg, awsCfg)
	// A fresh DynamoDB Local on a busy machine may take a moment to be quick.
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		r := h.Do("GET", "/v1/health", nil)
		if r.Status == 200 {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("health before the pause: %d %s", r.Status, r.Raw)
		}
	}

	if err := db.Pause(); err != nil {
		t.Fatal(err)
	}
	// Registered after db.Stop, so it runs first: never leave it stopped.
	t.Cleanup(func() { _ = db.Resume() })
	requests := []struct {
		name, method, path string
		body               any
	}{
		{"health", "GET", "/v1/health", nil},
		{"sign-in", "POST", "/v1/auth/login", map[string]string{"username": "stall.user", "password": "whatever it may be"}},
		{"forgot password", "POST", "/v1/auth/password/forgot", map[string]string{"username": "stall.user"}},
		{"invite link", "GET", "/v1/invites/" + ident.New(), nil},
	}
	for _, rq := range requests {
		t.Run("paused/"+rq.name, func(t *testing.T) {
			start := time.Now()
			r := h.Do(rq.method, rq.path, rq.body)
			took := time.Since(start)
			t.Logf("%s answered %d in %v", rq.name, r.Status, took.Round(time.Millisecond))
			if r.Status != 503 || r.ErrCode() != "dependency_unavailable" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			if e, _ := r.Body["error"].(map[string]any); e["message"] == "" || len(e) > 2 {
				t.Fatalf("not the contract's error shape: %s", r.Raw)
			}
			if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
			}
			// The bound is about 2.5 s (the call budget and the reserve);
			// the check only tells a bounded answer from a hung one, with
			// room for a busy machine (the measured time is logged above).
			if took >= 10*time.Second {
				t.Fatalf("answered after %v: the calls are not bounded", took)
			}
		})
	}

	if err := db.Resume(); err != nil {
		t.Fatal(err)
	}
	// Requests queued while it was stopped drain first: recovery is polled.
	resumed := time.Now()
	for _, rq := range []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"health", "GET", "/v1/health", nil, 200},
		{"sign-in", "POST", "/v1/auth/login", map[string]string{"username": "stall.user", "password": "whatever it may be"}, 401},
	} {
		for {
			r := h.Do(rq.method, rq.path, rq.body)
			if r.Status == rq.want {
				t.Logf("%s recovered %v after the resume", rq.name, time.Since(resumed).Round(time.Millisecond))
				break
			}
			if r.Status != 503 || time.Since(resumed) > 30*time.Second {
				t.Fatalf("%s after the resume: %d %s", rq.name, r.Status, r.Raw)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}
