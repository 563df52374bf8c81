package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"gbsearch/indexer"
	"gbsearch/search"
	"gbsearch/server"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gbsearch serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg server.Config
	cfg.RegisterFlags(fs)
	indexDir := fs.String("index", "data", "index directory")
	var corpora multiFlag
	fs.Var(&corpora, "corpus", "corpus directory to build the index from when there is none (repeat for several; default: corpus)")
	metricsAddr := fs.String("metrics-addr", "", "serve /metrics on this separate address too (e.g. :9090)")
	isolate := fs.Bool("isolate", true, "extract each file in a child process with time and memory limits")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	adminToken := fs.String("admin-token", "", "bearer token of the admin API (without it the admin routes are disabled)")
	watchDir := fs.String("watch", "", "follow this corpus folder and index new, changed and removed files within seconds")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	corpora, err := serveCorpora(corpora, "corpus", *indexDir)
	if err != nil {
		return err
	}
	if *watchDir != "" {
		corpora = append(corpora, *watchDir)
	}
	logger := newLogger(stderr, *logLevel)
	if len(corpora) == 0 {
		logger.Info("serving the index as it is: no corpus folder to rebuild it from (give -corpus DIR for rebuilds)")
	}
	b, err := newBuilder(*indexDir, corpora, logger)
	if err != nil {
		return err
	}
	if *isolate {
		if b.extract, err = isolatedExtract(60*time.Second, 512<<20); err != nil {
			return err
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	served := search.NewServed(nil)
	app := &app{dir: b.dir, builder: b, served: served, logger: logger, ctx: ctx}
	app.ensureUploadsCorpus()
	opts := []server.Option{server.WithReady(served.Ready)}
	if *adminToken != "" {
		opts = append(opts, server.WithAdmin(app, *adminToken))
	} else {
		logger.Info("admin API disabled: set GBSEARCH_ADMIN_TOKEN to enable it")
	}
	srv := server.New(cfg, served, logger, reg, opts...)
	app.metrics = srv.Metrics()

	// Open the served index, or build one, while already answering
	// /healthz (and /readyz with 503 until there is an index).
	ready := make(chan error, 1)
	go func() { ready <- app.start(ctx) }()

	var wg sync.WaitGroup
	if *metricsAddr != "" {
		ln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics listener: %w", err)
		}
		ms := &http.Server{Handler: srv.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
		wg.Add(1)
		go func() {
			defer wg.Done()
			go func() { <-ctx.Done(); _ = ms.Close() }()
			if err := ms.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("metrics listener", "err", err)
			}
		}()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe(ctx) }()
	select {
	case err := <-ready:
		if err != nil {
			return err
		}
	case err := <-errc:
		return err
	}
	go app.followPointer(ctx, 2*time.Second)
	if *watchDir != "" {
		go func() {
			if err := app.watch(ctx, *watchDir, 300*time.Millisecond); err != nil {
				logger.Error("watcher stopped", "err", err)
			}
		}()
	}
	err = <-errc
	wg.Wait()
	if old := served.Swap(nil); old != nil {
		old.Close()
	}
	return err
}

// app is the serving side's state: the index directory, what builds it and
// what serves it.
type app struct {
	dir     search.Dir
	builder *builder
	served  *search.Served
	logger  *slog.Logger
	metrics server.IndexingMetrics
	ctx     context.Context // the server's lifetime, for background jobs
	jobs    jobs

	mu      sync.Mutex // one indexing run at a time
	current string     // path of the served index
}

// start opens the served index, building it first if there is none (or if
// it was built by another mapping or extractor version, in which case the
// old one is served while the new one is built).
func (a *app) start(ctx context.Context) error {
	ix, err := a.dir.OpenCurrent()
	switch {
	case errors.Is(err, search.ErrNoIndex):
		a.logger.Info("no index yet: building it", "index", a.dir.Root)
		return a.rebuild(ctx)
	case err != nil:
		return err
	}
	a.swapIn(ix)
	if rebuild, why := needsRebuild(ix); rebuild {
		a.logger.Info("rebuilding the index", "why", why)
		go func() {
			if err := a.rebuild(ctx); err != nil {
				a.logger.Error("rebuild failed; serving the old index", "err", err)
			}
		}()
	}
	return nil
}

