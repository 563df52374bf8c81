package server

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"gbsearch/search"
)

// The researchers' web page is server-rendered html/template: every page
// works without JavaScript, and its state (query, filters, sort, page)
// lives in the URL, so a search can be bookmarked or shared. The little
// JavaScript in static/app.js only adds suggestions as you type, a filter
// box for big facets and submitting on a change of sort.
//
// Nothing from a document is rendered unescaped: the one template.HTML is
// search.Passage.Highlight, which the search package escapes itself before
// it adds <mark>.

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages are parsed once: the layout, then each page's content on a clone.
var pages = func() map[string]*template.Template {
	base := template.Must(template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html"))
	out := map[string]*template.Template{}
	for _, name := range []string{"search.html", "document.html", "syntax.html", "error.html"} {
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name))
	}
	return out
}()

// staticVersion is a hash of the embedded assets, appended to their URLs
// so that a new build is never served a stale stylesheet from a cache.
var staticVersion = func() string {
	h := sha256.New()
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := staticFS.ReadFile(p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}()

var templateFuncs = template.FuncMap{
	"docURL":    docURL,
	"static":    func(name string) string { return "/static/" + name + "?v=" + staticVersion },
	"langName":  langName,
	"kindLabel": kindLabel,
	"add":       func(a, b int) int { return a + b },
}

// installWeb registers the researchers' web page (/, /documents/..., the
// query syntax page and static assets).
func (s *Server) installWeb(r *mux.Router) {
	r.Handle("/", s.handle("web_search", s.page(s.searchPage))).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/syntax", s.handle("web_syntax", s.page(s.syntaxPage))).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/documents/{symbol:.+}", s.handle("web_document", s.page(s.documentPage))).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/static/{file}", s.handle("static", s.static)).Methods(http.MethodGet, http.MethodHead)
}

// page adapts a page handler: its errors are shown as an HTML page with
// the status the API would give them, not as JSON.
func (s *Server) page(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		if err == nil {
			return nil
		}
		status, body := s.errorBody(r, err)
		v := errorView{Status: status, Title: http.StatusText(status), Detail: body.Detail}
		if status == 499 {
			v.Title = "Request canceled"
		}
		var pe *search.ParseError
		if errors.As(err, &pe) {
			v.Query = newQueryMark(r.URL.Query().Get("q"), pe.Pos, pe.Msg)
		}
		return s.render(w, status, "error.html", v)
	}
}

// render executes a page into a buffer first, so that a template error is
// a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("rendering %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	// scripts and styles come only from /static: even if some text slipped
	// through unescaped, an inline script would not run
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	name := mux.Vars(r)["file"]
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "..") {
		return &httpError{http.StatusNotFound, "not found", fmt.Errorf("no static file %q", name)}
	}
	ctype := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
		".svg": "image/svg+xml"}[path.Ext(name)]
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err = w.Write(b)
	return err
}

// docURL is the page of a document; the symbol's segments are escaped one
// by one because the route takes the '/' of a symbol as it is.
func docURL(symbol string) string {
	parts := strings.Split(symbol, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/documents/" + strings.Join(parts, "/")
}

// anchorID makes a paragraph number ("8", "2.1", "preamble") into the
// fragment of its deep link.
func anchorID(prefix, n string) string {
	return prefix + strings.Join(strings.Fields(n), "-")
}

var languageNames = map[string]string{"en": "English", "fr": "Français", "es": "Español", "nl": "Nederlands"}

func langName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}

var kindLabels = map[string]string{"gb-document": "GB document", "un-document": "UN document",
	"ilo-instrument": "ILO instrument", "un-treaty": "UN treaty", "web-page": "Web page", "other": "Other"}

func kindLabel(kind string) string {
	if l, ok := kindLabels[kind]; ok {
		return l
	}
	return kind
}

// ---------------------------------------------------------------------------
// The search page

type link struct {
	Label   string
	URL     string
	Current bool
}

