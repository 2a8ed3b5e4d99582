package auth_test

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/account"
	"github.com/gatehouse-dev/gatehouse/internal/auth"
	"github.com/gatehouse-dev/gatehouse/internal/fault"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/password"
	"github.com/gatehouse-dev/gatehouse/internal/session"
	"github.com/gatehouse-dev/gatehouse/internal/store/dynamo"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
	"github.com/gatehouse-dev/gatehouse/internal/throttle"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// clock is a settable time for expiry tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	store    *dynamo.Store
	sessions *session.Service
	svc      *auth.Service
	clock    *clock
}

// newFixture is the sign-in service over a fresh table with the default
// limits, except the per-username one: these tests hammer one username to
// test the lockout (the limits have their own tests).
func newFixture(t *testing.T) fixture {
	t.Helper()
	st := dynamo.New(testenv.DynamoDB(t), testenv.NewTable(t))
	c := &clock{t: time.Now().UTC()}
	sessions := session.NewService(st, c.Now)
	link := func(p string, q url.Values) string { return "https://portal.test" + p + "?" + q.Encode() }
	limits := throttle.New(st, throttle.Defaults.With(throttle.SignInUsername, throttle.Limit{}), c.Now)
	return fixture{store: st, sessions: sessions, svc: auth.NewService(st, sessions, nil, link, limits, c.Now), clock: c}
}

const goodPassword = "plenty of unrelated words"

