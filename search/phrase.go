package search

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// phraseQuery matches the words of a text side by side in one field, as
// bleve's MatchPhraseQuery does, with the same hits, scores and locations,
// at less cost. At 10,000 generated versions bleve's phrase searcher made
// phrases about 4x slower than FTS5's (median) and 10x at the 99th
// percentile, while single words took 0.4x FTS5's time. What cost it most:
//   - for every document that holds all the words, it turns every
//     position of each word into a location, merges the words' lists and
//     pairs every location of a word with every location of the next
//     (findPhrasePaths). candidatePhraseSearcher reads plain positions and
//     finds each word's neighbours by binary search;
//   - within a search restricted to a few documents (the rescore of the
//     top hits, the locations of a result page), it reads the positions
//     of every document that holds all the words: after each match the
//     conjunction with the document IDs calls Next, which scans on to the
//     next phrase match anywhere in the index. Under restrictTo those
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

// restrictTo returns q restricted to the documents with these IDs, and the
// context to search it under, in which its phrases read only those
// documents' positions.
func restrictTo(ctx context.Context, ids []string, q query.Query) (context.Context, query.Query) {
	w := &within{ids: ids}
	return context.WithValue(ctx, withinKey{}, w), bleve.NewConjunctionQuery(withinQuery{w}, q)
}

// withinQuery matches the documents of w, as bleve's DocIDQuery matches
// them by ID (and scores them alike), sharing their numbers with the
// phrases under the same restriction.
type withinQuery struct{ w *within }

// Searcher implements query.Query.
func (q withinQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	nums, err := q.w.numbers(r)
	if err != nil {
		return nil, err
	}
	return newNumbersSearcher(nums, 1, opts), nil
}

// withinDocs returns a context under which phrase queries match only the
// documents with these IDs. The search must itself be restricted to them
// (restrictTo does both): this only saves phrase queries the work of
// looking anywhere else.
func withinDocs(ctx context.Context, ids []string) context.Context {
	return context.WithValue(ctx, withinKey{}, &within{ids: ids})
}

// within is the set of documents withinDocs names. Their numbers in an
// index snapshot are looked up once and shared by the search's phrase
// queries: a rescore has one for each language's text, and a lookup
// probes every segment's ID dictionary for each ID (a third of the
// rescore's time in the profile when each phrase did its own).
type within struct {
	ids []string

	mu     sync.Mutex
	reader index.IndexReader // the snapshot nums are of
	nums   []index.IndexInternalID
}

// numbers returns the documents' internal numbers in r, in order.
func (w *within) numbers(r index.IndexReader) ([]index.IndexInternalID, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.reader == r {
		return w.nums, nil
	}
	dr, err := r.DocIDReaderOnly(w.ids)
	if err != nil {
		return nil, err
	}
	defer dr.Close()
	var nums []index.IndexInternalID
	for {
		id, err := dr.Next()
		if err != nil {
			return nil, err
		}
		if id == nil {
			break
		}
		nums = append(nums, slices.Clone(id))
	}
	w.reader, w.nums = r, nums
	return nums, nil
}

// numbersSearcher matches the documents of a list of internal numbers, in
// order, each with the same score, as bleve's DocIDSearcher does.
type numbersSearcher struct {
	nums   []index.IndexInternalID
	next   int
	scorer *scorer.ConstantScorer
}

func newNumbersSearcher(nums []index.IndexInternalID, boost float64, opts bsearch.SearcherOptions) *numbersSearcher {
	return &numbersSearcher{nums: nums, scorer: scorer.NewConstantScorer(1, boost, opts)}
}

func (s *numbersSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if s.next >= len(s.nums) {
		return nil, nil
	}
	s.next++
	return s.scorer.Score(ctx, s.nums[s.next-1]), nil
}

func (s *numbersSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	s.next += sort.Search(len(s.nums)-s.next, func(i int) bool { return bytes.Compare(s.nums[s.next+i], id) >= 0 })
	return s.Next(ctx)
}

