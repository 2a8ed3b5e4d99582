package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

func TestRequestIDsOnEveryLine(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "info")
	ctx := WithLambdaRequestID(WithRequestID(context.Background(), "req-1"), "lam-1")
	log.InfoContext(ctx, "hello", "k", "v")
	log.DebugContext(ctx, "hidden at info")
	var line map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &line); err != nil {
		t.Fatalf("want exactly one JSON line, got %q: %v", buf.String(), err)
	}
	if line["request_id"] != "req-1" || line["lambda_request_id"] != "lam-1" || line["msg"] != "hello" {
		t.Fatalf("line = %v", line)
	}
}
