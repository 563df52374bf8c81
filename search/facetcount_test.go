package search

import (
	"context"
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/google/go-cmp/cmp"
)

// TestFacetTally: the facet counts gbsearch keeps are bleve's, value for
// value, on the real corpus and on an index of several segments with
// replaced (deleted) documents in them, for whole searches and for pages
// after a cursor.
func TestFacetTally(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, ix *Index, q string, size int) {
		t.Helper()
		sel, err := ix.selection(ctx, Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		req := bleve.NewSearchRequestOptions(sel.build(""), 10, 0, false)
		req.SortBy(sortOrder("relevance"))
		var fields []string
		for _, f := range Facets {
			req.AddFacet(f.Name, bleve.NewFacetRequest(f.Field, size))
			fields = append(fields, f.Field)
		}
		tctx, tally := ix.facets.withFacetTally(ctx, fields)
		res, err := ix.search(tctx, req)
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range Facets {
			want := []FacetValue{}
			if fr := res.Facets[f.Name]; fr != nil && fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					want = append(want, FacetValue{Value: t.Term, Count: t.Count})
				}
			}
			if diff := cmp.Diff(want, tally.values(i, size)); diff != "" {
				t.Errorf("%q, facet %s (size %d) (-bleve +tally):\n%s", q, f.Name, size, diff)
			}
		}
	}

	t.Run("real corpus", func(t *testing.T) {
		ix, _ := realIndex(t)
		for _, q := range []string{"labour", "domestic workers", `"social protection"`, "convention OR recommendation", "zzzunknownword", "cites:C189"} {
			for _, size := range []int{3, 1000} {
				check(t, ix, q, size)
			}
		}
	})

	t.Run("segments and deletions", func(t *testing.T) {
		// merged segments capped at 25 documents: the 100 documents stay
		// in several segments
		dir := t.TempDir() + "/idx"
		bi, err := bleve.NewUsing(dir, NewMapping(), scorch.Name, scorch.Name, map[string]any{
			"scorchMergePlanOptions": map[string]any{"MaxSegmentSize": 25},
		})
		if err != nil {
			t.Fatal(err)
		}
		ix := &Index{bi: bi, path: dir, facets: newFacetColumns()}
		defer ix.Close()
		doc := func(i, round int) map[string]any {
			return map[string]any{
				fType: typeDoc, fTextPrefix + "en": fmt.Sprintf("decent work round %d", round),
				fKind: []string{"gb-document", "un-document", "instrument"}[i%3], fLang: []string{"en", "fr"}[i%2],
				fSession: fmt.Sprint(300 + (i+round)%7), fCitesInstr: []string{fmt.Sprintf("C%d", 100+i%5), fmt.Sprintf("C%d", 100+(i+round)%4)},
			}
		}
		// five batches, five segments; each batch after the first replaces
		// some documents of the earlier ones, which leaves them deleted there
		for round := range 5 {
			b := ix.bi.NewBatch()
			for i := round * 20; i < round*20+20; i++ {
				if err := indexDocument(b, ix.bi.Mapping(), nil, fmt.Sprintf("d%03d", i), doc(i, round)); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < round*20; i += 7 {
				if err := indexDocument(b, ix.bi.Mapping(), nil, fmt.Sprintf("d%03d", i), doc(i, round)); err != nil {
					t.Fatal(err)
				}
			}
			if err := ix.bi.Batch(b); err != nil {
				t.Fatal(err)
			}
		}
		segs, deleted := segmentsOf(t, ix)
		if segs < 2 || deleted == 0 {
			t.Fatalf("%d segments, %d deleted documents: the test needs several, and some", segs, deleted)
		}
		for _, q := range []string{"decent", "round", "work AND kind:instrument"} {
			for _, size := range []int{2, 100} {
				check(t, ix, q, size)
			}
		}
	})
}

// segmentsOf reports the segments of ix's current snapshot and the
// deleted documents they hold. It lets go of the snapshot at once: a
// snapshot held keeps the files of segments merged since on disk.
func segmentsOf(t *testing.T, ix *Index) (segments int, deleted uint64) {
	t.Helper()
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		t.Fatalf("reader is a %T", r)
	}
	for _, s := range snap.Segments() {
		if d := s.Deleted(); d != nil {
			deleted += d.GetCardinality()
		}
	}
	return len(snap.Segments()), deleted
}

// TestCounts: the documents by kind (the status page, the metrics) are
// those of the corpus indexed, each symbol once.
func TestCounts(t *testing.T) {
	ix, docs := realIndex(t)
	want := map[string]int{}
	seen := map[string]bool{}
	for _, d := range docs {
		if !seen[d.Symbol] {
			seen[d.Symbol] = true
			want[d.Kind]++
		}
	}
	total, byKind, err := ix.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if total != len(seen) {
		t.Errorf("total %d, want %d symbols", total, len(seen))
	}
	if diff := cmp.Diff(want, byKind); diff != "" {
		t.Errorf("by kind (-corpus +Counts):\n%s", diff)
	}
}
