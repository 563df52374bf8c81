package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Request is a search as a researcher asks it. It is validated by
// [Request.Validate] before it reaches bleve; bleve's own request type never
// comes from the wire.
type Request struct {
	// Query is in the gbsearch query language (see [ParseQuery]).
	Query string `json:"q"`
	// Filters selects facet values: within a facet any selected value
	// matches, across facets all must. Keys are facet names.
	Filters map[string][]string `json:"filters,omitempty"`
	// Sort is "relevance" (default), "date" (newest first), "date_asc" or
	// "symbol".
	Sort string `json:"sort,omitempty"`
	From int    `json:"from,omitempty"`
	Size int    `json:"size,omitempty"`
	// After is the cursor of the previous page (Result.Next), for deep
	// paging without from.
	After string `json:"after,omitempty"`
	// NoFacets skips facet counting.
	NoFacets bool `json:"no_facets,omitempty"`
	// FacetSize is how many values each facet returns (default 10).
	FacetSize int `json:"facet_size,omitempty"`
	// Passages is how many passages each hit shows (default 3, 0 with
	// NoPassages).
	Passages   int  `json:"passages,omitempty"`
	NoPassages bool `json:"no_passages,omitempty"`
}

// Facets, in display order, with the index field each counts.
var Facets = []struct{ Name, Field, Label string }{
	{"kind", fKind, "Kind"},
	{"lang", fLang, "Language"},
	{"section", fSection, "Section"},
	{"session", fSession, "Session"},
	{"year", fYear, "Year"},
	{"author", fAuthor, "Author unit"},
	{"outcome", fOutcome, "Strategic outcome"},
	{"cites", fCitesInstr, "Cited instrument"},
	{"cites_kind", fCitesKind, "Cited document kind"},
}

func facetField(name string) (string, bool) {
	for _, f := range Facets {
		if f.Name == name {
			return f.Field, true
		}
	}
	return "", false
}

// Limits on requests.
const (
	DefaultSize    = 10
	MaxSize        = 100
	MaxWindow      = 10000 // from+size; deeper pages use After
	MaxFacetSize   = 1000
	maxFilterVals  = 50
	defaultPassage = 3
	maxPassages    = 10
)

// Validate checks a request and fills its defaults.
func (r *Request) Validate() error {
	if len(r.Query) > MaxQueryLength*4 {
		return fmt.Errorf("%w: query is longer than %d characters", ErrBadQuery, MaxQueryLength)
	}
	if r.Size == 0 {
		r.Size = DefaultSize
	}
	if r.Size < 0 || r.Size > MaxSize {
		return fmt.Errorf("%w: size must be between 1 and %d", ErrBadQuery, MaxSize)
	}
	if r.From < 0 {
		return fmt.Errorf("%w: from must not be negative", ErrBadQuery)
	}
	if r.From+r.Size > MaxWindow {
		return fmt.Errorf("%w: from+size must not exceed %d; page deeper with the 'after' cursor", ErrBadQuery, MaxWindow)
	}
	if r.After != "" && r.From > 0 {
		return fmt.Errorf("%w: use either from or after, not both", ErrBadQuery)
	}
	switch r.Sort {
	case "", "relevance", "date", "date_asc", "symbol":
	default:
		return fmt.Errorf("%w: sort must be relevance, date, date_asc or symbol, not %q", ErrBadQuery, r.Sort)
	}
	if r.FacetSize == 0 {
		r.FacetSize = 10
	}
	if r.FacetSize < 0 || r.FacetSize > MaxFacetSize {
		return fmt.Errorf("%w: facet_size must be between 1 and %d", ErrBadQuery, MaxFacetSize)
	}
	if r.Passages == 0 {
		r.Passages = defaultPassage
	}
	if r.Passages < 0 || r.Passages > maxPassages {
		return fmt.Errorf("%w: passages must be between 0 and %d", ErrBadQuery, maxPassages)
	}
	for name, vals := range r.Filters {
		if _, ok := facetField(name); !ok {
			return fmt.Errorf("%w: unknown filter %q (filters are the facet names: %s)", ErrBadQuery, name, facetNames())
		}
		if len(vals) > maxFilterVals {
			return fmt.Errorf("%w: filter %s has more than %d values", ErrBadQuery, name, maxFilterVals)
		}
	}
	return nil
}

