package search

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches the words of a text side by side in one field, as
// bleve's MatchPhraseQuery does, with the same hits, scores and locations,
// at less cost. At 10,000 generated versions bleve's phrase searcher made
// phrases 3.7x slower than FTS5's (median) and 10x at the 99th percentile,
// while single words took 0.4x FTS5's time. Two things cost it most:
//   - it pairs every location of a word with every location of the next
//     (see phraseMatcher);
//   - within a search restricted to a few documents (the rescore of the
//     top hits, the locations of a result page), it reads the positions
//     of every document that holds all the words: after each match the
//     conjunction with the document IDs calls Next, which scans on to the
//     next phrase match anywhere in the index. Under withinDocs those
//     documents drive the search, and only their positions are read.
type phraseQuery struct {
	text  string
	field string
	boost float64
}

func newPhraseQuery(text, field string, boost float64) *phraseQuery {
	return &phraseQuery{text: text, field: field, boost: boost}
}

type withinKey struct{}

// withinDocs returns a context under which phrase queries match only the
// documents with these IDs. The search must itself be restricted to them:
// this only saves phrase queries the work of looking anywhere else.
func withinDocs(ctx context.Context, ids []string) context.Context {
	return context.WithValue(ctx, withinKey{}, ids)
}

// Searcher implements query.Query.
func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	a := m.AnalyzerNamed(m.AnalyzerNameForPath(q.field))
	if a == nil {
		return nil, fmt.Errorf("phrase: no analyser for field %q", q.field)
	}
	phrase := phraseTerms(a.Analyze([]byte(q.text)))
	if len(phrase) == 0 {
		return query.NewMatchNoneQuery().Searcher(ctx, r, m, opts)
	}
	if !singleTermPositions(phrase) {
		return bleveMultiPhrase(ctx, r, m, opts, phrase, q.field, q.boost)
	}
	if ids, ok := ctx.Value(withinKey{}).([]string); ok {
		docs, err := searcher.NewDocIDSearcher(ctx, r, ids, 0, opts)
		if err != nil {
			return nil, err
		}
		return newCandidatePhraseSearcher(ctx, r, []bsearch.Searcher{docs}, phrase, q.field, q.boost, opts)
	}
	return newCandidatePhraseSearcher(ctx, r, nil, phrase, q.field, q.boost, opts)
}

func bleveMultiPhrase(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions,
	phrase [][]string, field string, boost float64) (bsearch.Searcher, error) {
	mq := query.NewMultiPhraseQuery(phrase, field)
	mq.SetBoost(boost)
	return mq.Searcher(ctx, r, m, opts)
}

func closeSearchers(ss []bsearch.Searcher) {
	for _, s := range ss {
		_ = s.Close()
	}
}

