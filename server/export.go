package server

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"gbsearch/search"
)

// Exports give researchers references they can paste into their tools. A
// GB document is cited with the corporate author "ILO Governing Body", its
// symbol as the report number, its session and date.
const corporateAuthor = "ILO Governing Body"

// exportRecord is one reference to export.
type exportRecord struct {
	Symbol    string
	Title     string
	Kind      string
	Date      string
	Session   string
	Section   string
	Languages []string
	URL       string
	Paragraph string // a paragraph pinpoint, when exporting a passage
	Note      string
}

func (s *Server) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

func recordsFromHits(base string, hits []search.Hit) []exportRecord {
	var out []exportRecord
	for _, h := range hits {
		rec := exportRecord{Symbol: h.Symbol, Title: h.Title, Kind: h.Kind, Date: h.Date, Session: h.Session, Section: h.Section,
			Languages: h.Languages, URL: base + docURL(h.Symbol)}
		if len(h.Passages) > 0 && h.Passages[0].Kind == "paragraph" {
			rec.Paragraph = h.Passages[0].Number
		}
		out = append(out, rec)
	}
	return out
}

func (s *Server) exportResults(w http.ResponseWriter, r *http.Request, res *search.Result, format string) error {
	return writeExport(w, format, "gbsearch-results", recordsFromHits(s.baseURL(r), res.Hits))
}

func (s *Server) exportDocument(w http.ResponseWriter, r *http.Request, symbol, format string) error {
	doc, err := s.searcher.Document(r.Context(), symbol)
	if err != nil {
		return err
	}
	rec := exportRecord{Symbol: doc.Info.Symbol, Title: doc.Info.Title, Kind: doc.Info.Kind, Date: doc.Info.Date,
		Session: doc.Info.Session, Section: doc.Info.Section, Languages: doc.Info.Languages,
		URL: s.baseURL(r) + docURL(doc.Info.Symbol)}
	if p := r.URL.Query().Get("para"); p != "" {
		rec.Paragraph = p
		rec.URL += "#" + url.PathEscape(anchorID("para-", p))
	}
	return writeExport(w, format, fileNameRE.ReplaceAllString(doc.Info.Symbol, "_"), []exportRecord{rec})
}

func writeExport(w http.ResponseWriter, format, name string, recs []exportRecord) error {
	var body string
	var ctype, ext string
	switch format {
	case "bibtex", "bib":
		body, ctype, ext = bibtex(recs), "application/x-bibtex; charset=utf-8", "bib"
	case "ris":
		body, ctype, ext = ris(recs), "application/x-research-info-systems; charset=utf-8", "ris"
	case "csv":
		body, ctype, ext = csvExport(recs), "text/csv; charset=utf-8", "csv"
	case "csl", "csl-json", "csljson":
		writeJSONDownload(w, name+".json", cslJSON(recs))
		return nil
	default:
		return badRequest("format must be json, bibtex, ris, csv or csl-json, not %q", format)
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+"."+ext))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write([]byte(body))
	return err
}

func writeJSONDownload(w http.ResponseWriter, filename string, v any) {
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", filename))
	writeJSON(w, http.StatusOK, v)
}

var (
	bibKeyRE = regexp.MustCompile(`[^A-Za-z0-9]+`)
	// fileNameRE keeps a download's name to characters every system and
	// the Content-Disposition header take as they are
	fileNameRE = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
)

// bibtexReplacer protects LaTeX's special characters. Braces become
// \textbraceleft{} and \textbraceright{}, not \{ and \}: BibTeX counts every
// brace in a value, escaped or not, so a title with one brace escaped as
// \{ makes the whole file unreadable. Line breaks become spaces: a value
// spans one line in what people paste.
var bibtexReplacer = strings.NewReplacer(`\`, `\textbackslash{}`, `{`, `\textbraceleft{}`, `}`, `\textbraceright{}`,
	`&`, `\&`, `%`, `\%`, `$`, `\$`, `#`, `\#`, `_`, `\_`, `~`, `\textasciitilde{}`, `^`, `\textasciicircum{}`,
	"\r\n", " ", "\n", " ", "\r", " ")

// bibtexEscape protects BibTeX's special characters; the caller puts the
// value in braces, which also keeps its capitalisation ("ILO", "UN").
func bibtexEscape(s string) string { return bibtexReplacer.Replace(s) }

