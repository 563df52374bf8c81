package search

import (
	"context"
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"gbsearch/indexer"
)

// passageRef is where a passage lies in its document's text of its
// language, with what a result page shows of it besides the text.
type passageRef struct {
	Lang, Version, ID, Kind, Number, Heading, Paragraph string
	Footnotes                                           []int
	Refs                                                []string
	Start, End                                          int // byte offsets into the text of Lang
}

// The stored passage map is one record per passage, fields apart by \x1f,
// records by \x1e: it is decoded for every hit of a page, so it is split
// on separator bytes rather than parsed as JSON.
const (
	pmapField  = "\x1f"
	pmapRecord = "\x1e"
	pmapList   = "\x1d"
)

func encodePassages(ps []passageRef) string {
	var b strings.Builder
	clean := func(s string) string {
		if strings.ContainsAny(s, pmapField+pmapRecord+pmapList) {
			return strings.Map(func(r rune) rune {
				if r == 0x1d || r == 0x1e || r == 0x1f {
					return ' '
				}
				return r
			}, s)
		}
		return s
	}
	for i, p := range ps {
		if i > 0 {
			b.WriteString(pmapRecord)
		}
		fns := make([]string, len(p.Footnotes))
		for j, n := range p.Footnotes {
			fns[j] = strconv.Itoa(n)
		}
		refs := make([]string, len(p.Refs))
		for j, r := range p.Refs {
			refs[j] = clean(r)
		}
		for j, f := range []string{clean(p.Lang), clean(p.Version), clean(p.ID), clean(p.Kind), clean(p.Number),
			clean(p.Heading), clean(p.Paragraph), strings.Join(fns, ","), strings.Join(refs, pmapList),
			strconv.Itoa(p.Start), strconv.Itoa(p.End)} {
			if j > 0 {
				b.WriteString(pmapField)
			}
			b.WriteString(f)
		}
	}
	return b.String()
}

func decodePassages(s string) []passageRef {
	if s == "" {
		return nil
	}
	// cut in place rather than split: a page decodes the map of each hit,
	// ~85 passages a version, and the split's slices took a fifth of it
	out := make([]passageRef, 0, strings.Count(s, pmapRecord)+1)
	var f [11]string
	for rest, more := s, true; more; {
		var rec string
		rec, rest, more = strings.Cut(rest, pmapRecord)
		n := 0
		for fields := true; fields; n++ {
			var field string
			field, rec, fields = strings.Cut(rec, pmapField)
			if n < len(f) {
				f[n] = field
			}
		}
		if n != len(f) {
			continue
		}
		p := passageRef{Lang: f[0], Version: f[1], ID: f[2], Kind: f[3], Number: f[4], Heading: f[5], Paragraph: f[6]}
		for fns, next := f[7], f[7] != ""; next; {
			var fn string
			fn, fns, next = strings.Cut(fns, ",")
			if v, err := strconv.Atoi(fn); err == nil {
				p.Footnotes = append(p.Footnotes, v)
			}
		}
		if f[8] != "" {
			p.Refs = strings.Split(f[8], pmapList)
		}
		p.Start, _ = strconv.Atoi(f[9])
		p.End, _ = strconv.Atoi(f[10])
		out = append(out, p)
	}
	return out
}

// fillPassages finds, for each hit, the passages where it matches best, and
// under each paragraph the footnotes it calls. One search over the hits
// alone, with term locations, says where the query matched in each
// document's text; the passages holding most of the rarest matches win.
// Locations are asked for the page's hits only: for every match of a
// large result set they would cost more than the search itself.
func (ix *Index) fillPassages(ctx context.Context, hits []Hit, node Node, c *compiler, n int) error {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Symbol
	}
	// compiled again so that the passages come from the positive words of
	// the query as the documents matched them (stems, phrases, prefixes)
	pc := &compiler{ix: ix, ctx: ctx, langs: c.langs}
	var q query.Query = bleve.NewMatchNoneQuery()
	if node != nil {
		var err error
		if q, err = pc.compile(node); err != nil {
			return err
		}
	}
	wctx, wq := restrictTo(ctx, ids, q)
	// the hits are searchable documents: no filter on the type of entry
	req := bleve.NewSearchRequestOptions(wq, len(ids), 0, false)
	req.IncludeLocations = true
	res, err := ix.search(wctx, req)
	if err != nil {
		return err
	}
	locations := map[string]bsearch.FieldTermLocationMap{}
	for _, h := range res.Hits {
		locations[h.ID] = h.Locations
	}
	// the texts and passage maps of the hits (matched or not: a document
	// that matched on its metadata alone shows its summary)
	tids := make([]string, len(ids))
	for i, id := range ids {
		tids[i] = textPrefix + id
	}
	treq := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(tids), len(tids), 0, false)
	treq.Fields = passageFieldsToLoad
	tres, err := ix.search(ctx, treq)
	if err != nil {
		return err
	}
	stored := map[string]map[string]any{}
	for _, h := range tres.Hits {
		stored[strings.TrimPrefix(h.ID, textPrefix)] = h.Fields
	}
	for i := range hits {
		if f := stored[hits[i].Symbol]; f != nil {
			hits[i].Passages = bestPassages(f, locations[hits[i].Symbol], &c.hl, n)
		}
	}
	return nil
}

