package search

import (
	"context"
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/google/go-cmp/cmp"
)

// TestSearchByRelevance: the score-first search gives the page the full
// sort (score, then ID) gives: the same hits in the same order, with the
// same scores and sort values, on the real corpus, and where scores tie
// across the edge of the page.
func TestSearchByRelevance(t *testing.T) {
	ctx := context.Background()
	page := func(hits bsearch.DocumentMatchCollection) []string {
		var out []string
		for _, h := range hits {
			out = append(out, fmt.Sprintf("%s %g %v", h.ID, h.Score, h.Sort))
		}
		return out
	}
	check := func(t *testing.T, ix *Index, q string, from, size int) {
		t.Helper()
		sel, err := ix.selection(ctx, Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		req := func() *bleve.SearchRequest {
			r := bleve.NewSearchRequestOptions(sel.build(""), size, from, false)
			r.SortBy(sortOrder("relevance"))
			return r
		}
		want, err := ix.search(ctx, req())
		if err != nil {
			t.Fatal(err)
		}
		got, err := ix.searchByRelevance(ctx, req())
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want.Total {
			t.Errorf("%q from %d size %d: total %d, want %d", q, from, size, got.Total, want.Total)
		}
		if diff := cmp.Diff(page(want.Hits), page(got.Hits)); diff != "" {
			t.Errorf("%q from %d size %d: page (-want +got):\n%s", q, from, size, diff)
		}
	}

	t.Run("real corpus", func(t *testing.T) {
		ix, _ := realIndex(t)
		for _, q := range []string{"domestic workers", "labour", "migration OR migrant", `"social protection"`,
			"convention AND protection", "GB.319/POL/2", "the", "zzzunknownword"} {
			for _, p := range [][2]int{{0, 1}, {0, 10}, {3, 5}, {0, 100}} {
				check(t, ix, q, p[0], p[1])
			}
		}
	})

	t.Run("ties", func(t *testing.T) {
		// the same text under 30 IDs, indexed last ID first: every score
		// ties, and bleve's own order among ties is the reverse of the IDs'
		ix, err := Create(t.TempDir() + "/idx")
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		b := ix.bi.NewBatch()
		for i := 29; i >= 0; i-- {
			id := fmt.Sprintf("doc%02d", i)
			if err := indexDocument(b, ix.bi.Mapping(), nil, id, map[string]any{fType: typeDoc, fTextPrefix + "en": "decent work for domestic workers"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := ix.bi.Batch(b); err != nil {
			t.Fatal(err)
		}
		for _, p := range [][2]int{{0, 1}, {0, 10}, {5, 5}, {0, 30}, {25, 10}} {
			check(t, ix, "decent work", p[0], p[1])
		}
	})
}
