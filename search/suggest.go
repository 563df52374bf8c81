package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"gbsearch/indexer"
)

// Suggestion is a document proposed while a researcher types in the search
// box: by its symbol (or an alias) or by the words of its title.
type Suggestion struct {
	Symbol string `json:"symbol"`
	Title  string `json:"title"`
	Kind   string `json:"kind"`
	Date   string `json:"date,omitempty"`
	// Match says what the typed text matched: "symbol" or "title".
	Match string `json:"match"`
}

// Limits of suggest and facet-value requests.
const (
	DefaultSuggest   = 8
	MaxSuggest       = 20
	MaxSuggestLength = 100 // characters typed
	// suggestScan bounds the alias terms read from the dictionary for one
	// spelling of the typed text: a one-letter prefix must not read them all.
	suggestScan = 200
	// maxFacetPrefixTerms bounds the facet values a prefix may select;
	// they become one disjunction, which maxClauses caps as well.
	maxFacetPrefixTerms = maxClauses / 2
)

// Suggest proposes documents for text as typed so far: first those with a
// symbol or alias starting with it ("GB.319/P", "c18", "a/res/67"), then
// those whose title has its words, the last one possibly cut short
// ("domestic wor"). It reads the alias dictionary rather than running
// prefix queries on it, so a short prefix costs a bounded scan, never a
// query over thousands of expanded terms.
func (ix *Index) Suggest(ctx context.Context, text string, size int) ([]Suggestion, error) {
	text = strings.TrimSpace(text)
	if size == 0 {
		size = DefaultSuggest
	}
	if size < 0 || size > MaxSuggest {
		return nil, fmt.Errorf("%w: size must be between 1 and %d", ErrBadQuery, MaxSuggest)
	}
	if utf8.RuneCountInString(text) > MaxSuggestLength {
		return nil, fmt.Errorf("%w: suggest takes at most %d characters", ErrBadQuery, MaxSuggestLength)
	}
	out := []Suggestion{}
	if text == "" {
		return out, nil
	}
	bySymbol, err := ix.suggestSymbols(ctx, text, size)
	if err != nil {
		return nil, err
	}
	out = append(out, bySymbol...)
	if len(out) >= size {
		return out[:size], nil
	}
	seen := map[string]bool{}
	for _, s := range out {
		seen[s.Symbol] = true
	}
	byTitle, err := ix.suggestTitles(ctx, text, size+len(out))
	if err != nil {
		return nil, err
	}
	for _, s := range byTitle {
		if len(out) == size {
			break
		}
		if !seen[s.Symbol] {
			out = append(out, s)
		}
	}
	return out, nil
}

// suggestSymbols finds documents with an alias starting with text in the
// spellings people type: as typed, upper case, canonical.
func (ix *Index) suggestSymbols(ctx context.Context, text string, size int) ([]Suggestion, error) {
	variants := []string{text, strings.ToUpper(text)}
	if c := indexer.CanonicalSymbol(text); c != "" {
		variants = append(variants, c)
	}
	terms := map[string]bool{}
	for _, v := range variants {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := ix.scanDict(fAliases, v, suggestScan, func(term string) { terms[term] = true }); err != nil {
			return nil, err
		}
	}
	if len(terms) == 0 {
		return nil, nil
	}
	var should []query.Query
	for _, t := range keys(terms) {
		q := bleve.NewTermQuery(t)
		q.SetField(fAliases)
		should = append(should, q)
	}
	// the dictionary also holds terms of deleted documents: the query keeps
	// only live ones
	req := bleve.NewSearchRequestOptions(docsOnly(bleve.NewDisjunctionQuery(should...)), size*2, 0, false)
	req.Fields = []string{fInfo, fAliases}
	req.SortBy([]string{fSymbolSort, "_id"})
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, err
	}
	type ranked struct {
		s     Suggestion
		exact bool
	}
	var rs []ranked
	for _, h := range res.Hits {
		exact := strings.EqualFold(h.ID, text)
		for _, a := range storedStrings(h.Fields[fAliases]) {
			exact = exact || strings.EqualFold(a, text)
		}
		rs = append(rs, ranked{suggestionOf(h.ID, h.Fields[fInfo], "symbol"), exact})
	}
	// what was typed in full comes first; the rest stays in symbol order
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].exact && !rs[j].exact })
	var out []Suggestion
	for _, r := range rs {
		if len(out) == size {
			break
		}
		out = append(out, r.s)
	}
	return out, nil
}

