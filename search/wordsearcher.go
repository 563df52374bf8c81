package search

import (
	"context"
	"fmt"
	"math"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
)

// wordSearcher is bleve's term searcher (searcher.NewTermSearcher: the
// same reader, scorer and scores) that also tells a word's frequency in
// the documents it last matched. A phrase needs each word's frequency in
// a candidate to choose which positions to read first and whether the
// pair field decides (pairs.go). Asking a second reader of the word for
// it walked the word's postings a second time: a zap postings list is
// read in order, document by document, so advancing a reader costs about
// as much as the postings it passes. In a rescore of the top hits that
// walk was a fifth of the time.
//
// bleve's own constructor also answers with a synonym searcher when the
// search context maps the term to synonyms; gbsearch's mapping defines no
// synonym sources, so that branch never applies to it.
type wordSearcher struct {
	reader index.TermFieldReader
	scorer *scorer.TermQueryScorer
	tfd    index.TermFieldDoc
	// the documents it returned last and before: a conjunction moves
	// every child on past a match before its parent looks at the match
	cur, prev docFreq
}

type docFreq struct {
	id   index.IndexInternalID // a copy: the reader reuses its own
	freq uint64
	ok   bool
}

func newWordSearcher(ctx context.Context, r index.IndexReader, term, field string, boost float64, opts bsearch.SearcherOptions) (*wordSearcher, error) {
	if err := bsearch.RecordTermSearcher(ctx); err != nil {
		return nil, err
	}
	var count uint64
	var avgLength float64
	var err error
	if model, _ := ctx.Value(bsearch.GetScoringModelCallbackKey).(bsearch.GetScoringModelCallbackFn); model != nil && model() == index.BM25Scoring {
		count, avgLength, err = bm25Metrics(ctx, field, r)
	} else {
		count, err = r.DocCount()
	}
	if err != nil {
		return nil, err
	}
	// frequencies and norms are read whatever the options say: the phrase
	// needs the frequencies
	reader, err := r.TermFieldReader(ctx, []byte(term), field, true, true, false)
	if err != nil {
		return nil, err
	}
	return &wordSearcher{
		reader: reader,
		scorer: scorer.NewTermQueryScorer([]byte(term), field, boost, count, reader.Count(), avgLength, opts),
	}, nil
}

// bm25Metrics are the document count and average field length that
// bleve's term searcher scores BM25 with.
func bm25Metrics(ctx context.Context, field string, r index.IndexReader) (uint64, float64, error) {
	var count uint64
	var cardinality int
	if stats, ok := ctx.Value(bsearch.BM25StatsKey).(*bsearch.BM25Stats); ok {
		count = uint64(stats.DocCount)
		if cardinality, ok = stats.FieldCardinality[field]; !ok {
			return 0, 0, fmt.Errorf("field stat for bm25 not present %s", field)
		}
	} else {
		var err error
		if count, err = r.DocCount(); err != nil {
			return 0, 0, err
		}
		if br, ok := r.(index.BM25Reader); ok {
			if cardinality, err = br.FieldCardinality(field); err != nil {
				return 0, 0, err
			}
		}
	}
	if count == 0 && cardinality == 0 {
		return 0, 0, nil
	}
	return count, math.Ceil(float64(cardinality) / float64(count)), nil
}

func (s *wordSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	d, err := s.reader.Next(s.tfd.Reset())
	return s.matched(ctx, d, err)
}

func (s *wordSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := s.reader.Advance(id, s.tfd.Reset())
	return s.matched(ctx, d, err)
}

func (s *wordSearcher) matched(ctx *bsearch.SearchContext, d *index.TermFieldDoc, err error) (*bsearch.DocumentMatch, error) {
	s.prev, s.cur = s.cur, s.prev
	s.cur.ok = false
	if err != nil || d == nil {
		return nil, err
	}
	s.cur = docFreq{id: append(s.cur.id[:0], d.ID...), freq: d.Freq, ok: true}
	return s.scorer.Score(ctx, d), nil
}

// freqIn returns the word's frequency in document id, one of the last
// two it matched.
func (s *wordSearcher) freqIn(id index.IndexInternalID) (uint64, bool) {
	if s.cur.ok && s.cur.id.Equals(id) {
		return s.cur.freq, true
	}
	if s.prev.ok && s.prev.id.Equals(id) {
		return s.prev.freq, true
	}
	return 0, false
}

func (s *wordSearcher) Close() error               { return s.reader.Close() }
func (s *wordSearcher) Weight() float64            { return s.scorer.Weight() }
func (s *wordSearcher) SetQueryNorm(n float64)     { s.scorer.SetQueryNorm(n) }
func (s *wordSearcher) Count() uint64              { return s.reader.Count() }
func (s *wordSearcher) Min() int                   { return 0 }
func (s *wordSearcher) Size() int                  { return 128 + s.reader.Size() + s.scorer.Size() }
func (s *wordSearcher) DocumentMatchPoolSize() int { return 1 }
