package search

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"gbsearch/indexer"
)

func sortStrings(s []string) { sort.Strings(s) }

// compiler turns a parsed query into bleve queries: one over documents and,
// for showing where they match, one over passages.
type compiler struct {
	ix    *Index
	ctx   context.Context
	langs []string // languages searched
	// highlight collects what the passages should show: analysed terms,
	// prefixes, fuzzy terms and symbols, per language.
	hl       highlightTerms
	warnings []string
	// rescore holds optional clauses that reorder the top hits: phrases
	// of words typed side by side. A phrase costs bleve a pass over the
	// positions of every match, so it is run on the top window only.
	rescore []query.Query
	// matchesAll: the query holds a match-all clause (an empty query, a
	// NOT, an AND of NOTs), which would also match the index's other
	// entries (stored texts, versions, file records). Every field the
	// compiler searches is a searchable document's alone, so a query
	// without one needs no filter on the type of entry (see
	// selection.build).
	matchesAll bool
}

// all returns a match-all clause, and notes that the query has one.
func (c *compiler) all() query.Query {
	c.matchesAll = true
	return bleve.NewMatchAllQuery()
}

type highlightTerms struct {
	terms    map[string]map[string]bool // language → analysed terms
	prefixes []string
	fuzzy    []fuzzyTerm
	symbols  []string // canonical symbols, matched against passage refs
}

type fuzzyTerm struct {
	term string
	dist int
}

// nothing is a query that matches no document.
func nothing() query.Query { return bleve.NewMatchNoneQuery() }