type searchView struct {
	Title      string
	Q          string
	Sort       string
	Sorts      []link
	Hidden     []hiddenField // filters kept when the form is submitted
	Active     []activeFilter
	ClearURL   string
	Searched   bool
	Total      int
	First      int
	Last       int
	Hits       []hitView
	Facets     []facetView
	Warnings   []string
	PrevURL    string
	NextURL    string
	Exports    []link
	TookMS     string
	FacetsMore string
}

type hiddenField struct{ Name, Value string }

type activeFilter struct {
	Label, Value, RemoveURL string
}

type facetView struct {
	Name, Label string
	Values      []facetValueView
	// Full is true when the facet may have more values than are shown:
	// the page then offers a filter box (and a link for more without JS).
	Full bool
}

type facetValueView struct {
	Value, Label string
	Count        int
	Selected     bool
	URL          string
}

type hitView struct {
	search.Hit
	URL      string
	Versions []link
	Passages []passageView
}

type passageView struct {
	Kind, Number, Heading, Language string
	Highlight                       template.HTML
	URL                             string
	// for a footnote: the paragraph that calls it
	Paragraph, ParagraphURL string
	Footnotes               []passageView
}

// searchState is the URL of a search, changed one parameter at a time to
// make the links of the page (facets, paging, sort).
type searchState url.Values

func (st searchState) with(f func(v url.Values)) string {
	v := url.Values{}
	for k, vs := range st {
		v[k] = append([]string(nil), vs...)
	}
	f(v)
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// resetPaging drops the page position: a new filter or sort starts over.
func resetPaging(v url.Values) { v.Del("from"); v.Del("after") }

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req, err := parseSearch(q)
	if err != nil {
		return err
	}
	if req.Size == 0 {
		req.Size = 10
	}
	res, err := s.searcher.Search(r.Context(), req)
	if err != nil {
		return err
	}
	s.metrics.searchDuration.Observe(res.Took.Seconds())
	s.metrics.searchHits.Observe(float64(res.Total))
	st := searchState(q)
	v := searchView{Title: "Search", Q: req.Query, Sort: req.Sort, Total: res.Total, Warnings: res.Warnings,
		Searched: req.Query != "" || len(req.Filters) > 0, TookMS: fmt.Sprintf("%.0f", float64(res.Took.Microseconds())/1000)}
	if req.Query != "" {
		v.Title = req.Query
	}
	for _, o := range []struct{ value, label string }{{"", "relevance"}, {"date", "newest first"}, {"date_asc", "oldest first"}, {"symbol", "symbol"}} {
		v.Sorts = append(v.Sorts, link{Label: o.label, URL: o.value, Current: o.value == req.Sort || (o.value == "" && req.Sort == "relevance")})
	}
	// filters ride along as hidden fields, in facet order for a stable URL
	for _, f := range search.Facets {
		for _, val := range req.Filters[f.Name] {
			v.Hidden = append(v.Hidden, hiddenField{f.Name, val})
			v.Active = append(v.Active, activeFilter{Label: f.Label, Value: facetValueLabel(f.Name, val),
				RemoveURL: st.with(func(u url.Values) { resetPaging(u); removeValue(u, f.Name, val) })})
		}
	}
	for _, p := range []string{"size", "facet_size"} {
		if x := q.Get(p); x != "" {
			v.Hidden = append(v.Hidden, hiddenField{p, x})
		}
	}
	if len(v.Active) > 0 {
		v.ClearURL = st.with(func(u url.Values) {
			resetPaging(u)
			for _, f := range search.Facets {
				u.Del(f.Name)
			}
		})
	}
	facetSize := req.FacetSize
	if facetSize == 0 {
		facetSize = 10
	}
	for _, f := range search.Facets {
		vals := res.Facets[f.Name]
		if len(vals) == 0 {
			continue
		}
		fv := facetView{Name: f.Name, Label: f.Label, Full: len(vals) >= facetSize}
		for _, val := range vals {
			fv.Values = append(fv.Values, facetValueView{Value: val.Value, Label: facetValueLabel(f.Name, val.Value),
				Count: val.Count, Selected: val.Selected,
				URL: st.with(func(u url.Values) {
					resetPaging(u)
					if val.Selected {
						removeValue(u, f.Name, val.Value)
					} else {
						u.Add(f.Name, val.Value)
					}
				})})
		}
		v.Facets = append(v.Facets, fv)
	}
	if facetSize < search.MaxFacetSize {
		v.FacetsMore = st.with(func(u url.Values) { u.Set("facet_size", strconv.Itoa(min(facetSize*5, search.MaxFacetSize))) })
	}
	for _, h := range res.Hits {
		v.Hits = append(v.Hits, hitViewOf(h))
	}
	if len(res.Hits) > 0 {
		v.First, v.Last = req.From+1, req.From+len(res.Hits)
	}
	if req.From > 0 && req.After == "" {
		v.PrevURL = st.with(func(u url.Values) {
			if f := req.From - req.Size; f > 0 {
				u.Set("from", strconv.Itoa(f))
			} else {
				u.Del("from")
			}
		})
	}
	if res.Next != "" && (req.After != "" || req.From+len(res.Hits) < res.Total) {
		v.NextURL = st.with(func(u url.Values) {
			// from is simplest to share; past the window only the cursor
			// pages on
			if next := req.From + req.Size; req.After == "" && next+req.Size <= search.MaxWindow {
				u.Set("from", strconv.Itoa(next))
			} else {
				u.Del("from")
				u.Set("after", res.Next)
			}
		})
		if req.After != "" {
			v.First, v.Last = 0, 0
		}
	}
	for _, f := range []struct{ format, label string }{{"bibtex", "BibTeX"}, {"ris", "RIS"}, {"csv", "CSV"}, {"csl-json", "CSL-JSON"}} {
		e := url.Values{}
		for k, vs := range q {
			e[k] = vs
		}
		e.Set("format", f.format)
		v.Exports = append(v.Exports, link{Label: f.label, URL: "/api/v1/search?" + e.Encode()})
	}
	return s.render(w, http.StatusOK, "search.html", v)
}