func (s *numbersSearcher) Close() error               { return nil }
func (s *numbersSearcher) Weight() float64            { return s.scorer.Weight() }
func (s *numbersSearcher) SetQueryNorm(n float64)     { s.scorer.SetQueryNorm(n) }
func (s *numbersSearcher) Count() uint64              { return uint64(len(s.nums)) }
func (s *numbersSearcher) Min() int                   { return 0 }
func (s *numbersSearcher) Size() int                  { return 64 + 8*len(s.nums) }
func (s *numbersSearcher) DocumentMatchPoolSize() int { return 1 }

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
		mq := query.NewMultiPhraseQuery(phrase, q.field)
		mq.SetBoost(q.boost)
		return mq.Searcher(ctx, r, m, opts)
	}
	var cands []bsearch.Searcher
	if w, ok := ctx.Value(withinKey{}).(*within); ok {
		nums, err := w.numbers(r)
		if err != nil {
			return nil, err
		}
		// candidates count nothing in the score
		cands = append(cands, newNumbersSearcher(nums, 0, opts))
	}
	return newCandidatePhraseSearcher(ctx, r, cands, phrase, q.field, q.boost, opts)
}

// emptySearcher matches nothing, with the weight of the searcher it
// stands for.
type emptySearcher struct{ weight float64 }

func (emptySearcher) Next(*bsearch.SearchContext) (*bsearch.DocumentMatch, error) { return nil, nil }
func (emptySearcher) Advance(*bsearch.SearchContext, index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return nil, nil
}
func (emptySearcher) Close() error               { return nil }
func (s emptySearcher) Weight() float64          { return s.weight }
func (emptySearcher) SetQueryNorm(float64)       {}
func (emptySearcher) Count() uint64              { return 0 }
func (emptySearcher) Min() int                   { return 0 }
func (emptySearcher) Size() int                  { return 8 }
func (emptySearcher) DocumentMatchPoolSize() int { return 0 }

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
//
// The words' searchers read no positions: each distinct word has a reader
// of its own positions as well, advanced only to the documents the
// conjunction matched. Through the searchers, bleve would turn every
// position into a location and merge the words' lists for each match (a
// quarter of the phrase searcher's time in the profile); the readers give
// plain positions, in order, which the phrase is matched against
// directly. The words' searchers (wordSearcher) tell each word's frequency
// in the match: the rarest word's positions are read first and the others
// only while an occurrence remains possible, so the most frequent word of
// a phrase is often never read. A word that the phrase repeats is read
// once.
type candidatePhraseSearcher struct {
	must      bsearch.Searcher
	done      bool     // must has no more matches
	words     []string // a word per position of the phrase; "" for a gap
	slot      []int    // per position, its word's index in distinct; -1 for a gap
	distinct  []string // the phrase's words, each once
	locations bool     // the search asked for them

	// per distinct word, opened by openReaders at the first candidate
	openReaders func() error
	readers     []*positionReader    // its positions
	locs        [][]segment.Location // what its reader last read
	ordered     []bool               // whether locs[i] are of one value, by position

	// scratch, per match
	order []int  // distinct words, in the order their positions are read
	cands []int  // the anchor's vectors where an occurrence may start
	keep  []kept // locations of the occurrences

	// per distinct word, its searcher (the one of its first position),
	// and its frequency in the document match is looking at
	wordSearchers []*wordSearcher
	freqs         []uint64

	// with a pair field (pairs.go): a reader of the pair of words j, j+1
	// (per position; nil where one is a gap), which decides with the
	// frequencies before any position is read
	pairReaders []index.TermFieldReader
	pairDocs    []*index.TermFieldDoc // where each pair reader stands
	pairEnd     []bool                // the pair reader has no more documents
}

// kept is one location of a phrase occurrence: position j's word at its
// reader's vector v.
type kept struct{ j, v int }

