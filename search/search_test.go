package search

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/search/searcher"
	"github.com/google/go-cmp/cmp"
)

// TestBooleanAgainstBruteForce: boolean queries return exactly the
// documents that satisfy them, checked against a brute-force evaluation of
// the same parsed query over the extracted text.
func TestBooleanAgainstBruteForce(t *testing.T) {
	ix, docs := realIndex(t)
	bdocs := bruteDocs(docs)
	queries := []string{
		"forced AND labour",
		"(migrant OR domestic) AND workers NOT agriculture",
		`"domestic workers" AND section:POL`,
		`"domestic workers"`,
		"migration OR mobility",
		"seafarers NOT fishing",
		"-maternity protection",
		`"freedom of association" OR "collective bargaining"`,
		"(child OR children) AND (labour OR work) AND NOT agriculture",
		"kind:ilo-instrument AND wages",
		"discrimination AND year:2013",
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			n, err := ParseQuery(q)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, b := range bdocs {
				if b.evaluate(n) {
					want = append(want, b.symbol)
				}
			}
			got, _ := searchAll(t, ix, Request{Query: q})
			if !slices.Equal(got, want) {
				t.Errorf("%q: search gives %d documents, brute force %d\n only search: %v\n only brute: %v",
					q, len(got), len(want), minus(got, want), minus(want, got))
			}
			if len(want) == 0 {
				t.Errorf("%q matches nothing: not a useful test", q)
			}
		})
	}
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// TestSymbolForms: every form people type a symbol in finds its document
// first; a near symbol is never confused with it.
func TestSymbolForms(t *testing.T) {
	ix, _ := realIndex(t)
	tests := []struct{ q, first string }{
		{"GB.319/POL/2", "GB.319/POL/2"},
		{"gb 319 pol 2", "GB.319/POL/2"},
		{"GB 319 POL 2", "GB.319/POL/2"},
		{"319/POL/2", "GB.319/POL/2"},
		{"GB319/POL/2", "GB.319/POL/2"},
		// UN documents not in the corpus: the document that cites them
		{"A/RES/67/219", "GB.319/POL/2"},
		{"A/68/L.5", "GB.319/POL/2"},
		{"A/68/190", "GB.319/POL/2"},
		{"A/RES/72/309", "A/RES/72/309"},
		{"C189", "C189"},
		{"C.189", "C189"},
		{"Convention No. 189", "C189"},
		{"c 189", "C189"},
		{"C181", "C181"},
		{"C029", "C029"},
		{"C.29", "C029"},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			res, err := ix.Search(t.Context(), Request{Query: tc.q, Size: 5, NoFacets: true, NoPassages: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 || res.Hits[0].Symbol != tc.first {
				t.Errorf("%q: first hits %v, want %s first", tc.q, hitSymbols(res.Hits), tc.first)
			}
		})
	}
	for _, near := range []string{"GB.319/POL/3", "GB.319/POL/22", "GB.318/POL/2", "A/RES/67/218", "C188"} {
		t.Run("near "+near, func(t *testing.T) {
			res, err := ix.Search(t.Context(), Request{Query: near, Size: 5, NoFacets: true, NoPassages: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if h.Symbol == "GB.319/POL/2" || h.Symbol == "C189" {
					t.Errorf("%q finds %s", near, h.Symbol)
				}
			}
		})
	}
}

func hitSymbols(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Symbol)
	}
	return out
}

