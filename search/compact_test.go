package search

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompact builds an index in several commits (several segments) and
// checks that compacting it leaves one segment that finds what the
// segments found: the same documents, totals, facets and passages. The
// order of the hits may change: bleve's BM25 estimates a field's average
// length from the distinct terms of each segment, which merging changes
// (as bleve's own background merges do).
func TestCompact(t *testing.T) {
	docs := parsedCorpus(t, 60, 7)
	ix := emptyIndex(t)
	ctx := context.Background()
	w := NewWriter(ix)
	for i, d := range docs {
		if err := w.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
		// a commit between two versions of a symbol re-indexes it, which
		// leaves deleted documents in the earlier segment: compacting
		// drops them
		if (i+1)%15 == 0 {
			if err := w.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	before, deleted := segmentsOf(t, ix)
	if before < 2 || deleted == 0 {
		t.Fatalf("%d segment(s) and %d deleted documents before compacting: the test needs several, and some", before, deleted)
	}
	if n := ix.Segments(); n != before {
		t.Errorf("Segments() = %d, the snapshot holds %d", n, before)
	}

	words, phrases := benchWords(docs)
	var reqs []Request
	for i := 0; i+1 < min(len(words), 24); i += 2 {
		reqs = append(reqs,
			Request{Query: words[i], Size: 100, Passages: 2},
			Request{Query: words[i] + " " + words[i+1], Size: 100},
			Request{Query: words[i] + " OR " + words[i+1], Size: 100},
			Request{Query: words[i] + " -" + words[i+1], Size: 100, Filters: map[string][]string{"lang": {"en"}}},
		)
	}
	for _, p := range phrases[:min(len(phrases), 10)] {
		reqs = append(reqs, Request{Query: p, Size: 100, Passages: 1})
	}
	// what a search finds, whatever its order: every hit (the corpus has
	// fewer documents than a page) with its passages
	type found struct {
		Total  int
		Facets map[string][]FacetValue
		Hits   map[string][]Passage
	}
	run := func() []found {
		var out []found
		for _, r := range reqs {
			res, err := ix.Search(ctx, r)
			if err != nil {
				t.Fatalf("%q: %v", r.Query, err)
			}
			f := found{Total: res.Total, Facets: res.Facets, Hits: map[string][]Passage{}}
			for _, h := range res.Hits {
				f.Hits[h.Symbol] = h.Passages
			}
			if len(f.Hits) != res.Total {
				t.Fatalf("%q: %d hits of %d: the page must hold them all", r.Query, len(f.Hits), res.Total)
			}
			out = append(out, f)
		}
		return out
	}
	want := run()
	total := 0
	for _, r := range want {
		total += r.Total
	}
	if total == 0 {
		t.Fatal("no query found anything: the comparison would prove nothing")
	}

	if err := ix.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if n, deleted := segmentsOf(t, ix); n != 1 || deleted != 0 {
		t.Errorf("%d segments and %d deleted documents after compacting %d, want 1 and none", n, deleted, before)
	}
	// the merged segments' files are gone, not left for the next open
	if files, _ := filepath.Glob(filepath.Join(ix.Path(), "store", "*.zap")); len(files) != 1 {
		t.Errorf("%d segment files on disk after compacting, want 1: %v", len(files), files)
	}
	if diff := cmp.Diff(want, run()); diff != "" {
		t.Errorf("results changed by compacting (-before +after):\n%s", diff)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := ix.Compact(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("Compact with a cancelled context: %v, want context.Canceled", err)
	}
}

// TestCompactIfFragmented: incremental updates that leave more than
// maxSmallSegments small segments are compacted, and fewer are left to
// bleve's own merging.
func TestCompactIfFragmented(t *testing.T) {
	docs := parsedCorpus(t, 40, 11)
	ix := emptyIndex(t)
	ctx := context.Background()
	w := NewWriter(ix)
	// one update per symbol, as a librarian adding files one at a time
	// would make them, until they are more than the limit
	put := 0
	for put < len(docs) && ix.SmallSegments() <= maxSmallSegments {
		sym := docs[put].Symbol
		for ; put < len(docs) && docs[put].Symbol == sym; put++ {
			if err := w.Put(ctx, docs[put]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if n := ix.SmallSegments(); n <= maxSmallSegments {
			if merged, err := ix.CompactIfFragmented(ctx); err != nil || merged != 0 {
				t.Fatalf("%d small segments: CompactIfFragmented = %d, %v; want no compaction", n, merged, err)
			}
		}
	}
	before := ix.SmallSegments()
	if before <= maxSmallSegments {
		t.Fatalf("%d updates left %d small segments: the test needs more than %d", put, before, maxSmallSegments)
	}
	merged, err := ix.CompactIfFragmented(ctx)
	if err != nil || merged <= maxSmallSegments {
		t.Fatalf("%d small segments: CompactIfFragmented = %d, %v; want them compacted", before, merged, err)
	}
	if n := ix.Segments(); n != 1 {
		t.Errorf("%d segments after compacting %d small ones, want 1", n, before)
	}
	if merged, err := ix.CompactIfFragmented(ctx); err != nil || merged != 0 {
		t.Errorf("after compacting: CompactIfFragmented = %d, %v; want nothing to do", merged, err)
	}
}

// emptyIndex creates an index that the test closes at its end.
func emptyIndex(t *testing.T) *Index {
	t.Helper()
	ix, err := Create(t.TempDir() + "/idx")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}
