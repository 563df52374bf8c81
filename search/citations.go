package search

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"gbsearch/indexer"
)

// DocumentView is a document as the document page and API show it: the
// summary of the symbol and each of its language versions in full.
type DocumentView struct {
	Info     Info                `json:"info"`
	Versions []*indexer.Document `json:"versions"`
}

// lookup finds the searchable document for a symbol in any form: its exact
// ID, or any alias ("gb 319 pol 2", "C.189", "CRC").
func (ix *Index) lookup(ctx context.Context, symbol string) (Info, bool, error) {
	candidates := []string{symbol, indexer.CanonicalSymbol(symbol)}
	if s := indexer.UNInstrumentSymbol(symbol); s != "" {
		candidates = append(candidates, s)
	}
	var should []query.Query
	for _, c := range candidates {
		q := bleve.NewTermQuery(c)
		q.SetField(fAliases)
		should = append(should, q)
	}
	should = append(should, bleve.NewDocIDQuery([]string{symbol}))
	req := bleve.NewSearchRequestOptions(docsOnly(bleve.NewDisjunctionQuery(should...)), 1, 0, false)
	req.Fields = []string{fInfo}
	res, err := ix.search(ctx, req)
	if err != nil {
		return Info{}, false, err
	}
	if len(res.Hits) == 0 {
		return Info{}, false, nil
	}
	var info Info
	s, _ := res.Hits[0].Fields[fInfo].(string)
	if err := json.Unmarshal([]byte(s), &info); err != nil {
		return Info{}, false, fmt.Errorf("decoding %s: %w", res.Hits[0].ID, err)
	}
	info.Symbol = res.Hits[0].ID
	return info, true, nil
}

// Document returns a document by symbol, with all its language versions.
func (ix *Index) Document(ctx context.Context, symbol string) (*DocumentView, error) {
	info, ok, err := ix.lookup(ctx, symbol)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: no document %q", ErrNotFound, symbol)
	}
	versions, err := ix.Versions(ctx, info.Symbol)
	if err != nil {
		return nil, err
	}
	return &DocumentView{Info: info, Versions: versions}, nil
}

// citedValues returns what a document cites, for citedby: queries: the
// canonical values and, for treaties cited by title, their short symbols.
func (ix *Index) citedValues(ctx context.Context, symbol string) ([]string, bool, error) {
	info, ok, err := ix.lookup(ctx, symbol)
	if err != nil || !ok {
		return nil, ok, err
	}
	versions, err := ix.Versions(ctx, info.Symbol)
	if err != nil {
		return nil, true, err
	}
	set := map[string]bool{}
	for _, d := range versions {
		for _, c := range d.Cited {
			set[c.Value] = true
			if s := indexer.UNInstrumentSymbol(c.Value); s != "" {
				set[s] = true
			}
		}
	}
	return keys(set), true, nil
}

// Edge is one citation between two documents, with where it is made.
type Edge struct {
	// Kind and Value are the reference as cited ("ilo-instrument", "C189").
	Kind  string `json:"kind"`
	Value string `json:"value"`
	// Symbol and Title name the document at the other end when it is in
	// the index; Resolved tells whether it is.
	Symbol   string `json:"symbol,omitempty"`
	Title    string `json:"title,omitempty"`
	Resolved bool   `json:"resolved"`
	// CitedIn lists the places of the citing document that make the
	// citation: "footnote 5", "paragraph 8", "related_documents".
	CitedIn []string `json:"cited_in"`
	// Language of the citing version.
	Language string `json:"language,omitempty"`
}

// Citations is the citation graph around one document.
type Citations struct {
	Symbol  string `json:"symbol"`
	Cites   []Edge `json:"cites"`
	CitedBy []Edge `json:"cited_by"`
}

