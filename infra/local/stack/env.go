package stack

import (
	"fmt"
	"os"
)

// Endpoints are where the emulated AWS services answer.
type Endpoints struct {
	DynamoDB    string
	SES         string
	EventBridge string
	SFN         string
}

// SetEnv points the AWS SDK and Gatehouse's configuration at the local stack,
// through the same variables the functions read in AWS: the application code
// never knows it is local.
func SetEnv(e Endpoints, table, baseURL string) error {
	vars := map[string]string{
		"AWS_REGION":                      "us-east-1",
		"AWS_ACCESS_KEY_ID":               "local",
		"AWS_SECRET_ACCESS_KEY":           "local",
		"AWS_ENDPOINT_URL_DYNAMODB":       e.DynamoDB,
		"AWS_ENDPOINT_URL_SESV2":          e.SES,
		"AWS_ENDPOINT_URL_EVENTBRIDGE":    e.EventBridge,
		"AWS_ENDPOINT_URL_SQS":            e.EventBridge, // the sink keeps the dead-letter queue too
		"GATEHOUSE_DEAD_LETTER_QUEUE_URL": DeadLetterQueueURL(e.EventBridge, "gatehouse-local"),
		"AWS_ENDPOINT_URL_SFN":            e.SFN,
		"GATEHOUSE_TABLE":                 table,
		"GATEHOUSE_BASE_URL":              baseURL,
		"GATEHOUSE_MAIL_FROM":             "Gatehouse <no-reply@gatehouse.local>",
		"GATEHOUSE_EVENT_BUS":             "gatehouse-local",
		"GATEHOUSE_OPS_EMAIL":             "ops@gatehouse.local",
	}
	for k, v := range vars {
		if v == "" {
			continue
		}
		if err := os.Setenv(k, v); err != nil {
			return fmt.Errorf("set %s: %w", k, err)
		}
	}
	return nil
}

// DeadLetterQueueURL is the local dead-letter queue of a bus, on the sink.
func DeadLetterQueueURL(sinkURL, bus string) string {
	return sinkURL + "/000000000000/" + bus + "-dead-letters"
}
