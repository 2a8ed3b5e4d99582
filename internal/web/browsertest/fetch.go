package browsertest

import (
	"encoding/json"
	"fmt"

	"github.com/chromedp/chromedp"
)

// Fetched is what the browser got for a GET of a link with its own cookies.
type Fetched struct {
	Status      int    `json:"status"`
	ContentType string `json:"type"`
	Body        string `json:"body"`
}

// Fetch GETs a path of the portal from the page, with the browser's
// cookies, the way a download link is followed, and returns the answer.
func (b *Browser) Fetch(path string) Fetched {
	b.T.Helper()
	js := fmt.Sprintf(`fetch(%q, {credentials: 'same-origin'}).then(async r => JSON.stringify({status: r.status, type: r.headers.get('content-type') || '', body: await r.text()}))`, path)
	s := evalAs[string](b, "fetch "+path, js, chromedp.EvalAwaitPromise)
	var f Fetched
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		b.T.Fatalf("fetch %s: %v", path, err)
	}
	return f
}

// Force sets the control labelled with words to value whatever its options
// allow, as someone editing the page in the browser's tools would: for
// tests that the server, not the form, refuses what is not allowed.
func (b *Browser) Force(label, value string) {
	b.T.Helper()
	sel := b.Field(label)
	js := fmt.Sprintf(`(() => { const el = document.querySelector(%q);
  if (el.tagName === 'SELECT' && ![...el.options].some(o => o.value === %q)) { const o = document.createElement('option'); o.value = %q; o.text = %q; el.add(o); }
  el.value = %q; return true; })()`, sel, value, value, value, value)
	evalAs[bool](b, "force "+label, js)
}

// Link is the href of the link or button with the visible name ("" if none).
func (b *Browser) Link(name string) string {
	b.T.Helper()
	sel, ok := b.find("button", name)
	if !ok {
		return ""
	}
	return evalAs[string](b, "href of "+name, fmt.Sprintf(`document.querySelector(%q).getAttribute('href') || ''`, sel))
}

// Has reports whether a button or link with the visible name is on the page.
func (b *Browser) Has(name string) bool {
	b.T.Helper()
	_, ok := b.find("button", name)
	return ok
}

// Click clicks the button, link or disclosure with the visible name when
// that does not load a page (it opens a menu).
func (b *Browser) Click(name string) {
	b.T.Helper()
	sel, ok := b.find("button", name)
	if !ok {
		b.T.Fatalf("no button or link named %q on %s:\n%s", name, b.safeLocation(), b.Text())
	}
	b.run("click "+name, chromedp.Click(chromedp.CSS(sel)))
}
