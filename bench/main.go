// Command bench measures gbsearch side by side with SQLite FTS5 on the same
// generated GB-like corpus, in the same run:
//
//	cd bench && go run . -n 10000
//
// It generates the corpus (or reuses it), extracts and parses it once with
// gbsearch's extractors and parser, builds both indexes from the parsed
// documents, each in a child process of its own (this binary run again) so
// that each engine's peak RSS is its own, then runs the same generated
// queries through both in this process and prints one table of the
// gbsearch/FTS5 ratios.
//
//	go run . -pdf
//
// compares PDF extraction with poppler's pdftotext on the real PDFs instead.
//
// This is a module of its own so that SQLite never becomes a dependency of
// gbsearch itself.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"
)

type options struct {
	n          int
	seed       uint64
	queries    int
	work       string
	keep       bool
	reuse      bool
	cpuProfile string
	ftsOpt     bool
	sample     int
	slowest    int
	mode       string
	repoRoot   string
	prepare    bool
	only       string
	kind       string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 10000, "document versions in the generated corpus")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the corpus and of the queries")
	flag.IntVar(&o.queries, "queries", 1000, "queries run through each engine in each mode")
	flag.StringVar(&o.work, "work", filepath.Join(os.TempDir(), "gbsearch-bench"), "folder for the parsed documents and the indexes")
	flag.BoolVar(&o.keep, "keep", false, "keep the indexes (and their build figures) after the run, for -reuse; without it a run builds beside the kept ones and leaves them as they are")
	flag.StringVar(&o.kind, "kind", "", "run only the queries of this kind (term, and, or, phrase): to profile one")
	flag.BoolVar(&o.reuse, "reuse", false, "query the indexes a run with -keep left, instead of building them again (to measure a query change); implies -keep")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of each build and of the queries to FILE.{gbsearch,fts5,queries}")
	flag.BoolVar(&o.ftsOpt, "fts-optimize", true, "merge the FTS5 index into one segment at the end of its build, as a deployment would")
	flag.StringVar(&o.mode, "mode", "", "run the queries in this mode only (plain, facets, highlights): to profile one")
	flag.IntVar(&o.slowest, "slowest", 0, "print gbsearch's N slowest queries of each mode, with their kind, hit count and FTS5's time")
	flag.IntVar(&o.sample, "agree", 200, "queries whose hit counts are compared between the engines")
	flag.StringVar(&o.repoRoot, "repo", "..", "the gbsearch repository (for the bundled PDFs)")
	child := flag.String("child", "", "internal: build one engine's index (gbsearch, fts5, null)")
	docs := flag.String("docs", "", "internal: parsed documents for -child")
	out := flag.String("out", "", "internal: index folder for -child")
	result := flag.String("result", "", "internal: where -child writes its measurements")
	pdf := flag.Bool("pdf", false, "compare PDF extraction with poppler's pdftotext instead")
	flag.BoolVar(&o.prepare, "prepare", false, "only generate and parse the corpus (for a later run)")
	flag.StringVar(&o.only, "only", "", "build only this engine's index (gbsearch or fts5), print its figures and stop: for profiling")
	flag.Parse()
	// an index reused is one to be reused again
	o.keep = o.keep || o.reuse

	ctx := context.Background()
	var err error
	switch {
	case *child != "":
		err = runChild(*child, *docs, *out, *result, o)
	case *pdf:
		err = runPDF(ctx, o)
	default:
		err = run(ctx, o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run is the side-by-side comparison.
func run(ctx context.Context, o options) error {
	if err := os.MkdirAll(o.work, 0o755); err != nil {
		return err
	}
	logf("machine: %d CPUs, %s; load %s", runtime.NumCPU(), runtime.Version(), loadAvg())
	corpusDir, err := generate(ctx, o)
	if err != nil {
		return err
	}
	parsed, err := parse(ctx, o, corpusDir)
	if err != nil {
		return err
	}
	logf("corpus: %d versions, %d symbols, %.1f MB of text (extract+parse: %.0f docs/s on %d workers)",
		parsed.Versions, parsed.Symbols, float64(parsed.TextBytes)/1e6, parsed.ParseDocsPerSec, parsed.Workers)
	if o.prepare {
		return nil
	}

	if o.only != "" {
		r, err := buildInChild(o.only, parsed, o)
		if err == nil && !o.keep {
			os.RemoveAll(r.Dir)
		}
		return err
	}
	// a run that does not keep its indexes deletes each one it built,
	// whatever happens after
	null, err := buildInChild("null", parsed, o)
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(null.Dir)
	}
	gb, err := buildInChild("gbsearch", parsed, o)
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(gb.Dir)
	}
	fts, err := buildInChild("fts5", parsed, o)
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(fts.Dir)
	}

	qs := makeQueries(parsed.Vocab, parsed.Phrases, parsed.Symbols, o.queries, o.seed)
	if o.kind != "" {
		qs = slices.DeleteFunc(qs, func(q query) bool { return q.Kind != o.kind })
		if len(qs) == 0 {
			return fmt.Errorf("-kind %q: no such queries (term, and, or, phrase)", o.kind)
		}
	}
	logf("queries: %d (%s)", len(qs), querySummary(qs))
	var prof *os.File
	if o.cpuProfile != "" {
		if prof, err = os.Create(o.cpuProfile + ".queries"); err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(prof); err != nil {
			return err
		}
	}
	qr, err := runQueries(ctx, gb.Dir, fts.Dir, qs, o)
	if prof != nil {
		pprof.StopCPUProfile()
		prof.Close()
	}
	if err != nil {
		return err
	}
	printTable(os.Stdout, o, parsed, null, gb, fts, qr)
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil || len(b) < 14 {
		return "?"
	}
	return string(b[:14])
}
