// Package browsertest drives the portal in a real headless Chromium (Debian's
// chromium package) the way a person does: it opens a link, finds fields by
// their label and buttons by their visible name, submits, and reads what the
// page says. After every page load it runs axe-core (from node_modules, pinned
// in package-lock.json) and fails the test on any serious or critical
// violation. With GATEHOUSE_SCREENSHOTS=<dir> it saves a screenshot of every
// page it checks.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/gatehouse-dev/gatehouse/infra/local/emulator"
	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/config"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

// ChromiumPath is Debian's chromium; `make test` installs it when missing.
const ChromiumPath = "/usr/bin/chromium"

// Browser is one headless Chromium with a fresh profile, on a portal harness.
type Browser struct {
	T      *testing.T
	H      *stacktest.Harness
	ctx    context.Context
	axe    string
	shots  string
	prefix string
	n      atomic.Int32
}

// New starts the portal on a fresh table and a browser with a fresh
// profile; adjust changes the portal's configuration first.
func New(t *testing.T, adjust ...func(*config.Config)) *Browser {
	t.Helper()
	return open(t, stacktest.NewPortal(t, adjust...))
}

// NewReview is New with the review state machine deployed (self-registration).
func NewReview(t *testing.T) (*Browser, *stacktest.ReviewHarness) {
	t.Helper()
	h := stacktest.NewPortalReview(t)
	return open(t, h.Harness), h
}

