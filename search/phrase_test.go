package search

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"

	"gbsearch/indexer"
)

// TestPhraseQuery: a phraseQuery finds what bleve's phrase query finds,
// with the same scores and locations, whether it searches the whole index
// (with locations asked for or not) or reads only the positions of the
// documents a search is restricted to (the rescore of the top hits, the
// locations of a result page).
func TestPhraseQuery(t *testing.T) {
	ix, docs := realIndex(t)
	symbols := make([]string, 0, len(docs))
	seen := map[string]bool{}
	for _, d := range docs {
		if !seen[d.Symbol] {
			seen[d.Symbol] = true
			symbols = append(symbols, d.Symbol)
		}
	}
	sort.Strings(symbols)
	phrases := samplePhrases(docs, 60)
	phrases = append(phrases, "workers domestic", "domestic workers", "right to organise", "zzqx unheard", "A/RES/67/219")

	type hit struct {
		Score     float64
		Locations []string
	}
	run := func(ctx context.Context, ids []string, pq query.Query, locations bool) map[string]hit {
		t.Helper()
		q := bleve.NewConjunctionQuery(docsOnly(bleve.NewDocIDQuery(ids)), pq)
		req := bleve.NewSearchRequestOptions(q, len(ids), 0, false)
		req.IncludeLocations = locations
		res, err := ix.search(ctx, req)
		if err != nil {
			t.Fatalf("%v: %v", pq, err)
		}
		out := map[string]hit{}
		for _, h := range res.Hits {
			var locs []string
			for f, terms := range h.Locations {
				for term, ls := range terms {
					for _, l := range ls {
						locs = append(locs, fmt.Sprintf("%s %s %d %d-%d %v", f, term, l.Pos, l.Start, l.End, l.ArrayPositions))
					}
				}
			}
			slices.Sort(locs)
			if !locations {
				// bleve's phrase searcher gives them unasked
				locs = nil
			}
			out[h.ID] = hit{h.Score, slices.Compact(locs)}
		}
		return out
	}
	sameScore := cmp.Comparer(func(a, b float64) bool { return a == b || (a-b)*(a-b) < 1e-18 })
	matched, narrower := 0, 0
	subsets := [][]string{symbols, symbols[:len(symbols)/3], everyOther(symbols)}
	fields := []string{fTextPrefix + "en", fTextPrefix + "fr", fTitlePrefix + "en"}
	for _, text := range phrases {
		// as the rescore asks: the phrase in several fields at once, some
		// of which lack its words, where each clause's weight counts in
		// the others' scores
		var bqs, pqs []query.Query
		for _, field := range fields {
			bq := bleve.NewMatchPhraseQuery(text)
			bq.SetField(field)
			bqs = append(bqs, bq)
			pqs = append(pqs, newPhraseQuery(text, field, 1))
		}
		want := run(context.Background(), symbols, bleve.NewDisjunctionQuery(bqs...), false)
		for _, ctx := range []context.Context{context.Background(), withinDocs(context.Background(), symbols)} {
			got := run(ctx, symbols, bleve.NewDisjunctionQuery(pqs...), false)
			if diff := cmp.Diff(want, got, sameScore); diff != "" {
				t.Errorf("%q in %v (-bleve +phraseQuery):\n%s", text, fields, diff)
			}
		}
		// and as restrictTo gives it to the rescore, against bleve's own
		// restriction to the same documents
		ids := everyOther(symbols)
		scores := func(ctx context.Context, q query.Query) map[string]float64 {
			res, err := ix.search(ctx, bleve.NewSearchRequestOptions(q, len(ids), 0, false))
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]float64{}
			for _, h := range res.Hits {
				out[h.ID] = h.Score
			}
			return out
		}
		rctx, rq := restrictTo(context.Background(), ids, bleve.NewDisjunctionQuery(pqs...))
		wantR := scores(context.Background(), bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), bleve.NewDisjunctionQuery(bqs...)))
		if diff := cmp.Diff(wantR, scores(rctx, rq), sameScore); diff != "" {
			t.Errorf("%q in %v, restricted (-bleve +restrictTo):\n%s", text, fields, diff)
		}
		for _, field := range fields {
			for _, ids := range subsets {
				bq := bleve.NewMatchPhraseQuery(text)
				bq.SetField(field)
				bq.SetBoost(1.5)
				pq := newPhraseQuery(text, field, 1.5)
				want := run(context.Background(), ids, bq, true)
				for _, c := range []struct {
					name      string
					ctx       context.Context
					locations bool
				}{
					{"anywhere", context.Background(), true},
					{"anywhere, without locations", context.Background(), false},
					{"within the documents", withinDocs(context.Background(), ids), true},
				} {
					w := want
					if !c.locations {
						w = run(context.Background(), ids, bq, false)
					}
					got := run(c.ctx, ids, pq, c.locations)
					if diff := cmp.Diff(w, got, sameScore); diff != "" {
						t.Errorf("%q in %s over %d documents, %s (-bleve +phraseQuery):\n%s", text, field, len(ids), c.name, diff)
					}
				}
				if len(want) > 0 {
					matched++
				}
				all := bleve.NewMatchQuery(text)
				all.SetField(field)
				all.SetOperator(query.MatchQueryOperatorAnd)
				res, err := ix.search(context.Background(), bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(docsOnly(bleve.NewDocIDQuery(ids)), all), 0, 0, false))
				if err != nil {
					t.Fatal(err)
				}
				if uint64(len(want)) < res.Total {
					narrower++
				}
			}
		}
	}
	// not a comparison of empty answers: many phrases match, and some match
	// fewer documents than hold all their words
	t.Logf("%d phrases, %d searches matched, %d narrower than their words", len(phrases), matched, narrower)
	if matched < 50 || narrower == 0 {
		t.Errorf("only %d phrase searches matched, %d narrower than their words: the comparison proves little", matched, narrower)
	}
}

