package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
	"gbsearch/search"
)

// builder runs the indexing pipeline into gbsearch's index directory: an
// incremental update of the served index, or a full rebuild beside it that
// is checked before it is switched on.
type builder struct {
	dir      search.Dir
	corpora  []indexer.Corpus
	extract  indexer.ExtractFunc
	logger   *slog.Logger
	workers  int
	progress func(indexer.Progress)
	// checks on a rebuild before it replaces the served index
	minDocRatio    float64    // new documents ≥ ratio × previous
	maxFailedRatio float64    // failed files ≤ this share of files
	regression     []string   // symbols that must still come first when searched
	prevDocs       int        // documents of the served build, when it cannot be opened
	prevInfo       *buildInfo // what the served build recorded of itself
}

func newBuilder(root string, corpusDirs []string, logger *slog.Logger) (*builder, error) {
	var corpora []indexer.Corpus
	for _, c := range corpusDirs {
		st, err := os.Stat(c)
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", c, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("corpus %s is not a directory", c)
		}
		corpora = append(corpora, indexer.Corpus{Root: filepath.Clean(c), FS: os.DirFS(c)})
	}
	return &builder{
		dir: search.Dir{Root: root}, corpora: corpora, logger: logger,
		extract:     indexer.InProcess(indexer.NewExtractors(pdftext.New())),
		minDocRatio: 0.5, maxFailedRatio: 0.1,
	}, nil
}

func (b *builder) pipeline(sink indexer.Sink, full bool) *indexer.Pipeline {
	return &indexer.Pipeline{Extract: b.extract, Sink: sink, Logger: b.logger, Workers: b.workers, Full: full, Progress: b.progress}
}

// needsRebuild tells whether an index must be rebuilt rather than updated:
// its mapping or its extractor version is not the one of this binary.
func needsRebuild(ix *search.Index) (bool, string) {
	if v := ix.MappingVersionOf(); v != search.MappingVersion {
		return true, fmt.Sprintf("the index mapping is version %q, this gbsearch uses %q", v, search.MappingVersion)
	}
	v, _ := ix.GetInternal(extractorKey)
	if len(v) > 0 && string(v) != indexer.ExtractorVersion {
		return true, fmt.Sprintf("the index was built by extractor %q, this gbsearch has %q", v, indexer.ExtractorVersion)
	}
	return false, ""
}

const extractorKey = "gbsearch:extractor"

// update indexes the corpora incrementally into ix.
func (b *builder) update(ctx context.Context, ix *search.Index) (*indexer.Stats, error) {
	w := search.NewWriter(ix)
	w.SetExtractorVersion(indexer.ExtractorVersion)
	st, err := b.pipeline(w, false).Run(ctx, b.corpora)
	if err == nil {
		compactAfterUpdate(ctx, ix, b.logger)
	}
	return st, err
}

// compactAfterUpdate compacts an index that updates have left in many
// small segments (search.Index.CompactIfFragmented), so that its searches
// do not slow down between full rebuilds. The update is committed and
// valid without it, so a failure is only reported.
func compactAfterUpdate(ctx context.Context, ix *search.Index, logger *slog.Logger) {
	start := time.Now()
	merged, err := ix.CompactIfFragmented(ctx)
	switch {
	case err != nil:
		logger.Warn("the index could not be compacted after the update; it is searched as it is", "err", err)
	case merged > 0:
		logger.Info("compacted the index after the update", "small_segments", merged, "segments", ix.Segments(),
			"took", time.Since(start).Round(time.Millisecond))
	}
}

// errCheckFailed marks a rebuild that was refused by its checks.
var errCheckFailed = errors.New("rebuild refused")