func open(t *testing.T, h *stacktest.Harness) *Browser {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Fatalf("Chromium is required for the browser tests (%v): run `make test`, which installs Debian's chromium, or apt-get install -y chromium", err)
	}
	root, err := emulator.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	axe, err := os.ReadFile(filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is required (npm ci installs it from package-lock.json): %v", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b := &Browser{T: t, H: h, ctx: ctx, axe: string(axe), shots: os.Getenv("GATEHOUSE_SCREENSHOTS"),
		prefix: strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-"))}
	if b.shots != "" {
		if err := os.MkdirAll(b.shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// URL is an absolute URL of the portal.
func (b *Browser) URL(path string) string { return b.H.App.Config.BaseURL.String() + path }

func (b *Browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.T.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.T.Fatalf("%s: %v (page: %s)", what, err, b.safeLocation())
	}
}

// evalAs runs JavaScript in the page and returns its result.
func evalAs[T any](b *Browser, what, js string, opts ...chromedp.EvaluateOption) T {
	b.T.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		b.T.Fatalf("%s: %v (page: %s)", what, err, b.safeLocation())
	}
	return v
}

func (b *Browser) safeLocation() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// Visit opens a URL (absolute, or a path of the portal) and checks the page.
func (b *Browser) Visit(url string) {
	b.T.Helper()
	if strings.HasPrefix(url, "/") {
		url = b.URL(url)
	}
	b.run("open "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
	b.Check()
}

// find returns a CSS selector for the element a person would find by words:
// a form control by its label (or aria-label), or a button/link by its name.
func (b *Browser) find(kind, words string) (string, bool) {
	b.T.Helper()
	js := fmt.Sprintf(`(() => {
  const want = %q.toLowerCase(), kind = %q;
  // A control's name as a screen reader announces it: aria-label first.
  const text = el => (el.getAttribute('aria-label') || el.innerText || el.value || '').replace(/\s+/g,' ').trim().toLowerCase();
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  let hit = null;
  if (kind === 'field') {
    const control = l => l.htmlFor ? document.getElementById(l.htmlFor) : l.querySelector('input,select,textarea');
    const labels = [...document.querySelectorAll('label')].filter(l => { const c = control(l); return c && visible(c); });
    const exact = labels.find(l => text(l) === want), near = labels.find(l => text(l).includes(want));
    if (exact || near) hit = control(exact || near);
    if (!hit) hit = [...document.querySelectorAll('input,select,textarea')].find(c => visible(c) && (c.getAttribute('aria-label')||'').toLowerCase().includes(want));
  } else {
    const all = [...document.querySelectorAll('button,input[type=submit],a,summary')].filter(visible);
    hit = all.find(el => text(el) === want) || all.find(el => text(el).includes(want));
  }
  if (!hit) return '';
  window.__bt = (window.__bt || 0) + 1;
  hit.setAttribute('data-bt', String(window.__bt));
  return '[data-bt="' + window.__bt + '"]';
})()`, words, kind)
	sel := evalAs[string](b, "find "+kind+" "+words, js)
	return sel, sel != ""
}

// Field returns the selector of the form control labelled with words.
func (b *Browser) Field(label string) string {
	b.T.Helper()
	sel, ok := b.find("field", label)
	if !ok {
		b.T.Fatalf("no field labelled %q on %s:\n%s", label, b.safeLocation(), b.Text())
	}
	return sel
}

// HasField reports whether a visible field is labelled with words.
func (b *Browser) HasField(label string) bool {
	_, ok := b.find("field", label)
	return ok
}

// Fill types a value into the field labelled with words (after clearing it).
func (b *Browser) Fill(label, value string) {
	b.T.Helper()
	sel := b.Field(label)
	evalAs[bool](b, "clear "+label, fmt.Sprintf(`(() => { document.querySelector(%q).value = ''; return true; })()`, sel))
	b.run("fill "+label, chromedp.SendKeys(chromedp.CSS(sel), value))
}

// Choose picks an option (by its visible text) of the select labelled with words,
// or checks the radio button labelled with words.
func (b *Browser) Choose(label, option string) {
	b.T.Helper()
	sel := b.Field(label)
	js := fmt.Sprintf(`(() => { const el = document.querySelector(%q);
  if (el.type === 'radio' || el.type === 'checkbox') { el.checked = true; return true; }
  const o = [...el.options].find(o => o.text.toLowerCase().includes(%q.toLowerCase())); if (!o) return false;
  el.value = o.value; return true; })()`, sel, option)
	if !evalAs[bool](b, "choose "+option, js) {
		b.T.Fatalf("no option %q in %q", option, label)
	}
}

// Press clicks the button or link with the visible name, waits for the next
// page and checks it.
func (b *Browser) Press(name string) {
	b.T.Helper()
	sel, ok := b.find("button", name)
	if !ok {
		b.T.Fatalf("no button or link named %q on %s:\n%s", name, b.safeLocation(), b.Text())
	}
	b.navigate("press "+name, chromedp.Click(chromedp.CSS(sel)))
}

// navigate runs an action that loads a new page, waits for it, and checks it.
func (b *Browser) navigate(what string, act chromedp.Action[chromedp.Void]) {
	b.T.Helper()
	evalAs[bool](b, "mark the page", `window.__stale = true`)
	b.run(what, act)
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		fresh, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__stale !== true && document.readyState === 'complete'`))
		cancel()
		if err == nil && fresh {
			break
		}
		if time.Now().After(deadline) {
			b.T.Fatalf("%s: no new page loaded (page: %s; status: %s)", what, b.safeLocation(), b.TextOf("[role=status]"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Check()
}

// Keys types keys into whatever has focus, as a keyboard does ("\t", "\r" for Enter).
func (b *Browser) Keys(keys string) {
	b.T.Helper()
	b.run("keys", chromedp.KeyEvent(keys))
}

// KeysThenLoad types keys that submit a form (e.g. Enter) and waits for the next page.
func (b *Browser) KeysThenLoad(keys string) {
	b.T.Helper()
	b.navigate("keys", chromedp.KeyEvent(keys))
}

// TabTo presses Tab until the focused control is the one labelled with words.
func (b *Browser) TabTo(label string) {
	b.T.Helper()
	for range 30 {
		name := evalAs[string](b, "focused", `(() => { const el = document.activeElement; if (!el || el === document.body) return '';
  const l = el.id && document.querySelector('label[for="' + el.id + '"]');
  return ((l && l.innerText) || el.getAttribute('aria-label') || el.innerText || '').trim().toLowerCase(); })()`)
		if strings.Contains(name, strings.ToLower(label)) {
			return
		}
		b.run("tab", chromedp.KeyEvent(kb("Tab")))
	}
	b.T.Fatalf("Tab never reached %q", label)
}

// kb is the key a name stands for in chromedp.KeyEvent.
func kb(name string) string {
	switch name {
	case "Tab":
		return "\t"
	case "Enter":
		return "\r"
	}
	return name
}

// Text is the visible text of the page.
func (b *Browser) Text() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
	return s
}

// Alert is the text of the page's role="alert" summary ("" when none).
func (b *Browser) Alert() string {
	return evalAs[string](b, "alert", `(() => { const a = document.querySelector('[role=alert]'); return a ? a.innerText.trim() : ''; })()`)
}

// Location is the current URL.
func (b *Browser) Location() string { return b.safeLocation() }

// Expect fails unless the page's text contains every phrase (case-insensitive).
func (b *Browser) Expect(phrases ...string) {
	b.T.Helper()
	text := b.Text()
	for _, p := range phrases {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(p)) {
			b.T.Fatalf("page %s does not say %q:\n%s", b.safeLocation(), p, text)
		}
	}
}

// axeResult is the part of axe.run's result the tests read.
type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

// Check runs axe-core on the page (WCAG 2.x A and AA rules) and fails the
// test on any serious or critical violation; it also saves a screenshot when
// asked to.
func (b *Browser) Check() {
	b.T.Helper()
	for _, v := range b.Violations() {
		b.T.Errorf("axe-core: %s on %s", v, b.safeLocation())
	}
	b.Screenshot("")
}

// Violations runs axe-core on the page and lists its serious and critical findings.
func (b *Browser) Violations() []string {
	b.T.Helper()
	evalAs[bool](b, "inject axe-core", b.axe+"\n;true")
	s := evalAs[string](b, "run axe-core", `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa','best-practice']}}).then(r => JSON.stringify({violations: r.violations}))`,
		chromedp.EvalAwaitPromise)
	var res axeResult
	if err := json.Unmarshal([]byte(s), &res); err != nil {
		b.T.Fatalf("axe result: %v", err)
	}
	var out []string
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			out = append(out, fmt.Sprintf("%s violation %s (%s) at %v", v.Impact, v.ID, v.Help, v.Nodes))
		}
	}
	return out
}