func removeValue(u url.Values, name, value string) {
	var keep []string
	for _, x := range u[name] {
		if x != value {
			keep = append(keep, x)
		}
	}
	if len(keep) == 0 {
		u.Del(name)
	} else {
		u[name] = keep
	}
}

func facetValueLabel(facet, value string) string {
	switch facet {
	case "lang":
		return langName(value)
	case "kind":
		return kindLabel(value)
	case "cites":
		// instrument keys join words with "_" (ILO_Constitution); the
		// filter keeps the key, the reader gets words
		return strings.ReplaceAll(value, "_", " ")
	}
	return value
}

// hitViewOf prepares a hit: links to its language versions and to each
// passage's place in the document.
func hitViewOf(h search.Hit) hitView {
	hv := hitView{Hit: h, URL: docURL(h.Symbol)}
	primary := ""
	if len(h.Versions) > 0 {
		primary = h.Versions[0]
	}
	for _, id := range h.Versions {
		_, lang, _ := strings.Cut(id, "@")
		u := hv.URL
		if id != primary {
			u += "?lang=" + url.QueryEscape(lang)
		}
		hv.Versions = append(hv.Versions, link{Label: langName(lang), URL: u})
	}
	page := func(version string) string {
		if version == "" || version == primary {
			return hv.URL
		}
		_, lang, _ := strings.Cut(version, "@")
		return hv.URL + "?lang=" + url.QueryEscape(lang)
	}
	var pv func(p search.Passage) passageView
	pv = func(p search.Passage) passageView {
		v := passageView{Kind: p.Kind, Number: p.Number, Heading: p.Heading, Language: p.Language,
			// the search package escapes the passage text and adds only
			// <mark>: the one place the page trusts HTML
			Highlight: template.HTML(p.Highlight)}
		if p.Highlight == "" {
			v.Highlight = template.HTML(template.HTMLEscapeString(p.Text))
		}
		base := page(p.Version)
		switch p.Kind {
		case "paragraph":
			v.URL = base + "#" + anchorID("para-", p.Number)
		case "footnote":
			v.URL = base + "#" + anchorID("fn-", p.Number)
			if p.Paragraph != "" {
				v.Paragraph = p.Paragraph
				v.ParagraphURL = base + "#" + anchorID("para-", p.Paragraph)
			}
		case "summary":
			v.URL = base + "#" + anchorID("", p.Number)
		default:
			v.URL = base
		}
		for _, f := range p.Footnotes {
			if f.Version == "" {
				f.Version = p.Version
			}
			v.Footnotes = append(v.Footnotes, pv(f))
		}
		return v
	}
	for _, p := range h.Passages {
		hv.Passages = append(hv.Passages, pv(p))
	}
	return hv
}