// scanDict calls f with up to limit terms of field starting with prefix.
func (ix *Index) scanDict(field, prefix string, limit int, f func(string)) error {
	d, err := ix.bi.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return fmt.Errorf("reading the %s dictionary: %w", field, err)
	}
	defer d.Close()
	for n := 0; n < limit; n++ {
		e, err := d.Next()
		if err != nil {
			return fmt.Errorf("reading the %s dictionary: %w", field, err)
		}
		if e == nil {
			break
		}
		f(e.Term)
	}
	return nil
}

// suggestTitles finds documents whose title (in any searched language) has
// the words typed, the last one as a prefix unless it is followed by a space.
func (ix *Index) suggestTitles(ctx context.Context, text string, size int) ([]Suggestion, error) {
	words := strings.Fields(text)
	last := ""
	if !strings.HasSuffix(text, " ") && len(words) > 0 {
		last, words = strings.ToLower(words[len(words)-1]), words[:len(words)-1]
	}
	complete := strings.Join(words, " ")
	var perLang []query.Query
	for _, l := range searchLanguages {
		field := fTitlePrefix + l
		var must []query.Query
		if complete != "" && len(analyze(l, complete)) > 0 {
			m := bleve.NewMatchQuery(complete)
			m.SetField(field)
			m.SetOperator(query.MatchQueryOperatorAnd)
			must = append(must, m)
		}
		if last != "" {
			// the last word as typed may be whole ("workers", stemmed to
			// "worker") or cut short ("wor"); a one-letter prefix would
			// expand to most of the vocabulary and says too little
			var either []query.Query
			stopWord := len(analyze(l, last)) == 0
			if !stopWord {
				m := bleve.NewMatchQuery(last)
				m.SetField(field)
				either = append(either, m)
			}
			if utf8.RuneCountInString(last) >= 2 {
				p := bleve.NewPrefixQuery(last)
				p.SetField(field)
				either = append(either, p)
			}
			switch {
			case len(either) == 0:
				continue
			case stopWord && len(must) > 0:
				// "migrations de": the stop word may be the start of the
				// next word ("dé…") or a word the title has but the index
				// drops; it ranks, it does not require
				b := bleve.NewBooleanQuery()
				b.AddMust(must...)
				b.AddShould(either...)
				perLang = append(perLang, b)
				continue
			}
			must = append(must, bleve.NewDisjunctionQuery(either...))
		}
		if len(must) > 0 {
			perLang = append(perLang, bleve.NewConjunctionQuery(must...))
		}
	}
	if len(perLang) == 0 {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(docsOnly(bleve.NewDisjunctionQuery(perLang...)), size, 0, false)
	req.Fields = []string{fInfo}
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.search(ctx, req)
	if errors.Is(err, ErrBadQuery) {
		// a prefix too common to expand: no title suggestions, not an error
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Suggestion
	for _, h := range res.Hits {
		out = append(out, suggestionOf(h.ID, h.Fields[fInfo], "title"))
	}
	return out, nil
}

func suggestionOf(id string, stored any, match string) Suggestion {
	var info Info
	if s, ok := stored.(string); ok {
		_ = json.Unmarshal([]byte(s), &info)
	}
	return Suggestion{Symbol: id, Title: info.Title, Kind: info.Kind, Date: info.Date, Match: match}
}

// FacetRequest asks for the values of one facet, optionally only those
// starting with Prefix, counted over the documents that Query and the
// other facets' Filters select.
type FacetRequest struct {
	Name    string
	Prefix  string
	Query   string
	Filters map[string][]string
	Size    int
}

// FacetValues lists the values of a facet with their counts, most frequent
// first. With a prefix it finds values beyond the top ones a search
// returns: a big facet (cited instruments) is browsed by typing. Values
// selected in Filters[Name] are marked, and the facet's own selection does
// not narrow its counts, as in [Index.Search].
func (ix *Index) FacetValues(ctx context.Context, r FacetRequest) ([]FacetValue, error) {
	field, ok := facetField(r.Name)
	if !ok {
		return nil, fmt.Errorf("%w: no facet %q (facets: %s)", ErrNotFound, r.Name, facetNames())
	}
	if r.Size == 0 {
		r.Size = 10
	}
	if r.Size < 0 || r.Size > MaxFacetSize {
		return nil, fmt.Errorf("%w: size must be between 1 and %d", ErrBadQuery, MaxFacetSize)
	}
	if utf8.RuneCountInString(r.Prefix) > MaxSuggestLength {
		return nil, fmt.Errorf("%w: prefix is longer than %d characters", ErrBadQuery, MaxSuggestLength)
	}
	// validate the query and filters as a search would
	sr := Request{Query: r.Query, Filters: r.Filters, Size: 1}
	if err := sr.Validate(); err != nil {
		return nil, err
	}
	base, err := ix.filteredQuery(ctx, sr, r.Name)
	if err != nil {
		return nil, err
	}
	q := base
	if r.Prefix != "" {
		terms, err := ix.facetTermsWithPrefix(ctx, field, r.Prefix)
		if err != nil {
			return nil, err
		}
		if len(terms) == 0 {
			return markSelected(nil, selectedValues(r.Name, r.Filters[r.Name])), nil
		}
		var should []query.Query
		for _, t := range terms {
			tq := bleve.NewTermQuery(t)
			tq.SetField(field)
			should = append(should, tq)
		}
		q = bleve.NewConjunctionQuery(base, bleve.NewDisjunctionQuery(should...))
	}
	tctx, tally := ix.facets.withFacetTally(ctx, []string{field})
	if _, err := ix.search(tctx, bleve.NewSearchRequestOptions(q, 0, 0, false)); err != nil {
		return nil, err
	}
	vals := tally.values(0, r.Size)
	if r.Prefix != "" {
		// a selected value outside the prefix is not what was asked for
		return markSelected(vals, nil), nil
	}
	return markSelected(vals, selectedValues(r.Name, r.Filters[r.Name])), nil
}

// markSelected marks the selected values among vals, and adds those that
// are not there (a selected value beyond the top N still shows, so that
// it can be unselected). Never nil: no values is an empty list to API
// clients, not null.
func markSelected(vals []FacetValue, selected []string) []FacetValue {
	sel := map[string]bool{}
	for _, s := range selected {
		sel[s] = true
	}
	seen := map[string]bool{}
	out := []FacetValue{}
	for _, v := range vals {
		v.Selected = sel[v.Value]
		seen[v.Value] = true
		out = append(out, v)
	}
	for _, s := range selected {
		if !seen[s] {
			out = append(out, FacetValue{Value: s, Selected: true})
		}
	}
	return out
}

// facetTermsWithPrefix reads the facet field's dictionary for the values
// starting with prefix, ignoring case: section codes are stored upper case,
// instruments as "C189", languages lower case, and people type either.
func (ix *Index) facetTermsWithPrefix(ctx context.Context, field, prefix string) ([]string, error) {
	d, err := ix.bi.FieldDict(field)
	if err != nil {
		return nil, fmt.Errorf("reading the %s dictionary: %w", field, err)
	}
	defer d.Close()
	lp := strings.ToLower(prefix)
	var out []string
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		e, err := d.Next()
		if err != nil {
			return nil, fmt.Errorf("reading the %s dictionary: %w", field, err)
		}
		if e == nil {
			return out, nil
		}
		if strings.HasPrefix(strings.ToLower(e.Term), lp) {
			out = append(out, e.Term)
			if len(out) == maxFacetPrefixTerms {
				return out, nil
			}
		}
	}
}

// filteredQuery is the documents a search request selects, with every
// facet filter but except's.
func (ix *Index) filteredQuery(ctx context.Context, r Request, except string) (query.Query, error) {
	sel, err := ix.selection(ctx, r)
	if err != nil {
		return nil, err
	}
	return sel.build(except), nil
}
