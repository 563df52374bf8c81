package search

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
	"gbsearch/internal/testutil"
)

// The real corpus, indexed once for this package's tests: the bundled GB
// document and the cited sources of ../shared/corpus/sources, read in
// place. collector keeps the parsed documents beside the index, so that
// tests can check search against a brute-force evaluation over the text.
var realCorpus struct {
	once sync.Once
	dir  string
	ix   *Index
	docs map[string]*indexer.Document // by version ID
	err  error
}

// collector is a Sink that keeps what it is given and passes it on.
type collector struct {
	indexer.Sink
	mu   sync.Mutex
	docs map[string]*indexer.Document
}

func (c *collector) Put(ctx context.Context, d *indexer.Document) error {
	c.mu.Lock()
	c.docs[d.ID] = d
	c.mu.Unlock()
	return c.Sink.Put(ctx, d)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if realCorpus.ix != nil {
		realCorpus.ix.Close()
	}
	if realCorpus.dir != "" {
		os.RemoveAll(realCorpus.dir)
	}
	os.Exit(code)
}

// realIndex returns the index of the real corpus (skipping when the
// shared sources are absent).
func realIndex(t testing.TB) (*Index, map[string]*indexer.Document) {
	t.Helper()
	sources := testutil.SharedDir(t, "corpus/sources")
	realCorpus.once.Do(func() {
		realCorpus.dir, realCorpus.err = os.MkdirTemp("", "gbsearch-search-")
		if realCorpus.err != nil {
			return
		}
		ix, err := Create(filepath.Join(realCorpus.dir, "idx-test"))
		if err != nil {
			realCorpus.err = err
			return
		}
		col := &collector{Sink: NewWriter(ix), docs: map[string]*indexer.Document{}}
		p := &indexer.Pipeline{
			Extract: indexer.InProcess(indexer.NewExtractors(pdftext.New())),
			Sink:    col, Logger: slog.New(slog.DiscardHandler), Full: true,
		}
		corpora := []indexer.Corpus{
			{Root: "corpus", FS: os.DirFS("../corpus")},
			{Root: "sources", FS: os.DirFS(sources)},
		}
		if _, err := p.Run(context.Background(), corpora); err != nil {
			realCorpus.err = err
			return
		}
		// bleve merges segments in the background, and a merge that drops
		// replaced documents changes the statistics BM25 scores with: a
		// test comparing two searches' scores would see them change in
		// between. One segment, merged before any test, stays put.
		if realCorpus.err = ix.Compact(context.Background()); realCorpus.err != nil {
			return
		}
		realCorpus.ix, realCorpus.docs = ix, col.docs
	})
	if realCorpus.err != nil {
		t.Fatal(realCorpus.err)
	}
	return realCorpus.ix, realCorpus.docs
}

// searchAll returns the symbols of every document matching q.
func searchAll(t testing.TB, ix *Index, r Request) ([]string, *Result) {
	t.Helper()
	r.Size = MaxSize
	r.NoPassages = true
	var out []string
	var first *Result
	for {
		res, err := ix.Search(t.(interface{ Context() context.Context }).Context(), r)
		if err != nil {
			t.Fatalf("search %q: %v", r.Query, err)
		}
		if first == nil {
			first = res
		}
		for _, h := range res.Hits {
			out = append(out, h.Symbol)
		}
		if res.Next == "" {
			break
		}
		r.After, r.From = res.Next, 0
	}
	sort.Strings(out)
	return out, first
}

// bruteDoc is a document as the brute-force evaluator sees it: the
// analysed tokens of its English text and title, with positions, and its
// metadata.
type bruteDoc struct {
	symbol  string
	fields  map[string][]tok // "text", "title"
	section string
	kind    string
	year    string
	session string
	author  []string
	langs   []string
}

type tok struct {
	term string
	pos  int
}

func analyzeWithPositions(lang, text string) []tok {
	var out []tok
	for _, t := range analyzerFor(lang).Analyze([]byte(text)) {
		out = append(out, tok{string(t.Term), t.Position})
	}
	return out
}

// bruteDocs builds the evaluator's view of the collected documents
// (grouped by symbol, as the index groups language versions).
func bruteDocs(docs map[string]*indexer.Document) []bruteDoc {
	bySymbol := map[string][]*indexer.Document{}
	for _, d := range docs {
		bySymbol[d.Symbol] = append(bySymbol[d.Symbol], d)
	}
	var out []bruteDoc
	for sym, vs := range bySymbol {
		p := vs[0]
		b := bruteDoc{symbol: sym, fields: map[string][]tok{}, section: p.Section, kind: p.Kind, session: p.SessionLabel}
		if len(p.Date) >= 4 {
			b.year = p.Date[:4]
		}
		for _, u := range p.AuthorUnits {
			b.author = append(b.author, u.Code)
		}
		for _, v := range vs {
			if v.Language == "en" {
				b.fields["text"] = analyzeWithPositions("en", v.Text())
				b.fields["title"] = analyzeWithPositions("en", v.Title)
			}
			b.langs = append(b.langs, v.Language)
			for l := range v.Other {
				b.langs = append(b.langs, l)
			}
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].symbol < out[j].symbol })
	return out
}

// evaluate decides by brute force whether a document matches a parsed
// query (English text only: the real corpus is English with Dutch apart).
func (b bruteDoc) evaluate(n Node) bool {
	switch x := n.(type) {
	case nil:
		return true
	case And:
		for _, c := range x.Children {
			if !b.evaluate(c) {
				return false
			}
		}
		return true
	case Or:
		for _, c := range x.Children {
			if b.evaluate(c) {
				return true
			}
		}
		return false
	case Not:
		return !b.evaluate(x.Child)
	case Term:
		switch x.Field {
		case "section":
			return strings.EqualFold(b.section, x.Text)
		case "kind":
			return b.kind == normaliseKind(x.Text)
		case "year":
			return b.year == x.Text
		case "session":
			return b.session == x.Text
		case "author":
			for _, a := range b.author {
				if strings.EqualFold(a, x.Text) {
					return true
				}
			}
			return false
		case "lang":
			for _, l := range b.langs {
				if l == x.Text {
					return true
				}
			}
			return false
		}
		return b.hasAll(x.Text, x.Field)
	case Phrase:
		return b.hasPhrase(x.Text, x.Field)
	}
	panic("brute force cannot evaluate " + show(n))
}

// hasAll: every analysed word of s in one field (text or title, or either
// when field is empty), as a match query with the AND operator.
func (b bruteDoc) hasAll(s, field string) bool {
	want := analyzeWithPositions("en", s)
	for _, f := range []string{"text", "title"} {
		if field != "" && field != f {
			continue
		}
		have := map[string]bool{}
		for _, t := range b.fields[f] {
			have[t.term] = true
		}
		all := true
		for _, w := range want {
			if !have[w.term] {
				all = false
			}
		}
		if all {
			return true
		}
	}
	return false
}

// hasPhrase: the analysed words of s at consecutive positions of a field
// (text or title, or either when field is empty).
func (b bruteDoc) hasPhrase(s, field string) bool {
	want := analyzeWithPositions("en", s)
	if len(want) == 0 {
		return true
	}
	for _, f := range []string{"text", "title"} {
		if field != "" && field != f {
			continue
		}
		toks := b.fields[f]
		at := map[int]string{}
		for _, t := range toks {
			at[t.pos] = t.term
		}
		for _, t := range toks {
			if t.term != want[0].term {
				continue
			}
			ok := true
			for _, w := range want[1:] {
				if at[t.pos+w.pos-want[0].pos] != w.term {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}
