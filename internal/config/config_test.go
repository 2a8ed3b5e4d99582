package config

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	valid := map[string]string{
		"GATEHOUSE_TABLE":     "gatehouse",
		"GATEHOUSE_MAIL_FROM": "no-reply@example.org",
		"GATEHOUSE_BASE_URL":  "https://portal.example.org/app/",
	}
	tests := []struct {
		name    string
		change  map[string]string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "defaults", check: func(t *testing.T, c Config) {
			if c.ReviewTimeout != 720*time.Hour || c.OpsEmail != "" {
				t.Fatalf("defaults wrong: %+v", c)
			}
			if got := c.Link("/invite", url.Values{"t": {"abc"}}); got != "https://portal.example.org/app/invite?t=abc" {
				t.Fatalf("Link = %s", got)
			}
		}},
		{name: "ops email", change: map[string]string{"GATEHOUSE_OPS_EMAIL": " ops@example.org "}, check: func(t *testing.T, c Config) {
			if c.OpsEmail != "ops@example.org" {
				t.Fatalf("ops email %q", c.OpsEmail)
			}
		}},
		{name: "bad ops email", change: map[string]string{"GATEHOUSE_OPS_EMAIL": "ops.example.org"}, wantErr: "GATEHOUSE_OPS_EMAIL"},
		{name: "missing table", change: map[string]string{"GATEHOUSE_TABLE": ""}, wantErr: "GATEHOUSE_TABLE"},
		{name: "relative base url", change: map[string]string{"GATEHOUSE_BASE_URL": "/x"}, wantErr: "GATEHOUSE_BASE_URL"},
		{name: "bad timeout", change: map[string]string{"GATEHOUSE_REVIEW_TIMEOUT": "soon"}, wantErr: "GATEHOUSE_REVIEW_TIMEOUT"},
		{name: "short timeout", change: map[string]string{"GATEHOUSE_REVIEW_TIMEOUT": "2s"}, check: func(t *testing.T, c Config) {
			if c.ReviewTimeout != 2*time.Second {
				t.Fatalf("timeout %v", c.ReviewTimeout)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range valid {
				env[k] = v
			}
			for k, v := range tc.change {
				env[k] = v
			}
			c, err := parse(func(k string) string { return env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want mention of %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}
