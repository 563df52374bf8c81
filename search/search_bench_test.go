package search

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gbsearch/corpus"
	"gbsearch/corpus/gen"
	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
)

// Benchmarks of indexing and search on a generated GB-like corpus:
//
//	GBSEARCH_BENCH_DOCS=1000 go test -run '^$' -bench . -benchmem ./search/
//
// The corpus is generated once per (docs, seed) into a folder under
// os.TempDir() and reused by later runs (it is deterministic); it is never
// committed. The index the search benchmarks use is built once per run.
// The size comes from the environment, not a flag, so that `go test
// -bench` over several packages passes them all the same arguments.
var (
	benchDocs = envInt("GBSEARCH_BENCH_DOCS", 1000)
	benchSeed = uint64(envInt("GBSEARCH_BENCH_SEED", 1))
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// genCorpus returns the folder of the generated corpus of n documents,
// generating it on first use. It is written beside its final name and
// renamed when complete, so that an interrupted run never leaves half a
// corpus to be reused.
func genCorpus(tb testing.TB, n int, seed uint64) string {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("gbsearch-gen-n%d-s%d", n, seed))
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err == nil {
		return dir
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "gbsearch-gen-tmp-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	g, err := gen.New(gen.Options{N: n, Seed: seed, Out: tmp, PDFShare: 0.05, DOCXShare: 0.05, SeedText: corpus.SeedText})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := g.Generate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil && !os.IsExist(err) {
		if _, serr := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); serr != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// memSink keeps the documents the pipeline parses, for the benchmarks that
// need parsed documents without the cost of parsing them.
type memSink struct {
	mu   sync.Mutex
	docs []*indexer.Document
}

func (s *memSink) Put(_ context.Context, d *indexer.Document) error {
	s.mu.Lock()
	s.docs = append(s.docs, d)
	s.mu.Unlock()
	return nil
}
func (s *memSink) Remove(context.Context, string) error                { return nil }
func (s *memSink) SetRecord(context.Context, indexer.FileRecord) error { return nil }
func (s *memSink) DeleteRecord(context.Context, string) error          { return nil }
func (s *memSink) Commit(context.Context) error                        { return nil }
func (s *memSink) Records(context.Context) (map[string]indexer.FileRecord, error) {
	return map[string]indexer.FileRecord{}, nil
}

var parsedCache struct {
	sync.Mutex
	docs map[string][]*indexer.Document
}

// parsedCorpus extracts and parses the generated corpus once per process,
// ordered by version ID so that every run feeds the writer the same way.
func parsedCorpus(tb testing.TB, n int, seed uint64) []*indexer.Document {
	tb.Helper()
	key := fmt.Sprint(n, "/", seed)
	parsedCache.Lock()
	defer parsedCache.Unlock()
	if d, ok := parsedCache.docs[key]; ok {
		return d
	}
	dir := genCorpus(tb, n, seed)
	sink := &memSink{}
	p := &indexer.Pipeline{Extract: indexer.InProcess(indexer.NewExtractors(pdftext.New())), Sink: sink,
		Logger: slog.New(slog.DiscardHandler), Full: true}
	st, err := p.Run(context.Background(), []indexer.Corpus{{Root: "gen", FS: os.DirFS(dir)}})
	if err != nil {
		tb.Fatal(err)
	}
	if st.Failed > 0 {
		tb.Fatalf("%d generated files failed to parse: %+v", st.Failed, st.Failures[0])
	}
	sort.Slice(sink.docs, func(i, j int) bool { return sink.docs[i].ID < sink.docs[j].ID })
	if parsedCache.docs == nil {
		parsedCache.docs = map[string][]*indexer.Document{}
	}
	parsedCache.docs[key] = sink.docs
	return sink.docs
}

func textBytes(docs []*indexer.Document) int64 {
	var n int64
	for _, d := range docs {
		n += int64(len(d.Text()))
	}
	return n
}

// buildIndex indexes docs into a new index at dir as a rebuild does:
// through the product's writer, then compacted.
func buildIndex(tb testing.TB, dir string, docs []*indexer.Document) *Index {
	tb.Helper()
	ix, err := Create(dir)
	if err != nil {
		tb.Fatal(err)
	}
	w := NewWriter(ix)
	ctx := context.Background()
	for _, d := range docs {
		if err := w.Put(ctx, d); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Commit(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := ix.Compact(ctx); err != nil {
		tb.Fatal(err)
	}
	return ix
}

// BenchmarkWriter indexes the parsed generated corpus into a new index
// (create, put every version, commit, compact, close): the write path of a
// full rebuild without extraction.
func BenchmarkWriter(b *testing.B) {
	docs := parsedCorpus(b, benchDocs, benchSeed)
	size := textBytes(docs)
	b.SetBytes(size)
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), fmt.Sprint("idx", i))
		i++
		ix := buildIndex(b, dir, docs)
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(ix.SizeBytes())/float64(size), "index/text")
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
	// CPU seconds per document, all goroutines (bleve analyses, merges
	// and persists in its own): on a shared machine the wall time varies
	// with the neighbours' load, the CPU per document much less.
	b.ReportMetric((cpuTime()-cpu0).Seconds()*1000/float64(len(docs)*b.N), "cpu-ms/doc")
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchWords draws query words and phrases from the generated text: words
// of five letters or more, and pairs of them printed next to each other
// (so that every phrase matches something).
func benchWords(docs []*indexer.Document) (words, phrases []string) {
	seen := map[string]bool{}
	for _, d := range docs[:min(20, len(docs))] {
		raw := strings.Fields(strings.ToLower(d.Text()))
		clean := func(w string) bool {
			if len(w) < 5 {
				return false
			}
			for _, r := range w {
				if r < 'a' || r > 'z' {
					return false
				}
			}
			return true
		}
		for i := 0; i+1 < len(raw); i++ {
			if !clean(raw[i]) {
				continue
			}
			if !seen[raw[i]] && len(words) < 50 {
				seen[raw[i]] = true
				words = append(words, raw[i])
			}
			if clean(raw[i+1]) && len(phrases) < 50 && i%7 == 0 {
				phrases = append(phrases, `"`+raw[i]+" "+raw[i+1]+`"`)
			}
		}
	}
	return words, phrases
}

// BenchmarkSearch runs the kinds of search a researcher makes on an index
// of the generated corpus, built once for all of them (GBSEARCH_BENCH_DOCS
// sets its size). Each round takes the next query of its kind.
func BenchmarkSearch(b *testing.B) {
	docs := parsedCorpus(b, benchDocs, benchSeed)
	ix := buildIndex(b, filepath.Join(b.TempDir(), "idx"), docs)
	defer ix.Close()
	words, phrases := benchWords(docs)
	if len(words) < 10 || len(phrases) < 5 {
		b.Fatalf("too few query words (%d) or phrases (%d) in the generated text", len(words), len(phrases))
	}
	var symbols []string
	for _, d := range docs[:min(50, len(docs))] {
		symbols = append(symbols, d.Symbol)
	}
	w := func(i int) string { return words[i%len(words)] }
	cases := []struct {
		name  string
		query func(i int) string
		req   Request
	}{
		{"term", w, Request{NoFacets: true, NoPassages: true}},
		{"phrase", func(i int) string { return phrases[i%len(phrases)] }, Request{NoFacets: true, NoPassages: true}},
		{"boolean", func(i int) string { return fmt.Sprintf("(%s OR %s) AND %s NOT %s", w(i), w(i+1), w(i+2), w(i+3)) },
			Request{NoFacets: true, NoPassages: true}},
		{"facets", w, Request{NoPassages: true}},
		{"passages", w, Request{NoFacets: true}},
		{"symbol", func(i int) string { return symbols[i%len(symbols)] }, Request{NoFacets: true, NoPassages: true}},
	}
	ctx := context.Background()
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			i, hits := 0, 0
			for b.Loop() {
				r := tc.req
				r.Query = tc.query(i)
				res, err := ix.Search(ctx, r)
				if err != nil {
					b.Fatalf("%q: %v", r.Query, err)
				}
				hits += res.Total
				i++
			}
			if hits == 0 {
				b.Fatalf("%s queries found nothing", tc.name)
			}
		})
	}
}