// passageFieldsToLoad are the stored fields passages are cut from.
var passageFieldsToLoad = func() []string {
	f := []string{fPassages}
	for _, l := range Languages {
		f = append(f, fStoredText+l)
	}
	return f
}()

type span struct{ start, end int }

// scored is a passage with the matches that fall in it.
type scored struct {
	ref   passageRef
	idx   int
	tf    map[string]int // term → matches in the passage
	marks []span         // relative to the passage's start
	score float64
}

// BM25 parameters of passage ranking (the usual ones).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
	// refBoost weighs a passage that cites a symbol the query names: it is
	// where the document cites it, whatever words surround it.
	refBoost = 20.0
)

// bestPassages ranks the passages of one document by BM25 over the
// matches that fall in them, with each term's rarity taken among the
// document's own passages, and returns the best n (or, when no match
// falls in a passage, its summary).
func bestPassages(fields map[string]any, locations bsearch.FieldTermLocationMap, hl *highlightTerms, n int) []Passage {
	// stored fields are deflated; a map that cannot be inflated shows no
	// passages, a text that cannot shows as empty
	pmap, _ := storedField(fields, fPassages)
	refs := decodePassages(pmap)
	ps := make([]scored, len(refs))
	byLang := map[string][]int{} // passages of each language, in text order
	for i, r := range refs {
		ps[i] = scored{ref: r, idx: i}
		byLang[r.Lang] = append(byLang[r.Lang], i)
	}
	for field, terms := range locations {
		lang, ok := strings.CutPrefix(field, fTextPrefix)
		if !ok {
			continue
		}
		idx := byLang[lang]
		for term, locs := range terms {
			key := lang + "\x00" + term
			for _, loc := range locs {
				start, end := int(loc.Start), int(loc.End)
				k := sort.Search(len(idx), func(k int) bool { return refs[idx[k]].End > start })
				if k == len(idx) || refs[idx[k]].Start > start || end > refs[idx[k]].End {
					continue // in a heading, or in text without passages
				}
				p := &ps[idx[k]]
				if p.tf == nil {
					p.tf = map[string]int{}
				}
				p.tf[key]++
				p.marks = append(p.marks, span{start - p.ref.Start, end - p.ref.Start})
			}
		}
	}
	// document frequency of each term among the passages of its language
	df := map[string]int{}
	for _, p := range ps {
		for t := range p.tf {
			df[t]++
		}
	}
	avg := map[string]float64{}
	for l, idx := range byLang {
		total := 0
		for _, i := range idx {
			total += refs[i].End - refs[i].Start
		}
		avg[l] = float64(total) / float64(max(1, len(idx)))
	}
	wanted := map[string]bool{}
	for _, s := range hl.symbols {
		wanted[s] = true
	}
	var ranked []*scored
	for i := range ps {
		p := &ps[i]
		np := float64(len(byLang[p.ref.Lang]))
		norm := 1 - bm25B + bm25B*float64(p.ref.End-p.ref.Start)/max(1, avg[p.ref.Lang])
		for t, tf := range p.tf {
			idf := math.Log(1 + (np-float64(df[t])+0.5)/(float64(df[t])+0.5))
			p.score += idf * float64(tf) * (bm25K1 + 1) / (float64(tf) + bm25K1*norm)
		}
		for _, r := range p.ref.Refs {
			if wanted[r] {
				p.score += refBoost
			}
		}
		if p.score > 0 {
			ranked = append(ranked, p)
		}
	}
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].score > ranked[j].score })
	if len(ranked) == 0 {
		// the document matched on its metadata or its symbol alone: show
		// its summary rather than nothing
		for _, want := range []string{"summary", "purpose", "decision"} {
			for i := range ps {
				if ps[i].ref.Kind == "summary" && ps[i].ref.Number == want {
					ranked = append(ranked, &ps[i])
					break
				}
			}
			if len(ranked) > 0 {
				break
			}
		}
		n = 1
	}
	byID := map[string]*scored{}
	for i := range ps {
		byID[ps[i].ref.ID] = &ps[i]
	}
	footnote := func(p *scored, fn int) (string, *scored) {
		id := p.ref.Version + "#fn" + strconv.Itoa(fn)
		return id, byID[id]
	}
	ranked = ranked[:min(n, len(ranked))]
	// each language's text is inflated as far as the passages shown reach
	reach := map[string]int{}
	for _, p := range ranked {
		reach[p.ref.Lang] = max(reach[p.ref.Lang], p.ref.End)
		for _, fn := range p.ref.Footnotes {
			if _, f := footnote(p, fn); f != nil {
				reach[f.ref.Lang] = max(reach[f.ref.Lang], f.ref.End)
			}
		}
	}
	texts := map[string]string{}
	text := func(p *scored) string {
		t, ok := texts[p.ref.Lang]
		if !ok {
			s, _ := fields[fStoredText+p.ref.Lang].(string)
			t, _ = unpackPrefix(s, reach[p.ref.Lang]) // a text that cannot be inflated shows as empty
			texts[p.ref.Lang] = t
		}
		if p.ref.Start < 0 || p.ref.End > len(t) || p.ref.Start > p.ref.End {
			return ""
		}
		return t[p.ref.Start:p.ref.End]
	}
	show := func(p *scored, maxLen int) Passage {
		r := p.ref
		out := Passage{ID: r.ID, Kind: r.Kind, Number: r.Number, Heading: r.Heading, Language: r.Lang,
			Version: r.Version, Paragraph: r.Paragraph, Text: text(p)}
		if p.marks == nil {
			out.Highlight = highlight(out.Text, out.Language, hl, maxLen)
		} else {
			out.Highlight = render(out.Text, append(p.marks, symbolMarks(out.Text, hl.symbols)...), maxLen)
		}
		return out
	}
	var out []Passage
	for _, p := range ranked {
		v := show(p, 320)
		// the footnotes the paragraph calls, with their own highlights
		for _, fn := range p.ref.Footnotes {
			if id, f := footnote(p, fn); f != nil {
				v.Footnotes = append(v.Footnotes, show(f, 240))
			} else {
				v.Footnotes = append(v.Footnotes, Passage{ID: id, Kind: "footnote", Number: strconv.Itoa(fn), Paragraph: p.ref.Number})
			}
		}
		out = append(out, v)
	}
	return out
}

