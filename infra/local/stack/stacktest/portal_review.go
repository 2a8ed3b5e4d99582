package stacktest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"testing"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/workflow/sfn"
)

// NewPortalReview is NewPortal with the review state machine deployed, for
// browser tests that follow a registration from request to decision.
func NewPortalReview(t *testing.T) *ReviewHarness {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	table := testenv.NewTable(t)
	cfg := testenv.Config(t, table)
	cfg.BaseURL = &url.URL{Scheme: "http", Host: fmt.Sprintf("localhost:%d", port)}
	name := "review-" + table
	cfg.StateMachine = sfn.StateMachineARN(name)
	h := startAt(t, cfg, fmt.Sprintf("127.0.0.1:%d", port))
	arn, err := stack.DeployReview(context.Background(), testenv.AWSConfig(t), name, h.Stack.InvokeURL)
	if err != nil {
		t.Fatal(err)
	}
	return &ReviewHarness{Harness: h, StateMachineARN: arn, sfn: sfn.NewClient(testenv.AWSConfig(t))}
}
