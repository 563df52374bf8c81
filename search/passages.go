package search

import (
	"context"
	"fmt"
	"html"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"gbsearch/indexer"
)

type bleveFacetResult = bsearch.FacetResult

// passageFieldsToLoad are the stored fields of a passage.
var passageFieldsToLoad = func() []string {
	f := []string{fVersion, fPKind, fPLang, fNumber, fHeading, fPara, fFootnotes}
	for _, l := range Languages {
		f = append(f, fPTextPrefix+l)
	}
	return f
}()

// fillPassages finds, for each hit, the passages where it matches best, and
// under each paragraph the footnotes it calls. Hits are filled concurrently:
// each needs its own small query.
func (ix *Index) fillPassages(ctx context.Context, hits []Hit, node Node, c *compiler, n int) error {
	pq := c.passageQuery(node)
	var wg sync.WaitGroup
	errs := make([]error, len(hits))
	sem := make(chan struct{}, 4)
	for i := range hits {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			hits[i].Passages, errs[i] = ix.passagesOf(ctx, hits[i].Symbol, pq, &c.hl, n)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// passagesOf returns the best n passages of one document for pq (or, when
// the query has no words to show, its summary).
func (ix *Index) passagesOf(ctx context.Context, symbol string, pq query.Query, hl *highlightTerms, n int) ([]Passage, error) {
	doc := bleve.NewTermQuery(symbol)
	doc.SetField(fDoc)
	var q query.Query
	if pq != nil {
		q = bleve.NewConjunctionQuery(doc, pq)
	} else {
		k := bleve.NewTermQuery("summary")
		k.SetField(fPKind)
		q = bleve.NewConjunctionQuery(doc, k)
		n = 1
	}
	req := bleve.NewSearchRequestOptions(q, n, 0, false)
	req.Fields = passageFieldsToLoad
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(res.Hits) == 0 && pq != nil {
		// the document matched on its metadata or its symbol alone: show
		// its summary rather than nothing
		return ix.passagesOf(ctx, symbol, nil, hl, 1)
	}
	var out []Passage
	for _, h := range res.Hits {
		p := passageFromHit(h)
		p.Highlight = highlight(p.Text, p.Language, hl, 320)
		out = append(out, p)
	}
	// footnotes called by the paragraphs shown, with their own highlights
	var ids []string
	for _, p := range out {
		for _, fn := range p.Footnotes {
			ids = append(ids, fn.ID)
		}
	}
	if len(ids) > 0 {
		notes, err := ix.passagesByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		for i := range out {
			for j := range out[i].Footnotes {
				if f, ok := notes[out[i].Footnotes[j].ID]; ok {
					f.Highlight = highlight(f.Text, f.Language, hl, 240)
					out[i].Footnotes[j] = f
				}
			}
		}
	}
	return out, nil
}

func passageFromHit(h *bsearch.DocumentMatch) Passage {
	str := func(f string) string { s, _ := h.Fields[f].(string); return s }
	p := Passage{ID: h.ID, Kind: str(fPKind), Number: str(fNumber), Heading: str(fHeading), Language: str(fPLang),
		Version: str(fVersion), Paragraph: str(fPara)}
	p.Text = str(fPTextPrefix + p.Language)
	if fns := str(fFootnotes); fns != "" {
		for _, n := range strings.Split(fns, ",") {
			p.Footnotes = append(p.Footnotes, Passage{ID: p.Version + "#fn" + n, Kind: "footnote", Number: n, Paragraph: p.Number})
		}
	}
	return p
}

// passagesByID loads passages by their IDs.
func (ix *Index) passagesByID(ctx context.Context, ids []string) (map[string]Passage, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = passageFieldsToLoad
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, err
	}
	out := map[string]Passage{}
	for _, h := range res.Hits {
		out[h.ID] = passageFromHit(h)
	}
	return out, nil
}

// passageQuery turns the positive words, phrases and symbols of a query into
// a query over passages that ranks the passages showing most of them. NOT
// parts and filters on metadata play no part in choosing passages.
func (c *compiler) passageQuery(n Node) query.Query {
	var should []query.Query
	var walk func(Node, bool)
	walk = func(n Node, negated bool) {
		switch x := n.(type) {
		case And:
			for _, ch := range x.Children {
				walk(ch, negated)
			}
		case Or:
			for _, ch := range x.Children {
				walk(ch, negated)
			}
		case Not:
			walk(x.Child, !negated)
		case Term:
			if negated || (x.Field != "" && !textField(x.Field)) {
				if !negated && x.Field == "cites" {
					t := bleve.NewTermQuery(citedValue(x.Text))
					t.SetField(fRefs)
					t.SetBoost(5)
					should = append(should, t)
				}
				return
			}
			for _, l := range c.langs {
				f := fPTextPrefix + l
				switch {
				case x.Prefix:
					q := bleve.NewPrefixQuery(strings.ToLower(x.Text))
					q.SetField(f)
					should = append(should, q)
				case x.Wildcard:
					q := bleve.NewWildcardQuery(strings.ToLower(x.Text))
					q.SetField(f)
					should = append(should, q)
				case x.Fuzzy > 0 && !strings.ContainsAny(x.Text, "0123456789"):
					q := bleve.NewFuzzyQuery(strings.ToLower(x.Text))
					q.SetFuzziness(x.Fuzzy)
					q.SetField(f)
					should = append(should, q)
				default:
					if len(analyze(l, x.Text)) == 0 {
						continue
					}
					q := bleve.NewMatchQuery(x.Text)
					q.SetField(f)
					should = append(should, q)
				}
			}
		case Phrase:
			if negated {
				return
			}
			for _, l := range c.langs {
				if len(analyze(l, x.Text)) == 0 {
					continue
				}
				f := fPTextPrefix + l
				// the phrase counts double; its words alone still find a passage
				pq := bleve.NewMatchPhraseQuery(x.Text)
				pq.SetField(f)
				pq.SetBoost(2)
				mq := bleve.NewMatchQuery(x.Text)
				mq.SetField(f)
				should = append(should, pq, mq)
			}
		case Symbol:
			if negated {
				return
			}
			t := bleve.NewTermQuery(x.Canonical)
			t.SetField(fRefs)
			t.SetBoost(5)
			should = append(should, t)
			for _, l := range c.langs {
				if len(analyze(l, x.Canonical)) > 1 {
					pq := bleve.NewMatchPhraseQuery(x.Canonical)
					pq.SetField(fPTextPrefix + l)
					should = append(should, pq)
				}
			}
		}
	}
	if n != nil {
		walk(n, false)
	}
	if len(should) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(should...)
}

// highlight returns text, or its best window of about maxLen characters,
// HTML-escaped, with the words the query matched in <mark>. It works from
// the stored passage text with the language's analyser, so no term vectors
// are needed for it.
func highlight(text, lang string, hl *highlightTerms, maxLen int) string {
	type span struct{ start, end int }
	var marks []span
	terms := hl.terms[lang]
	if a := analyzerFor(lang); a != nil && (len(terms) > 0 || len(hl.prefixes) > 0 || len(hl.fuzzy) > 0) {
		for _, tok := range a.Analyze([]byte(text)) {
			surface := strings.ToLower(text[tok.Start:tok.End])
			hit := terms[string(tok.Term)]
			for _, p := range hl.prefixes {
				if !hit && strings.HasPrefix(surface, p) {
					hit = true
				}
			}
			for _, f := range hl.fuzzy {
				if !hit && editDistanceAtMost(surface, f.term, f.dist) {
					hit = true
				}
			}
			if hit {
				marks = append(marks, span{tok.Start, tok.End})
			}
		}
	}
	lower := strings.ToLower(text)
	for _, s := range symbolSpellings(hl.symbols) {
		ls := strings.ToLower(s)
		for off := 0; ls != ""; {
			i := strings.Index(lower[off:], ls)
			if i < 0 {
				break
			}
			marks = append(marks, span{off + i, off + i + len(ls)})
			off += i + len(ls)
		}
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].start < marks[j].start })
	// merge overlapping marks (a symbol over its own words)
	var merged []span
	for _, m := range marks {
		if len(merged) > 0 && m.start <= merged[len(merged)-1].end {
			if m.end > merged[len(merged)-1].end {
				merged[len(merged)-1].end = m.end
			}
			continue
		}
		merged = append(merged, m)
	}
	// the window: the whole text when short, else the stretch with most marks
	from, to := 0, len(text)
	if utf8.RuneCountInString(text) > maxLen {
		best, bestCount := 0, -1
		for i := range merged {
			count := 0
			for j := i; j < len(merged) && merged[j].end-merged[i].start <= maxLen; j++ {
				count++
			}
			if count > bestCount {
				best, bestCount = i, count
			}
		}
		if len(merged) > 0 {
			from = max(0, merged[best].start-maxLen/4)
		}
		to = min(len(text), from+maxLen)
		from, to = wordBoundary(text, from, true), wordBoundary(text, to, false)
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("… ")
	}
	pos := from
	for _, m := range merged {
		if m.end <= from || m.start >= to {
			continue
		}
		s, e := max(m.start, from), min(m.end, to)
		b.WriteString(html.EscapeString(text[pos:s]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s:e]))
		b.WriteString("</mark>")
		pos = e
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString(" …")
	}
	return b.String()
}

// wordBoundary moves i to the nearest space (backwards for a window start,
// forwards for its end) so a window does not cut a word or a UTF-8 sequence.
func wordBoundary(s string, i int, backward bool) int {
	if i <= 0 {
		return 0
	}
	if i >= len(s) {
		return len(s)
	}
	if backward {
		for j := i; j > 0 && i-j < 40; j-- {
			if s[j] == ' ' {
				return j + 1
			}
		}
	} else {
		for j := i; j < len(s) && j-i < 40; j++ {
			if s[j] == ' ' {
				return j
			}
		}
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// editDistanceAtMost reports whether the Levenshtein distance of a and b is
// at most k.
func editDistanceAtMost(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= k
}

// symbolSpellings adds the ways a symbol is printed in running text: an
// ILO instrument C189 is "(No. 189)" in a sentence.
func symbolSpellings(symbols []string) []string {
	var out []string
	for _, s := range symbols {
		out = append(out, s)
		if sym, err := indexer.ParseSymbol(s); err == nil && sym.Kind == indexer.RefILOInstrument {
			out = append(out, fmt.Sprintf("No. %d)", sym.Number), fmt.Sprintf("No.%d)", sym.Number))
		}
	}
	return out
}
