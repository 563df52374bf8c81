package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
	"gbsearch/indexer/sandbox"
	"gbsearch/search"
)

func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gbsearch index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	indexDir := fs.String("index", "data", "index directory")
	var corpora multiFlag
	fs.Var(&corpora, "corpus", "corpus directory (repeat for several; default: corpus)")
	full := fs.Bool("full", false, "rebuild from scratch beside the served index, check it, then switch to it")
	rollback := fs.Bool("rollback", false, "serve the previous index again")
	workers := fs.Int("workers", 0, "files extracted in parallel (default: number of CPUs)")
	maxFailures := fs.Int("max-failures", -1, "exit with status 3 when more files than this fail (-1: no limit)")
	progress := fs.String("progress", "auto", "progress display: auto (a bar on a terminal, log lines otherwise), bar, log, none")
	jsonOut := fs.Bool("json", false, "print the run summary as JSON")
	isolate := fs.Bool("isolate", true, "extract each file in a child process with time and memory limits")
	fileTimeout := fs.Duration("file-timeout", 60*time.Second, "time one file may take to extract (with -isolate)")
	fileMemory := fs.Int64("file-memory", 512, "memory one file's extraction may use, MiB (with -isolate)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (give corpora with -corpus)", fs.Args())
	}
	if len(corpora) == 0 {
		corpora = multiFlag{"corpus"}
	}
	logger := newLogger(stderr, *logLevel)
	dir := search.Dir{Root: *indexDir}
	if *rollback {
		p, err := dir.Rollback()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "now serving %s (a running server switches within seconds)\n", p)
		return nil
	}
	b, err := newBuilder(*indexDir, corpora, logger)
	if err != nil {
		return err
	}
	b.workers = *workers
	if *isolate {
		b.extract, err = isolatedExtract(*fileTimeout, *fileMemory<<20)
		if err != nil {
			return err
		}
	}
	bar := newProgress(*progress, stderr, logger)
	b.progress = bar.update
	st, err := indexOnce(ctx, b, *full, stdout)
	bar.finish()
	if err != nil {
		return err
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(st); err != nil {
			return err
		}
	} else {
		printSummary(stdout, st)
	}
	if *maxFailures >= 0 && st.Failed > *maxFailures {
		return exitError{code: 3, msg: fmt.Sprintf("%d files failed, more than -max-failures=%d", st.Failed, *maxFailures)}
	}
	return nil
}

// indexOnce updates the served index, or rebuilds it when asked, when there
// is none, or when it was built by another mapping or extractor.
func indexOnce(ctx context.Context, b *builder, full bool, stdout io.Writer) (*indexer.Stats, error) {
	cur, err := b.dir.OpenCurrent()
	switch {
	case errors.Is(err, search.ErrNoIndex):
		full = true
		cur = nil
	case errors.Is(err, search.ErrLocked):
		if !full {
			return nil, fmt.Errorf("%w\n  a running gbsearch serve holds the index: rebuild beside it with -full (the server switches to the new index when it is ready), or index through the server (POST /api/v1/admin/reindex)", err)
		}
		cur = nil
	case err != nil:
		return nil, err
	}
	if cur != nil {
		defer cur.Close()
		if rebuild, why := needsRebuild(cur); rebuild && !full {
			fmt.Fprintf(stdout, "rebuilding: %s\n", why)
			full = true
		}
	}
	if !full {
		return b.update(ctx, cur)
	}
	b.regression = regressionSymbols(ctx, cur, 50)
	if cur == nil {
		// the served index is locked by a server (or there is none): compare
		// with what the served build recorded of itself
		if bi := readBuildInfo(b.dir); bi != nil {
			b.prevDocs = bi.Documents
		}
	}
	ix, st, err := b.rebuild(ctx, cur)
	if err != nil {
		if errors.Is(err, errCheckFailed) && st != nil {
			printSummary(stdout, st)
		}
		return st, err
	}
	defer ix.Close()
	n, _, _ := ix.Counts(ctx)
	if err := b.dir.Prune(); err != nil {
		slog.Warn("pruning old indexes", "err", err)
	}
	fmt.Fprintf(stdout, "built %s with %d documents and switched to it\n", ix.Path(), n)
	return st, nil
}

// buildInfo is written beside each build so that a later rebuild can be
// checked against it even when the served index is locked by a server.
type buildInfo struct {
	Documents int       `json:"documents"`
	Files     int       `json:"files"`
	Failed    int       `json:"failed"`
	Built     time.Time `json:"built"`
}

func writeBuildInfo(path string, bi buildInfo) {
	bi.Built = time.Now().UTC()
	b, _ := json.Marshal(bi)
	_ = os.WriteFile(path+".json", b, 0o644)
}

