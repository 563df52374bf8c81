package server

import (
	_ "embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"gbsearch/search"
)

// openAPI is the description of every route, written by hand and checked
// against the router by TestOpenAPICoversRoutes.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, err := w.Write(openAPI)
	return err
}

// passageJSON is one passage of a document version with the link to its
// place on the document page.
type passageJSON struct {
	ID         string   `json:"id"`
	Version    string   `json:"version"`
	Kind       string   `json:"kind"`
	Number     string   `json:"number"`
	Heading    string   `json:"heading,omitempty"`
	Language   string   `json:"language"`
	Text       string   `json:"text"`
	Footnotes  []int    `json:"footnotes,omitempty"`
	Paragraph  string   `json:"paragraph,omitempty"`
	References []string `json:"references,omitempty"`
	URL        string   `json:"url"`
}

// passages lists the passages of a document (paragraphs, footnotes,
// summaries), as search cuts them, optionally of one language or kind.
func (s *Server) passages(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	for name := range q {
		if name != "lang" && name != "kind" {
			return badRequest("unknown parameter %q (parameters: lang, kind)", name)
		}
	}
	lang, kind := q.Get("lang"), q.Get("kind")
	switch kind {
	case "", "paragraph", "footnote", "summary", "text":
	default:
		return badRequest("kind must be paragraph, footnote, summary or text, not %q", kind)
	}
	doc, err := s.searcher.Document(r.Context(), mux.Vars(r)["symbol"])
	if err != nil {
		return err
	}
	out := []passageJSON{}
	for i, v := range doc.Versions {
		page := docURL(doc.Info.Symbol)
		if i > 0 {
			page += "?lang=" + url.QueryEscape(v.Language)
		}
		for _, p := range v.Passages() {
			if (lang != "" && p.Language != lang) || (kind != "" && p.Kind != kind) {
				continue
			}
			pj := passageJSON{ID: p.ID, Version: v.ID, Kind: p.Kind, Number: p.Number, Heading: p.Heading,
				Language: p.Language, Text: p.Text, Footnotes: p.Footnotes, Paragraph: p.Paragraph,
				References: p.References, URL: page}
			switch p.Kind {
			case "paragraph":
				pj.URL += "#" + anchorID("para-", p.Number)
			case "footnote":
				pj.URL += "#" + anchorID("fn-", p.Number)
			case "summary":
				pj.URL += "#" + anchorID("", p.Number)
			}
			out = append(out, pj)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"symbol": doc.Info.Symbol, "passages": out})
	return nil
}

// facetParams are the parameters of /facets/{name} besides the filters.
var facetParams = map[string]bool{"prefix": true, "q": true, "size": true}

// facetValues lists a facet's values, most frequent first, counted under a
// query and the other facets' filters; prefix reaches into facets too big
// to list whole.
func (s *Server) facetValues(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	fr := search.FacetRequest{Name: mux.Vars(r)["name"], Prefix: v.Get("prefix"), Query: v.Get("q"), Filters: map[string][]string{}}
	if err := checkQueryLength(fr.Query); err != nil {
		return err
	}
	if sz := v.Get("size"); sz != "" {
		n, err := strconv.Atoi(sz)
		if err != nil {
			return badRequest("parameter size=%q is not a number", sz)
		}
		fr.Size = n
	}
	for name, vals := range v {
		if facetParams[name] {
			continue
		}
		if !isFacet(name) {
			return badRequest("unknown parameter %q (parameters: prefix, q, size, and the facet filters %s)", name, facetList())
		}
		for _, val := range vals {
			if val = strings.TrimSpace(val); val != "" {
				fr.Filters[name] = append(fr.Filters[name], val)
			}
		}
	}
	vals, err := s.searcher.FacetValues(r.Context(), fr)
	if err != nil {
		return err
	}
	if vals == nil {
		vals = []search.FacetValue{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"facet": fr.Name, "prefix": fr.Prefix, "values": vals})
	return nil
}

// suggest proposes documents for the text typed so far in the search box.
func (s *Server) suggest(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	for name := range v {
		if name != "q" && name != "size" {
			return badRequest("unknown parameter %q (parameters: q, size)", name)
		}
	}
	size := 0
	if sz := v.Get("size"); sz != "" {
		n, err := strconv.Atoi(sz)
		if err != nil {
			return badRequest("parameter size=%q is not a number", sz)
		}
		size = n
	}
	out, err := s.searcher.Suggest(r.Context(), v.Get("q"), size)
	if err != nil {
		return err
	}
	if out == nil {
		out = []search.Suggestion{}
	}
	// suggestions change only with the index: a short private cache spares
	// a request per keystroke when people type back and forth
	w.Header().Set("Cache-Control", "private, max-age=60")
	writeJSON(w, http.StatusOK, map[string]any{"query": v.Get("q"), "suggestions": out})
	return nil
}

func isFacet(name string) bool {
	for _, f := range search.Facets {
		if f.Name == name {
			return true
		}
	}
	return false
}

// checkQueryLength refuses a query longer than the query language allows
// before any parsing: the limit is documented, so say it plainly.
func checkQueryLength(q string) error {
	if n := utf8.RuneCountInString(q); n > search.MaxQueryLength {
		return badRequest("the query has %d characters; at most %d are allowed", n, search.MaxQueryLength)
	}
	return nil
}
