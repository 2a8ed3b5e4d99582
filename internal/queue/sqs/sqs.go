// Package sqs is the SQS adapter: the only importer of the SQS SDK. It puts
// inbound events Gatehouse refuses on the dead-letter queue, with the reason.
package sqs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/gatehouse-dev/gatehouse/internal/event"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

var _ event.DeadLetters = (*Queue)(nil)

// Queue is one queue, by URL.
type Queue struct {
	client *sqs.Client
	url    string
}

// New returns a Queue; it does no I/O.
func New(cfg aws.Config, queueURL string) *Queue {
	return &Queue{client: sqs.NewFromConfig(cfg), url: queueURL}
}

// Put sends one dead letter: the refused event and why.
func (q *Queue) Put(ctx context.Context, l event.DeadLetter) error {
	if q.url == "" {
		return errors.New("dead letter: GATEHOUSE_DEAD_LETTER_QUEUE_URL is not set")
	}
	body, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("dead letter: %w", err)
	}
	_, err = q.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.url), MessageBody: aws.String(string(body))})
	if err != nil {
		return fault.Unavailable(fmt.Errorf("dead letter: %w", err))
	}
	return nil
}