// ---------------------------------------------------------------------------
// Errors shown as pages

type errorView struct {
	Title  string
	Status int
	Detail string
	Query  *queryMark
}

// queryMark splits a malformed query at the position of its problem, so
// the page can point at it.
type queryMark struct {
	Before, At, After, Message string
	Position                   int
}

func newQueryMark(q string, pos int, msg string) *queryMark {
	rs := []rune(q)
	if pos < 0 {
		pos = 0
	}
	if pos > len(rs) {
		pos = len(rs)
	}
	m := &queryMark{Before: string(rs[:pos]), Message: msg, Position: pos + 1}
	if pos < len(rs) {
		m.At, m.After = string(rs[pos]), string(rs[pos+1:])
	}
	return m
}

// ---------------------------------------------------------------------------
// The syntax page

type syntaxView struct {
	Title  string
	Syntax search.Syntax
	Fields []hiddenField
	Limits []hiddenField
}

func (s *Server) syntaxPage(w http.ResponseWriter, r *http.Request) error {
	syn := search.SyntaxHelp()
	v := syntaxView{Title: "Query syntax", Syntax: syn}
	for name, help := range syn.Fields {
		v.Fields = append(v.Fields, hiddenField{name, help})
	}
	sort.Slice(v.Fields, func(i, j int) bool { return v.Fields[i].Name < v.Fields[j].Name })
	for name, n := range syn.Limits {
		v.Limits = append(v.Limits, hiddenField{strings.ReplaceAll(name, "_", " "), strconv.Itoa(n)})
	}
	sort.Slice(v.Limits, func(i, j int) bool { return v.Limits[i].Name < v.Limits[j].Name })
	return s.render(w, http.StatusOK, "syntax.html", v)
}

// ---------------------------------------------------------------------------
// The document page

type documentView struct {
	Title     string
	Symbol    string
	Kind      string
	Language  string
	Languages []link
	Meta      []metaRow
	Related   []relatedView
	Purpose   string
	Summary   string
	Decision  string
	Body      []bodyBlock
	Footnotes []footnoteView
	Other     []otherText
	Cites     []citeView
	CitedBy   []citedByView
	Exports   []link
}

// metaRow is one line of the metadata block; Links, when present, are
// shown instead of Value.
type metaRow struct {
	Label, Value string
	Links        []link
}

type relatedView struct {
	Symbol, URL, Title, Author, Description string
}

// bodyBlock is a heading or a numbered paragraph, in reading order.
type bodyBlock struct {
	Heading   string
	Paragraph *paragraphView
}

type paragraphView struct {
	Number, ID string
	Bold       bool
	Text       []segment
	Items      []itemView
}

type itemView struct {
	Label, ID, LeadIn string
	Text              []segment
}

// segment is a run of text, or (Footnote > 0) the callout of a footnote.
type segment struct {
	Text     string
	Footnote int
}

type footnoteView struct {
	Number             int
	Text               string
	Called             bool // a callout links here, so the note links back
	Where, WhereURL    string
	References         []string
	ReferencesResolved []link
}

type otherText struct{ Language, Text string }

