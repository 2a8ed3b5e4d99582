// Package ses sends rendered emails with Amazon SES v2. It is the only
// importer of the SES SDK.
package ses

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
)

// Sender sends mail.Messages from one configured identity.
type Sender struct {
	client    *sesv2.Client
	from      string
	replyTo   string
	configSet string
}

// New returns a Sender; it does no I/O.
func New(client *sesv2.Client, from, replyTo, configSet string) *Sender {
	return &Sender{client: client, from: from, replyTo: replyTo, configSet: configSet}
}

// Send sends m. A failure is reported as unavailable: the caller may retry.
func (s *Sender) Send(ctx context.Context, m mail.Message) error {
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.from),
		Destination:      &types.Destination{ToAddresses: m.To},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")},
				Html: &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")},
			},
		}},
		EmailTags: []types.MessageTag{{Name: aws.String("kind"), Value: aws.String(m.Kind)}},
	}
	if s.replyTo != "" {
		in.ReplyToAddresses = []string{s.replyTo}
	}
	if s.configSet != "" {
		in.ConfigurationSetName = aws.String(s.configSet)
	}
	if _, err := s.client.SendEmail(ctx, in); err != nil {
		return fault.Unavailable(fmt.Errorf("send %s email: %w", m.Kind, err))
	}
	return nil
}