func (f fixture) newUser(t testing.TB, username string) account.User {
	t.Helper()
	hash, err := password.Hash(goodPassword, password.OWASP)
	if err != nil {
		t.Fatal(err)
	}
	u := account.User{ID: ident.New(), Username: username, FirstName: "Lee", LastName: "Lock", Email: username + "@example.org",
		PasswordHash: hash, CreatedAt: f.clock.Now()}
	if err := f.store.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func (f fixture) user(t *testing.T, id string) account.User {
	t.Helper()
	u, _, err := f.store.UserWithMemberships(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f fixture) login(user, pw string) error {
	_, err := f.svc.Login(context.Background(), auth.Credentials{Username: user, Password: pw, Address: "192.0.2.10"})
	return err
}

func TestLockoutLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := f.newUser(t, "lee.lock")

	for i := 1; i <= account.MaxFailedLogins-1; i++ {
		if err := f.login("lee.lock", "wrong guess "+ident.New()); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if got := f.user(t, u.ID); got.Locked || got.FailedLogins != account.MaxFailedLogins-1 {
		t.Fatalf("after %d failures: locked=%v count=%d", account.MaxFailedLogins-1, got.Locked, got.FailedLogins)
	}
	// A success resets the counter.
	if err := f.login("lee.lock", goodPassword); err != nil {
		t.Fatalf("right password under the threshold: %v", err)
	}
	if got := f.user(t, u.ID); got.FailedLogins != 0 || got.FailureWindowStart != nil {
		t.Fatalf("counter not reset by success: %d %v", got.FailedLogins, got.FailureWindowStart)
	}

	// Failures spread over more than the window never lock.
	for i := 0; i < 4; i++ {
		_ = f.login("lee.lock", "wrong guess")
	}
	f.clock.Advance(account.FailureWindow + time.Second)
	for i := 0; i < 4; i++ {
		_ = f.login("lee.lock", "wrong guess")
	}
	if got := f.user(t, u.ID); got.Locked || got.FailedLogins != 4 {
		t.Fatalf("window did not restart: locked=%v count=%d", got.Locked, got.FailedLogins)
	}

	// The fifth failure in the window locks, and ends existing sessions.
	res, err := f.svc.Login(ctx, auth.Credentials{Username: "lee.lock", Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < account.MaxFailedLogins; i++ {
		_ = f.login("lee.lock", "wrong guess")
	}
	locked := f.user(t, u.ID)
	if !locked.Locked || locked.LockoutTime == nil || locked.LockedByAdmin {
		t.Fatalf("not locked: %+v", locked)
	}
	if locked.SessionValid(res.Session.RenewedAt) {
		t.Fatal("a session from before the lock is still valid")
	}
	if _, err := f.sessions.Resolve(ctx, res.Token); err == nil {
		t.Fatal("session item survived the lock")
	}
	if err := f.login("lee.lock", goodPassword); !errors.Is(err, auth.ErrLocked) {
		t.Fatalf("right password while locked: %v", err)
	}
	// Wrong guesses while locked get the same 423 (no password is checked)
	// and do not prolong the lock.
	f.clock.Advance(10 * time.Minute)
	if err := f.login("lee.lock", "wrong guess"); !errors.Is(err, auth.ErrLocked) {
		t.Fatalf("wrong password while locked: %v", err)
	}
	if got := f.user(t, u.ID); !got.LockoutTime.Equal(*locked.LockoutTime) {
		t.Fatalf("lockout time moved: %v -> %v", locked.LockoutTime, got.LockoutTime)
	}

	// The lock lifts by itself after LockoutDuration, at the next sign-in.
	f.clock.Advance(account.LockoutDuration - 10*time.Minute + time.Second)
	if err := f.login("lee.lock", goodPassword); err != nil {
		t.Fatalf("after the lockout period: %v", err)
	}
	if got := f.user(t, u.ID); got.Locked || got.LockoutTime != nil || got.FailedLogins != 0 {
		t.Fatalf("expired lock not cleared: %+v", got)
	}

	// An administrator's lock does not expire; UnlockUser lifts it.
	if ok, err := f.store.LockUser(ctx, u.ID, f.clock.Now(), true); err != nil || !ok {
		t.Fatalf("admin lock: %v %v", ok, err)
	}
	f.clock.Advance(2 * account.LockoutDuration)
	if err := f.login("lee.lock", goodPassword); !errors.Is(err, auth.ErrLocked) {
		t.Fatalf("admin lock expired by itself: %v", err)
	}
	if err := f.store.UnlockUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.login("lee.lock", goodPassword); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	if err := f.store.UnlockUser(ctx, "nobody"); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("unlock unknown user: %v", err)
	}
}

// TestParallelWrongPasswordsLockAtTheThreshold is the race test: 50 wrong
// passwords at once must be counted without loss, lock the account at the
// threshold, and leave no way in with the right password afterwards.
func TestParallelWrongPasswordsLockAtTheThreshold(t *testing.T) {
	f := newFixture(t)
	u := f.newUser(t, "race.target")
	const attempts = 50
	var wg sync.WaitGroup
	errs := make([]error, attempts)
	for i := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.login("race.target", "a wrong password attempt")
		}()
	}
	wg.Wait()
	// Attempts that read the login before the lock landed are wrong
	// passwords; those after it are answered 423 without a check.
	for i, err := range errs {
		if !errors.Is(err, auth.ErrInvalidCredentials) && !errors.Is(err, auth.ErrLocked) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	got := f.user(t, u.ID)
	if !got.Locked || got.FailedLogins < account.MaxFailedLogins {
		t.Fatalf("after %d parallel failures: locked=%v count=%d", attempts, got.Locked, got.FailedLogins)
	}
	// Whatever raced, nothing signs in now, not even with the right password,
	// and the right password in parallel with more wrong ones cannot slip in.
	wg = sync.WaitGroup{}
	rights := make([]error, 10)
	for i := range rights {
		wg.Add(2)
		go func() { defer wg.Done(); rights[i] = f.login("race.target", goodPassword) }()
		go func() { defer wg.Done(); _ = f.login("race.target", "another wrong one") }()
	}
	wg.Wait()
	for i, err := range rights {
		if !errors.Is(err, auth.ErrLocked) {
			t.Fatalf("right password %d after the lock: %v", i, err)
		}
	}
	if ss, err := f.sessions.List(context.Background(), u.ID); err != nil || len(ss) != 0 {
		t.Fatalf("sessions of a locked account: %v %v", ss, err)
	}
}

// TestLockRacesWithARightPassword: a sign-in whose checks passed before the
// lock landed must still be refused (the session write is conditional).
func TestLockRacesWithARightPassword(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := f.newUser(t, "race.right")
	_, sess, err := f.sessions.New(u.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.LockUser(ctx, u.ID, f.clock.Now(), false); err != nil {
		t.Fatal(err)
	}
	err = f.store.CompleteLogin(ctx, auth.Completion{Session: sess, PasswordHash: u.PasswordHash})
	if !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("completed a login on a locked account: %v", err)
	}
	if _, err := f.store.GetSession(ctx, sess.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("session stored: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.newUser(t, "idle.user")
	start := func() auth.Result {
		res, err := f.svc.Login(ctx, auth.Credentials{Username: "idle.user", Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// Activity keeps a session alive until its absolute expiry.
	res := start()
	for elapsed := time.Duration(0); elapsed < session.Lifetime-20*time.Minute; elapsed += 20 * time.Minute {
		f.clock.Advance(20 * time.Minute)
		if _, err := f.sessions.Resolve(ctx, res.Token); err != nil {
			t.Fatalf("active session ended after %v: %v", elapsed, err)
		}
	}
	f.clock.Advance(20 * time.Minute)
	if _, err := f.sessions.Resolve(ctx, res.Token); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("session past its absolute expiry: %v", err)
	}
	// An idle session ends after IdleTimeout.
	res = start()
	f.clock.Advance(session.IdleTimeout - time.Second)
	if _, err := f.sessions.Resolve(ctx, res.Token); err != nil {
		t.Fatalf("just under the idle timeout: %v", err)
	}
	f.clock.Advance(session.IdleTimeout)
	if _, err := f.sessions.Resolve(ctx, res.Token); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("idle session: %v", err)
	}
	if _, err := f.store.GetSession(ctx, res.Session.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("idle session item kept: %v", err)
	}
}

// TestLockAnswersAlikeForEveryUsername is the contract's "Sign-in answers":
// after MaxFailedLogins wrong passwords a username answers 423 to every
// password (the right one too, none is checked) whether a login uses it,
// nobody does, or its login was deleted; so 423 tells a guesser nothing.
// The lock does not grow and ends after LockoutDuration for all alike.
func TestLockAnswersAlikeForEveryUsername(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.newUser(t, "alike.known")
	hash, _ := password.Hash(goodPassword, password.OWASP)
	gone := account.User{ID: ident.New(), Username: "alike.deleted", FirstName: "Del", LastName: "Eted", PasswordHash: hash,
		CreatedAt: f.clock.Now(), Deleted: true}
	if err := f.store.CreateUser(ctx, gone); err != nil {
		t.Fatal(err)
	}
	for _, username := range []string{"alike.known", "alike.nobody", "alike.deleted"} {
		t.Run(username, func(t *testing.T) {
			for i := range account.MaxFailedLogins {
				if err := f.login(username, "a wrong guess"); !errors.Is(err, auth.ErrInvalidCredentials) {
					t.Fatalf("failure %d: %v", i+1, err)
				}
			}
			for _, pw := range []string{"another wrong guess", goodPassword, ""} {
				if err := f.login(username, pw); !errors.Is(err, auth.ErrLocked) {
					t.Fatalf("locked, password %q: %v", pw, err)
				}
			}
		})
	}
	// Ten more minutes of guessing do not move the end of any lock.
	f.clock.Advance(10 * time.Minute)
	for _, username := range []string{"alike.known", "alike.nobody", "alike.deleted"} {
		if err := f.login(username, "a wrong guess"); !errors.Is(err, auth.ErrLocked) {
			t.Fatalf("%s still locked: %v", username, err)
		}
	}
	f.clock.Advance(account.LockoutDuration - 10*time.Minute + time.Second)
	for username, want := range map[string]error{"alike.known": nil, "alike.nobody": auth.ErrInvalidCredentials, "alike.deleted": auth.ErrInvalidCredentials} {
		if err := f.login(username, goodPassword); !errors.Is(err, want) && err != want {
			t.Fatalf("%s after the lock: %v, want %v", username, err, want)
		}
	}
}
