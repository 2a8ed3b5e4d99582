package main

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// settings are the values an operator chooses per deployment, read from CDK
// context (cdk.json, cdk.context.json or `-c key=value`). Every one has a
// default so that `make synth` works on a fresh clone without an account.
type settings struct {
	Stage         string        // names the stack (Gatehouse-<stage>) and tags every resource
	MailIdentity  string        // SES identity to create: an address or a domain
	MailFrom      string        // the From address; no-reply@<domain> when the identity is a domain
	MailReplyTo   string        // optional Reply-To address
	PublicBaseURL string        // where emailed links point (GATEHOUSE_BASE_URL)
	ReviewTimeout time.Duration // how long a registration waits for a decision
	// VerificationWindow is how long a registrant has to verify their email.
	VerificationWindow time.Duration
	AlarmEmail         string // optional: subscribed to the alarm topic
	OpsEmail           string // optional: registrations escalated to ops are emailed here (GATEHOUSE_OPS_EMAIL)
	// WebACLArn is the CloudFront web ACL of the WAF stack (us-east-1); ""
	// leaves CloudFront without the WAF (a synth warning).
	WebACLArn string
	// Limits changes the application's rate limits (GATEHOUSE_LIMITS).
	Limits string
}

// Context keys and their defaults. The defaults are placeholders that
// synthesize; a real deployment sets at least mailFrom and publicBaseUrl.
var contextDefaults = map[string]string{
	"stage":              "dev",
	"mailFrom":           "no-reply@example.com",
	"mailReplyTo":        "",
	"publicBaseUrl":      "https://gatehouse.example.com",
	"reviewTimeout":      "720h",
	"verificationWindow": "24h",
	"alarmEmail":         "",
	"opsEmail":           "",
	"webAclArn":          "",
	"limits":             "",
}

var webACLArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global/webacl/[A-Za-z0-9_-]+/[a-f0-9-]+$`)

var stagePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)

// maxReviewTimeout is the longest a Standard state machine execution may run.
const maxReviewTimeout = 365 * 24 * time.Hour

// readSettings reads and checks every context value; all problems are reported.
func readSettings(node constructs.Node) (settings, error) {
	get := func(key string) string {
		if v, ok := node.TryGetContext(jsii.String(key)).(string); ok && v != "" {
			return strings.TrimSpace(v)
		}
		return contextDefaults[key]
	}
	var problems []string
	s := settings{
		Stage:         get("stage"),
		MailIdentity:  get("mailFrom"),
		MailReplyTo:   get("mailReplyTo"),
		PublicBaseURL: get("publicBaseUrl"),
		AlarmEmail:    get("alarmEmail"),
		OpsEmail:      get("opsEmail"),
		WebACLArn:     get("webAclArn"),
		Limits:        get("limits"),
	}
	if s.WebACLArn != "" && !webACLArnPattern.MatchString(s.WebACLArn) {
		problems = append(problems, fmt.Sprintf("webAclArn %q: want the WebAclArn output of %s (a CLOUDFRONT web ACL in us-east-1)", s.WebACLArn, wafStackName(s.Stage)))
	}
	if _, err := throttle.Parse(s.Limits); err != nil {
		problems = append(problems, fmt.Sprintf("limits: %v", err))
	}
	if !stagePattern.MatchString(s.Stage) {
		problems = append(problems, fmt.Sprintf("stage %q: want lower-case letters, digits and '-', at most 20", s.Stage))
	}
	switch {
	case strings.Contains(s.MailIdentity, "@"):
		s.MailFrom = s.MailIdentity
	case strings.Contains(s.MailIdentity, "."):
		s.MailFrom = "no-reply@" + s.MailIdentity
	default:
		problems = append(problems, fmt.Sprintf("mailFrom %q: want an address or a domain", s.MailIdentity))
	}
	if u, err := url.Parse(s.PublicBaseURL); err != nil || u.Scheme != "https" || u.Host == "" {
		problems = append(problems, fmt.Sprintf("publicBaseUrl %q: want an absolute https URL", s.PublicBaseURL))
	}
	d, err := time.ParseDuration(get("reviewTimeout"))
	if err != nil || d <= 0 || d > maxReviewTimeout {
		problems = append(problems, fmt.Sprintf("reviewTimeout %q: want a Go duration between 1s and 8760h", get("reviewTimeout")))
	}
	s.ReviewTimeout = d
	v, err := time.ParseDuration(get("verificationWindow"))
	if err != nil || v < time.Second || v > maxReviewTimeout {
		problems = append(problems, fmt.Sprintf("verificationWindow %q: want a Go duration between 1s and 8760h", get("verificationWindow")))
	}
	s.VerificationWindow = v
	if s.OpsEmail != "" && !strings.Contains(s.OpsEmail, "@") {
		problems = append(problems, fmt.Sprintf("opsEmail %q: want an email address", s.OpsEmail))
	}
	if len(problems) > 0 {
		return settings{}, fmt.Errorf("context: %s", strings.Join(problems, "; "))
	}
	return s, nil
}