func (a *app) swapIn(ix *search.Index) {
	a.current = ix.Path()
	if old := a.served.Swap(ix); old != nil {
		if err := old.Close(); err != nil {
			a.logger.Warn("closing the replaced index", "err", err)
		}
	}
	n, _, _ := ix.Counts(context.Background())
	a.logger.Info("serving index", "path", ix.Path(), "documents", n)
	if a.metrics != nil {
		a.metrics.IndexSwapped()
	}
}

// rebuild builds a new index beside the served one and swaps it in when
// its checks pass; the served index answers all along.
func (a *app) rebuild(ctx context.Context) error {
	_, err := a.rebuildWith(ctx, nil)
	return err
}

func (a *app) rebuildWith(ctx context.Context, progress func(indexer.Progress)) (*indexer.Stats, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ensureUploadsCorpus()
	var prev *search.Index
	_ = a.served.With(func(ix *search.Index) error { prev = ix; return nil })
	a.builder.regression = regressionSymbols(ctx, prev, 50)
	a.builder.progress = func(p indexer.Progress) {
		if a.metrics != nil {
			a.metrics.IndexingProgress(p.FilesDone, p.FilesTotal)
		}
		if progress != nil {
			progress(p)
		}
	}
	defer func() { a.builder.progress = nil }()
	start := time.Now()
	if a.metrics != nil {
		a.metrics.IndexingStarted()
	}
	ix, st, err := a.builder.rebuild(ctx, prev)
	a.report(st, err == nil, time.Since(start))
	if err != nil {
		return st, err
	}
	a.swapIn(ix)
	if err := a.dir.Prune(ix.Path()); err != nil {
		a.logger.Warn("pruning old indexes", "err", err)
	}
	return st, nil
}

// report logs a run's summary and counts it in the metrics.
func (a *app) report(st *indexer.Stats, ok bool, d time.Duration) {
	if a.metrics != nil {
		a.metrics.IndexingFinished(ok, d)
	}
	if st == nil {
		return
	}
	a.logger.Info("indexing run", "files", st.Files, "indexed", st.Indexed, "unchanged", st.Unchanged,
		"removed", st.Removed, "failed", st.Failed, "documents", st.Documents, "dur", st.Duration.String())
	if a.metrics == nil {
		return
	}
	for i := 0; i < st.Indexed; i++ {
		a.metrics.FileIndexed("indexed")
	}
	for i := 0; i < st.Unchanged; i++ {
		a.metrics.FileIndexed("unchanged")
	}
	for i := 0; i < st.Removed; i++ {
		a.metrics.FileIndexed("removed")
	}
	for _, f := range st.Failures {
		a.metrics.FileFailed(f.Failure.Reason)
	}
}

// followPointer swaps in an index that another process (gbsearch index
// -full, or -rollback) made current.
func (a *app) followPointer(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// while an indexing run holds the lock there is nothing to follow:
		// it moves the pointer itself. The pointer is read under the lock:
		// read before, it could name an index that a run finishing in the
		// meantime has replaced (and pruned), and serving it would undo
		// that run's swap.
		if !a.mu.TryLock() {
			continue
		}
		if p, err := a.dir.CurrentPath(); err == nil && p != "" && p != a.current {
			ix, err := search.Open(p)
			if err != nil {
				a.logger.Warn("the index directory points to an index that does not open", "path", p, "err", err)
			} else {
				a.swapIn(ix)
			}
		}
		a.mu.Unlock()
	}
}

// serveCorpora returns the corpora serve builds from: the ones given, or
// else the default folder. Serving an index that exists needs no corpus,
// so a missing default folder is no error then (gbsearch serve -index DIR
// run from anywhere); without an index it is, and says what to give.
func serveCorpora(given multiFlag, defaultDir, indexDir string) (multiFlag, error) {
	if len(given) > 0 {
		return given, nil
	}
	if st, err := os.Stat(defaultDir); err == nil && st.IsDir() {
		return multiFlag{defaultDir}, nil
	}
	if p, err := (search.Dir{Root: indexDir}).CurrentPath(); err == nil && p != "" {
		return nil, nil
	}
	return nil, fmt.Errorf("no index in %s and no corpus folder %q to build one from: give -corpus DIR", indexDir, defaultDir)
}