// newCandidatePhraseSearcher returns the phrase's searcher over the
// candidates.
func newCandidatePhraseSearcher(ctx context.Context, r index.IndexReader, cands []bsearch.Searcher, phrase [][]string, field string, boost float64,
	opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s := &candidatePhraseSearcher{
		words: make([]string, len(phrase)), slot: make([]int, len(phrase)),
		locations: opts.IncludeTermVectors,
	}
	opts.IncludeTermVectors = false
	parts := cands
	fail := func(err error) (bsearch.Searcher, error) {
		closeSearchers(parts)
		s.closeReaders()
		return nil, err
	}
	for j, p := range phrase {
		s.slot[j] = -1
		if len(p) == 0 {
			continue
		}
		s.words[j] = p[0]
		// a searcher per position, as bleve's phrase searcher has: a
		// repeated word counts in the score as often as it is repeated
		ts, err := newWordSearcher(ctx, r, p[0], field, boost, opts)
		if err != nil {
			return fail(err)
		}
		parts = append(parts, ts)
		if i := slices.Index(s.distinct, p[0]); i >= 0 {
			s.slot[j] = i
			continue
		}
		s.slot[j] = len(s.distinct)
		s.distinct = append(s.distinct, p[0])
		s.wordSearchers = append(s.wordSearchers, ts)
	}
	s.freqs = make([]uint64, len(s.distinct))
	for _, ts := range parts[len(cands):] {
		if ts.Count() == 0 {
			// a word the field does not hold at all (an English word in
			// the French text, most often): nothing can match. The weight
			// stays the words' searchers', as a parent's query norm
			// counts it.
			var weight float64
			for _, p := range parts[len(cands):] {
				weight += p.Weight()
			}
			closeSearchers(parts)
			return emptySearcher{weight}, nil
		}
	}
	// the words' positions, frequencies and pairs are read only once a
	// document holds all the words: in a search over several languages'
	// fields, most fields' conjunctions find none
	s.openReaders = func() error {
		for _, w := range s.distinct {
			pr, err := openPositions(r, []byte(w), field)
			if err != nil {
				return err
			}
			s.readers = append(s.readers, pr)
			s.locs = append(s.locs, nil)
			s.ordered = append(s.ordered, false)
		}
		if pf := pairFieldOf(field); pf != "" && len(s.words) > 1 {
			return s.openPairReaders(ctx, r, field, pf)
		}
		return nil
	}
	if len(parts) == len(cands) {
		return fail(fmt.Errorf("phrase: no words in %q", phrase))
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, parts, opts)
	if err != nil {
		return fail(err)
	}
	s.must = must
	// as bleve's phrase searcher does, before any parent sets its own norm
	s.must.SetQueryNorm(1 / math.Sqrt(s.must.Weight()))
	return s, nil
}

func (s *candidatePhraseSearcher) openPairReaders(ctx context.Context, r index.IndexReader, field, pairField string) error {
	n := len(s.words)
	s.pairReaders, s.pairDocs, s.pairEnd = make([]index.TermFieldReader, n-1), make([]*index.TermFieldDoc, n-1), make([]bool, n-1)
	var err error
	for j, w := range s.words[:n-1] {
		if w == "" || s.words[j+1] == "" {
			continue
		}
		if s.pairReaders[j], err = r.TermFieldReader(ctx, []byte(pairTerm(w, s.words[j+1])), pairField, false, false, false); err != nil {
			return err
		}
		s.pairDocs[j] = &index.TermFieldDoc{}
	}
	return nil
}

func (s *candidatePhraseSearcher) closeReaders() {
	for _, r := range s.pairReaders {
		if r != nil {
			_ = r.Close()
		}
	}
}

// freq is position j's word's frequency in the document match is looking
// at.
func (s *candidatePhraseSearcher) freq(j int) uint64 { return s.freqs[s.slot[j]] }

// byPairs decides whether the phrase is in document id from the pair
// field where it can (see pairs.go), without reading any position: a pair
// of adjacent words that both occur pairMinFreq times or more in the
// document and is not indexed rules the phrase out; a phrase of two such
// words is proved by their pair, unless its locations are asked for.
func (s *candidatePhraseSearcher) byPairs(id index.IndexInternalID) (decided, found bool, err error) {
	known := true
	for j, r := range s.pairReaders {
		if r == nil {
			continue
		}
		if s.freq(j) < pairMinFreq || s.freq(j+1) < pairMinFreq {
			known = false
			continue
		}
		at, err := s.advancePair(j, id)
		if err != nil {
			return false, false, err
		}
		if at != 0 {
			return true, false, nil
		}
	}
	if known && len(s.words) == 2 && !s.locations {
		return true, true, nil
	}
	return false, false, nil
}