func bibtex(recs []exportRecord) string {
	var b strings.Builder
	used := map[string]int{}
	for _, r := range recs {
		key := strings.Trim(bibKeyRE.ReplaceAllString(r.Symbol, "_"), "_")
		if key == "" {
			key = "doc"
		}
		// a suffixed key may be another symbol's key: count on until free
		for base, n := key, used[key]; used[key] > 0; {
			n++
			key = fmt.Sprintf("%s_%d", base, n)
		}
		used[key]++
		entry := "techreport"
		if r.Kind == "ilo-instrument" || r.Kind == "un-treaty" || r.Kind == "web-page" {
			entry = "misc"
		}
		fmt.Fprintf(&b, "@%s{%s,\n", entry, key)
		field := func(name, value string) {
			if value != "" {
				fmt.Fprintf(&b, "  %s = {%s},\n", name, bibtexEscape(value))
			}
		}
		author := corporateAuthor
		if r.Kind != "gb-document" {
			author = authorFor(r.Kind)
		}
		fmt.Fprintf(&b, "  author = {{%s}},\n", bibtexEscape(author))
		field("title", r.Title)
		if entry == "techreport" {
			field("institution", "International Labour Office")
			field("number", r.Symbol)
		} else {
			field("note", r.Symbol)
		}
		if len(r.Date) >= 4 {
			field("year", r.Date[:4])
			field("date", r.Date)
		}
		if r.Session != "" {
			field("type", "Governing Body document, "+ordinal(r.Session)+" Session")
		}
		if r.Paragraph != "" {
			field("pages", "para. "+r.Paragraph)
		}
		field("language", strings.Join(r.Languages, ", "))
		// a URL is verbatim in biblatex and the url package: not escaped
		// (docURL percent-encodes what it must, braces included)
		if r.URL != "" {
			fmt.Fprintf(&b, "  url = {%s},\n", r.URL)
		}
		b.WriteString("}\n\n")
	}
	return b.String()
}

func authorFor(kind string) string {
	switch kind {
	case "ilo-instrument":
		return "International Labour Conference"
	case "un-document", "un-treaty":
		return "United Nations"
	}
	return corporateAuthor
}

func ordinal(session string) string {
	n := strings.TrimSuffix(session, "bis")
	bis := ""
	if n != session {
		bis = " bis"
	}
	suffix := "th"
	if len(n) > 0 && !(len(n) >= 2 && n[len(n)-2] == '1') {
		switch n[len(n)-1] {
		case '1':
			suffix = "st"
		case '2':
			suffix = "nd"
		case '3':
			suffix = "rd"
		}
	}
	return n + suffix + bis
}

func ris(recs []exportRecord) string {
	var b strings.Builder
	line := func(tag, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s  - %s\r\n", tag, strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(v))
		}
	}
	for _, r := range recs {
		ty := "RPRT"
		if r.Kind == "ilo-instrument" || r.Kind == "un-treaty" {
			ty = "LEGAL"
		}
		line("TY", ty)
		author := corporateAuthor
		if r.Kind != "gb-document" {
			author = authorFor(r.Kind)
		}
		line("AU", author+",")
		line("TI", r.Title)
		line("PB", "International Labour Office")
		line("SN", r.Symbol)
		if len(r.Date) >= 4 {
			line("PY", r.Date[:4])
			line("DA", strings.ReplaceAll(r.Date, "-", "/"))
		}
		if r.Session != "" {
			line("T3", "Governing Body, "+ordinal(r.Session)+" Session")
		}
		if r.Paragraph != "" {
			line("SP", "para. "+r.Paragraph)
		}
		line("LA", strings.Join(r.Languages, ", "))
		line("UR", r.URL)
		b.WriteString("ER  - \r\n")
	}
	return b.String()
}

func csvExport(recs []exportRecord) string {
	var b strings.Builder
	cw := csv.NewWriter(&b)
	_ = cw.Write([]string{"symbol", "title", "author", "kind", "session", "section", "date", "languages", "paragraph", "url"})
	for _, r := range recs {
		author := corporateAuthor
		if r.Kind != "gb-document" {
			author = authorFor(r.Kind)
		}
		_ = cw.Write([]string{csvSafe(r.Symbol), csvSafe(r.Title), author, r.Kind, r.Session, r.Section, r.Date,
			strings.Join(r.Languages, " "), r.Paragraph, r.URL})
	}
	cw.Flush()
	return b.String()
}

// csvSafe defuses spreadsheet formulas: a cell starting with = + - @ is
// read as a formula by spreadsheet programs.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// cslJSON is the CSL-JSON that Zotero and citeproc read.
func cslJSON(recs []exportRecord) []map[string]any {
	var out []map[string]any
	for _, r := range recs {
		author := corporateAuthor
		if r.Kind != "gb-document" {
			author = authorFor(r.Kind)
		}
		item := map[string]any{
			"id":        r.Symbol,
			"type":      "report",
			"title":     r.Title,
			"author":    []map[string]string{{"literal": author}},
			"publisher": "International Labour Office",
			"number":    r.Symbol,
			"URL":       r.URL,
		}
		if r.Kind == "ilo-instrument" || r.Kind == "un-treaty" {
			item["type"] = "legislation"
		}
		if len(r.Date) == 10 {
			var y, m, d int
			if _, err := fmt.Sscanf(r.Date, "%d-%d-%d", &y, &m, &d); err == nil {
				item["issued"] = map[string]any{"date-parts": [][]int{{y, m, d}}}
			}
		}
		if r.Session != "" {
			item["collection-title"] = "Governing Body, " + ordinal(r.Session) + " Session"
		}
		if r.Paragraph != "" {
			item["locator"] = r.Paragraph
			item["label"] = "paragraph"
		}
		if len(r.Languages) > 0 {
			item["language"] = r.Languages[0]
		}
		out = append(out, item)
	}
	if out == nil {
		out = []map[string]any{}
	}
	return out
}