// Citations returns what a document cites and what cites it, each edge with
// the footnote or paragraph it comes from, resolved to documents in the
// index where they exist.
func (ix *Index) Citations(ctx context.Context, symbol string) (*Citations, error) {
	info, ok, err := ix.lookup(ctx, symbol)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: no document %q", ErrNotFound, symbol)
	}
	out := &Citations{Symbol: info.Symbol, Cites: []Edge{}, CitedBy: []Edge{}}
	versions, err := ix.Versions(ctx, info.Symbol)
	if err != nil {
		return nil, err
	}
	var values []string
	for _, d := range versions {
		for _, c := range d.Cited {
			out.Cites = append(out.Cites, Edge{Kind: c.Kind, Value: c.Value, CitedIn: c.CitedIn, Language: d.Language})
			values = append(values, c.Value)
			if s := indexer.UNInstrumentSymbol(c.Value); s != "" {
				values = append(values, s)
			}
		}
	}
	resolved, err := ix.resolve(ctx, values)
	if err != nil {
		return nil, err
	}
	for i := range out.Cites {
		e := &out.Cites[i]
		r, ok := resolved[e.Value]
		if !ok {
			r, ok = resolved[indexer.UNInstrumentSymbol(e.Value)]
		}
		if ok {
			e.Symbol, e.Title, e.Resolved = r.Symbol, r.Title, true
		}
	}

	// what cites it: documents whose cites field holds any of its names
	aliases, err := ix.aliasesOf(ctx, info.Symbol)
	if err != nil {
		return nil, err
	}
	var should []query.Query
	for _, a := range aliases {
		q := bleve.NewTermQuery(a)
		q.SetField(fCites)
		should = append(should, q)
	}
	ids, err := ix.allIDs(ctx, docsOnly(bleve.NewDisjunctionQuery(should...)))
	if err != nil {
		return nil, err
	}
	isAlias := map[string]bool{}
	for _, a := range aliases {
		isAlias[a] = true
	}
	for _, id := range ids {
		if id == info.Symbol {
			continue
		}
		vs, err := ix.Versions(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, d := range vs {
			for _, c := range d.Cited {
				if isAlias[c.Value] || isAlias[indexer.UNInstrumentSymbol(c.Value)] && indexer.UNInstrumentSymbol(c.Value) != "" {
					out.CitedBy = append(out.CitedBy, Edge{Kind: d.Kind, Value: c.Value, Symbol: d.Symbol, Title: d.Title,
						Resolved: true, CitedIn: c.CitedIn, Language: d.Language})
				}
			}
		}
	}
	sort.SliceStable(out.CitedBy, func(i, j int) bool { return out.CitedBy[i].Symbol < out.CitedBy[j].Symbol })
	return out, nil
}

// resolve maps cited values to the documents in the index that carry them
// as an alias.
func (ix *Index) resolve(ctx context.Context, values []string) (map[string]Info, error) {
	out := map[string]Info{}
	if len(values) == 0 {
		return out, nil
	}
	var should []query.Query
	want := map[string]bool{}
	for _, v := range values {
		if v == "" || want[v] {
			continue
		}
		want[v] = true
		q := bleve.NewTermQuery(v)
		q.SetField(fAliases)
		should = append(should, q)
	}
	req := bleve.NewSearchRequestOptions(docsOnly(bleve.NewDisjunctionQuery(should...)), len(should), 0, false)
	req.Fields = []string{fInfo, fAliases}
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		var info Info
		s, _ := h.Fields[fInfo].(string)
		_ = json.Unmarshal([]byte(s), &info)
		info.Symbol = h.ID
		for _, a := range storedStrings(h.Fields[fAliases]) {
			if want[a] {
				out[a] = info
			}
		}
	}
	return out, nil
}

func (ix *Index) aliasesOf(ctx context.Context, symbol string) ([]string, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{symbol}), 1, 0, false)
	req.Fields = []string{fAliases}
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(res.Hits) == 0 {
		return []string{symbol}, nil
	}
	return storedStrings(res.Hits[0].Fields[fAliases]), nil
}

func storedStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Missing is a cited reference that no document in the index carries.
type Missing struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	// CitedBy is the number of documents that cite it.
	CitedBy int `json:"cited_by"`
}

// MissingSources lists the references cited in the corpus that are not in
// it, most cited first: the librarian's acquisition list. kind, when not
// empty, keeps one kind of reference ("gb", "un", "ilo-instrument", "url").
func (ix *Index) MissingSources(ctx context.Context, kind string, limit int) ([]Missing, error) {
	// bleve's facet builders, not the columns of facetcount.go: these two
	// fields hold a value per citation and alias, and a librarian's report
	// asks for them rarely; columns would stay in memory for every segment
	req := bleve.NewSearchRequestOptions(docsOnly(bleve.NewMatchAllQuery()), 0, 0, false)
	req.AddFacet("cited", bleve.NewFacetRequest(fCitesTyped, 100000))
	req.AddFacet("aliases", bleve.NewFacetRequest(fAliases, 1000000))
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	if f := res.Facets["aliases"]; f != nil && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			have[t.Term] = true
		}
	}
	var out []Missing
	if f := res.Facets["cited"]; f != nil && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			k, v, _ := strings.Cut(t.Term, "|")
			if kind != "" && k != kind {
				continue
			}
			if have[v] || have[indexer.UNInstrumentSymbol(v)] {
				continue
			}
			out = append(out, Missing{Kind: k, Value: v, CitedBy: t.Count})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].CitedBy != out[j].CitedBy {
			return out[i].CitedBy > out[j].CitedBy
		}
		return out[i].Value < out[j].Value
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
