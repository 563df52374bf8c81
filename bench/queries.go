package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"

	"gbsearch/search"
)

// stopWords are the words gbsearch's analysers drop (bleve's snowball
// lists, the ones its en, fr and es analysers use): a query word must not
// be one, or gbsearch ignores it while FTS5 searches it.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range [][]byte{en.EnglishStopWords, fr.FrenchStopWords, es.SpanishStopWords} {
		for _, line := range strings.Split(string(list), "\n") {
			line, _, _ = strings.Cut(line, "|")
			for _, w := range strings.Fields(line) {
				m[strings.ToLower(w)] = true
			}
		}
	}
	return m
}()

func isStop(w string) bool { return stopWords[w] }

// query is one generated query; its text means the same in both query
// languages (words, AND, OR, quoted phrases).
type query struct {
	Kind string // term, and, or, phrase
	Band string // frequency band of its words
	Text string
}

// makeQueries draws n queries from the corpus vocabulary, deterministic
// for the seed: single terms, 2–3 terms joined by AND or OR, and phrases,
// with words from three bands of document frequency (high: in ≥10% of the
// documents; mid: 1–10%; low: under 1%).
func makeQueries(vocab map[string]int, phrases []string, symbols, n int, seed uint64) []query {
	bands := map[string][]string{}
	for w, df := range vocab {
		if isStop(w) || df < 2 {
			continue
		}
		share := float64(df) / float64(symbols)
		switch {
		case share >= 0.10:
			bands["high"] = append(bands["high"], w)
		case share >= 0.01:
			bands["mid"] = append(bands["mid"], w)
		default:
			bands["low"] = append(bands["low"], w)
		}
	}
	names := []string{}
	for _, b := range []string{"high", "mid", "low"} {
		sort.Strings(bands[b])
		if len(bands[b]) > 0 {
			names = append(names, b)
		}
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	word := func() (string, string) {
		b := names[rng.IntN(len(names))]
		return bands[b][rng.IntN(len(bands[b]))], b
	}
	var out []query
	for len(out) < n {
		switch x := rng.Float64(); {
		case x < 0.35:
			w, b := word()
			out = append(out, query{Kind: "term", Band: b, Text: w})
		case x < 0.75:
			op, kind := " AND ", "and"
			if x >= 0.55 {
				op, kind = " OR ", "or"
			}
			var ws, bs []string
			for k := 2 + rng.IntN(2); len(ws) < k; {
				w, b := word()
				if !slices.Contains(ws, w) {
					ws, bs = append(ws, w), append(bs, b)
				}
			}
			out = append(out, query{Kind: kind, Band: strings.Join(bs, "+"), Text: strings.Join(ws, op)})
		default:
			if len(phrases) == 0 {
				continue
			}
			out = append(out, query{Kind: "phrase", Band: "text", Text: `"` + phrases[rng.IntN(len(phrases))] + `"`})
		}
	}
	return out
}

func querySummary(qs []query) string {
	kinds := map[string]int{}
	for _, q := range qs {
		kinds[q.Kind]++
	}
	return fmt.Sprintf("%d single terms, %d AND, %d OR, %d phrases; e.g. %s · %s", kinds["term"], kinds["and"], kinds["or"], kinds["phrase"],
		qs[0].Text, qs[len(qs)-1].Text)
}

// mode is what a query asks besides the top 10 and the total.
type mode int

const (
	modePlain      mode = iota // top 10 and the total
	modeFacets                 // and facet counts
	modeHighlights             // and a highlighted passage (snippet) per hit
)

var modeNames = []string{"plain", "with facets", "with highlights"}

// latencies are one engine's query times in one mode.
type latencies []time.Duration

func (l latencies) pct(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := append(latencies(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

// byKind holds latencies by kind of query.
type byKind map[string]latencies

// all is every latency, of whatever kind.
func (b byKind) all() latencies {
	var out latencies
	for _, l := range b {
		out = append(out, l...)
	}
	return out
}

type queryResults struct {
	// each engine's times per mode, by kind of query (to show which kind
	// makes a tail); all of a mode's times are their union
	gb, fts      [3]byKind
	gbErr        int
	ftsErr       int
	agree, total int
	byKind       map[string][2]int // kind → agreeing, compared
	ratios       []float64         // gbsearch total / FTS5 total, where FTS5 has some
	examples     []string          // queries that disagree most
	slowest      [3][]timedQuery   // gbsearch's slowest queries per mode (-slowest)
}

// timedQuery is one query's times in both engines, for -slowest.
type timedQuery struct {
	q       query
	hits    int
	gb, fts time.Duration
}

// runQueries runs every query through both engines in each mode,
// alternating which engine goes first, after a warm-up of both.
func runQueries(ctx context.Context, gbDir, ftsDir string, qs []query, o options) (*queryResults, error) {
	ix, err := search.Open(gbDir)
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	fts, err := openFTS(ftsDir)
	if err != nil {
		return nil, err
	}
	defer fts.close()
	gbReq := func(q string, m mode) search.Request {
		r := search.Request{Query: q, Size: 10}
		switch m {
		case modePlain:
			r.NoFacets, r.NoPassages = true, true
		case modeFacets:
			r.NoPassages = true
		case modeHighlights:
			// one passage per hit, as FTS5 gives one snippet per row
			r.NoFacets, r.Passages = true, 1
		}
		return r
	}
	gbRun := func(q string, m mode) (int, time.Duration, error) {
		start := time.Now()
		res, err := ix.Search(ctx, gbReq(q, m))
		d := time.Since(start)
		if err != nil {
			return 0, d, err
		}
		return res.Total, d, nil
	}
	ftsRun := func(q string, m mode) (int, time.Duration, error) {
		start := time.Now()
		n, err := fts.search(ctx, q, m)
		return n, time.Since(start), err
	}
	for i := range min(100, len(qs)) {
		for m := range modeNames {
			gbRun(qs[i].Text, mode(m))
			ftsRun(qs[i].Text, mode(m))
		}
	}
	r := &queryResults{byKind: map[string][2]int{}}
	for m := range modeNames {
		r.gb[m], r.fts[m] = byKind{}, byKind{}
	}
	type diff struct {
		q     string
		ratio float64
	}
	var diffs []diff
	for m := range modeNames {
		if o.mode != "" && !strings.Contains(modeNames[m], o.mode) {
			continue
		}
		logf("queries: %s (load %s)", modeNames[m], loadAvg())
		for i, q := range qs {
			var gn, fn int
			var gd, fd time.Duration
			var gerr, ferr error
			if i%2 == 0 {
				gn, gd, gerr = gbRun(q.Text, mode(m))
				fn, fd, ferr = ftsRun(q.Text, mode(m))
			} else {
				fn, fd, ferr = ftsRun(q.Text, mode(m))
				gn, gd, gerr = gbRun(q.Text, mode(m))
			}
			if gerr != nil {
				r.gbErr++
				if r.gbErr < 5 {
					logf("gbsearch %q: %v", q.Text, gerr)
				}
			} else {
				r.gb[m][q.Kind] = append(r.gb[m][q.Kind], gd)
			}
			if ferr != nil {
				r.ftsErr++
				if r.ftsErr < 5 {
					logf("fts5 %q: %v", q.Text, ferr)
				}
			} else {
				r.fts[m][q.Kind] = append(r.fts[m][q.Kind], fd)
			}
			if o.slowest > 0 && gerr == nil {
				r.slowest[m] = append(r.slowest[m], timedQuery{q, gn, gd, fd})
			}
			if m == int(modePlain) && i < o.sample && gerr == nil && ferr == nil {
				ok := agrees(gn, fn)
				r.total++
				k := r.byKind[q.Kind]
				k[1]++
				if ok {
					r.agree++
					k[0]++
				}
				r.byKind[q.Kind] = k
				if fn > 0 {
					r.ratios = append(r.ratios, float64(gn)/float64(fn))
				}
				if !ok {
					diffs = append(diffs, diff{fmt.Sprintf("%s: gbsearch %d, FTS5 %d", q.Text, gn, fn), math.Abs(math.Log(float64(gn+1) / float64(fn+1)))})
				}
			}
		}
	}
	for m := range r.slowest {
		s := r.slowest[m]
		sort.Slice(s, func(i, j int) bool { return s[i].gb > s[j].gb })
		r.slowest[m] = s[:min(o.slowest, len(s))]
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].ratio > diffs[j].ratio })
	for _, d := range diffs[:min(5, len(diffs))] {
		r.examples = append(r.examples, d.q)
	}
	return r, nil
}

// agrees: hit counts within 10% of each other (or 2 documents, for small
// counts).
func agrees(a, b int) bool {
	d := math.Abs(float64(a - b))
	return d <= 2 || d <= 0.10*math.Max(float64(a), float64(b))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

// printTable prints the comparison as one Markdown table.
func printTable(w io.Writer, o options, pc *parsedCorpus, null, gb, fts *buildResult, qr *queryResults) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	mb := float64(pc.TextBytes) / 1e6
	docsPerSec := func(b *buildResult) float64 { return float64(b.Versions) / b.Wall.Seconds() }
	cpu := func(b *buildResult) time.Duration { return max(0, b.CPU-null.CPU) }
	ratio := func(a, b float64) string {
		if b == 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f", a/b)
	}
	mark := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "**no**"
	}
	nq := 0
	for m := range modeNames {
		nq = max(nq, len(qr.gb[m].all()))
	}
	fmt.Fprintf(bw, "\n### N = %d versions (%d documents), %.1f MB of text, seed %d, %d queries\n\n", pc.Versions, pc.Symbols, mb, o.seed, nq)
	fmt.Fprintf(bw, "| | gbsearch | SQLite FTS5 | gbsearch/FTS5 | target | met |\n|---|---:|---:|---:|---|---|\n")
	gd, fd := docsPerSec(gb), docsPerSec(fts)
	fmt.Fprintf(bw, "| build, docs/s | %.0f | %.0f | %s | ≥ 1.0× | %s |\n", gd, fd, ratio(gd, fd), mark(gd >= fd))
	fmt.Fprintf(bw, "| build, MB/s of text | %.2f | %.2f | %s | | |\n", mb/gb.Wall.Seconds(), mb/fts.Wall.Seconds(), ratio(fts.Wall.Seconds(), gb.Wall.Seconds()))
	fmt.Fprintf(bw, "| build, CPU ms per doc | %.2f | %.2f | %s | | |\n", cpu(gb).Seconds()*1000/float64(gb.Versions), cpu(fts).Seconds()*1000/float64(fts.Versions),
		ratio(cpu(gb).Seconds(), cpu(fts).Seconds()))
	gi, fi := float64(gb.IndexBytes)/float64(pc.TextBytes), float64(fts.IndexBytes)/float64(pc.TextBytes)
	fmt.Fprintf(bw, "| index bytes per text byte | %.2f | %.2f | %s | ≤ 1.5 | %s |\n", gi, fi, ratio(gi, fi), mark(gi <= 1.5))
	fmt.Fprintf(bw, "| peak RSS while indexing (VmHWM), MB | %d | %d | %s | ≤ 1024 | %s |\n", gb.PeakRSS>>20, fts.PeakRSS>>20,
		ratio(float64(gb.PeakRSS), float64(fts.PeakRSS)), mark(gb.PeakRSS <= 1<<30))
	fmt.Fprintf(bw, "| of it at most: anonymous · file-backed, MB | %d · %d | %d · %d | | | |\n", gb.PeakAnon>>20, gb.PeakFile>>20, fts.PeakAnon>>20, fts.PeakFile>>20)
	targets := [][2]float64{{0.15, 0.5}, {0.2, 0.5}, {1.0, 0.5}}
	for m, name := range modeNames {
		g, f := qr.gb[m].all(), qr.fts[m].all()
		g50, f50 := g.pct(0.5), f.pct(0.5)
		g99, f99 := g.pct(0.99), f.pct(0.99)
		fmt.Fprintf(bw, "| query %s, median ms | %s | %s | %s | ≤ %.2f× | %s |\n", name, ms(g50), ms(f50), ratio(g50.Seconds(), f50.Seconds()),
			targets[m][0], mark(g50.Seconds() <= targets[m][0]*f50.Seconds()))
		fmt.Fprintf(bw, "| query %s, p99 ms | %s | %s | %s | ≤ %.2f× | %s |\n", name, ms(g99), ms(f99), ratio(g99.Seconds(), f99.Seconds()),
			targets[m][1], mark(g99.Seconds() <= targets[m][1]*f99.Seconds()))
	}
	fmt.Fprintf(bw, "\nBy kind of query, median and p99 ms, gbsearch · FTS5 (ratio):\n\n| mode | kind | queries | median | p99 |\n|---|---|---:|---|---|\n")
	for m, name := range modeNames {
		for _, k := range []string{"term", "and", "or", "phrase"} {
			g, f := qr.gb[m][k], qr.fts[m][k]
			if len(g) == 0 || len(f) == 0 {
				continue
			}
			cell := func(p float64) string {
				a, b := g.pct(p), f.pct(p)
				return fmt.Sprintf("%s · %s (%s)", ms(a), ms(b), ratio(a.Seconds(), b.Seconds()))
			}
			fmt.Fprintf(bw, "| %s | %s | %d | %s | %s |\n", name, k, len(g), cell(0.5), cell(0.99))
		}
	}
	sort.Float64s(qr.ratios)
	med := 0.0
	if len(qr.ratios) > 0 {
		med = qr.ratios[len(qr.ratios)/2]
	}
	var kinds []string
	for k, v := range qr.byKind {
		kinds = append(kinds, fmt.Sprintf("%s %d/%d", k, v[0], v[1]))
	}
	sort.Strings(kinds)
	fmt.Fprintf(bw, "\nHit counts agree (within 10%% or 2 documents) on %d of %d sampled queries (%s); median gbsearch/FTS5 count ratio %.2f. Query errors: gbsearch %d, FTS5 %d.\n",
		qr.agree, qr.total, strings.Join(kinds, ", "), med, qr.gbErr, qr.ftsErr)
	if len(qr.examples) > 0 {
		fmt.Fprintf(bw, "Largest disagreements: %s.\n", strings.Join(qr.examples, "; "))
	}
	for m, name := range modeNames {
		if len(qr.slowest[m]) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\nSlowest gbsearch queries, %s (gbsearch · FTS5 ms, gbsearch's hits):\n\n", name)
		for _, t := range qr.slowest[m] {
			fmt.Fprintf(bw, "- %s %s: %s · %s, %d hits\n", t.q.Kind, t.q.Text, ms(t.gb), ms(t.fts), t.hits)
		}
	}
	fmt.Fprintf(bw, "\nBuild wall times: gbsearch %s, FTS5 %s (decoding the parsed input not timed; CPU is the child's less a decode-only child's %s). Extract+parse through gbsearch's pipeline: %.0f docs/s on %d workers.\n",
		gb.Wall.Round(time.Millisecond), fts.Wall.Round(time.Millisecond), null.CPU.Round(time.Millisecond), pc.ParseDocsPerSec, pc.Workers)
}
