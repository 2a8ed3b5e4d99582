// Command local runs Gatehouse on this machine: DynamoDB Local, the SES v2
// emulator, and the API Gateway, Lambda Invoke and EventBridge front doors in
// front of the same function code Lambda runs.
//
//	go run ./infra/local run [flags]        the whole system, with a demo org
//	go run ./infra/local exec -- CMD ARGS   emulators on free ports around CMD (make test)
//	go run ./infra/local openapi [URL]      print the OpenAPI document (make openapi-lint)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/gatehouse-dev/gatehouse/infra/local/emulator"
	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/internal/app"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/logging"
	"github.com/gatehouse-dev/gatehouse/internal/review"
	"github.com/gatehouse-dev/gatehouse/internal/route"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/workflow/sfn"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: local run [flags] | local exec -- command [args] | local openapi [server URL]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	code := 0
	switch os.Args[1] {
	case "run":
		err = run(ctx, os.Args[2:])
	case "exec":
		code, err = execWith(ctx, os.Args[2:])
	case "openapi":
		server := "http://localhost:8080"
		if len(os.Args) > 2 {
			server = os.Args[2]
		}
		err = json.NewEncoder(os.Stdout).Encode(app.OpenAPI(server))
	default:
		err = fmt.Errorf("unknown subcommand %q (run or exec)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	apiPort := fs.Int("api-port", envInt("GATEHOUSE_API_PORT", 8080), "API Gateway HTTP API port")
	invokePort := fs.Int("invoke-port", envInt("GATEHOUSE_INVOKE_PORT", 3001), "Lambda Invoke API port")
	eventsPort := fs.Int("events-port", envInt("GATEHOUSE_EVENTS_PORT", 8088), "EventBridge PutEvents port")
	dynamoPort := fs.Int("dynamodb-port", envInt("GATEHOUSE_DYNAMODB_PORT", 8000), "DynamoDB Local port")
	sesPort := fs.Int("ses-port", envInt("GATEHOUSE_SES_PORT", 8005), "SES v2 emulator port")
	sfnPort := fs.Int("sfn-port", envInt("GATEHOUSE_SFN_PORT", 8083), "Step Functions emulator port")
	inMemory := fs.Bool("in-memory", false, "keep no data between runs")
	dataDir := fs.String("data-dir", ".local", "where data is kept between runs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	started := time.Now()
	root, err := emulator.RepoRoot()
	if err != nil {
		return err
	}
	if err := emulator.CheckTools(); err != nil {
		return err
	}
	logDir := filepath.Join(root, *dataDir, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	dbDir := filepath.Join(root, *dataDir, "dynamodb")
	if *inMemory {
		dbDir = ""
	}
	emus, err := startEmulators(ctx, root, *dynamoPort, *sesPort, *sfnPort, dbDir, logDir)
	if err != nil {
		return err
	}
	defer emus.stop()

	// localhost, not 127.0.0.1: emailed links point here, and WebAuthn
	// (passkeys) needs a host name; browsers treat localhost as secure.
	baseURL := fmt.Sprintf("http://localhost:%d", *apiPort)
	eventsURL := fmt.Sprintf("http://127.0.0.1:%d", *eventsPort)
	if err := stack.SetEnv(stack.Endpoints{DynamoDB: emus.dynamo.Endpoint, SES: emus.ses.Endpoint, EventBridge: eventsURL, SFN: emus.sfn.Endpoint}, "gatehouse", baseURL); err != nil {
		return err
	}
	if err := os.Setenv("GATEHOUSE_STATE_MACHINE_ARN", sfn.StateMachineARN(reviewStateMachine)); err != nil {
		return err
	}
	log := logging.New(os.Stdout, os.Getenv("GATEHOUSE_LOG_LEVEL"))
	a, err := buildApp(ctx, log)
	if err != nil {
		return err
	}
	seeded, err := stack.SeedDemo(ctx, a)
	if err != nil {
		return err
	}
	st, err := stack.Start(a, stack.Addrs{
		API: fmt.Sprintf("127.0.0.1:%d", *apiPort), Invoke: fmt.Sprintf("127.0.0.1:%d", *invokePort), Events: fmt.Sprintf("127.0.0.1:%d", *eventsPort),
	}, log)
	if err != nil {
		return err
	}
	defer st.Close()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	// The table's stream feeds the events function, as the CDK stack's event
	// source mapping does; the position is kept next to the data.
	checkpoint := filepath.Join(root, *dataDir, "outbox-checkpoint.json")
	if *inMemory {
		checkpoint = ""
	}
	outbox, err := stack.StartOutbox(ctx, awsCfg, a.Config.TableName, st.Handlers[route.FunctionEvents], st.Sink, checkpoint, log)
	if err != nil {
		return err
	}
	defer outbox.Close()
	if _, err := stack.DeployReview(ctx, awsCfg, reviewStateMachine, st.InvokeURL); err != nil {
		return err
	}
	// Local only: the emulator's executions did not survive the last run.
	resumed, err := stack.ResumeReviews(ctx, awsCfg, a.Config.TableName, sfn.StateMachineARN(reviewStateMachine),
		review.Settings{VerificationWindow: a.Config.VerificationWindow, ReviewTimeout: a.Config.ReviewTimeout})
	if err != nil {
		return err
	}
	if len(resumed) > 0 {
		log.Info("resumed the review of registrations kept in .local/", "count", len(resumed))
	}
	printBanner(os.Stderr, st, emus, seeded, time.Since(started))
	select {
	case <-ctx.Done():
	case <-emus.dynamo.Exited():
		return fmt.Errorf("DynamoDB Local stopped: %v (log in %s)", emus.dynamo.Err(), logDir)
	case <-emus.ses.Exited():
		return fmt.Errorf("SES emulator stopped: %v (log in %s)", emus.ses.Err(), logDir)
	case <-emus.sfn.Exited():
		return fmt.Errorf("the Step Functions emulator stopped: %v (log in %s)", emus.sfn.Err(), logDir)
	}
	fmt.Fprintln(os.Stderr, "\nstopping…")
	return nil
}

func buildApp(ctx context.Context, log *slog.Logger) (*app.App, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	if err := dynamo.CreateTable(ctx, dynamo.NewClient(awsCfg), cfg.TableName); err != nil {
		return nil, err
	}
	return app.New(cfg, awsCfg, log), nil
}

// reviewStateMachine is the local review state machine's name.
const reviewStateMachine = "gatehouse-review"

type emulators struct{ dynamo, ses, sfn *emulator.Process }

func (e emulators) stop() {
	e.sfn.Stop()
	e.ses.Stop()
	e.dynamo.Stop()
}

func startEmulators(ctx context.Context, root string, dynamoPort, sesPort, sfnPort int, dbDir, logDir string) (emulators, error) {
	logFile := func(name string) io.Writer {
		f, err := os.Create(filepath.Join(logDir, name))
		if err != nil {
			return io.Discard
		}
		return f
	}
	var e emulators
	var err error
	if e.dynamo, err = emulator.StartDynamoDB(ctx, root, emulator.DynamoDBOptions{Port: dynamoPort, DataDir: dbDir, Log: logFile("dynamodb.log")}); err != nil {
		return e, err
	}
	if e.ses, err = emulator.StartSES(ctx, root, emulator.SESOptions{Port: sesPort, Log: logFile("ses.log")}); err != nil {
		e.dynamo.Stop()
		return e, err
	}
	if e.sfn, err = emulator.StartSFN(ctx, root, sfnPort, logFile("sfn.log")); err != nil {
		e.ses.Stop()
		e.dynamo.Stop()
		return e, err
	}
	return e, nil
}

func printBanner(w io.Writer, st *stack.Stack, e emulators, seeded bool, took time.Duration) {
	fmt.Fprintf(w, `
Gatehouse is running (ready in %.1fs). Ctrl-C stops everything.

  API (API Gateway)     %s          try: curl %s/v1/health
  Lambda Invoke API     %s          functions: %v
  Mailbox (SES)         %s          every email sent; JSON at %s/store
  EventBridge sink      %s/events          dead letters: /dead-letters
  Step Functions        %s          review state machine %s
  DynamoDB Local        %s

Sign in as the demo administrator of %q (TIN %s, two providers):
  curl -s %s/v1/auth/login -H 'Content-Type: application/json' \
    -d '{"username":"%s","password":"%s"}'
`, took.Seconds(), st.APIURL, st.APIURL, st.InvokeURL, app.Functions(), e.ses.Endpoint, e.ses.Endpoint, st.EventsURL, e.sfn.Endpoint, reviewStateMachine, e.dynamo.Endpoint,
		stack.DemoOrgName, stack.DemoTIN, st.APIURL, stack.DemoUsername, stack.DemoPassword)
	fmt.Fprintf(w, `
Create an organization (its first administrator gets an invite email):
  curl -s %s/2015-03-31/functions/ops/invocations -d '{"command":"CreateOrganization","name":"Acme Clinic","tin":"987654321","providers":[],"admin_email":"admin@acme.example"}'
`, st.InvokeURL)
	if seeded {
		fmt.Fprintln(w, "\n(first run: the demo org and administrator were just created)")
	}
}

// execWith starts in-memory emulators on free ports, runs the command with
// their endpoints in its environment, and stops them (make test).
func execWith(ctx context.Context, args []string) (int, error) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return 0, errors.New("exec needs a command")
	}
	root, err := emulator.RepoRoot()
	if err != nil {
		return 0, err
	}
	if err := emulator.CheckTools(); err != nil {
		return 0, err
	}
	dynamoPort, err := emulator.FreePort()
	if err != nil {
		return 0, err
	}
	sesPort, err := emulator.FreePort()
	if err != nil {
		return 0, err
	}
	sfnPort, err := emulator.FreePort()
	if err != nil {
		return 0, err
	}
	logDir, err := os.MkdirTemp("", "gatehouse-emulators-")
	if err != nil {
		return 0, err
	}
	e, err := startEmulators(ctx, root, dynamoPort, sesPort, sfnPort, "", logDir)
	if err != nil {
		return 0, err
	}
	defer e.stop()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "GATEHOUSE_TEST_DYNAMODB_ENDPOINT="+e.dynamo.Endpoint, "GATEHOUSE_TEST_SES_ENDPOINT="+e.ses.Endpoint, "GATEHOUSE_TEST_SFN_ENDPOINT="+e.sfn.Endpoint)
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}