// advancePair moves pair reader j to id, or past it where the pair is not
// in id, and compares where it stands with id. A reader that already
// stands past id is not asked again: scorch's readers restart from the
// first document when asked for one at or before where they stand.
func (s *candidatePhraseSearcher) advancePair(j int, id index.IndexInternalID) (int, error) {
	if s.pairEnd[j] {
		return 1, nil
	}
	if d := s.pairDocs[j]; len(d.ID) > 0 {
		if c := d.ID.Compare(id); c >= 0 {
			return c, nil
		}
	}
	d, err := s.pairReaders[j].Advance(id, s.pairDocs[j].Reset())
	if err != nil {
		return 0, err
	}
	if d == nil {
		s.pairEnd[j] = true
		return 1, nil
	}
	s.pairDocs[j] = d
	return d.ID.Compare(id), nil
}

func (s *candidatePhraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	m, err := s.must.Next(ctx)
	return s.firstPhrase(ctx, m, err)
}

func (s *candidatePhraseSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if s.done {
		// as bleve's phrase searcher: once at its end, it stays there.
		// bleve advances an exhausted child of a disjunction again, and
		// the words' searchers would go back to the start for it
		return nil, nil
	}
	m, err := s.must.Advance(ctx, id)
	return s.firstPhrase(ctx, m, err)
}

