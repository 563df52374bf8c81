package search

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"
)

// TestPhrasePairs: phrases decided by the pair field (words that occur
// pairMinFreq times or more) find what bleve's phrase query finds: pairs
// present and absent, a frequent word beside a rare one (no pair indexed,
// positions decide), stop-word gaps, values of a field that a pair must
// not bridge, frequencies summed over several values, and a phrase of
// three words whose two pairs occur but never together.
func TestPhrasePairs(t *testing.T) {
	bi := scorchIndex(t)
	times := func(s string, n int) string { return strings.Repeat(s+" ", n) }
	k := pairMinFreq
	summed := make([]any, k)
	for i := range summed {
		summed[i] = "decent work"
	}
	docs := map[string]any{
		"adjacent":    times("decent work for all.", k+1),
		"apart":       times("decent jobs. work hours.", k+1),
		"rare":        "decent work. " + times("decent jobs.", k),
		"gap":         times("decent of work.", k+1),
		"values":      []any{times("decent", k), times("work", k)},
		"summed":      summed,
		"pairs only":  times("social protection systems and protection floor.", k),
		"three words": times("social protection floor.", k),
	}
	indexEnglishTexts(t, bi, docs)
	for text, want := range map[string][]string{
		"decent work":              {"adjacent", "rare", "summed"},
		"work decent":              {"gap", "rare"}, // across repeats: "work. decent"
		"decent of work":           {"apart", "gap"},
		"decent decent":            {"values"},
		"protection floor":         {"pairs only", "three words"},
		"social protection floor":  {"three words"},
		"floor social protection":  {"pairs only", "three words"},
		"systems protection":       nil, // "and" leaves a gap that no pair bridges
		"systems and protection":   {"pairs only"},
		"hours decent jobs":        {"apart"},
		"jobs work hours":          {"apart"},
		"work for all decent work": {"adjacent"},
		"decent decent decent":     {"values"},
		"work work":                {"values"},
	} {
		bq := bleve.NewMatchPhraseQuery(text)
		bq.SetField(fTextPrefix + "en")
		for _, locations := range []bool{false, true} {
			results := map[string][]string{}
			for name, q := range map[string]query.Query{"bleve": bq, "phraseQuery": newPhraseQuery(text, fTextPrefix+"en", 1)} {
				req := bleve.NewSearchRequest(q)
				req.SortBy([]string{"_id"})
				req.IncludeLocations = locations
				res, err := bi.Search(req)
				if err != nil {
					t.Fatal(err)
				}
				var got, hits []string
				for _, h := range res.Hits {
					got = append(got, h.ID)
					hits = append(hits, fmt.Sprintf("%s %.6f", h.ID, h.Score))
					if locations {
						hits = append(hits, locationList(h.Locations)...)
					}
				}
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s (locations %v): %q: got %v, want %v", name, locations, text, got, want)
				}
				results[name] = hits
			}
			// the same scores and, when asked for, the same locations
			if diff := cmp.Diff(results["bleve"], results["phraseQuery"]); diff != "" {
				t.Errorf("%q (locations %v) (-bleve +phraseQuery):\n%s", text, locations, diff)
			}
		}
	}
}

// locationList lists a hit's term locations, sorted, without repeats.
func locationList(locs bsearch.FieldTermLocationMap) []string {
	var out []string
	for f, terms := range locs {
		for term, ls := range terms {
			for _, l := range ls {
				out = append(out, fmt.Sprintf("%s %s %d %d-%d %v", f, term, l.Pos, l.Start, l.End, l.ArrayPositions))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestWordPairs(t *testing.T) {
	tok := func(term string, pos int) *analysis.Token {
		return &analysis.Token{Term: []byte(term), Position: pos}
	}
	for _, tc := range []struct {
		name    string
		values  []analysis.TokenStream
		minFreq int
		want    []string
	}{
		{"adjacent", []analysis.TokenStream{{tok("a", 1), tok("b", 2), tok("c", 3)}}, 1, []string{"a b", "b c"}},
		{"gap", []analysis.TokenStream{{tok("a", 1), tok("b", 3), tok("c", 4)}}, 1, []string{"b c"}},
		{"rare word", []analysis.TokenStream{{tok("a", 1), tok("b", 2), tok("a", 3), tok("c", 4)}}, 2, nil},
		{"frequent", []analysis.TokenStream{{tok("a", 1), tok("b", 2), tok("a", 3), tok("b", 4)}}, 2, []string{"a b", "b a", "a b"}},
		{"alternatives", []analysis.TokenStream{{tok("a", 1), tok("x", 1), tok("b", 2)}}, 1, []string{"a b", "x b"}},
		{"out of order", []analysis.TokenStream{{tok("b", 2), tok("a", 1)}}, 1, []string{"a b"}},
		{"values summed, not bridged", []analysis.TokenStream{{tok("a", 1), tok("b", 2)}, {tok("b", 1), tok("a", 2)}}, 2, []string{"a b", "b a"}},
		{"one word", []analysis.TokenStream{{tok("a", 1)}}, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := wordPairs(tc.values, tc.minFreq)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("pairs (-want +got):\n%s", diff)
			}
		})
	}
}

// scorchIndex is an empty index of the kind gbsearch uses (bleve's
// NewMemOnly makes an upsidedown index, which analyses documents its own
// way).
func scorchIndex(t *testing.T) bleve.Index {
	t.Helper()
	ix, err := Create(t.TempDir() + "/idx")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix.bi
}

// snapshotReader opens a reader of bi's current snapshot, closed when the
// test ends.
func snapshotReader(t *testing.T, bi bleve.Index) index.IndexReader {
	t.Helper()
	adv, err := bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// indexEnglishTexts indexes each text (a string, or values) as the English
// text of a searchable document with that ID, in one batch.
func indexEnglishTexts(t *testing.T, bi bleve.Index, texts map[string]any) {
	t.Helper()
	b := bi.NewBatch()
	for id, text := range texts {
		if err := indexDocument(b, bi.Mapping(), nil, id, map[string]any{fType: typeDoc, fTextPrefix + "en": text}); err != nil {
			t.Fatal(err)
		}
	}
	if err := bi.Batch(b); err != nil {
		t.Fatal(err)
	}
}

// wordPairs returns the terms of the pairs of words at adjacent positions
// of one value that both occur at least minFreq times in all the values,
// in order.
func wordPairs(values []analysis.TokenStream, minFreq int) []string {
	var out []string
	eachPair(values, countWords(values), minFreq, func(term []byte) { out = append(out, string(term)) })
	return out
}