// rebuild builds a new index beside the served one, checks it against prev
// (which may be nil), and makes it the served one. On a failed check the
// new index is deleted and the served one is left as it was.
func (b *builder) rebuild(ctx context.Context, prev *search.Index) (*search.Index, *indexer.Stats, error) {
	b.prevInfo = readBuildInfo(b.dir)
	ix, err := b.dir.NewBuild()
	if err != nil {
		return nil, nil, err
	}
	discard := func() {
		ix.Close()
		os.RemoveAll(ix.Path())
	}
	w := search.NewWriter(ix)
	w.SetExtractorVersion(indexer.ExtractorVersion)
	st, err := b.pipeline(w, true).Run(ctx, b.corpora)
	if err != nil {
		discard()
		return nil, nil, err
	}
	// a new index is searched for long after it is built: merged into few
	// segments, its searches visit fewer (Index.Compact). It is as valid
	// without, so a failure is only reported.
	cstart := time.Now()
	if err := ix.Compact(ctx); err != nil {
		if ctx.Err() != nil {
			discard()
			return nil, nil, err
		}
		b.logger.Warn("the new index could not be compacted; it is used as it is", "err", err)
	} else {
		b.logger.Info("compacted the new index", "segments", ix.Segments(), "took", time.Since(cstart).Round(time.Millisecond))
	}
	if err := b.check(ctx, ix, prev, st); err != nil {
		discard()
		return nil, st, err
	}
	n, _, _ := ix.Counts(ctx)
	writeBuildInfo(ix.Path(), buildInfo{Documents: n, Files: st.Files, Failed: st.Failed})
	if err := b.dir.Activate(ix.Path()); err != nil {
		discard()
		return nil, st, fmt.Errorf("switching to the new index: %w", err)
	}
	return ix, st, nil
}

// check decides whether a rebuilt index may replace the served one.
func (b *builder) check(ctx context.Context, ix, prev *search.Index, st *indexer.Stats) error {
	var problems []string
	n, _, err := ix.Counts(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		problems = append(problems, "the new index has no documents (is a corpus folder empty?)")
	}
	old := b.prevDocs
	if prev != nil {
		if c, _, err := prev.Counts(ctx); err == nil {
			old = c
		}
	}
	if old > 0 && float64(n) < b.minDocRatio*float64(old) {
		problems = append(problems, fmt.Sprintf("the new index has %d documents, fewer than %.0f%% of the %d served now", n, b.minDocRatio*100, old))
	}
	// a failure spike against the build served now (a first build has
	// nothing to compare with: it is built and its failures reported)
	if prevInfo := b.prevInfo; prevInfo != nil && st.Files > 0 {
		ratio := float64(st.Failed) / float64(st.Files)
		prevRatio := 0.0
		if prevInfo.Files > 0 {
			prevRatio = float64(prevInfo.Failed) / float64(prevInfo.Files)
		}
		if ratio > prevRatio+b.maxFailedRatio && st.Failed > prevInfo.Failed {
			problems = append(problems, fmt.Sprintf("%d of %d files failed to extract, up from %d of %d", st.Failed, st.Files, prevInfo.Failed, prevInfo.Files))
		}
	}
	for _, sym := range b.regression {
		res, err := ix.Search(ctx, search.Request{Query: sym, Size: 1, NoFacets: true, NoPassages: true})
		if err != nil {
			return err
		}
		if len(res.Hits) == 0 || res.Hits[0].Symbol != indexer.CanonicalSymbol(sym) && res.Hits[0].Symbol != sym {
			got := "nothing"
			if len(res.Hits) > 0 {
				got = res.Hits[0].Symbol
			}
			problems = append(problems, fmt.Sprintf("searching %s finds %s first", sym, got))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", errCheckFailed, strings.Join(problems, "; "))
	}
	return nil
}

// regressionSymbols picks symbols of the served index that a rebuild must
// still find first: every GB document and a sample of the rest.
func regressionSymbols(ctx context.Context, ix *search.Index, limit int) []string {
	if ix == nil {
		return nil
	}
	res, err := ix.Search(ctx, search.Request{Query: "", Size: min(limit, search.MaxSize), Sort: "symbol", NoFacets: true, NoPassages: true})
	if err != nil {
		return nil
	}
	var out []string
	for _, h := range res.Hits {
		// only symbols that search recognises as symbols: a known-item
		// lookup must put them first
		if _, err := indexer.ParseSymbol(h.Symbol); err == nil {
			out = append(out, h.Symbol)
		}
	}
	return out
}