// Load opens a URL without checking the page (for pages that are not the portal's).
func (b *Browser) Load(url string) {
	b.T.Helper()
	b.run("open "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// Screenshot saves the whole page under GATEHOUSE_SCREENSHOTS, when set.
func (b *Browser) Screenshot(name string) {
	if b.shots == "" {
		return
	}
	if name == "" {
		name = regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(strings.TrimPrefix(b.safeLocation(), b.URL("")), "-")
		if len(name) > 40 {
			name = name[:40]
		}
	}
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.T.Errorf("screenshot: %v", err)
		return
	}
	file := filepath.Join(b.shots, fmt.Sprintf("%s-%02d%s.png", b.prefix, b.n.Add(1), strings.Trim(name, "-")))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.T.Errorf("screenshot: %v", err)
	}
}

// EmailLink reads the newest email to addr from the SES emulator's /store and
// returns the first link in it that starts with the portal's base URL and path.
func (b *Browser) EmailLink(addr, path string) string {
	b.T.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(b.URL(path)) + `[^\s"<>]*`)
	mails := testenv.Emails(b.T, addr)
	for i := len(mails) - 1; i >= 0; i-- {
		if m := re.FindString(mails[i].Body.Text); m != "" {
			return strings.ReplaceAll(m, "&amp;", "&")
		}
	}
	b.T.Fatalf("no email to %s links to %s (%d emails)", addr, path, len(mails))
	return ""
}

// HasImage reports whether an image's accessible name (alt) contains words.
func (b *Browser) HasImage(words string) bool {
	b.T.Helper()
	return evalAs[bool](b, "image "+words, fmt.Sprintf(`[...document.querySelectorAll('img')].some(i => (i.alt||'').toLowerCase().includes(%q.toLowerCase()) && i.naturalWidth > 0)`, words))
}

// TextOf is the text of the first element a CSS selector matches.
func (b *Browser) TextOf(css string) string {
	b.T.Helper()
	return evalAs[string](b, "text of "+css, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.innerText.trim() : ''; })()`, css))
}

// Count is how many elements a CSS selector matches.
func (b *Browser) Count(css string) int {
	b.T.Helper()
	return evalAs[int](b, "count "+css, fmt.Sprintf(`document.querySelectorAll(%q).length`, css))
}

// VirtualAuthenticator gives the browser a platform authenticator (the
// DevTools WebAuthn domain) that always verifies the user, so passkey
// ceremonies complete without a person touching a key.
func (b *Browser) VirtualAuthenticator() {
	b.T.Helper()
	add := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, t, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true}})
		return chromedp.Void{}, err
	}
	b.run("add a virtual authenticator", add)
}