// TestPassages: a hit shows the passage where it matches, and a footnote
// hit names the paragraph that calls it.
func TestPassages(t *testing.T) {
	ix, _ := realIndex(t)
	res, err := ix.Search(t.Context(), Request{Query: "Sutherland"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Symbol != "GB.319/POL/2" {
		t.Fatalf("Sutherland: %v", hitSymbols(res.Hits))
	}
	p := res.Hits[0].Passages
	if len(p) == 0 || p[0].Kind != "paragraph" || p[0].Number != "8" || !strings.Contains(p[0].Highlight, "<mark>Sutherland</mark>") {
		t.Fatalf("Sutherland: passages %+v", p)
	}
	// paragraph 8 calls footnote 14, shown under it
	if len(p[0].Footnotes) != 1 || p[0].Footnotes[0].Number != "14" || p[0].Footnotes[0].Text != "GB.319/POL/1." {
		t.Errorf("paragraph 8's footnotes: %+v", p[0].Footnotes)
	}

	res, err = ix.Search(t.Context(), Request{Query: "A/RES/67/219"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Symbol != "GB.319/POL/2" {
		t.Fatalf("A/RES/67/219: %v", hitSymbols(res.Hits))
	}
	p = res.Hits[0].Passages
	if len(p) == 0 || p[0].Kind != "footnote" || p[0].Number != "5" || p[0].Paragraph != "4" {
		t.Fatalf("A/RES/67/219: passages %+v", p)
	}
	if !strings.Contains(p[0].Highlight, "<mark>A/RES/67/219</mark>") {
		t.Errorf("footnote 5 highlight: %s", p[0].Highlight)
	}
}

// TestHighlightEscapes: document text is HTML-escaped in highlights.
func TestHighlightEscapes(t *testing.T) {
	hl := &highlightTerms{}
	hl.add("en", []string{"script"})
	got := highlight(`a <script>alert("x")</script> & b`, "en", hl, 300)
	want := `a &lt;<mark>script</mark>&gt;alert(&#34;x&#34;)&lt;/<mark>script</mark>&gt; &amp; b`
	if got != want {
		t.Errorf("highlight = %s\nwant        %s", got, want)
	}
}

// TestFacetsAgainstBruteForce: for 20 random queries, the facet counts
// equal counts over the brute-force match set.
func TestFacetsAgainstBruteForce(t *testing.T) {
	ix, docs := realIndex(t)
	bdocs := bruteDocs(docs)
	vocab := []string{"workers", "labour", "migrant", "wages", "convention", "member", "employment", "women", "child",
		"social", "security", "inspection", "discrimination", "seafarers", "health", "rights", "development", "freedom", "international", "national"}
	rng := rand.New(rand.NewPCG(189, 319))
	for i := 0; i < 20; i++ {
		a, b := vocab[rng.IntN(len(vocab))], vocab[rng.IntN(len(vocab))]
		q := a
		switch rng.IntN(3) {
		case 1:
			q = a + " OR " + b
		case 2:
			q = a + " AND " + b
		}
		t.Run(q, func(t *testing.T) {
			n, err := ParseQuery(q)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]map[string]int{"kind": {}, "lang": {}, "year": {}, "section": {}}
			total := 0
			for _, b := range bdocs {
				if !b.evaluate(n) {
					continue
				}
				total++
				want["kind"][b.kind]++
				for _, l := range dedupe(b.langs) {
					want["lang"][l]++
				}
				if b.year != "" {
					want["year"][b.year]++
				}
				if b.section != "" {
					want["section"][b.section]++
				}
			}
			res, err := ix.Search(t.Context(), Request{Query: q, Size: 1, FacetSize: 1000, NoPassages: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != total {
				t.Errorf("total %d, brute force %d", res.Total, total)
			}
			for facet, counts := range want {
				got := map[string]int{}
				for _, v := range res.Facets[facet] {
					got[v.Value] = v.Count
				}
				if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(counts)) {
					t.Errorf("facet %s = %v, brute force %v", facet, sorted(got), sorted(counts))
				}
			}
		})
	}
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func sorted(m map[string]int) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(out)
	return out
}

// TestDisjunctiveFacets: selecting a facet value keeps the counts of the
// other values of that facet, and filters the other facets.
func TestDisjunctiveFacets(t *testing.T) {
	ix, _ := realIndex(t)
	all, err := ix.Search(t.Context(), Request{Query: "workers", NoPassages: true, FacetSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	sel, err := ix.Search(t.Context(), Request{Query: "workers", NoPassages: true, FacetSize: 100,
		Filters: map[string][]string{"kind": {"gb-document"}}})
	if err != nil {
		t.Fatal(err)
	}
	counts := func(fv []FacetValue) map[string]int {
		m := map[string]int{}
		for _, v := range fv {
			m[v.Value] = v.Count
		}
		return m
	}
	if a, s := counts(all.Facets["kind"]), counts(sel.Facets["kind"]); fmt.Sprint(sorted(a)) != fmt.Sprint(sorted(s)) {
		t.Errorf("kind facet changed when kind was selected: %v vs %v", sorted(a), sorted(s))
	}
	if sel.Total != counts(all.Facets["kind"])["gb-document"] {
		t.Errorf("selected total %d, kind count %d", sel.Total, counts(all.Facets["kind"])["gb-document"])
	}
	for _, v := range sel.Facets["kind"] {
		if v.Value == "gb-document" && !v.Selected {
			t.Errorf("selected value not marked")
		}
	}
	// the other facets count only the selection
	if n := counts(sel.Facets["lang"])["en"]; n != sel.Total {
		t.Errorf("lang facet under the selection counts %d, want %d", n, sel.Total)
	}
	// a value selected by another name (kind=gb) is marked as the index
	// holds it, not listed again under the name the request used
	alias, err := ix.Search(t.Context(), Request{Query: "workers", NoPassages: true, FacetSize: 100,
		Filters: map[string][]string{"kind": {"gb"}}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sel.Facets["kind"], alias.Facets["kind"]); diff != "" {
		t.Errorf("kind facet with kind=gb differs from kind=gb-document (-canonical +alias):\n%s", diff)
	}
}

// TestPaging: pages by from/size and by the after cursor give the same
// documents in the same order, with no duplicates.
func TestPaging(t *testing.T) {
	ix, _ := realIndex(t)
	for _, sortBy := range []string{"relevance", "date", "symbol"} {
		t.Run(sortBy, func(t *testing.T) {
			byFrom, byAfter := pageThrough(t, ix, Request{Query: "labour", Sort: sortBy, Size: 7})
			if !slices.Equal(byFrom, byAfter) {
				t.Errorf("from/size %v\nafter     %v", byFrom, byAfter)
			}
			if len(dedupe(byFrom)) != len(byFrom) || len(byFrom) < 20 {
				t.Errorf("%d results, %d distinct", len(byFrom), len(dedupe(byFrom)))
			}
		})
	}
}

// TestDutchStaysApart: the Dutch of the treaty sources is found with
// lang:nl only, and does not pollute English search.
func TestDutchStaysApart(t *testing.T) {
	ix, _ := realIndex(t)
	en, err := ix.Search(t.Context(), Request{Query: "verdrag", NoPassages: true})
	if err != nil {
		t.Fatal(err)
	}
	if en.Total != 0 {
		t.Errorf("English search for the Dutch word 'verdrag' finds %d documents: %v", en.Total, hitSymbols(en.Hits))
	}
	nl, err := ix.Search(t.Context(), Request{Query: "verdrag", Filters: map[string][]string{"lang": {"nl"}}, NoPassages: true})
	if err != nil {
		t.Fatal(err)
	}
	if nl.Total < 50 {
		t.Errorf("lang=nl search for 'verdrag' finds %d documents", nl.Total)
	}
}

// TestCitations: the citation graph of GB.319/POL/2 and its use in queries.
func TestCitations(t *testing.T) {
	ix, _ := realIndex(t)
	c, err := ix.Citations(t.Context(), "GB.319/POL/2")
	if err != nil {
		t.Fatal(err)
	}
	cites := map[string]Edge{}
	for _, e := range c.Cites {
		cites[e.Value] = e
	}
	for _, want := range []string{"C189", "C181", "A/68/190", "GB.316/POL/1"} {
		if _, ok := cites[want]; !ok {
			t.Errorf("GB.319/POL/2 does not cite %s", want)
		}
	}
	if e := cites["C189"]; !e.Resolved || e.Symbol != "C189" || !slices.Contains(e.CitedIn, "paragraph 8") {
		t.Errorf("edge to C189: %+v", e)
	}
	if e := cites["A/68/190"]; e.Resolved || !slices.Contains(e.CitedIn, "footnote 6") || !slices.Contains(e.CitedIn, "footnote 13") {
		t.Errorf("edge to A/68/190: %+v", e)
	}

	c189, err := ix.Citations(t.Context(), "C189")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range c189.CitedBy {
		if e.Symbol == "GB.319/POL/2" && slices.Contains(e.CitedIn, "paragraph 8") {
			found = true
		}
	}
	if !found {
		t.Errorf("C189 is not cited by GB.319/POL/2: %+v", c189.CitedBy)
	}

	got, _ := searchAll(t, ix, Request{Query: "citedby:GB.319/POL/2"})
	if !slices.Contains(got, "C189") || !slices.Contains(got, "C181") {
		t.Errorf("citedby:GB.319/POL/2 = %v", got)
	}
	got, _ = searchAll(t, ix, Request{Query: "cites:C189"})
	if !slices.Contains(got, "GB.319/POL/2") {
		t.Errorf("cites:C189 = %v", got)
	}
	missing, err := ix.MissingSources(t.Context(), "un", 100)
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, m := range missing {
		values = append(values, m.Value)
	}
	if !slices.Contains(values, "A/68/190") || slices.Contains(values, "A/RES/72/309") {
		t.Errorf("missing UN sources: %v", values)
	}
}

// TestPassageIDsUnique: passages name paragraphs and footnotes; two with
// the same ID would overwrite each other in the index.
func TestPassageIDsUnique(t *testing.T) {
	_, docs := realIndex(t)
	for _, d := range docs {
		seen := map[string]bool{}
		for _, p := range d.Passages() {
			if seen[p.ID] {
				t.Errorf("%s: passage %s twice", d.ID, p.ID)
			}
			seen[p.ID] = true
		}
		n, err := realCorpus.ix.CountPassages(t.Context(), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n != len(d.Passages()) {
			t.Errorf("%s: %d passages indexed, %d parsed", d.ID, n, len(d.Passages()))
		}
	}
}

// TestExpansionCapped: a prefix, wildcard or fuzzy term that expands past
// the cap is refused with ErrBadQuery (a 400), not run for seconds. The cap
// is bleve's global clause limit; the test lowers it for the real corpus.
func TestExpansionCapped(t *testing.T) {
	ix, _ := realIndex(t)
	old := searcher.DisjunctionMaxClauseCount
	searcher.DisjunctionMaxClauseCount = 20
	defer func() { searcher.DisjunctionMaxClauseCount = old }()
	for _, q := range []string{"co*", "c?n*", "rate~2"} {
		_, err := ix.Search(t.Context(), Request{Query: q})
		if !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), "expands to more than") {
			t.Errorf("%q: %v", q, err)
		}
	}
	if _, err := ix.Search(t.Context(), Request{Query: "seafar*"}); err != nil {
		t.Errorf("a narrow prefix is refused: %v", err)
	}
}

// TestPagingAcrossRescoreWindow: with a rescoring query, pages by
// from/size and by cursor agree, inside the window, across its edge and
// past it, and no document is shown twice or skipped.
func TestPagingAcrossRescoreWindow(t *testing.T) {
	ix, _ := realIndex(t)
	old := rescoreWindow
	rescoreWindow = 9
	defer func() { rescoreWindow = old }()
	q := "social security" // two words side by side: a rescore clause
	byFrom, byAfter := pageThrough(t, ix, Request{Query: q, Size: 4})
	all, total := searchAll(t, ix, Request{Query: q})
	if !slices.Equal(byFrom, byAfter) {
		t.Errorf("from/size %v\nafter     %v", byFrom, byAfter)
	}
	got := append([]string(nil), byFrom...)
	slices.Sort(got)
	if !slices.Equal(got, all) || len(byFrom) != total.Total || len(byFrom) < 12 {
		t.Errorf("%d results paged, %d matching, %d distinct", len(byFrom), total.Total, len(dedupe(byFrom)))
	}
}

func TestSymbolMarks(t *testing.T) {
	tests := []struct {
		text    string
		symbols []string
		want    []string
	}{
		{"the Domestic Workers Convention, 2011 (No. 189), and", []string{"C189"}, []string{"No. 189"}},
		{"Conventions (No.189) and (No. 1890)", []string{"C189"}, []string{"No.189"}},
		{"see GB.319/POL/2 and GB.319/POL/20", []string{"GB.319/POL/2"}, []string{"GB.319/POL/2"}},
		{"C189, not AC189 nor C1890", []string{"C189"}, []string{"C189"}},
		{"UN doc. A/RES/67/219 (26 March 2013)", []string{"A/RES/67/219"}, []string{"A/RES/67/219"}},
		{"no symbols asked", nil, nil},
	}
	for _, tc := range tests {
		var got []string
		for _, m := range symbolMarks(tc.text, tc.symbols) {
			got = append(got, tc.text[m.start:m.end])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("symbolMarks(%q, %q) = %q, want %q", tc.text, tc.symbols, got, tc.want)
		}
	}
}

// pageThrough reads every page of r (its query, sort and size) twice: by
// from/size and by the after cursor, and returns the symbols of each.
func pageThrough(t *testing.T, ix *Index, r Request) (byFrom, byAfter []string) {
	t.Helper()
	r.NoFacets, r.NoPassages = true, true
	for r.From = 0; ; r.From += r.Size {
		res, err := ix.Search(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		byFrom = append(byFrom, hitSymbols(res.Hits)...)
		if len(res.Hits) < r.Size {
			break
		}
	}
	r.From = 0
	for {
		res, err := ix.Search(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		byAfter = append(byAfter, hitSymbols(res.Hits)...)
		if res.Next == "" {
			break
		}
		r.After = res.Next
	}
	return byFrom, byAfter
}

// TestOnlyDocuments: whatever the query, hits are searchable documents,
// never the index's other entries (stored texts, versions, file records),
// which a query matching everything would reach without its filter.
func TestOnlyDocuments(t *testing.T) {
	ix, docs := realIndex(t)
	symbols := map[string]bool{}
	for _, d := range docs {
		symbols[d.Symbol] = true
	}
	for _, q := range []string{"", "NOT labour", "NOT labour NOT employment", "labour", "kind:instrument", `"social protection" OR NOT migration`} {
		res, err := ix.Search(t.Context(), Request{Query: q, Size: MaxSize, NoPassages: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 {
			t.Errorf("%q: no hits", q)
		}
		if res.Total > len(symbols) {
			t.Errorf("%q: %d hits, more than the %d documents", q, res.Total, len(symbols))
		}
		for _, h := range res.Hits {
			if !symbols[h.Symbol] {
				t.Errorf("%q: hit %q is not a document", q, h.Symbol)
			}
		}
	}
}
