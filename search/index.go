package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Errors callers branch on.
var (
	// ErrNoIndex means the index directory does not exist (yet).
	ErrNoIndex = errors.New("no index")
	// ErrLocked means another process holds the index open.
	ErrLocked = errors.New("index is in use by another process")
	// ErrBadQuery marks a query or request that cannot be run as given.
	ErrBadQuery = errors.New("bad query")
	// ErrNotFound means the document asked for is not in the index.
	ErrNotFound = errors.New("not found")
)

// openTimeout bounds the wait for the index's file lock: bleve's bolt store
// otherwise waits forever when another process holds it.
const openTimeout = 2 * time.Second

// maxClauses caps what one query may expand to (prefix, fuzzy and wildcard
// terms, clauses of a disjunction): past it the query is refused with a
// clear error rather than run for seconds.
const maxClauses = 4096

func init() {
	searcher.DisjunctionMaxClauseCount = maxClauses
}

// Index is an open bleve index with the gbsearch mapping.
type Index struct {
	bi     bleve.Index
	path   string
	facets *facetColumns // see facetcount.go

	closeOnce sync.Once
	closeErr  error
}

// Create makes a new, empty index at dir.
func Create(dir string) (*Index, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	bi, err := bleve.NewUsing(dir, NewMapping(), scorch.Name, scorch.Name, runtimeConfig())
	if err != nil {
		return nil, fmt.Errorf("creating index %s: %w", dir, err)
	}
	ix := &Index{bi: bi, path: dir, facets: newFacetColumns()}
	if err := bi.SetInternal([]byte(keyMappingVersion), []byte(MappingVersion)); err != nil {
		bi.Close()
		return nil, fmt.Errorf("creating index %s: %w", dir, err)
	}
	return ix, nil
}

// Open opens an existing index. It fails fast with [ErrLocked] when another
// process holds it, and with [ErrNoIndex] when there is none.
func Open(dir string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s", ErrNoIndex, dir)
	}
	bi, err := bleve.OpenUsing(dir, runtimeConfig())
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) || strings.Contains(err.Error(), "timeout") {
			return nil, fmt.Errorf("opening %s: %w (close the other gbsearch, or serve and index through it)", dir, ErrLocked)
		}
		if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) || errors.Is(err, bleve.ErrorIndexMetaMissing) {
			return nil, fmt.Errorf("%w at %s", ErrNoIndex, dir)
		}
		return nil, fmt.Errorf("opening index %s: %w", dir, err)
	}
	return &Index{bi: bi, path: dir, facets: newFacetColumns()}, nil
}

func runtimeConfig() map[string]any {
	return map[string]any{
		"bolt_timeout": openTimeout.String(),
		"scorchMergePlanOptions": map[string]any{
			"MaxSegmentSize": maxSegmentDocs,
		},
	}
}

// maxSegmentDocs caps the documents (bleve's: searchable documents, their
// texts, versions and file records) of a segment that merging produces.
// A merge reads its input segments through mmap, and every page it touches
// counts in the process's memory until the inputs are closed: with bleve's
// default cap (5,000,000 documents, 4 GiB files) a build of 100,000
// generated versions ended in a merge of 2.96 GB and peaked at 3,657 MB
// RSS. At 40,000 documents (~400 MB segments of ~20 KB versions) the same
// build peaked at 863 MB (412 MB anonymous, 492 MB file-backed), at the
// price of more segments for each search to visit (16–17 at 100,000 as
// bleve's merges leave them, 8 once Compact has packed them to the cap).
const maxSegmentDocs = 40000

// Compact merges the index's segments into as few as the cap on a
// segment's documents (maxSegmentDocs) allows, as the last step of a full
// build. Every search visits every segment: each word's dictionary is
// looked up and its postings opened in each. bleve merges in the
// background by tiers and stops where a build ends, which left the 10,000
// generated versions in 7 segments; in one, the median AND of words took
// 2.0 ms instead of 3.2 (bench -n 10000 -reuse). It costs a rewrite of the
// merged segments (2.6 s there, 4.9 s for the 100,000 versions' 16
// segments, 8 after). Searches go on meanwhile, on the segments as they
// were. Scores move a little: bleve's BM25 estimates a field's average
// length from each segment's distinct terms. An incremental update calls
// it only once small segments have piled up (CompactIfFragmented): on
// every update it would rewrite every segment under the cap for a file.
func (ix *Index) Compact(ctx context.Context) error {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("compacting %s: %w", ix.path, err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	plan := mergeplan.SingleSegmentMergePlanOptions
	plan.MaxSegmentSize = maxSegmentDocs
	failedBefore := mergeErrors(s)
	done := make(chan error, 1)
	go func() { done <- s.ForceMerge(ctx, &plan) }()
	// bleve retries a failed forced merge until it succeeds and only
	// counts the failures: a full disk would wait here for ever
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				return fmt.Errorf("compacting %s: %w", ix.path, err)
			}
			ix.awaitCleanup(ctx)
			return nil
		case <-ctx.Done():
			return fmt.Errorf("compacting %s: %w", ix.path, ctx.Err())
		case <-tick.C:
			if mergeErrors(s) > failedBefore {
				return fmt.Errorf("compacting %s: bleve's merge failed (its error is in the log and in gbsearch_bleve_async_errors)", ix.path)
			}
		}
	}
}

