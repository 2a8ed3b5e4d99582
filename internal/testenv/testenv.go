// Package testenv runs integration tests against the real emulators:
// DynamoDB Local and the SES v2 emulator. `make test` starts one of each for
// the whole run (infra/local exec) and passes their endpoints in the
// environment; a plain `go test` of one package starts its own. A missing
// emulator fails the run; it never skips.
package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/gatehouse-dev/gatehouse/infra/local/emulator"
	"github.com/gatehouse-dev/gatehouse/internal/awscfg"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
)

const (
	envDynamo = "GATEHOUSE_TEST_DYNAMODB_ENDPOINT"
	envSES    = "GATEHOUSE_TEST_SES_ENDPOINT"
	envSFN    = "GATEHOUSE_TEST_SFN_ENDPOINT"
)

// Main is a test package's TestMain: it makes sure the emulators run, points
// the AWS SDK at them and runs the tests.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var started []*emulator.Process
	defer func() {
		for _, p := range started {
			p.Stop()
		}
	}()
	if os.Getenv(envDynamo) == "" || os.Getenv(envSES) == "" || os.Getenv(envSFN) == "" {
		ps, err := startOwn()
		if err != nil {
			fmt.Fprintln(os.Stderr, "testenv: cannot start the emulators:", err)
			return 1
		}
		started = ps
	}
	for k, v := range map[string]string{
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_ENDPOINT_URL_DYNAMODB": os.Getenv(envDynamo), "AWS_ENDPOINT_URL_SESV2": os.Getenv(envSES),
		"AWS_ENDPOINT_URL_SFN": os.Getenv(envSFN),
	} {
		os.Setenv(k, v)
	}
	return m.Run()
}

func startOwn() ([]*emulator.Process, error) {
	root, err := emulator.RepoRoot()
	if err != nil {
		return nil, err
	}
	if err := emulator.CheckTools(); err != nil {
		return nil, err
	}
	ctx := context.Background()
	dp, err := emulator.FreePort()
	if err != nil {
		return nil, err
	}
	db, err := emulator.StartDynamoDB(ctx, root, emulator.DynamoDBOptions{Port: dp})
	if err != nil {
		return nil, err
	}
	sp, err := emulator.FreePort()
	if err != nil {
		db.Stop()
		return nil, err
	}
	ses, err := emulator.StartSES(ctx, root, emulator.SESOptions{Port: sp})
	if err != nil {
		db.Stop()
		return nil, err
	}
	fp, err := emulator.FreePort()
	if err != nil {
		db.Stop()
		ses.Stop()
		return nil, err
	}
	sf, err := emulator.StartSFN(ctx, root, fp, nil)
	if err != nil {
		db.Stop()
		ses.Stop()
		return nil, err
	}
	os.Setenv(envDynamo, db.Endpoint)
	os.Setenv(envSES, ses.Endpoint)
	os.Setenv(envSFN, sf.Endpoint)
	return []*emulator.Process{db, ses, sf}, nil
}

// AWSConfig is the SDK configuration pointing at the emulators.
func AWSConfig(t testing.TB) aws.Config {
	t.Helper()
	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// DynamoDB returns a client of DynamoDB Local.
func DynamoDB(t testing.TB) *dynamodb.Client { return dynamo.NewClient(AWSConfig(t)) }

// NewTable creates a fresh, empty table for one test and drops it afterwards.
func NewTable(t testing.TB) string {
	t.Helper()
	name := "t-" + ident.New()
	db := DynamoDB(t)
	if err := dynamo.CreateTable(context.Background(), db, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name}) })
	return name
}

// Config is a function configuration for a test table.
func Config(t testing.TB, table string) config.Config {
	t.Helper()
	base, _ := url.Parse("https://portal.gatehouse.test")
	// The emulators are shared by every test package of a run on a machine
	// that may be busy: calls get generous deadlines here. The production
	// bounds (awscfg.Default) are tested on a DynamoDB Local of its own
	// (infra/local/stack: TestStalledTableAnswers503AndRecovers).
	aws := awscfg.Policy{AttemptTimeout: 15 * time.Second, CallBudget: 30 * time.Second, Reserve: awscfg.Default.Reserve,
		MaxAttempts: awscfg.Default.MaxAttempts, MaxBackoff: awscfg.Default.MaxBackoff}
	return config.Config{TableName: table, BaseURL: base, MailFrom: "no-reply@gatehouse.test", ReviewTimeout: time.Hour, AWS: aws}
}

// Logger writes JSON logs into the test's output.
func Logger(t testing.TB) *slog.Logger {
	return logging.New(testWriter{t}, "debug")
}

// LogWriter writes each log line into the test's output.
func LogWriter(t testing.TB) io.Writer { return testWriter{t} }

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Email is one message kept by the SES emulator.
type Email struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Subject     string `json:"subject"`
	Destination struct {
		To []string `json:"to"`
	} `json:"destination"`
	Body struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
}

// Emails returns every email the SES emulator holds for the address.
func Emails(t testing.TB, to string) []Email {
	t.Helper()
	res, err := http.Get(os.Getenv(envSES) + "/store")
	if err != nil {
		t.Fatalf("read SES emulator store: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var store struct {
		Emails []Email `json:"emails"`
	}
	if err := json.Unmarshal(body, &store); err != nil {
		t.Fatalf("SES emulator store: %v: %s", err, body)
	}
	var out []Email
	for _, e := range store.Emails {
		for _, addr := range e.Destination.To {
			if strings.EqualFold(addr, to) {
				out = append(out, e)
			}
		}
	}
	return out
}

// UniqueEmail returns an address no other test uses, so mailbox reads do not mix.
func UniqueEmail(prefix string) string {
	return fmt.Sprintf("%s-%s@example.org", prefix, ident.New()[14:])
}

// SESEndpoint is the SES emulator's base URL.
func SESEndpoint() string { return os.Getenv(envSES) }
