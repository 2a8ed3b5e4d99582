package awscfg

import (
	"context"
	"testing"
	"time"
)

func TestDeadlineIsTheSoonerOfBudgetAndLambdaDeadline(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	p := Policy{CallBudget: 2 * time.Second, Reserve: 500 * time.Millisecond}
	for _, tc := range []struct {
		name   string
		lambda time.Duration // time left of the invocation; 0 = no deadline
		want   time.Duration
	}{
		{"no deadline on the context", 0, 2 * time.Second},
		{"plenty of invocation left", 10 * time.Second, 2 * time.Second},
		{"invocation ends soon", 1500 * time.Millisecond, time.Second},
		{"invocation almost over", 400 * time.Millisecond, -100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.lambda > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, now.Add(tc.lambda))
				defer cancel()
			}
			if got := p.Deadline(ctx, now).Sub(now); got != tc.want {
				t.Fatalf("deadline in %v, want %v", got, tc.want)
			}
		})
	}
}