// highlight returns text, or its best window of about maxLen characters,
// HTML-escaped, with the words the query matched in <mark>. It finds them
// by running the stored passage text through the language's analyser (no
// term vectors needed): passages use it when the search gave no match
// locations in them (a summary shown for a document that matched on its
// metadata).
func highlight(text, lang string, hl *highlightTerms, maxLen int) string {
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
	return render(text, append(marks, symbolMarks(text, hl.symbols)...), maxLen)
}

// symbolMarks finds the symbols of a query in text as they are printed.
func symbolMarks(text string, symbols []string) []span {
	if len(symbols) == 0 {
		return nil
	}
	var marks []span
	lower := strings.ToLower(text)
	for _, s := range symbolSpellings(symbols) {
		ls := strings.ToLower(s)
		for off := 0; ls != ""; {
			i := strings.Index(lower[off:], ls)
			if i < 0 {
				break
			}
			start, end := off+i, off+i+len(ls)
			off = end
			// whole symbols only: C189 is not in C1890, nor No. 18 in
			// No. 189
			if start > 0 && isAlnum(lower[start-1]) && isAlnum(lower[start]) ||
				end < len(lower) && isAlnum(lower[end]) && isAlnum(lower[end-1]) {
				continue
			}
			marks = append(marks, span{start, end})
		}
	}
	return marks
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// render returns text, or its best window of about maxLen characters,
// HTML-escaped, with the marks in <mark>.
func render(text string, marks []span, maxLen int) string {
	sort.Slice(marks, func(i, j int) bool { return marks[i].start < marks[j].start })
	// merge overlapping marks (a symbol over its own words)
	var merged []span
	for _, m := range marks {
		if m.start < 0 || m.end > len(text) || m.start >= m.end {
			continue
		}
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
			out = append(out, fmt.Sprintf("No. %d", sym.Number), fmt.Sprintf("No.%d", sym.Number))
		}
	}
	return out
}