// maxSmallSegments is how many small segments (those Compact would merge:
// under half the cap's live documents, as bleve's merge plan picks them)
// an index may have before CompactIfFragmented compacts it. A `gbsearch
// index` run commits small segments and exits before bleve's background
// merging gets to them: a corpus updated run after run was searched in
// more and more segments until a full rebuild. Compacting after every
// update would rewrite the small segments for each file changed; waiting
// for a few spreads that cost over several updates.
const maxSmallSegments = 3

// SmallSegments counts the segments that compacting would merge.
func (ix *Index) SmallSegments() int {
	n := 0
	for _, live := range ix.segmentSizes() {
		if live < maxSegmentDocs/2 {
			n++
		}
	}
	return n
}

// CompactIfFragmented compacts the index when it has more than
// maxSmallSegments small segments, the step after an incremental update.
// It returns how many small segments it compacted: 0 when it left the
// index as it was.
func (ix *Index) CompactIfFragmented(ctx context.Context) (int, error) {
	small := ix.SmallSegments()
	if small <= maxSmallSegments {
		return 0, nil
	}
	return small, ix.Compact(ctx)
}

// awaitCleanup waits a while for bleve to delete the files of the merged
// segments, which it does once it has persisted the new root and no search
// holds them. A build closes its index right after compacting: the files
// would stay on disk until the index is next opened, and the new index
// would look twice its size. A snapshot still held (a search running on
// an index being served) keeps them: the wait gives up after 30 s and
// bleve deletes them later.
func (ix *Index) awaitCleanup(ctx context.Context) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		files, _ := filepath.Glob(filepath.Join(ix.path, "store", "*.zap"))
		if len(files) <= ix.Segments() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mergeErrors counts the failures of bleve's file merges so far.
func mergeErrors(s *scorch.Scorch) uint64 {
	var n uint64
	if st, ok := s.StatsMap()["TotFileMergeLoopErr"].(uint64); ok {
		n = st
	}
	return n
}

// Segments is how many segments a search visits now.
func (ix *Index) Segments() int { return len(ix.segmentSizes()) }

// segmentSizes are the live documents of each segment a search visits now
// (none if the index cannot say).
func (ix *Index) segmentSizes() []int64 {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil
	}
	r, err := adv.Reader()
	if err != nil {
		return nil
	}
	defer r.Close()
	segs, err := segmentsOfReader(r)
	if err != nil {
		return nil
	}
	sizes := make([]int64, len(segs.segs))
	for i, s := range segs.segs {
		sizes[i] = s.LiveSize()
	}
	return sizes
}

// Path is the index directory.
func (ix *Index) Path() string { return ix.path }

// Close closes the index; later calls return the first result.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() { ix.closeErr = ix.bi.Close() })
	return ix.closeErr
}

// Internal keys.
const (
	keyMappingVersion   = "gbsearch:mapping"
	keyExtractorVersion = "gbsearch:extractor"
	keyBuildInfo        = "gbsearch:build"
)

// MappingVersionOf reports the mapping version the index was built with.
func (ix *Index) MappingVersionOf() string {
	v, _ := ix.bi.GetInternal([]byte(keyMappingVersion))
	return string(v)
}

// GetInternal reads a value the indexer keeps beside the documents.
func (ix *Index) GetInternal(key string) ([]byte, error) {
	return ix.bi.GetInternal([]byte(key))
}

// Counts returns the number of searchable documents in total and by kind.
func (ix *Index) Counts(ctx context.Context) (total int, byKind map[string]int, err error) {
	// counted as a search's facets are (facetcount.go): each metrics
	// scrape asks for these
	tctx, tally := ix.facets.withFacetTally(ctx, []string{fKind})
	res, err := ix.search(tctx, bleve.NewSearchRequestOptions(docsOnly(bleve.NewMatchAllQuery()), 0, 0, false))
	if err != nil {
		return 0, nil, err
	}
	byKind = map[string]int{}
	for _, v := range tally.values(0, 100) {
		byKind[v.Value] = v.Count
	}
	return int(res.Total), byKind, nil
}

// SizeBytes is the size of the index on disk.
func (ix *Index) SizeBytes() int64 {
	var n int64
	_ = filepath.WalkDir(ix.path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// Stats returns bleve's own counters (StatsMap), flattened: among them the
// background merge and persist errors that bleve otherwise only counts.
func (ix *Index) Stats() map[string]float64 {
	out := map[string]float64{}
	flatten("", ix.bi.StatsMap(), out)
	return out
}

func flatten(prefix string, m map[string]any, out map[string]float64) {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			flatten(key, x, out)
		case uint64:
			out[key] = float64(x)
		case int64:
			out[key] = float64(x)
		case int:
			out[key] = float64(x)
		case float64:
			out[key] = x
		case json.Number:
			if f, err := x.Float64(); err == nil {
				out[key] = f
			}
		}
	}
}

// search runs a bleve request, turning a panic inside bleve into an error:
// one malformed query must not take the server down.
func (ix *Index) search(ctx context.Context, req *bleve.SearchRequest) (res *bleve.SearchResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("search panicked: %v", p)
		}
	}()
	res, err = ix.bi.SearchInContext(ctx, req)
	if err != nil {
		if strings.Contains(err.Error(), "TooManyClauses") || strings.Contains(err.Error(), "too many clauses") {
			return nil, fmt.Errorf("%w: the query expands to more than %d terms; make prefixes, wildcards or fuzzy terms more specific", ErrBadQuery, searcher.DisjunctionMaxClauseCount)
		}
		return nil, err
	}
	return res, nil
}
