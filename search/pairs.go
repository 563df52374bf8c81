package search

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Phrases of common words were the tail of gbsearch's query times: with
// the archive's vocabulary such a phrase's words all occur in most
// documents, often dozens of times each, and finding where they stand side
// by side meant reading every one of those positions. So each text field
// has a companion field of word pairs: the pair "a b" is indexed for a
// document when a stands just before b somewhere in the text and both
// words occur at least pairMinFreq times in it. The pairs are indexed
// without frequencies, norms or positions (a bit per document), and only
// between frequent words, because those are the ones whose positions cost
// much to read; a word that occurs fewer times has few positions to read.
//
// A phrase (candidatePhraseSearcher) reads each word's frequency in a
// candidate document first. Where two adjacent words both reach
// pairMinFreq, the pair field is authoritative: no pair, no phrase, and
// no position is read; for a phrase of two words the pair alone proves
// the phrase. The invariant this needs is that every document with a text
// field has its pairs indexed by the same rule (indexDocument is the one
// way such documents enter the index; MappingVersion 6 rebuilds older
// indexes).
//
// Measured with the compare tool at 10,000 generated versions (bench -n
// 10000, BENCHMARKS.md): the phrase median fell from 9.9 to 7.7–8.3 ms and
// its 99th percentile from 100 to 62–66 ms; the build took 15–20% more
// CPU and the index grew from 1.38 to 1.44 times the text. A threshold of
// 16 kept the index at 1.41x but left the median where it was; 4 made it
// 1.60x at 1,000 versions.

// fPairPrefix starts the names of the pair fields, one per text field:
// fPairPrefix+lang beside fTextPrefix+lang.
const fPairPrefix = "pair_"

// pairMinFreq is how many times each word of a pair must occur in the
// text for the pair to be indexed. Queries trust it to say which pairs an
// index holds: a change to it needs a new MappingVersion.
const pairMinFreq = 8

// pairSep joins the words of a pair term. Analysed words never hold a
// space: the analysers split on it.
const pairSep = ' '

// pairTerm is the term of the pair of analysed words a, b, as eachPair
// indexes it.
func pairTerm(a, b string) string { return a + string(pairSep) + b }

// pairFieldOf names the pair field of a text field, or "" if it has none.
func pairFieldOf(field string) string {
	if lang, ok := strings.CutPrefix(field, fTextPrefix); ok {
		return fPairPrefix + lang
	}
	return ""
}

// withWordPairs gives each text field of doc its pair field. Each text
// is analysed once for both: the text field's analyser is wrapped so that
// the pairs are made from the same tokens. A field of several values
// counts its words' frequencies over all of them, as bleve does, and pairs
// only the words within one value.
func withWordPairs(doc *document.Document, cache *analysisCache) error {
	if doc.HasComposite() {
		// a composite field (_all) would take in the pairs as words
		return fmt.Errorf("document %s: pairs need a mapping without composite fields", doc.ID())
	}
	byName := map[string]*pairField{}
	var pairs []*pairField
	for i, f := range doc.Fields {
		tf, ok := f.(*document.TextField)
		if !ok {
			continue
		}
		name := pairFieldOf(tf.Name())
		if name == "" {
			continue
		}
		pf := byName[name]
		if pf == nil {
			pf = &pairField{name: name}
			byName[name] = pf
			pairs = append(pairs, pf)
		}
		shared := &sharedAnalysis{analyzer: tf.Analyzer(), value: tf.Value(), cache: cache}
		pf.values = append(pf.values, shared)
		doc.Fields[i] = document.NewTextFieldCustom(tf.Name(), tf.ArrayPositions(), tf.Value(), tf.Options(), tapAnalyzer{shared})
	}
	for _, pf := range pairs {
		doc.AddField(pf)
	}
	return nil
}

// indexDocument maps fields to a searchable document with its pairs and
// puts it in the batch: the one way documents with text fields enter the
// index, so that every one has its pairs. cache, if not nil, remembers the
// texts' chunks for the documents that follow.
func indexDocument(b *bleve.Batch, m mapping.IndexMapping, cache *analysisCache, id string, fields map[string]any) error {
	doc := document.NewDocument(id)
	if err := m.MapDocument(doc, fields); err != nil {
		return fmt.Errorf("indexing %s: %w", id, err)
	}
	if err := withWordPairs(doc, cache); err != nil {
		return fmt.Errorf("indexing %s: %w", id, err)
	}
	if err := b.IndexAdvanced(doc); err != nil {
		return fmt.Errorf("indexing %s: %w", id, err)
	}
	return nil
}

