package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Email is the SES sending identity (an address, or a domain whose DKIM
// records the operator publishes) and the configuration set every message
// goes through, so bounces and complaints are tracked and suppressed.
type Email struct {
	constructs.Construct
	Identity         awsses.EmailIdentity
	ConfigurationSet awsses.ConfigurationSet
	From             string
	ReplyTo          string
}

// NewEmail creates the identity named by the mailFrom context value.
func NewEmail(scope constructs.Construct, id string, s settings) *Email {
	c := constructs.NewConstruct(scope, jsii.String(id))
	set := awsses.NewConfigurationSet(c, jsii.String("ConfigurationSet"), &awsses.ConfigurationSetProps{
		ReputationMetrics:  jsii.Bool(true),
		SendingEnabled:     jsii.Bool(true),
		SuppressionReasons: awsses.SuppressionReasons_BOUNCES_AND_COMPLAINTS,
		TlsPolicy:          awsses.ConfigurationSetTlsPolicy_REQUIRE,
	})
	identity := awsses.Identity_Domain(jsii.String(s.MailIdentity))
	if strings.Contains(s.MailIdentity, "@") {
		identity = awsses.Identity_Email(jsii.String(s.MailIdentity))
	}
	ident := awsses.NewEmailIdentity(c, jsii.String("Identity"), &awsses.EmailIdentityProps{
		Identity:         identity,
		ConfigurationSet: set,
	})
	return &Email{Construct: c, Identity: ident, ConfigurationSet: set, From: s.MailFrom, ReplyTo: s.MailReplyTo}
}

// grantSend lets a role send mail from the configured address only: SES v2
// SendEmail authorizes against both the identity and the configuration set,
// and the condition pins the From address.
func (e *Email) grantSend(role awsiam.IRole) {
	stack := awscdk.Stack_Of(e.Construct)
	configSetArn := stack.FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("ses"),
		Resource:     jsii.String("configuration-set"),
		ResourceName: e.ConfigurationSet.ConfigurationSetName(),
	})
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("SendMailFromGatehouse"),
		Actions:   jsii.Strings("ses:SendEmail"),
		Resources: &[]*string{e.Identity.EmailIdentityArn(), configSetArn},
		Conditions: &map[string]interface{}{
			"StringEquals": map[string]interface{}{"ses:FromAddress": e.From},
		},
	}))
}