// readBuildInfo reads what the served build recorded, or nil.
func readBuildInfo(dir search.Dir) *buildInfo {
	p, err := dir.CurrentPath()
	if err != nil || p == "" {
		return nil
	}
	b, err := os.ReadFile(p + ".json")
	if err != nil {
		return nil
	}
	var bi buildInfo
	if json.Unmarshal(b, &bi) != nil {
		return nil
	}
	return &bi
}

func printSummary(w io.Writer, st *indexer.Stats) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "files\t%d\n", st.Files)
	fmt.Fprintf(tw, "indexed\t%d\n", st.Indexed)
	fmt.Fprintf(tw, "unchanged\t%d\n", st.Unchanged)
	fmt.Fprintf(tw, "removed\t%d\n", st.Removed)
	fmt.Fprintf(tw, "failed\t%d\n", st.Failed)
	reasons := make([]string, 0, len(st.FailedBy))
	for r := range st.FailedBy {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(tw, "  %s\t%d\n", r, st.FailedBy[r])
	}
	fmt.Fprintf(tw, "skipped (not inputs)\t%d\n", len(st.Skipped))
	fmt.Fprintf(tw, "documents written\t%d\n", st.Documents)
	fmt.Fprintf(tw, "read\t%.1f MB\n", float64(st.Bytes)/1e6)
	fmt.Fprintf(tw, "duration\t%s\n", st.Duration.Round(time.Millisecond))
	tw.Flush()
	for _, f := range st.Failures {
		fmt.Fprintf(w, "FAILED %s: %s: %s\n", f.Key, f.Failure.Reason, f.Failure.Detail)
	}
	for _, s := range st.Skipped {
		fmt.Fprintf(w, "skipped %s|%s: %s\n", s.Corpus, s.Path, s.Reason)
	}
	for _, d := range st.Duplicates {
		fmt.Fprintf(w, "DUPLICATE %s from %s (used %s)\n", d.ID, strings.Join(d.Files, " and "), d.Used)
	}
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// progressDisplay shows indexing progress: a bar on a terminal, a log line
// every few seconds otherwise.
type progressDisplay struct {
	mode   string
	w      io.Writer
	logger *slog.Logger
	mu     sync.Mutex
	bar    *progressbar.ProgressBar
	last   time.Time
	lastP  indexer.Progress
}

func newProgress(mode string, w io.Writer, logger *slog.Logger) *progressDisplay {
	if mode == "auto" {
		mode = "log"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				mode = "bar"
			}
		}
	}
	return &progressDisplay{mode: mode, w: w, logger: logger}
}

func (p *progressDisplay) update(pr indexer.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastP = pr
	switch p.mode {
	case "bar":
		if p.bar == nil {
			p.bar = progressbar.NewOptions64(max(pr.BytesTotal, 1),
				progressbar.OptionSetWriter(p.w), progressbar.OptionShowBytes(true), progressbar.OptionSetPredictTime(true),
				progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionShowElapsedTimeOnFinish())
		}
		p.bar.Describe(fmt.Sprintf("files %d/%d", pr.FilesDone, pr.FilesTotal))
		_ = p.bar.Set64(pr.BytesDone)
	case "log":
		if time.Since(p.last) < 5*time.Second && pr.FilesDone < pr.FilesTotal {
			return
		}
		p.last = time.Now()
		rate := float64(pr.FilesDone) / max(pr.Elapsed.Seconds(), 0.001)
		eta := time.Duration(0)
		if rate > 0 {
			eta = time.Duration(float64(pr.FilesTotal-pr.FilesDone)/rate) * time.Second
		}
		p.logger.Info("indexing", "files_done", pr.FilesDone, "files_total", pr.FilesTotal,
			"mb_done", float64(pr.BytesDone)/1e6, "mb_total", float64(pr.BytesTotal)/1e6,
			"files_per_s", fmt.Sprintf("%.1f", rate), "eta", eta.String())
	}
}

func (p *progressDisplay) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}

// isolatedExtract extracts PDFs in a child process of this binary: the PDF
// library is the one that hangs, overflows its stack or eats memory on
// hostile files. The other formats are read by our own code, which bounds
// its reads and recovers its panics, so they run in process and a folder
// of text files does not pay a process start per file.
func isolatedExtract(timeout time.Duration, memory int64) (indexer.ExtractFunc, error) {
	sb, err := sandbox.New(sandbox.Limits{Timeout: timeout, MemoryBytes: memory})
	if err != nil {
		return nil, err
	}
	inProcess := indexer.InProcess(indexer.NewExtractors(pdftext.New()))
	return func(ctx context.Context, format, name string, data []byte) (*indexer.Content, error) {
		if format == indexer.FormatPDF {
			return sb.Extract(ctx, format, name, data)
		}
		return inProcess(ctx, format, name, data)
	}, nil
}