// samplePhrases takes runs of 2–4 words from paragraphs of the corpus,
// stop words and all, deterministically.
func samplePhrases(docs map[string]*indexer.Document, n int) []string {
	ids := make([]string, 0, len(docs))
	for id := range docs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []string
	for i := 0; len(out) < n && i < len(ids)*4; i++ {
		d := docs[ids[(i*7)%len(ids)]]
		if len(d.Paragraphs) == 0 {
			continue
		}
		words := strings.Fields(d.Paragraphs[i%len(d.Paragraphs)].Text)
		size := 2 + i%3
		if len(words) < size+i%5 {
			continue
		}
		out = append(out, strings.Join(words[i%5:i%5+size], " "))
	}
	return out
}

func everyOther(s []string) []string {
	var out []string
	for i := 0; i < len(s); i += 2 {
		out = append(out, s[i])
	}
	return out
}

// TestPhraseCases: words dropped by the analyser (gaps), repeated words,
// and values of a field that a phrase must not bridge, each against what
// bleve's phrase query finds and against the expected answer.
func TestPhraseCases(t *testing.T) {
	bi := scorchIndex(t)
	docs := map[string]any{
		"A": "the rights of domestic workers were recognized",
		"B": "workers who are domestic and rights that are recognized",
		"C": "work work work and more work for decent work",
		"D": []any{"rights of domestic", "workers were recognized"},
	}
	indexEnglishTexts(t, bi, docs)
	for text, want := range map[string][]string{
		"domestic workers":                    {"A"},
		"rights of domestic workers":          {"A"},
		"rights of domestic":                  {"A", "D"},
		"domestic workers were recognized":    {"A"},
		"workers domestic":                    nil,
		"workers who are domestic":            {"B"},
		"rights that are recognized":          {"B"},
		"recognized rights":                   nil,
		"domestic workers who are recognized": nil,
		"work work":                           {"C"},
		"work work work work":                 nil,
		"decent work":                         {"C"},
		"workers of domestic":                 nil, // both in D, at positions 1 and 3 of its two values
		"rights were recognized":              nil,
		"more work for decent work":           {"C"},
	} {
		bq := bleve.NewMatchPhraseQuery(text)
		bq.SetField(fTextPrefix + "en")
		for name, q := range map[string]query.Query{"bleve": bq, "phraseQuery": newPhraseQuery(text, fTextPrefix+"en", 1)} {
			req := bleve.NewSearchRequest(q)
			req.SortBy([]string{"_id"})
			res, err := bi.Search(req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: %q: got %v, want %v", name, text, got, want)
			}
		}
	}
}

// TestPhraseAdvanceBack: bleve may advance a searcher it has run to its
// end back to an earlier document than the last its phrase was looked for
// in (a disjunction advances a child it has exhausted to its own next
// document). The phrase searcher then answers as bleve's does, its
// positions read anew.
func TestPhraseAdvanceBack(t *testing.T) {
	bi := scorchIndex(t)
	// a batch each, in this order: E and F hold both words, not the phrase
	for _, d := range [][2]string{
		{"A", "domestic workers"}, {"B", "workers"}, {"C", "rights of domestic workers"},
		{"D", "domestic workers and domestic work"}, {"E", "domestic chores of workers"}, {"F", "domestic matters of workers"},
	} {
		indexEnglishTexts(t, bi, map[string]any{d[0]: d[1]})
	}
	r := snapshotReader(t, bi)
	internal := func(id string) index.IndexInternalID {
		n, err := r.InternalID(id)
		if err != nil || n == nil {
			t.Fatalf("%s: %v", id, err)
		}
		return n
	}
	walk := func(q query.Query) []string {
		s, err := q.Searcher(context.Background(), r, bi.Mapping(), bsearch.SearcherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(10, 0), IndexReader: r}
		id := func(m *bsearch.DocumentMatch, err error) string {
			if err != nil {
				t.Fatal(err)
			}
			if m == nil {
				return "end"
			}
			ext, err := r.ExternalID(m.IndexInternalID)
			if err != nil {
				t.Fatal(err)
			}
			return ext
		}
		var out []string
		for {
			m, err := s.Next(sctx)
			out = append(out, id(m, err))
			if m == nil {
				break
			}
		}
		return append(out, "back to E", id(s.Advance(sctx, internal("E"))), id(s.Next(sctx)))
	}
	bq := bleve.NewMatchPhraseQuery("domestic workers")
	bq.SetField(fTextPrefix + "en")
	want := []string{"A", "C", "D", "end", "back to E", "end", "end"}
	if got := walk(bq); !slices.Equal(got, want) {
		t.Errorf("bleve: %v, want %v", got, want)
	}
	if got := walk(newPhraseQuery("domestic workers", fTextPrefix+"en", 1)); !slices.Equal(got, want) {
		t.Errorf("phraseQuery: %v, want %v", got, want)
	}
}