// firstPhrase returns m if its words stand side by side, else the next
// match that has them so.
func (s *candidatePhraseSearcher) firstPhrase(ctx *bsearch.SearchContext, m *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	for ; err == nil && m != nil; m, err = s.must.Next(ctx) {
		var ok bool
		if ok, err = s.match(m); err != nil {
			break
		}
		if ok {
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
	}
	s.done = err == nil
	return nil, err
}

// readPositions reads distinct word i's positions in document id.
func (s *candidatePhraseSearcher) readPositions(i int, id index.IndexInternalID) error {
	locs, err := s.readers[i].read(id)
	if err != nil {
		// cannot be: the word's searcher matched here, and its reader
		// reads the same snapshot
		return fmt.Errorf("%w (%q)", err, s.distinct[i])
	}
	s.locs[i] = locs
	s.ordered[i] = orderedPositions(locs)
	return nil
}

// match reads the words' positions in m's document and reports whether
// they stand side by side there. When the search asked for locations, it
// gives m those of every occurrence (each word of it). An occurrence lies
// within one value of the field (its array positions).
func (s *candidatePhraseSearcher) match(m *bsearch.DocumentMatch) (bool, error) {
	id := m.IndexInternalID
	if s.openReaders != nil {
		open := s.openReaders
		s.openReaders = nil
		if err := open(); err != nil {
			return false, err
		}
	}
	for i, ws := range s.wordSearchers {
		f, ok := ws.freqIn(id)
		if !ok {
			return false, fmt.Errorf("phrase: %q not found where its searcher matched it", s.distinct[i])
		}
		s.freqs[i] = f
	}
	if s.pairReaders != nil {
		decided, found, err := s.byPairs(id)
		if err != nil || decided {
			return found, err
		}
	}
	// the rarest word anchors the search for the others, whose positions
	// are read only while an occurrence remains possible
	s.order = s.order[:0]
	for i := range s.distinct {
		s.order = append(s.order, i)
	}
	slices.SortStableFunc(s.order, func(a, b int) int { return cmp.Compare(s.freqs[a], s.freqs[b]) })
	anchor := s.order[0]
	anchorJ := slices.Index(s.slot, anchor) // the anchor's first position in the phrase
	for n, i := range s.order {
		if err := s.readPositions(i, id); err != nil {
			return false, err
		}
		if n == 0 {
			s.cands = s.cands[:0]
			for v := range s.locs[anchor] {
				s.cands = append(s.cands, v)
			}
		}
		// keep the starts where word i stands at each of its positions
		still := s.cands[:0]
		for _, v := range s.cands {
			if s.standsAt(i, anchor, anchorJ, v) {
				still = append(still, v)
			}
		}
		s.cands = still
		if len(s.cands) == 0 {
			return false, nil
		}
	}
	if !s.locations {
		return true, nil
	}
	s.keep = s.keep[:0]
	for _, v := range s.cands {
		av := s.locs[anchor][v]
		for j, i := range s.slot {
			switch {
			case j == anchorJ:
				s.keep = append(s.keep, kept{j, v})
			case i >= 0:
				s.keep = append(s.keep, kept{j, s.position(i, av, j-anchorJ)})
			}
		}
	}
	ftls := m.FieldTermLocations[:0]
	for _, k := range s.keep {
		l := s.locs[s.slot[k.j]][k.v]
		var ap bsearch.ArrayPositions
		if a := l.ArrayPositions(); len(a) > 0 {
			ap = slices.Clone(a)
		}
		ftls = append(ftls, bsearch.FieldTermLocation{Field: l.Field(), Term: s.words[k.j],
			Location: bsearch.Location{Pos: l.Pos(), Start: l.Start(), End: l.End(), ArrayPositions: ap}})
	}
	m.FieldTermLocations = ftls
	return true, nil
}

// standsAt: distinct word i stands at each of its positions in the
// phrase, for the occurrence whose anchorJ-th word is the anchor's vector v.
func (s *candidatePhraseSearcher) standsAt(i, anchor, anchorJ, v int) bool {
	av := s.locs[anchor][v]
	for j, sl := range s.slot {
		if sl != i || (i == anchor && j == anchorJ) {
			continue
		}
		if s.position(i, av, j-anchorJ) < 0 {
			return false
		}
	}
	return true
}

// position returns the index of distinct word i's location at offset (not
// 0) from the anchor's location al, in al's value, or -1.
func (s *candidatePhraseSearcher) position(i int, al segment.Location, offset int) int {
	pos := int64(al.Pos()) + int64(offset)
	if pos <= 0 {
		return -1
	}
	return findPosition(s.locs[i], s.ordered[i], uint64(pos), al.ArrayPositions())
}

// findPosition returns the index of the location at pos within the value
// at ap, or -1. ordered says the locations are of one value, by position
// (a field of one value, the usual case): they are then searched by
// halves.
func findPosition(ls []segment.Location, ordered bool, pos uint64, ap []uint64) int {
	if ordered {
		i, found := slices.BinarySearchFunc(ls, pos, func(l segment.Location, p uint64) int { return cmp.Compare(l.Pos(), p) })
		if found && len(ap) == 0 {
			return i
		}
		return -1
	}
	for i, l := range ls {
		if l.Pos() == pos && slices.Equal(l.ArrayPositions(), ap) {
			return i
		}
	}
	return -1
}

// orderedPositions: the locations are of one value (no array positions),
// by position. A field's value is analysed into increasing positions, and
// every value of a field of several carries array positions, so the ends
// tell (checking every location took a tenth of a phrase's time).
func orderedPositions(ls []segment.Location) bool {
	if len(ls) == 0 {
		return true
	}
	first, last := ls[0], ls[len(ls)-1]
	return len(first.ArrayPositions()) == 0 && len(last.ArrayPositions()) == 0 && (len(ls) == 1 || first.Pos() < last.Pos())
}

func (s *candidatePhraseSearcher) Weight() float64        { return s.must.Weight() }
func (s *candidatePhraseSearcher) SetQueryNorm(n float64) { s.must.SetQueryNorm(n) }
func (s *candidatePhraseSearcher) Count() uint64          { return s.must.Count() }
func (s *candidatePhraseSearcher) Min() int               { return 0 }
func (s *candidatePhraseSearcher) Size() int              { return s.must.Size() }
func (s *candidatePhraseSearcher) DocumentMatchPoolSize() int {
	return s.must.DocumentMatchPoolSize() // it holds no match of its own
}
func (s *candidatePhraseSearcher) Close() error {
	s.closeReaders()
	return s.must.Close()
}