// analyze runs text through a language's analyzer.
func analyze(lang, text string) []string {
	a := analyzerFor(lang)
	if a == nil {
		return strings.Fields(strings.ToLower(text))
	}
	var out []string
	for _, tok := range a.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

var analyzerCache = map[string]analysis.Analyzer{}

func analyzerFor(lang string) analysis.Analyzer {
	if a, ok := analyzerCache[lang]; ok {
		return a
	}
	return nil
}

func init() {
	m := NewMapping()
	for _, l := range Languages {
		if a := m.AnalyzerNamed(l); a != nil {
			analyzerCache[l] = a
		}
	}
}

// compile returns the document query for n (nil n: everything).
func (c *compiler) compile(n Node) (query.Query, error) {
	if n == nil {
		return c.all(), nil
	}
	q, ok, err := c.node(n, false)
	if err != nil {
		return nil, err
	}
	if !ok {
		c.warnings = append(c.warnings, "the query has only common words (like 'the' or 'of'), which are not indexed")
		return nothing(), nil
	}
	return q, nil
}

// node compiles one node. ok is false for a node that means nothing on its
// own (a stop word), which an AND then ignores.
func (c *compiler) node(n Node, negated bool) (query.Query, bool, error) {
	switch x := n.(type) {
	case And:
		var must, mustNot []query.Query
		for _, ch := range x.Children {
			if not, isNot := ch.(Not); isNot {
				q, ok, err := c.node(not.Child, !negated)
				if err != nil {
					return nil, false, err
				}
				if ok {
					mustNot = append(mustNot, q)
				}
				continue
			}
			q, ok, err := c.node(ch, negated)
			if err != nil {
				return nil, false, err
			}
			if ok {
				must = append(must, q)
			}
		}
		if len(must) == 0 && len(mustNot) == 0 {
			return nil, false, nil
		}
		bq := bleve.NewBooleanQuery()
		if len(must) == 0 {
			must = append(must, c.all())
		}
		bq.AddMust(must...)
		if len(mustNot) > 0 {
			bq.AddMustNot(mustNot...)
		}
		if !negated {
			// words typed side by side rank higher where they stand side
			// by side ("domestic workers" prefers the phrase); the phrase
			// only reorders the top of the results (see rescoreWindow)
			if p := c.adjacency(x.Children); p != nil {
				c.rescore = append(c.rescore, p)
			}
		}
		return bq, true, nil
	case Or:
		var should []query.Query
		for _, ch := range x.Children {
			q, ok, err := c.node(ch, negated)
			if err != nil {
				return nil, false, err
			}
			if ok {
				should = append(should, q)
			}
		}
		if len(should) == 0 {
			return nil, false, nil
		}
		if len(should) == 1 {
			return should[0], true, nil
		}
		return bleve.NewDisjunctionQuery(should...), true, nil
	case Not:
		q, ok, err := c.node(x.Child, !negated)
		if err != nil || !ok {
			return nil, ok, err
		}
		bq := bleve.NewBooleanQuery()
		bq.AddMust(c.all())
		bq.AddMustNot(q)
		return bq, true, nil
	case Term:
		return c.term(x, negated)
	case Phrase:
		return c.phrase(x, negated)
	case Range:
		return c.rangeQuery(x), true, nil
	case Symbol:
		return c.symbol(x, negated), true, nil
	}
	return nil, false, fmt.Errorf("%w: unknown query node %T", ErrBadQuery, n)
}

// adjacency returns an optional phrase clause for runs of two or more
// plain words among the children of an AND, or nil.
func (c *compiler) adjacency(children []Node) query.Query {
	var runs [][]string
	var cur []string
	for _, ch := range children {
		if t, ok := ch.(Term); ok && t.Field == "" && !t.Prefix && !t.Wildcard && t.Fuzzy == 0 {
			cur = append(cur, t.Text)
			continue
		}
		if len(cur) > 1 {
			runs = append(runs, cur)
		}
		cur = nil
	}
	if len(cur) > 1 {
		runs = append(runs, cur)
	}
	var should []query.Query
	for _, r := range runs {
		text := strings.Join(r, " ")
		for _, fb := range c.textFields("") {
			if len(analyze(fb.lang, text)) < 2 {
				continue
			}
			should = append(should, newPhraseQuery(text, fb.field, 2*fb.boost))
		}
	}
	if len(should) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(should...)
}

// textFields returns the fields a text term searches, with their boosts:
// the body of each language searched, and its title (weighted up).
func (c *compiler) textFields(field string) []fieldBoost {
	var out []fieldBoost
	for _, l := range c.langs {
		if field == "" || field == "text" {
			out = append(out, fieldBoost{fTextPrefix + l, l, 1})
		}
		if field == "" || field == "title" {
			b := 2.0
			if field == "title" {
				b = 1
			}
			out = append(out, fieldBoost{fTitlePrefix + l, l, b})
		}
	}
	return out
}

type fieldBoost struct {
	field, lang string
	boost       float64
}

func (c *compiler) term(t Term, negated bool) (query.Query, bool, error) {
	if t.Field != "" && !textField(t.Field) {
		return c.keyword(t)
	}
	text := strings.ToLower(t.Text)
	var should []query.Query
	stopIn := map[string]bool{}
	switch {
	case t.Prefix:
		for _, fb := range c.textFields(t.Field) {
			q := bleve.NewPrefixQuery(text)
			q.SetField(fb.field)
			q.SetBoost(fb.boost)
			should = append(should, q)
		}
		if !negated {
			c.hl.prefixes = append(c.hl.prefixes, text)
		}
	case t.Wildcard:
		for _, fb := range c.textFields(t.Field) {
			q := bleve.NewWildcardQuery(text)
			q.SetField(fb.field)
			q.SetBoost(fb.boost)
			should = append(should, q)
		}
		if !negated {
			c.hl.prefixes = append(c.hl.prefixes, strings.SplitN(text, "*", 2)[0])
		}
	default:
		fuzzy := t.Fuzzy
		if fuzzy > 0 && strings.ContainsAny(text, "0123456789") {
			// numbers are exact: 2013~ must not find 2012, nor GB.319/POL/3 GB.319/POL/2
			c.warnings = append(c.warnings, fmt.Sprintf("%q: fuzzy matching does not apply to numbers; searched exactly", t.Text))
			fuzzy = 0
		}
		for _, fb := range c.textFields(t.Field) {
			toks := analyze(fb.lang, t.Text)
			if len(toks) == 0 {
				// a stop word in this language: it asks nothing of the
				// documents in it ("of" in English, "de" in French)
				if !stopIn[fb.lang] {
					stopIn[fb.lang] = true
					q := bleve.NewTermQuery(fb.lang)
					q.SetField(fLang)
					q.SetBoost(0)
					should = append(should, q)
				}
				continue
			}
			if fuzzy > 0 {
				q := bleve.NewFuzzyQuery(text)
				q.SetFuzziness(fuzzy)
				q.SetField(fb.field)
				q.SetBoost(fb.boost)
				should = append(should, q)
				if !negated {
					c.hl.fuzzy = append(c.hl.fuzzy, fuzzyTerm{text, fuzzy})
				}
				continue
			}
			q := bleve.NewMatchQuery(t.Text)
			q.SetField(fb.field)
			q.SetBoost(fb.boost)
			// a word that the analyser splits ("post-2015") needs all its parts
			q.SetOperator(query.MatchQueryOperatorAnd)
			should = append(should, q)
			if !negated {
				c.hl.add(fb.lang, toks)
			}
		}
	}
	if len(should) == 0 || len(stopIn) == len(c.langs) {
		// a stop word in every language searched
		return nil, false, nil
	}
	return bleve.NewDisjunctionQuery(should...), true, nil
}

// add records analysed terms to highlight in passages of a language.
func (h *highlightTerms) add(lang string, toks []string) {
	if h.terms == nil {
		h.terms = map[string]map[string]bool{}
	}
	if h.terms[lang] == nil {
		h.terms[lang] = map[string]bool{}
	}
	for _, t := range toks {
		h.terms[lang][t] = true
	}
}

func (c *compiler) phrase(p Phrase, negated bool) (query.Query, bool, error) {
	var should []query.Query
	for _, fb := range c.textFields(p.Field) {
		toks := analyze(fb.lang, p.Text)
		if len(toks) == 0 {
			continue
		}
		var q query.Query
		if len(toks) == 1 {
			mq := bleve.NewMatchQuery(p.Text)
			mq.SetField(fb.field)
			mq.SetBoost(fb.boost)
			q = mq
		} else {
			q = newPhraseQuery(p.Text, fb.field, fb.boost)
		}
		should = append(should, q)
		if !negated {
			c.hl.add(fb.lang, toks)
		}
	}
	if len(should) == 0 {
		return nil, false, nil
	}
	return bleve.NewDisjunctionQuery(should...), true, nil
}

func (c *compiler) rangeQuery(r Range) query.Query {
	field := fYearN
	if r.Field == "session" {
		field = fSessionN
	}
	incl := true
	q := bleve.NewNumericRangeInclusiveQuery(r.Lo, r.Hi, &incl, &incl)
	q.SetField(field)
	return q
}

// symbol matches the document with that symbol first (a known-item lookup
// must rank it on top), then documents that cite it, then documents that
// mention it in their text.
func (c *compiler) symbol(s Symbol, negated bool) query.Query {
	alias := bleve.NewTermQuery(s.Canonical)
	alias.SetField(fAliases)
	alias.SetBoost(50)
	cites := bleve.NewTermQuery(s.Canonical)
	cites.SetField(fCites)
	cites.SetBoost(3)
	should := []query.Query{alias, cites}
	// the printed form of the symbol as a phrase of the text: "A/68/190"
	// is indexed as the words a 68 190
	for _, l := range c.langs {
		if toks := analyze(l, s.Canonical); len(toks) > 1 {
			should = append(should, newPhraseQuery(s.Canonical, fTextPrefix+l, 1))
		}
	}
	if !negated {
		c.hl.symbols = append(c.hl.symbols, s.Canonical)
	}
	return bleve.NewDisjunctionQuery(should...)
}

// keyword compiles field:value for the keyword fields.
func (c *compiler) keyword(t Term) (query.Query, bool, error) {
	v := strings.TrimSpace(t.Text)
	term := func(field, value string) query.Query {
		q := bleve.NewTermQuery(value)
		q.SetField(field)
		return q
	}
	switch t.Field {
	case "symbol":
		if t.Prefix {
			q := bleve.NewPrefixQuery(canonicalPrefix(v))
			q.SetField(fSymbol)
			return q, true, nil
		}
		return term(fAliases, indexer.CanonicalSymbol(v)), true, nil
	case "section":
		return term(fSection, strings.ToUpper(v)), true, nil
	case "session":
		return term(fSession, strings.ToLower(v)), true, nil
	case "year":
		return term(fYear, v), true, nil
	case "lang":
		return term(fLang, strings.ToLower(v)), true, nil
	case "kind":
		return term(fKind, normaliseKind(v)), true, nil
	case "author":
		return term(fAuthor, strings.ToUpper(v)), true, nil
	case "outcome":
		o := v
		if !strings.HasPrefix(strings.ToLower(o), "outcome") {
			o = "Outcome " + o
		}
		return term(fOutcome, "Outcome"+o[len("outcome"):]), true, nil
	case "cites":
		canon := citedValue(v)
		c.hl.symbols = append(c.hl.symbols, canon)
		return term(fCites, canon), true, nil
	case "citedby":
		return c.citedBy(t)
	}
	return nil, false, &ParseError{t.Pos, fmt.Sprintf("unknown field %q", t.Field)}
}

// canonicalPrefix normalises the start of a symbol typed for a prefix
// search ("gb.319/pol/" → "GB.319/POL/").
func canonicalPrefix(v string) string {
	if strings.HasPrefix(strings.ToLower(v), "gb.") {
		return strings.ToUpper(v[:3]) + strings.ToUpper(v[3:])
	}
	return v
}

// citedValue canonicalises what follows cites: a symbol, an instrument in
// any form, or a UN treaty by name or short name.
func citedValue(v string) string {
	if s := indexer.UNInstrumentSymbol(v); s != "" {
		return s
	}
	return indexer.CanonicalSymbol(v)
}

func normaliseKind(v string) string {
	v = strings.ToLower(v)
	switch v {
	case "gb":
		return "gb-document"
	case "un":
		return "un-document"
	case "instrument", "ilo":
		return "ilo-instrument"
	case "treaty":
		return "un-treaty"
	case "web":
		return "web-page"
	}
	return v
}

// citedBy matches the documents that a document cites: it looks the
// document up and turns what it cites into a lookup of those symbols.
func (c *compiler) citedBy(t Term) (query.Query, bool, error) {
	canon := indexer.CanonicalSymbol(t.Text)
	cited, found, err := c.ix.citedValues(c.ctx, canon)
	if err != nil {
		return nil, false, err
	}
	if !found {
		c.warnings = append(c.warnings, fmt.Sprintf("citedby:%s: no document %s in the index", t.Text, canon))
		return nothing(), true, nil
	}
	if len(cited) == 0 {
		return nothing(), true, nil
	}
	var should []query.Query
	for _, v := range cited {
		q := bleve.NewTermQuery(v)
		q.SetField(fAliases)
		should = append(should, q)
	}
	return bleve.NewDisjunctionQuery(should...), true, nil
}

// docsOnly restricts a query to searchable documents (not versions,
// passages or file records).
func docsOnly(q query.Query) query.Query {
	t := bleve.NewTermQuery(typeDoc)
	t.SetField(fType)
	return bleve.NewConjunctionQuery(t, q)
}
