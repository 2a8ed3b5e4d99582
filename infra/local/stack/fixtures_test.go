package stack_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
)

// The fixtures under events/ are real event shapes: each is handed to the
// function that Lambda would hand it to, and must give the expected answer.
func TestEventFixtures(t *testing.T) {
	h := stacktest.New(t)
	tests := []struct {
		file     string
		function string
		check    func(t *testing.T, out []byte)
	}{
		{"apigw/health.json", "auth", wantHTTP(200, "", "JKJaXmPLvHcESHA=")},
		{"apigw/login-wrong-password.json", "auth", wantHTTP(401, "invalid_credentials", "JKJaYmPLvHcESHB=")},
		{"ops/create-organization.json", "ops", func(t *testing.T, out []byte) {
			var res map[string]string
			if err := json.Unmarshal(out, &res); err != nil || res["org_id"] == "" || res["invite_id"] == "" {
				t.Fatalf("CreateOrganization: %s", out)
			}
		}},
		{"ops/list-organizations.json", "ops", func(t *testing.T, out []byte) {
			var res struct{ Items []map[string]any }
			if err := json.Unmarshal(out, &res); err != nil || len(res.Items) != 1 {
				t.Fatalf("ListOrganizations: %s", out)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			payload, err := os.ReadFile(filepath.Join("..", "..", "..", "events", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			fn, err := h.App.LambdaHandler(tc.function)
			if err != nil {
				t.Fatal(err)
			}
			out, err := fn.Invoke(context.Background(), payload)
			if err != nil {
				t.Fatalf("invoke: %v", err)
			}
			tc.check(t, out)
		})
	}
}

// wantHTTP checks an API Gateway response: its status, error code, and that
// the request id is API Gateway's own.
func wantHTTP(status int, code, requestID string) func(*testing.T, []byte) {
	return func(t *testing.T, out []byte) {
		var res events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != status || res.Headers["X-Request-Id"] != requestID {
			t.Fatalf("status %d, request id %q: %s", res.StatusCode, res.Headers["X-Request-Id"], res.Body)
		}
		if code != "" {
			var body struct{ Error struct{ Code string } }
			_ = json.Unmarshal([]byte(res.Body), &body)
			if body.Error.Code != code {
				t.Fatalf("code %q, want %q: %s", body.Error.Code, code, res.Body)
			}
		}
	}
}