// sharedAnalysis is one text's tokens, analysed once for its text field
// and its pair field, whichever asks first. bleve analyses a document's
// fields one after the other, in one goroutine; the Once is for safety.
type sharedAnalysis struct {
	analyzer analysis.Analyzer
	value    []byte
	cache    *analysisCache
	once     sync.Once
	tokens   analysis.TokenStream
}

func (s *sharedAnalysis) get() analysis.TokenStream {
	s.once.Do(func() { s.tokens = s.cache.analyse(s.analyzer, s.value) })
	return s.tokens
}

// tapAnalyzer gives the text field the shared tokens.
type tapAnalyzer struct{ shared *sharedAnalysis }

func (t tapAnalyzer) Analyze([]byte) analysis.TokenStream { return t.shared.get() }

// pairField is the index.Field of a text field's word pairs.
type pairField struct {
	name   string
	values []*sharedAnalysis // the text field's values
	length int
	freqs  index.TokenFrequencies
}

func (f *pairField) Name() string             { return f.name }
func (f *pairField) ArrayPositions() []uint64 { return nil }
func (f *pairField) Options() index.FieldIndexingOptions {
	return index.IndexField | index.SkipFreqNorm
}
func (f *pairField) Value() []byte             { return nil }
func (f *pairField) NumPlainTextBytes() uint64 { return 0 } // the text field counts them
func (f *pairField) Size() int                 { return 64 + len(f.name) }
func (f *pairField) EncodedFieldType() byte    { return 't' }
func (f *pairField) AnalyzedLength() int       { return f.length }
func (f *pairField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	return f.freqs
}

func (f *pairField) Analyze() {
	values := make([]analysis.TokenStream, len(f.values))
	for i, v := range f.values {
		values[i] = v.get()
	}
	// counted again rather than taken from the text field: what bleve
	// keeps there differs between its index types (upsidedown merges a
	// field's values into the first one's counts as it analyses them)
	freq := countWords(values)
	f.freqs = index.TokenFrequencies{}
	f.length = 0
	eachPair(values, freq, pairMinFreq, func(term []byte) {
		f.length++
		if _, ok := f.freqs[string(term)]; !ok {
			// no frequency: the field is indexed with SkipFreqNorm
			f.freqs[string(term)] = &index.TokenFreq{Term: term}
		}
	})
	for _, v := range f.values {
		v.tokens = nil // both fields have what they need from them
	}
}

func countWords(values []analysis.TokenStream) func(term []byte) int {
	freq := map[string]int{}
	for _, tokens := range values {
		for _, t := range tokens {
			freq[string(t.Term)]++
		}
	}
	return func(term []byte) int { return freq[string(term)] }
}

// eachPair calls fn with the term of each pair of words at adjacent
// positions of one value whose words both have at least minFreq in freq.
// A position may hold several tokens (an analyser may give alternatives);
// each pairs with each token of the next position. The term passed is
// fn's to keep.
func eachPair(values []analysis.TokenStream, freq func(term []byte) int, minFreq int, fn func(term []byte)) {
	var terms []byte
	for _, tokens := range values {
		if len(tokens) < 2 {
			continue
		}
		if !slices.IsSortedFunc(tokens, func(a, b *analysis.Token) int { return a.Position - b.Position }) {
			tokens = slices.Clone(tokens)
			slices.SortStableFunc(tokens, func(a, b *analysis.Token) int { return a.Position - b.Position })
		}
		// tokens[i:j] hold one position, tokens[j:k] the next one
		for i := 0; i < len(tokens); {
			j := i
			for j < len(tokens) && tokens[j].Position == tokens[i].Position {
				j++
			}
			k := j
			for k < len(tokens) && tokens[k].Position == tokens[i].Position+1 {
				k++
			}
			for _, a := range tokens[i:j] {
				if freq(a.Term) < minFreq {
					continue
				}
				for _, b := range tokens[j:k] {
					if freq(b.Term) < minFreq {
						continue
					}
					// the terms share one backing array: a text of thousands
					// of words would otherwise cost thousands of allocations
					start := len(terms)
					terms = append(terms, a.Term...)
					terms = append(terms, pairSep)
					terms = append(terms, b.Term...)
					fn(terms[start:len(terms):len(terms)])
				}
			}
			i = j
		}
	}
}