func facetNames() string {
	var n []string
	for _, f := range Facets {
		n = append(n, f.Name)
	}
	return strings.Join(n, ", ")
}

// Result is a page of search results.
type Result struct {
	Total    int                     `json:"total"`
	Hits     []Hit                   `json:"hits"`
	Facets   map[string][]FacetValue `json:"facets,omitempty"`
	Next     string                  `json:"next,omitempty"`
	Warnings []string                `json:"warnings,omitempty"`
	Took     time.Duration           `json:"-"`
}

// FacetValue is one value of a facet with the number of documents that have
// it among those the query and the other facets' filters select.
type FacetValue struct {
	Value    string `json:"value"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected,omitempty"`
}

// Hit is one document (all its language versions) in a result list.
type Hit struct {
	Symbol      string    `json:"symbol"`
	Title       string    `json:"title"`
	Kind        string    `json:"kind"`
	Languages   []string  `json:"languages"`
	Versions    []string  `json:"versions"`
	Date        string    `json:"date,omitempty"`
	Session     string    `json:"session,omitempty"`
	Section     string    `json:"section,omitempty"`
	SectionName string    `json:"section_name,omitempty"`
	Score       float64   `json:"score"`
	Passages    []Passage `json:"passages,omitempty"`
}

// Passage is a paragraph, footnote or summary shown under a hit.
type Passage struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"` // paragraph, footnote, summary
	Number   string `json:"number"`
	Heading  string `json:"heading,omitempty"`
	Language string `json:"language"`
	Version  string `json:"version"`
	Text     string `json:"text"`
	// Highlight is Text (or the best part of it) HTML-escaped with the
	// matching words in <mark>.
	Highlight string `json:"highlight"`
	// Paragraph is, for a footnote, the number of the paragraph that calls it.
	Paragraph string `json:"paragraph,omitempty"`
	// Footnotes are, for a paragraph, the footnotes it calls.
	Footnotes []Passage `json:"footnotes,omitempty"`
}

// selection is what a request selects: its parsed query compiled for the
// languages it searches, and its facet filters.
type selection struct {
	node    Node
	c       *compiler
	q       query.Query
	filters map[string]query.Query
}

// build returns the documents the selection matches, with every facet
// filter but except's (disjunctive facets count a facet without its own
// filter). Only a query that matches everything needs restricting to
// searchable documents: the restriction is a conjunction that every hit
// of every search paid for (a third of a single word's time at 10,000
// versions).
func (s *selection) build(except string) query.Query {
	q := s.q
	if s.c.matchesAll {
		q = docsOnly(q)
	}
	parts := []query.Query{q}
	for name, f := range s.filters {
		if name != except {
			parts = append(parts, f)
		}
	}
	return bleve.NewConjunctionQuery(parts...)
}

// selection parses and compiles a request's query and filters.
func (ix *Index) selection(ctx context.Context, r Request) (*selection, error) {
	node, err := ParseQuery(r.Query)
	if err != nil {
		return nil, err
	}
	c := &compiler{ix: ix, ctx: ctx, langs: searchLanguages, hl: highlightTerms{}}
	if ls := r.Filters["lang"]; len(ls) > 0 {
		c.langs = nil
		for _, l := range ls {
			for _, known := range Languages {
				if strings.EqualFold(l, known) {
					c.langs = append(c.langs, known)
				}
			}
		}
		if len(c.langs) == 0 {
			c.langs = searchLanguages
		}
	}
	q, err := c.compile(node)
	if err != nil {
		return nil, err
	}
	s := &selection{node: node, c: c, q: q, filters: map[string]query.Query{}}
	for name, vals := range r.Filters {
		field, _ := facetField(name)
		var should []query.Query
		for _, v := range vals {
			t := bleve.NewTermQuery(normaliseFilterValue(name, v))
			t.SetField(field)
			should = append(should, t)
		}
		if len(should) > 0 {
			s.filters[name] = bleve.NewDisjunctionQuery(should...)
		}
	}
	return s, nil
}

