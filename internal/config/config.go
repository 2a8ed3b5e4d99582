// Package config reads a function's settings from its environment once, at
// cold start. The CDK stack and the local stack set the same variables.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/awscfg"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

// Config is everything a function needs to know about its surroundings.
type Config struct {
	TableName     string        // GATEHOUSE_TABLE
	BaseURL       *url.URL      // GATEHOUSE_BASE_URL: where emailed links point
	MailFrom      string        // GATEHOUSE_MAIL_FROM
	MailReplyTo   string        // GATEHOUSE_MAIL_REPLY_TO (optional)
	MailConfigSet string        // GATEHOUSE_MAIL_CONFIGURATION_SET (optional)
	ReviewTimeout time.Duration // GATEHOUSE_REVIEW_TIMEOUT (Go duration), default 720h
	// VerificationWindow is how long a self-registration's email link works
	// (GATEHOUSE_VERIFICATION_WINDOW, Go duration), default 24h.
	VerificationWindow time.Duration
	StateMachine       string // GATEHOUSE_STATE_MACHINE_ARN (optional until review runs)
	EventBus           string // GATEHOUSE_EVENT_BUS (optional)
	LogLevel           string // GATEHOUSE_LOG_LEVEL: debug, info (default), warn, error
	// OpsEmail is where registrations with no eligible reviewer are reported
	// (GATEHOUSE_OPS_EMAIL, optional: without it they are only logged).
	OpsEmail string
	// Limits are the rate limits of the public doors: throttle.Defaults
	// with the changes of GATEHOUSE_LIMITS ("name=max/window,…"; nil means
	// the defaults).
	Limits throttle.Limits
	// AWS bounds every AWS call (awscfg.Default unless set; the zero value
	// means the default). GATEHOUSE_AWS_ATTEMPT_TIMEOUT and
	// GATEHOUSE_AWS_CALL_BUDGET (Go durations) change it.
	AWS awscfg.Policy
}

// FromEnv reads the configuration; every problem is reported, not just the first.
func FromEnv() (Config, error) { return parse(os.Getenv) }

func parse(getenv func(string) string) (Config, error) {
	var errs []error
	c := Config{
		TableName:     getenv("GATEHOUSE_TABLE"),
		MailFrom:      getenv("GATEHOUSE_MAIL_FROM"),
		MailReplyTo:   getenv("GATEHOUSE_MAIL_REPLY_TO"),
		MailConfigSet: getenv("GATEHOUSE_MAIL_CONFIGURATION_SET"),
		StateMachine:  getenv("GATEHOUSE_STATE_MACHINE_ARN"),
		EventBus:      getenv("GATEHOUSE_EVENT_BUS"),
		OpsEmail:      strings.TrimSpace(getenv("GATEHOUSE_OPS_EMAIL")),
		LogLevel:      strings.ToLower(getenv("GATEHOUSE_LOG_LEVEL")),
		ReviewTimeout: 30 * 24 * time.Hour,
	}
	c.VerificationWindow = 24 * time.Hour
	if v := getenv("GATEHOUSE_VERIFICATION_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			errs = append(errs, fmt.Errorf("GATEHOUSE_VERIFICATION_WINDOW %q is not a duration of a second or more", v))
		} else {
			c.VerificationWindow = d
		}
	}
	if c.OpsEmail != "" && (strings.Count(c.OpsEmail, "@") != 1 || strings.HasPrefix(c.OpsEmail, "@") || strings.HasSuffix(c.OpsEmail, "@")) {
		errs = append(errs, fmt.Errorf("GATEHOUSE_OPS_EMAIL %q is not an email address", c.OpsEmail))
	}
	if limits, err := throttle.Parse(getenv("GATEHOUSE_LIMITS")); err != nil {
		errs = append(errs, fmt.Errorf("GATEHOUSE_LIMITS: %w", err))
	} else {
		c.Limits = limits
	}
	c.AWS = awscfg.Default
	for name, d := range map[string]*time.Duration{"GATEHOUSE_AWS_ATTEMPT_TIMEOUT": &c.AWS.AttemptTimeout, "GATEHOUSE_AWS_CALL_BUDGET": &c.AWS.CallBudget} {
		if v := getenv(name); v != "" {
			parsed, err := time.ParseDuration(v)
			if err != nil || parsed < 100*time.Millisecond {
				errs = append(errs, fmt.Errorf("%s %q is not a duration of 100ms or more", name, v))
				continue
			}
			*d = parsed
		}
	}
	if c.TableName == "" {
		errs = append(errs, errors.New("GATEHOUSE_TABLE is not set"))
	}
	if c.MailFrom == "" {
		errs = append(errs, errors.New("GATEHOUSE_MAIL_FROM is not set"))
	}
	base := getenv("GATEHOUSE_BASE_URL")
	if u, err := url.Parse(base); base == "" || err != nil || u.Scheme == "" || u.Host == "" {
		errs = append(errs, fmt.Errorf("GATEHOUSE_BASE_URL %q is not an absolute URL", base))
	} else {
		c.BaseURL = u
	}
	if v := getenv("GATEHOUSE_REVIEW_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("GATEHOUSE_REVIEW_TIMEOUT %q is not a positive duration", v))
		} else {
			c.ReviewTimeout = d
		}
	}
	return c, errors.Join(errs...)
}

// Link returns an absolute URL under the base URL, e.g. Link("/invite", "t", tok).
func (c Config) Link(path string, query url.Values) string {
	u := *c.BaseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawQuery = query.Encode()
	return u.String()
}
