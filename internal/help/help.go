// Package help is the Help Center (F24): articles written for Gatehouse,
// kept as Markdown in articles/, embedded in the binary and searched with a
// small inverted index scored by BM25 (title and summary words weigh more
// than body words). The index is built on first use, not at start-up.
package help

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/gatehouse-dev/gatehouse/internal/fault"
)

//go:embed articles/*.md
var files embed.FS

// Article is one help page.
type Article struct {
	Slug      string
	Title     string
	Summary   string
	Body      string // Markdown
	UpdatedAt time.Time
}

// ErrNotFound answers an unknown slug.
var ErrNotFound = fault.NotFound("article_not_found", "There is no such help article.")

// Center holds the articles and their index.
type Center struct {
	once    sync.Once
	err     error
	byScore []Article // in title order
	bySlug  map[string]Article
	index   *index
}

// New returns the Help Center of the embedded articles; it does no work
// until the first call.
func New() *Center { return &Center{} }

func (c *Center) load() error {
	c.once.Do(func() {
		arts, err := parseAll(files)
		if err != nil {
			c.err = err
			return
		}
		c.byScore, c.bySlug, c.index = arts, map[string]Article{}, newIndex(arts)
		for _, a := range arts {
			c.bySlug[a.Slug] = a
		}
	})
	return c.err
}

// Get returns one article.
func (c *Center) Get(slug string) (Article, error) {
	if err := c.load(); err != nil {
		return Article{}, err
	}
	a, ok := c.bySlug[slug]
	if !ok {
		return Article{}, ErrNotFound
	}
	return a, nil
}

// maxQuery bounds a search.
const maxQuery = 200

// Search returns the articles matching q, best first; every article, in
// title order, when q is empty.
func (c *Center) Search(q string) ([]Article, error) {
	if err := c.load(); err != nil {
		return nil, err
	}
	if len(q) > maxQuery {
		return nil, fault.Validation(map[string]string{"q": "must be at most 200 characters"})
	}
	terms := tokens(q)
	if len(terms) == 0 {
		return append([]Article(nil), c.byScore...), nil
	}
	var out []Article
	for _, i := range c.index.search(terms) {
		out = append(out, c.byScore[i])
	}
	return out, nil
}

// parseAll reads every article: a front matter of "key: value" lines
// between "---" lines (title, summary, updated), then the Markdown body.
func parseAll(fsys fs.FS) ([]Article, error) {
	names, err := fs.Glob(fsys, "articles/*.md")
	if err != nil {
		return nil, err
	}
	out := make([]Article, 0, len(names))
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		a, err := parse(strings.TrimSuffix(path.Base(name), ".md"), string(raw))
		if err != nil {
			return nil, fmt.Errorf("help article %s: %w", name, err)
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out, nil
}

func parse(slug, raw string) (Article, error) {
	head, body, ok := strings.Cut(strings.TrimPrefix(raw, "---\n"), "\n---\n")
	if !ok || !strings.HasPrefix(raw, "---\n") {
		return Article{}, fmt.Errorf("no front matter")
	}
	a := Article{Slug: slug, Body: strings.TrimSpace(body)}
	sc := bufio.NewScanner(strings.NewReader(head))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "title":
			a.Title = v
		case "summary":
			a.Summary = v
		case "updated":
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return Article{}, fmt.Errorf("updated: %w", err)
			}
			a.UpdatedAt = t
		}
	}
	if a.Title == "" || a.Summary == "" || a.UpdatedAt.IsZero() {
		return Article{}, fmt.Errorf("front matter needs title, summary and updated")
	}
	return a, nil
}

// Field weights: a word of the title says more about an article than one
// of its body (a simple BM25F: weighted term frequencies, one length norm).
const (
	weightTitle   = 3
	weightSummary = 2
	weightBody    = 1
	bm25K1        = 1.2
	bm25B         = 0.75
)

// index is an inverted index: term → article → weighted frequency.
type index struct {
	postings map[string]map[int]float64
	length   []float64 // weighted length of each article
	avgLen   float64
}

func newIndex(arts []Article) *index {
	ix := &index{postings: map[string]map[int]float64{}, length: make([]float64, len(arts))}
	total := 0.0
	for i, a := range arts {
		for _, f := range []struct {
			text   string
			weight float64
		}{{a.Title, weightTitle}, {a.Summary, weightSummary}, {a.Body, weightBody}} {
			for _, t := range tokens(f.text) {
				if ix.postings[t] == nil {
					ix.postings[t] = map[int]float64{}
				}
				ix.postings[t][i] += f.weight
				ix.length[i] += f.weight
			}
		}
		total += ix.length[i]
	}
	if len(arts) > 0 {
		ix.avgLen = total / float64(len(arts))
	}
	return ix
}

// search scores every article containing a query term by BM25 and returns
// their positions, best first (ties by position, i.e. title order).
func (ix *index) search(terms []string) []int {
	n := float64(len(ix.length))
	scores := map[int]float64{}
	seen := map[string]bool{}
	for _, t := range terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		post := ix.postings[t]
		if len(post) == 0 {
			continue
		}
		idf := math.Log(1 + (n-float64(len(post))+0.5)/(float64(len(post))+0.5))
		for doc, tf := range post {
			norm := tf + bm25K1*(1-bm25B+bm25B*ix.length[doc]/ix.avgLen)
			scores[doc] += idf * tf * (bm25K1 + 1) / norm
		}
	}
	out := make([]int, 0, len(scores))
	for doc := range scores {
		out = append(out, doc)
	}
	sort.Slice(out, func(i, j int) bool {
		if scores[out[i]] != scores[out[j]] {
			return scores[out[i]] > scores[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// stopWords are too common to tell articles apart.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "by": true, "can": true, "do": true,
	"for": true, "from": true, "how": true, "i": true, "if": true, "in": true, "is": true, "it": true, "its": true, "my": true,
	"not": true, "of": true, "on": true, "or": true, "our": true, "so": true, "the": true, "their": true, "them": true, "then": true,
	"there": true, "they": true, "this": true, "to": true, "was": true, "we": true, "what": true, "when": true, "who": true, "why": true,
	"with": true, "you": true, "your": true,
}

// tokens splits text into lower-case terms, drops stop words and stems
// each term lightly, so "invites", "invited" and "inviting" meet "invite".
func tokens(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := words[:0]
	for _, w := range words {
		if stopWords[w] {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// stem removes the commonest English endings (a light suffix stripper, not
// a full Porter stemmer: enough for short help articles).
func stem(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			w = strings.TrimSuffix(w, suf)
			break
		}
	}
	return strings.TrimSuffix(w, "e")
}