// phraseTerms groups analysed tokens by position, as bleve's
// MatchPhraseQuery does: an empty slot is a word the analyser dropped (a
// stop word), which any word may fill.
func phraseTerms(tokens analysis.TokenStream) [][]string {
	if len(tokens) == 0 {
		return nil
	}
	first, last := tokens[0].Position, tokens[0].Position
	for _, t := range tokens {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	out := make([][]string, last-first+1)
	for _, t := range tokens {
		out[t.Position-first] = append(out[t.Position-first], string(t.Term))
	}
	return out
}

// singleTermPositions: every position holds at most one word (no synonyms
// or alternatives, which bleve answers with a disjunction per position).
func singleTermPositions(phrase [][]string) bool {
	for _, p := range phrase {
		if len(p) > 1 {
			return false
		}
	}
	return true
}

// candidatePhraseSearcher is a conjunction of candidates (searchers of
// the only documents that may match, none of which counts in the score)
// and the phrase's words, whose matches are kept where the words stand side
// by side. A match scores what bleve's phrase searcher gives it: the sum of
// its words' scores.
type candidatePhraseSearcher struct {
	must      bsearch.Searcher
	matcher   *phraseMatcher
	locations bool // the search asked for them
}

func newCandidatePhraseSearcher(ctx context.Context, r index.IndexReader, cands []bsearch.Searcher, phrase [][]string, field string, boost float64,
	opts bsearch.SearcherOptions) (*candidatePhraseSearcher, error) {
	locations := opts.IncludeTermVectors
	opts.IncludeTermVectors = true
	parts := cands
	for _, p := range phrase {
		if len(p) == 0 {
			continue
		}
		ts, err := searcher.NewTermSearcher(ctx, r, p[0], field, boost, opts)
		if err != nil {
			closeSearchers(parts)
			return nil, err
		}
		parts = append(parts, ts)
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, parts, opts)
	if err != nil {
		closeSearchers(parts)
		return nil, err
	}
	s := &candidatePhraseSearcher{must: must, matcher: newPhraseMatcher(phrase), locations: locations}
	// as bleve's phrase searcher does, before any parent sets its own norm
	s.must.SetQueryNorm(1 / math.Sqrt(s.must.Weight()))
	return s, nil
}

func (s *candidatePhraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	m, err := s.must.Next(ctx)
	return s.firstPhrase(ctx, m, err)
}

func (s *candidatePhraseSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	m, err := s.must.Advance(ctx, id)
	return s.firstPhrase(ctx, m, err)
}

// firstPhrase returns m if its words stand side by side, else the next
// match that has them so.
func (s *candidatePhraseSearcher) firstPhrase(ctx *bsearch.SearchContext, m *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	for ; err == nil && m != nil; m, err = s.must.Next(ctx) {
		if kept, ok := s.matcher.match(m.FieldTermLocations, s.locations); ok {
			m.FieldTermLocations = kept
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
	}
	return nil, err
}

// phraseMatcher finds the occurrences of a phrase among a match's term
// locations. bleve's phrase searcher builds a map of every location of
// each match and pairs each location of a word with every location of the
// next (findPhrasePaths): with words that occur hundreds of times in a
// document, that was a quarter of all query CPU in the profile of the
// 10,000-version comparison. Here the locations of each word are sorted
// once and the next word's are found by binary search, in buffers that
// serve one match after another (a searcher runs on one goroutine).
type phraseMatcher struct {
	words  []string // a word per position of the phrase; "" for a gap
	first  int      // the first position with a word
	byWord [][]int  // per position, the indexes of its word's locations, by field and position
	keep   []int
}

func newPhraseMatcher(phrase [][]string) *phraseMatcher {
	pm := &phraseMatcher{words: make([]string, len(phrase)), byWord: make([][]int, len(phrase)), first: -1}
	for i, p := range phrase {
		if len(p) > 0 {
			pm.words[i] = p[0]
			if pm.first < 0 {
				pm.first = i
			}
		}
	}
	return pm
}

// match reports whether the phrase occurs among a match's term locations.
// With all, it keeps in place and returns the locations of every
// occurrence (each word of it), for a search that asked for locations;
// without, it stops at the first occurrence and returns none. An
// occurrence lies within one field and one value of it (its array
// positions).
func (pm *phraseMatcher) match(ftls []bsearch.FieldTermLocation, all bool) ([]bsearch.FieldTermLocation, bool) {
	if pm.first < 0 {
		return nil, false
	}
	for j := range pm.byWord {
		pm.byWord[j] = pm.byWord[j][:0]
	}
	for i := range ftls {
		for j, w := range pm.words {
			if w != "" && ftls[i].Term == w {
				pm.byWord[j] = append(pm.byWord[j], i)
			}
		}
	}
	order := func(a, b int) int {
		if c := strings.Compare(ftls[a].Field, ftls[b].Field); c != 0 {
			return c
		}
		return cmp.Compare(ftls[a].Location.Pos, ftls[b].Location.Pos)
	}
	// the rarest word anchors the search for the others
	anchor := pm.first
	for j := range pm.byWord {
		if pm.words[j] == "" {
			continue
		}
		if len(pm.byWord[j]) < len(pm.byWord[anchor]) {
			anchor = j
		}
		if !slices.IsSortedFunc(pm.byWord[j], order) {
			slices.SortFunc(pm.byWord[j], order)
		}
	}
	pm.keep = pm.keep[:0]
	for _, i := range pm.byWord[anchor] {
		l := &ftls[i]
		start := len(pm.keep)
		pm.keep = append(pm.keep, i)
		for j := range pm.words {
			if j == anchor || pm.words[j] == "" {
				continue
			}
			pos := int64(l.Location.Pos) + int64(j-anchor)
			c, ok := -1, pos > 0
			if ok {
				c, ok = pm.find(ftls, j, l.Field, uint64(pos), l.Location.ArrayPositions)
			}
			if !ok {
				pm.keep = pm.keep[:start]
				break
			}
			pm.keep = append(pm.keep, c)
		}
		if !all && len(pm.keep) > 0 {
			return ftls[:0], true
		}
	}
	if len(pm.keep) == 0 {
		return nil, false
	}
	slices.Sort(pm.keep)
	pm.keep = slices.Compact(pm.keep)
	// keep is ascending, so each kept location moves down or stays;
	// swapped rather than copied, so that no two entries share the array
	// positions that bleve's scorer reuses when the match is recycled
	for k, i := range pm.keep {
		ftls[k], ftls[i] = ftls[i], ftls[k]
	}
	return ftls[:len(pm.keep)], true
}

// find returns the index of the location of position j's word at pos in
// field, within the value at ap.
func (pm *phraseMatcher) find(ftls []bsearch.FieldTermLocation, j int, field string, pos uint64, ap bsearch.ArrayPositions) (int, bool) {
	list := pm.byWord[j]
	k, _ := slices.BinarySearchFunc(list, 0, func(i, _ int) int {
		if c := strings.Compare(ftls[i].Field, field); c != 0 {
			return c
		}
		return cmp.Compare(ftls[i].Location.Pos, pos)
	})
	for ; k < len(list) && ftls[list[k]].Field == field && ftls[list[k]].Location.Pos == pos; k++ {
		if ftls[list[k]].Location.ArrayPositions.Equals(ap) {
			return list[k], true
		}
	}
	return 0, false
}

func (s *candidatePhraseSearcher) Weight() float64        { return s.must.Weight() }
func (s *candidatePhraseSearcher) SetQueryNorm(n float64) { s.must.SetQueryNorm(n) }
func (s *candidatePhraseSearcher) Count() uint64          { return s.must.Count() }
func (s *candidatePhraseSearcher) Min() int               { return 0 }
func (s *candidatePhraseSearcher) Size() int              { return s.must.Size() }
func (s *candidatePhraseSearcher) DocumentMatchPoolSize() int {
	return s.must.DocumentMatchPoolSize() + 1
}
func (s *candidatePhraseSearcher) Close() error { return s.must.Close() }
