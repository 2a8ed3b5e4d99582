package invite_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/invite"
	"github.com/gatehouse-dev/gatehouse/internal/mail"
	"github.com/gatehouse-dev/gatehouse/internal/mail/ses"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// capture keeps the token of the last link sent, and sends through SES too.
type capture struct {
	next  *ses.Sender
	mu    sync.Mutex
	links []string
}

func (c *capture) Send(ctx context.Context, m mail.Message) error {
	c.mu.Lock()
	i := strings.Index(m.Text, "/invites/")
	c.links = append(c.links, strings.Fields(m.Text[i+len("/invites/"):])[0])
	c.mu.Unlock()
	return c.next.Send(ctx, m)
}

func setup(t *testing.T) (*invite.Service, *capture, *clock) {
	cfg := testenv.AWSConfig(t)
	store := dynamo.New(testenv.DynamoDB(t), testenv.NewTable(t))
	mailer := &capture{next: ses.New(sesv2.NewFromConfig(cfg), "no-reply@gatehouse.test", "", "")}
	clk := &clock{t: time.Now()}
	link := func(p string, q url.Values) string { return "https://portal.test" + p }
	return invite.NewService(store, mailer, link, clk.now), mailer, clk
}

func TestInviteLifecycle(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		wait    time.Duration
		wantErr error
	}{
		{"fresh link works", 0, nil},
		{"just before expiry works", 24*time.Hour - time.Second, nil},
		{"expired at 24h", 24 * time.Hour, invite.ErrExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc, mailer, clk := setup(t)
			email := testenv.UniqueEmail("life")
			if _, err := svc.Create(ctx, invite.CreateInput{OrgID: "o1", OrgName: "Org One", Email: email, Role: account.RolePortalUser, Scope: account.OrgScope, InvitedBy: "u1", InvitedByName: "Admin"}); err != nil {
				t.Fatal(err)
			}
			if n := len(testenv.Emails(t, email)); n != 1 {
				t.Fatalf("%d emails in the SES emulator", n)
			}
			clk.add(tc.wait)
			_, _, err := svc.AcceptNew(ctx, mailer.links[0], invite.NewLogin{Username: "u-" + email[5:15], Password: "long enough password here", FirstName: "A", LastName: "B"})
			if !errors.Is(err, tc.wantErr) && err != tc.wantErr {
				t.Fatalf("accept: %v, want %v", err, tc.wantErr)
			}
		})
	}
}

// Ten people clicking one link at once: exactly one login is created.
func TestConcurrentAcceptCreatesOneLogin(t *testing.T) {
	ctx := context.Background()
	svc, mailer, _ := setup(t)
	if _, err := svc.Create(ctx, invite.CreateInput{OrgID: "o1", OrgName: "Org", Email: testenv.UniqueEmail("race"), Role: account.RolePortalUser, Scope: account.OrgScope}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make(chan error, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := svc.AcceptNew(ctx, mailer.links[0], invite.NewLogin{Username: "racer" + string(rune('a'+i)), Password: "long enough password here", FirstName: "A", LastName: "B"})
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case fault.Is(err, "invite_not_found"):
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d accepts succeeded, want exactly 1", ok)
	}
}

func TestCreateRejectsBadEmail(t *testing.T) {
	svc, _, _ := setup(t)
	_, err := svc.Create(context.Background(), invite.CreateInput{OrgID: "o1", Email: "not-an-email"})
	if fe, ok := fault.As(err); !ok || fe.Fields["email"] == "" {
		t.Fatalf("bad email: %v", err)
	}
}