// Search runs a request.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	start := time.Now()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	sel, err := ix.selection(ctx, r)
	if err != nil {
		return nil, err
	}
	node, c, filters, build := sel.node, sel.c, sel.filters, sel.build

	from, after, err := r.position()
	if err != nil {
		return nil, err
	}
	// relevance pages within the top window are reordered by the rescore
	// clauses; they are fetched whole, without stored fields
	rescoring := len(c.rescore) > 0 && (r.Sort == "" || r.Sort == "relevance") && after == nil && from < rescoreWindow
	req := bleve.NewSearchRequestOptions(build(""), r.Size, from, false)
	req.Fields = []string{fInfo}
	if rescoring {
		req = bleve.NewSearchRequestOptions(build(""), max(from+r.Size, rescoreWindow), 0, false)
	}
	req.SortBy(sortOrder(r.Sort))
	if after != nil {
		if len(after) != len(req.Sort) {
			return nil, errBadCursor
		}
		req.SearchAfter = after
	}
	// the facets without a selection are counted over this search's hits
	sctx := ctx
	var counted []string
	var tally *facetTally
	if !r.NoFacets {
		var fields []string
		for _, f := range Facets {
			if _, selected := filters[f.Name]; !selected {
				counted = append(counted, f.Name)
				fields = append(fields, f.Field)
			}
		}
		sctx, tally = ix.facets.withFacetTally(ctx, fields)
	}
	res, err := ix.searchByRelevance(sctx, req)
	if err != nil {
		return nil, err
	}
	out := &Result{Total: int(res.Total), Warnings: c.warnings}
	if !r.NoFacets {
		out.Facets = map[string][]FacetValue{}
		for i, name := range counted {
			out.Facets[name] = tally.values(i, r.FacetSize)
		}
		// Disjunctive facets: a facet with a selection is counted without
		// its own filter, so selecting section POL still shows how many
		// documents the other sections would give.
		var wg sync.WaitGroup
		var mu sync.Mutex
		var ferr error
		for name := range filters {
			field, _ := facetField(name)
			wg.Add(1)
			go func() {
				defer wg.Done()
				tctx, tally := ix.facets.withFacetTally(ctx, []string{field})
				_, err := ix.search(tctx, bleve.NewSearchRequestOptions(build(name), 0, 0, false))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					ferr = err
					return
				}
				out.Facets[name] = markSelected(tally.values(0, r.FacetSize), selectedValues(name, r.Filters[name]))
			}()
		}
		wg.Wait()
		if ferr != nil {
			return nil, ferr
		}
	}
	page := res.Hits
	if rescoring {
		if page, out.Next, err = ix.rescored(ctx, c.rescore, res.Hits, req, from, r.Size); err != nil {
			return nil, err
		}
	} else if len(page) == r.Size && len(page) > 0 {
		out.Next = encodeCursor(afterValues(req, page[len(page)-1]))
	}
	for _, h := range page {
		var info Info
		if s, ok := h.Fields[fInfo].(string); ok {
			_ = json.Unmarshal([]byte(s), &info)
		}
		out.Hits = append(out.Hits, Hit{Symbol: h.ID, Title: info.Title, Kind: info.Kind, Languages: info.Languages,
			Versions: info.Versions, Date: info.Date, Session: info.Session, Section: info.Section,
			SectionName: info.SectionName, Score: h.Score})
	}
	if !r.NoPassages && r.Passages > 0 && len(out.Hits) > 0 {
		if err := ix.fillPassages(ctx, out.Hits, node, c, r.Passages); err != nil {
			return nil, err
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// selectedValues are a facet's selected values as the index holds them
// (kind=instrument selects ilo-instrument), each once: a facet marks these
// as selected, not the words the request used.
func selectedValues(facet string, vals []string) []string {
	var out []string
	for _, v := range vals {
		if n := normaliseFilterValue(facet, v); !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func normaliseFilterValue(facet, v string) string {
	switch facet {
	case "section", "author":
		return strings.ToUpper(v)
	case "lang", "session":
		return strings.ToLower(v)
	case "kind":
		return normaliseKind(v)
	}
	return v
}

func sortOrder(s string) []string {
	switch s {
	case "date":
		return []string{"-" + fDate, "_id"}
	case "date_asc":
		return []string{fDate, "_id"}
	case "symbol":
		return []string{fSymbolSort, "_id"}
	}
	// ties broken by id, so that pages are stable across requests
	return []string{"-_score", "_id"}
}

// rescoreWindow is how many of the top relevance hits the rescore clauses
// may reorder; a page past it is in bleve's order.
var rescoreWindow = 100

// rescored reorders the top window of hits (fetched in bleve's order, the
// page's own among them) by adding the scores of the rescore clauses,
// loads the stored summaries of the page, and returns the page with the
// cursor of the next one.
func (ix *Index) rescored(ctx context.Context, clauses []query.Query, hits bsearch.DocumentMatchCollection, req *bleve.SearchRequest,
	from, size int) (bsearch.DocumentMatchCollection, string, error) {
	orig := hits
	window := hits[:min(len(hits), rescoreWindow)]
	if len(window) > 1 {
		ids := make([]string, len(window))
		for i, h := range window {
			ids[i] = h.ID
		}
		wctx, q := restrictTo(ctx, ids, bleve.NewDisjunctionQuery(clauses...))
		res, err := ix.search(wctx, bleve.NewSearchRequestOptions(q, len(ids), 0, false))
		if err != nil {
			return nil, "", err
		}
		extra := map[string]float64{}
		for _, h := range res.Hits {
			extra[h.ID] = h.Score
		}
		reordered := make(bsearch.DocumentMatchCollection, len(window))
		for i, h := range window {
			c := *h
			c.Score += extra[h.ID]
			reordered[i] = &c
		}
		sort.SliceStable(reordered, func(i, j int) bool {
			if reordered[i].Score != reordered[j].Score {
				return reordered[i].Score > reordered[j].Score
			}
			return reordered[i].ID < reordered[j].ID
		})
		hits = append(reordered, hits[len(window):]...)
	}
	if from >= len(hits) {
		return nil, "", nil
	}
	page := hits[from:min(len(hits), from+size)]
	// the stored summaries of the page only
	ids := make([]string, len(page))
	for i, h := range page {
		ids[i] = h.ID
	}
	sreq := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(ids), len(ids), 0, false)
	sreq.Fields = []string{fInfo}
	res, err := ix.search(ctx, sreq)
	if err != nil {
		return nil, "", err
	}
	fields := map[string]map[string]any{}
	for _, h := range res.Hits {
		fields[h.ID] = h.Fields
	}
	for _, h := range page {
		h.Fields = fields[h.ID]
	}
	next := ""
	if end := from + size; len(page) == size {
		if end < rescoreWindow {
			next = encodePosition(end)
		} else {
			// past the window, bleve's order resumes after its own hit at
			// this rank (the window holds the same documents either way)
			next = encodeCursor(afterValues(req, orig[end-1]))
		}
	}
	return page, next, nil
}

// afterValues are the sort values of a hit, as SearchAfter takes them:
// bleve reports a score's sort value as the word "_score" but pages after
// a score given as a number.
func afterValues(req *bleve.SearchRequest, h *bsearch.DocumentMatch) []string {
	values := append([]string(nil), h.Sort...)
	for i, s := range req.Sort {
		if _, isScore := s.(*bsearch.SortScore); isScore && i < len(values) {
			values[i] = strconv.FormatFloat(h.Score, 'g', -1, 64)
		}
	}
	return values
}

// A cursor is either the sort values of the last hit of a page (for
// SearchAfter) or, inside the rescore window, a position.
type cursor struct {
	After []string `json:"a,omitempty"`
	Pos   int      `json:"p,omitempty"`
}

func encodeCursor(sortValues []string) string {
	b, _ := json.Marshal(cursor{After: sortValues})
	return base64.RawURLEncoding.EncodeToString(b)
}

func encodePosition(pos int) string {
	b, _ := json.Marshal(cursor{Pos: pos})
	return base64.RawURLEncoding.EncodeToString(b)
}

var errBadCursor = fmt.Errorf("%w: 'after' is not a cursor from this search (use the 'next' value of the previous page with the same sort)", ErrBadQuery)

// position returns where a request's page starts: an offset, or the sort
// values to page after.
func (r *Request) position() (int, []string, error) {
	if r.After == "" {
		return r.From, nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(r.After)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.After == nil && c.Pos <= 0 {
		return 0, nil, errBadCursor
	}
	if c.After != nil {
		return 0, c.After, nil
	}
	if c.Pos+r.Size > MaxWindow {
		return 0, nil, fmt.Errorf("%w: the cursor points past %d results", ErrBadQuery, MaxWindow)
	}
	return c.Pos, nil, nil
}