type citeView struct {
	Value, Kind, Title, URL string
	External                bool
	Places                  []link
}

type citedByView struct {
	Symbol, Title, URL string
	Places             []link
}

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) error {
	symbol := mux.Vars(r)["symbol"]
	doc, err := s.searcher.Document(r.Context(), symbol)
	if err != nil {
		return err
	}
	if len(doc.Versions) == 0 {
		return fmt.Errorf("%w: %s has no stored version", search.ErrNotFound, symbol)
	}
	// a symbol typed another way ("gb 319 pol 2") goes to the canonical page
	if doc.Info.Symbol != "" && doc.Info.Symbol != symbol {
		target := docURL(doc.Info.Symbol)
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return nil
	}
	want := r.URL.Query().Get("lang")
	ver := doc.Versions[0]
	for _, d := range doc.Versions {
		if d.Language == want {
			ver = d
		}
	}
	if want != "" && ver.Language != want {
		return &httpError{http.StatusNotFound, "not found", fmt.Errorf("%s has no %s version", doc.Info.Symbol, langName(want))}
	}
	cit, err := s.searcher.Citations(r.Context(), doc.Info.Symbol)
	if err != nil {
		return err
	}
	self := docURL(doc.Info.Symbol)
	v := documentView{Title: ver.Symbol + " " + ver.Title, Symbol: ver.Symbol, Kind: ver.Kind, Language: ver.Language,
		Purpose: ver.Purpose, Summary: ver.ExecutiveSummary, Decision: ver.DraftDecision}
	if ver.Title != "" {
		v.Title = ver.Title
	}
	for _, d := range doc.Versions {
		u := self
		if d != doc.Versions[0] {
			u += "?lang=" + url.QueryEscape(d.Language)
		}
		v.Languages = append(v.Languages, link{Label: langName(d.Language), URL: u, Current: d == ver})
	}

	// where cited references resolve to documents of the index
	resolved := map[string]string{}
	for _, e := range cit.Cites {
		if e.Resolved {
			resolved[e.Value] = e.Symbol
		}
	}

	meta := func(label, value string) {
		if strings.TrimSpace(value) != "" {
			v.Meta = append(v.Meta, metaRow{Label: label, Value: value})
		}
	}
	meta("Symbol", ver.Symbol)
	meta("Kind", kindLabel(ver.Kind))
	if ver.SessionLabel != "" {
		session := ordinal(ver.SessionLabel) + " Session"
		if len(ver.SessionDates) > 0 {
			session += " (" + strings.Join(ver.SessionDates, " to ") + ")"
		}
		meta("Session", session)
	}
	section := ver.Section
	if ver.SectionName != "" {
		section = ver.SectionName + " (" + ver.Section + ")"
	}
	meta("Section", section)
	meta("Agenda item", ver.Item)
	meta("Date", ver.Date)
	meta("Original language", ver.OriginalLanguage)
	meta("Strategic objective", ver.StrategicObjective)
	meta("Outcome", ver.Outcome)
	meta("Policy implications", ver.PolicyImplications)
	meta("Legal implications", ver.LegalImplications)
	meta("Financial implications", ver.FinancialImplications)
	meta("Follow-up action", ver.FollowUp)
	if len(ver.AuthorUnits) > 0 {
		var units []string
		for _, u := range ver.AuthorUnits {
			if u.Name != "" {
				units = append(units, u.Name+" ("+u.Code+")")
			} else {
				units = append(units, u.Code)
			}
		}
		meta("Author units", strings.Join(units, "; "))
	}
	if ver.Instrument != nil {
		meta("Instrument", strings.TrimSpace(ver.Instrument.Type+" "+strconv.Itoa(ver.Instrument.Number)))
		if ver.Instrument.Year > 0 {
			meta("Adopted", strconv.Itoa(ver.Instrument.Year))
		}
	}
	if ver.UN != nil {
		meta("Distribution", ver.UN.Distribution)
		meta("UN session", ver.UN.Session)
		meta("Agenda item", ver.UN.AgendaItem)
	}
	for _, rd := range ver.RelatedDocuments {
		rv := relatedView{Symbol: rd.Symbol, Title: rd.Title, Author: rd.Author, Description: rd.Description}
		if sym, ok := resolved[rd.Symbol]; ok {
			rv.URL = docURL(sym)
		}
		v.Related = append(v.Related, rv)
	}

	// footnote callouts, by the paragraph (and item) whose text holds them
	type place struct{ para, item string }
	callouts := map[place][]calloutAt{}
	placed := map[int]bool{}
	for _, f := range ver.Footnotes {
		if f.Callout == nil {
			continue
		}
		p := place{para: f.Callout.Paragraph}
		if f.Callout.Item != nil {
			p.item = *f.Callout.Item
		}
		callouts[p] = append(callouts[p], calloutAt{offset: f.Callout.Offset, number: f.Number})
		placed[f.Number] = true
	}
	headings := map[string][]string{}
	for _, h := range ver.Headings {
		headings[h.FirstParagraph] = append(headings[h.FirstParagraph], h.Text)
	}
	calledIn := map[int]string{} // footnote → the paragraph (and item) calling it
	lastHeading := ""
	for _, p := range ver.Paragraphs {
		if hs, ok := headings[p.Number]; ok {
			for _, h := range hs {
				v.Body = append(v.Body, bodyBlock{Heading: h})
			}
			lastHeading = hs[len(hs)-1]
		} else if len(ver.Headings) == 0 && p.Heading != "" && p.Heading != lastHeading {
			v.Body = append(v.Body, bodyBlock{Heading: p.Heading})
			lastHeading = p.Heading
		}
		pv := &paragraphView{Number: p.Number, ID: anchorID("para-", p.Number), Bold: p.Bold}
		// footnotes of the paragraph that no callout places go at its end
		inItems := map[int]bool{}
		for _, it := range p.Items {
			for _, n := range it.Footnotes {
				inItems[n] = true
			}
		}
		cs := callouts[place{para: p.Number}]
		for _, n := range p.Footnotes {
			if !placed[n] && !inItems[n] {
				cs = append(cs, calloutAt{offset: -1, number: n})
				placed[n] = true
			}
		}
		for _, c := range cs {
			calledIn[c.number] = p.Number
		}
		pv.Text = splitCallouts(p.Text, cs)
		for _, it := range p.Items {
			ics := callouts[place{para: p.Number, item: it.Label}]
			for _, n := range it.Footnotes {
				if !placed[n] {
					ics = append(ics, calloutAt{offset: -1, number: n})
					placed[n] = true
				}
			}
			for _, c := range ics {
				calledIn[c.number] = p.Number + "(" + it.Label + ")"
			}
			pv.Items = append(pv.Items, itemView{Label: it.Label, ID: anchorID("para-", p.Number+"-"+it.Label),
				LeadIn: it.LeadIn, Text: splitCallouts(it.Text, ics)})
		}
		v.Body = append(v.Body, bodyBlock{Paragraph: pv})
	}
	for _, f := range ver.Footnotes {
		fv := footnoteView{Number: f.Number, Text: f.Text}
		if where, ok := calledIn[f.Number]; ok {
			fv.Called = true
			para, _, _ := strings.Cut(where, "(")
			fv.Where, fv.WhereURL = "paragraph "+where, "#"+anchorID("para-", para)
		}
		seen := map[string]bool{}
		for _, ref := range f.References {
			if ref.Value == "" || seen[ref.Value] || ref.Kind == "paragraph" || ref.Kind == "op-cit" {
				continue
			}
			seen[ref.Value] = true
			if sym, ok := resolved[ref.Value]; ok {
				fv.ReferencesResolved = append(fv.ReferencesResolved, link{Label: ref.Value, URL: docURL(sym)})
			}
		}
		v.Footnotes = append(v.Footnotes, fv)
	}
	for _, l := range sortedKeys(ver.Other) {
		v.Other = append(v.Other, otherText{Language: l, Text: ver.Other[l]})
	}

	// what this version cites, with the places that cite it
	for _, e := range cit.Cites {
		if e.Language != "" && e.Language != ver.Language {
			continue
		}
		cv := citeView{Value: e.Value, Kind: e.Kind, Title: e.Title}
		switch {
		case e.Resolved:
			cv.URL = docURL(e.Symbol)
		case e.Kind == "url" && (strings.HasPrefix(e.Value, "https://") || strings.HasPrefix(e.Value, "http://")):
			// a cited web page not in the index: the page itself (the
			// template still checks the URL)
			cv.URL, cv.External = e.Value, true
		}
		for _, where := range e.CitedIn {
			cv.Places = append(cv.Places, placeLink("", where))
		}
		v.Cites = append(v.Cites, cv)
	}
	// what cites it, one entry per citing document
	byDoc := map[string]*citedByView{}
	var order []string
	for _, e := range cit.CitedBy {
		cb, ok := byDoc[e.Symbol]
		if !ok {
			cb = &citedByView{Symbol: e.Symbol, Title: e.Title, URL: docURL(e.Symbol)}
			byDoc[e.Symbol] = cb
			order = append(order, e.Symbol)
		}
		base := cb.URL
		if e.Language != "" && e.Language != "en" {
			base += "?lang=" + url.QueryEscape(e.Language)
		}
		for _, where := range e.CitedIn {
			pl := placeLink(base, where)
			dup := false
			for _, have := range cb.Places {
				dup = dup || have == pl
			}
			if !dup {
				cb.Places = append(cb.Places, pl)
			}
		}
	}
	for _, sym := range order {
		v.CitedBy = append(v.CitedBy, *byDoc[sym])
	}

	for _, f := range []struct{ format, label string }{{"bibtex", "BibTeX"}, {"ris", "RIS"}, {"csv", "CSV"}, {"csl-json", "CSL-JSON"}, {"json", "JSON"}} {
		v.Exports = append(v.Exports, link{Label: f.label, URL: "/api/v1" + self + "?format=" + f.format})
	}
	v.Exports = append(v.Exports, link{Label: "Passages (JSON)", URL: "/api/v1" + self + "/passages"},
		link{Label: "Citations (JSON)", URL: "/api/v1" + self + "/citations"})
	return s.render(w, http.StatusOK, "document.html", v)
}

