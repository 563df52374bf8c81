package search

import (
	"runtime"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Analysing a version's text was a quarter of a rebuild's CPU: bleve's
// word segmenter and the stemmers run on every word of every text, and
// the generated corpus, like the archive, says the same few thousand
// words again and again. A text is therefore analysed a chunk at a time,
// where a chunk is what lies between runs of ASCII white space, and each
// chunk's tokens are remembered: a chunk seen before ("Organization,")
// costs a map lookup.
//
// It gives the tokens the whole text would have given, because a word
// never spans white space and every filter of our analysers (lower case,
// elision, possessive, stop words, stemmers) looks at one token at a time.
// Two details keep it exact: a run of white space followed by a combining
// mark, a format character or the like is not a boundary (Unicode attaches
// those to the character before them, here the space), and positions count the
// words a stop filter removed, as bleve's do. TestChunkedAnalysis and
// FuzzChunkedAnalysis compare it with the analyser itself.

// maxCachedChunks bounds each cache (a full one starts again empty), and
// maxCachedChunk keeps URLs and document symbols out of it: each is
// mostly cited once. What is left is a language's words with their
// punctuation, of which Zipf's law makes a few thousand most of a text:
// on 1,000 generated versions, caches of 1,024 to 16,384 chunks all found
// 86% of the chunks they were asked for. An entry takes ~340 bytes, so
// each cache stays under 1.5 MB.
const (
	maxCachedChunks = 1 << 12
	maxCachedChunk  = 32
)

// analysisCache holds, for each analyser, the chunks its texts were made
// of. A Writer owns one, so that the memory goes with the writer.
// Each analyser has several caches: an analysis takes one for the whole
// text, so that bleve's analysis workers do not contend for a lock word by
// word; a text that finds all of them busy is analysed without one.
type analysisCache struct {
	mu sync.Mutex
	of map[*analysis.DefaultAnalyzer][]chunkCache
}

func newAnalysisCache() *analysisCache {
	return &analysisCache{of: map[*analysis.DefaultAnalyzer][]chunkCache{}}
}

type chunkCache struct {
	mu     sync.Mutex
	chunks map[string]*analysedChunk
}

// analysedChunk is what the analyser made of a chunk on its own.
type analysedChunk struct {
	words  int // tokens the tokenizer made, those a filter removed included
	tokens []chunkToken
}

// chunkToken is a token relative to its chunk.
type chunkToken struct {
	term       []byte // shared by every use; nothing downstream writes to it
	start, end int32
	position   int32 // from 0
	typ        analysis.TokenType
	keyWord    bool
}

func (c *analysisCache) cachesFor(a *analysis.DefaultAnalyzer) []chunkCache {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs := c.of[a]
	if cs == nil {
		cs = make([]chunkCache, min(max(runtime.GOMAXPROCS(0), 2), 8))
		c.of[a] = cs
	}
	return cs
}

// analyse returns what a.Analyze(text) returns, a chunk at a time. A nil
// cache, an analyser it cannot split (character filters see the whole
// text, other kinds of analyser are opaque) and text that is not UTF-8
// (bleve's segmenter stops at the first invalid byte, which a chunk would
// only do for itself) analyse the text whole.
func (c *analysisCache) analyse(a analysis.Analyzer, text []byte) analysis.TokenStream {
	da, ok := a.(*analysis.DefaultAnalyzer)
	if c == nil || !ok || len(da.CharFilters) > 0 || !utf8.Valid(text) {
		return a.Analyze(text)
	}
	caches := c.cachesFor(da)
	var cache *chunkCache
	for i := range caches {
		if caches[i].mu.TryLock() {
			cache = &caches[i]
			break
		}
	}
	if cache == nil {
		return a.Analyze(text)
	}
	defer cache.mu.Unlock()
	if cache.chunks == nil {
		cache.chunks = make(map[string]*analysedChunk, 1024)
	}

	// one block of tokens for the whole text, as bleve's tokenizer does
	out := make(analysis.TokenStream, 0, len(text)/6+1)
	var block []analysis.Token
	words := 0
	eachChunk(text, func(start, end int) {
		chunk := text[start:end]
		ac := cache.chunks[string(chunk)]
		if ac == nil {
			ac = analyseChunk(da, chunk)
			if len(chunk) <= maxCachedChunk {
				if len(cache.chunks) >= maxCachedChunks {
					clear(cache.chunks)
				}
				cache.chunks[string(chunk)] = ac
			}
		}
		for _, ct := range ac.tokens {
			if len(block) == cap(block) {
				block = make([]analysis.Token, 0, max(256, len(text)/12))
			}
			block = append(block, analysis.Token{
				Term:     ct.term,
				Start:    start + int(ct.start),
				End:      start + int(ct.end),
				Position: words + int(ct.position) + 1,
				Type:     ct.typ,
				KeyWord:  ct.keyWord,
			})
			out = append(out, &block[len(block)-1])
		}
		words += ac.words
	})
	return out
}

// analyseChunk runs the analyser's tokenizer and filters on a copy of one
// chunk (filters may write to the bytes they are given).
func analyseChunk(a *analysis.DefaultAnalyzer, chunk []byte) *analysedChunk {
	own := append([]byte(nil), chunk...)
	tokens := a.Tokenizer.Tokenize(own)
	ac := &analysedChunk{words: len(tokens)}
	for _, f := range a.TokenFilters {
		tokens = f.Filter(tokens)
	}
	ac.tokens = make([]chunkToken, len(tokens))
	for i, t := range tokens {
		ac.tokens[i] = chunkToken{
			term:     append([]byte(nil), t.Term...),
			start:    int32(t.Start),
			end:      int32(t.End),
			position: int32(t.Position - 1),
			typ:      t.Type,
			keyWord:  t.KeyWord,
		}
	}
	return ac
}

// eachChunk calls f with the bounds of each chunk of text: the stretches
// between runs of ASCII white space. A run followed by a combining mark or
// a format character stays inside its chunk.
func eachChunk(text []byte, f func(start, end int)) {
	start := 0
	for i := 0; i < len(text); {
		if !isASCIISpace(text[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && isASCIISpace(text[j]) {
			j++
		}
		if j < len(text) && text[j] >= utf8.RuneSelf {
			if r, _ := utf8.DecodeRune(text[j:]); !startsWord(r) {
				i = j
				continue
			}
		}
		if i > start {
			f(start, i)
		}
		start = j
		i = j
	}
	if start < len(text) {
		f(start, len(text))
	}
}

// startsWord reports whether a character after white space is sure to
// start a segment of its own. Unicode's word rules attach an "Extend" or
// "Format" character to the one before it; those are marks, format
// characters and a few modifier letters and symbols, so all of those
// categories are left out, and so is invalid UTF-8.
func startsWord(r rune) bool {
	return r != utf8.RuneError && unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lo,
		unicode.N, unicode.P, unicode.Sm, unicode.Sc, unicode.So, unicode.Z)
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
