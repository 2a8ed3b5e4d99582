// Command hello is the hello-world Go Lambda the cold-start benchmark
// compares every function with (the same as ../shared/tools/coldstart/hello).
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context, e json.RawMessage) (map[string]any, error) {
		return map[string]any{"statusCode": 200, "body": "{\"status\":\"ok\"}"}, nil
	})
}