// placeLink turns a citation's place ("footnote 5", "paragraph 8",
// "related_documents") into a link into the document at base.
func placeLink(base, where string) link {
	kind, n, _ := strings.Cut(where, " ")
	switch kind {
	case "footnote":
		return link{Label: where, URL: base + "#" + anchorID("fn-", n)}
	case "paragraph":
		return link{Label: where, URL: base + "#" + anchorID("para-", n)}
	case "related_documents":
		return link{Label: "related documents", URL: base + "#related"}
	}
	return link{Label: strings.ReplaceAll(where, "_", " "), URL: base}
}

// calloutAt is a footnote callout at a code-point offset of a text; -1
// puts it at the end.
type calloutAt struct{ offset, number int }

// splitCallouts cuts text at its callouts. Offsets count code points, as
// indexer.Callout.Offset does; one past the end (or -1) is the end.
func splitCallouts(text string, cs []calloutAt) []segment {
	rs := []rune(text)
	for i := range cs {
		if cs[i].offset < 0 || cs[i].offset > len(rs) {
			cs[i].offset = len(rs)
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].offset != cs[j].offset {
			return cs[i].offset < cs[j].offset
		}
		return cs[i].number < cs[j].number
	})
	var out []segment
	pos := 0
	for _, c := range cs {
		if c.offset > pos {
			out = append(out, segment{Text: string(rs[pos:c.offset])})
			pos = c.offset
		}
		out = append(out, segment{Footnote: c.number})
	}
	if pos < len(rs) {
		out = append(out, segment{Text: string(rs[pos:])})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
