package server

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode"
)

// A BibTeX reader, written to BibTeX's own grammar (bibtex.web, as btparse
// documents it) because no Go library parses it and the exports must load
// in real tools:
//
//	file      = { junk | "@" command }          junk is anything but "@"
//	command   = "comment" balanced | "preamble" open value close
//	          | "string" open name "=" value close
//	          | type open key "," fields [","] close
//	open      = "{" | "("                        close matches open
//	fields    = field { "," field }
//	field     = name "=" value
//	value     = piece { "#" piece }
//	piece     = "{" balanced "}" | '"' balanced-without-top-level-quote '"'
//	          | digits | macro-name                (defined by @string or a month)
//
// Like BibTeX, it counts every brace in a value, backslash or not: "\{"
// opens a group, so an escaped lone brace breaks the file. Names are
// case-insensitive; a repeated key, a repeated field, an undefined macro
// and an unbalanced value are errors.

type bibEntry struct {
	Type, Key string
	Fields    map[string]string
	Order     []string
}

type bibParser struct {
	s       string
	i       int
	macros  map[string]string
	entries []bibEntry
	keys    map[string]bool
}

func parseBibTeX(s string) ([]bibEntry, error) {
	p := &bibParser{s: s, keys: map[string]bool{}, macros: map[string]string{}}
	for _, m := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		p.macros[m] = m
	}
	for {
		at := strings.IndexByte(p.s[p.i:], '@')
		if at < 0 {
			return p.entries, nil
		}
		p.i += at + 1
		if err := p.command(); err != nil {
			line := strings.Count(p.s[:min(p.i, len(p.s))], "\n") + 1
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
	}
}

func (p *bibParser) skipSpace() {
	for p.i < len(p.s) && unicode.IsSpace(rune(p.s[p.i])) {
		p.i++
	}
}

func isIdentChar(c byte) bool {
	return c > ' ' && c < 127 && !strings.ContainsRune(`"#%'(),={}`, rune(c))
}

func (p *bibParser) ident() string {
	p.skipSpace()
	start := p.i
	for p.i < len(p.s) && isIdentChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *bibParser) expect(c byte) error {
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != c {
		got := "end of input"
		if p.i < len(p.s) {
			got = fmt.Sprintf("%q", p.s[p.i])
		}
		return fmt.Errorf("expected %q, got %s", c, got)
	}
	p.i++
	return nil
}

func (p *bibParser) command() error {
	typ := strings.ToLower(p.ident())
	if typ == "" || unicode.IsDigit(rune(typ[0])) {
		return fmt.Errorf("@ without an entry type")
	}
	p.skipSpace()
	if p.i >= len(p.s) || (p.s[p.i] != '{' && p.s[p.i] != '(') {
		return fmt.Errorf("@%s: expected { or (", typ)
	}
	closer := byte('}')
	if p.s[p.i] == '(' {
		closer = ')'
	}
	p.i++
	switch typ {
	case "comment":
		_, err := p.balanced(closer)
		return err
	case "preamble":
		if _, err := p.value(); err != nil {
			return err
		}
		return p.expect(closer)
	case "string":
		name := strings.ToLower(p.ident())
		if name == "" {
			return fmt.Errorf("@string without a name")
		}
		if err := p.expect('='); err != nil {
			return err
		}
		v, err := p.value()
		if err != nil {
			return err
		}
		p.macros[name] = v
		return p.expect(closer)
	}
	p.skipSpace()
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != ',' && !unicode.IsSpace(rune(p.s[p.i])) && p.s[p.i] != closer {
		p.i++
	}
	key := p.s[start:p.i]
	if key == "" {
		return fmt.Errorf("@%s without a key", typ)
	}
	if p.keys[strings.ToLower(key)] {
		return fmt.Errorf("repeated entry key %q", key)
	}
	p.keys[strings.ToLower(key)] = true
	e := bibEntry{Type: typ, Key: key, Fields: map[string]string{}}
	for {
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == closer {
			p.i++
			p.entries = append(p.entries, e)
			return nil
		}
		if err := p.expect(','); err != nil {
			return fmt.Errorf("entry %s: %w", key, err)
		}
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == closer {
			continue // a trailing comma
		}
		name := strings.ToLower(p.ident())
		if name == "" {
			return fmt.Errorf("entry %s: expected a field name", key)
		}
		if err := p.expect('='); err != nil {
			return fmt.Errorf("entry %s, field %s: %w", key, name, err)
		}
		v, err := p.value()
		if err != nil {
			return fmt.Errorf("entry %s, field %s: %w", key, name, err)
		}
		if _, dup := e.Fields[name]; dup {
			return fmt.Errorf("entry %s: repeated field %s", key, name)
		}
		e.Fields[name] = v
		e.Order = append(e.Order, name)
	}
}

// value reads pieces joined by '#'.
func (p *bibParser) value() (string, error) {
	var b strings.Builder
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			return "", fmt.Errorf("value cut off by the end of input")
		}
		switch c := p.s[p.i]; {
		case c == '{':
			p.i++
			v, err := p.balanced('}')
			if err != nil {
				return "", err
			}
			b.WriteString(v)
		case c == '"':
			p.i++
			start, depth := p.i, 0
			for ; ; p.i++ {
				if p.i >= len(p.s) {
					return "", fmt.Errorf("unterminated quoted value")
				}
				switch p.s[p.i] {
				case '{':
					depth++
				case '}':
					depth--
					if depth < 0 {
						return "", fmt.Errorf("unbalanced } in a quoted value")
					}
				}
				if p.s[p.i] == '"' && depth == 0 {
					break
				}
			}
			b.WriteString(p.s[start:p.i])
			p.i++
		case c >= '0' && c <= '9':
			start := p.i
			for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
				p.i++
			}
			b.WriteString(p.s[start:p.i])
		default:
			name := strings.ToLower(p.ident())
			v, ok := p.macros[name]
			if name == "" || !ok {
				return "", fmt.Errorf("undefined macro %q", name)
			}
			b.WriteString(v)
		}
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '#' {
			p.i++
			continue
		}
		return b.String(), nil
	}
}

// balanced reads up to the closer at depth 0 and returns what it enclosed.
func (p *bibParser) balanced(closer byte) (string, error) {
	start, depth := p.i, 0
	for ; p.i < len(p.s); p.i++ {
		switch c := p.s[p.i]; {
		case c == '{':
			depth++
		case c == '}' && depth > 0:
			depth--
		case c == closer && depth == 0:
			v := p.s[start:p.i]
			p.i++
			return v, nil
		case c == '}':
			return "", fmt.Errorf("unbalanced }")
		}
	}
	return "", fmt.Errorf("unbalanced braces: %d still open at the end of input", depth+1)
}

// unTeX undoes what bibtexEscape does, to compare a value with its source.
func unTeX(s string) string {
	return strings.NewReplacer(`\textbackslash{}`, `\`, `\textbraceleft{}`, `{`, `\textbraceright{}`, `}`,
		`\&`, `&`, `\%`, `%`, `\$`, `$`, `\#`, `#`, `\_`, `_`, `\textasciitilde{}`, `~`, `\textasciicircum{}`, `^`).Replace(s)
}

func TestBibTeXParser(t *testing.T) {
	good := `junk before
@string{ilo = "International Labour" # { Office}}
@comment{anything {nested} here}
@preamble{"\newcommand{\x}{y}"}
@techreport(a1,
  author = {{ILO Governing Body}},
  institution = ilo,
  title = "A {"}quoted{"} title" # { and more},
  year = 2013,
  month = oct,
)
@misc{b2, note = {x}}`
	es, err := parseBibTeX(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Fields["institution"] != "International Labour Office" || es[0].Fields["title"] != `A {"}quoted{"} title and more` || es[0].Fields["year"] != "2013" {
		t.Fatalf("%+v", es)
	}
	for _, bad := range []string{
		`@misc{a, title = {one \{ brace}}`,         // BibTeX counts escaped braces too
		`@misc{a, title = {x}} @misc{a, note={y}}`, // repeated key
		`@misc{a, title = {x}, title = {y}}`,       // repeated field
		`@misc{a, title = undefinedmacro}`,
		`@misc{a, title = "open}`,
		`@misc{a title = {x}}`,
		`@misc{a, title = {x}`,
	} {
		if _, err := parseBibTeX(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// TestBibTeXExport parses the BibTeX of the search and document exports,
// over documents whose titles hold every character LaTeX treats specially.
func TestBibTeXExport(t *testing.T) {
	ts, _, _ := newTestServer(t)
	code, h, body := get(t, ts.URL+"/api/v1/search?q=&size=100&format=bibtex")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/x-bibtex") {
		t.Fatalf("status %d, %s: %s", code, h.Get("Content-Type"), body)
	}
	if cd := h.Get("Content-Disposition"); cd != `attachment; filename="gbsearch-results.bib"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	entries, err := parseBibTeX(body)
	if err != nil {
		t.Fatalf("the export is not valid BibTeX: %v\n%s", err, body)
	}
	if len(entries) != 3 {
		t.Fatalf("%d entries, want 3:\n%s", len(entries), body)
	}
	byKey := map[string]bibEntry{}
	for _, e := range entries {
		byKey[e.Key] = e
	}
	gb, ok := byKey["GB_349_INS_1"]
	if !ok {
		t.Fatalf("no entry GB_349_INS_1 in %s", body)
	}
	wantTitle := "Agenda {of} the 349th Session & 100% more_stuff #1 ~ ^ $ \\ \"quoted\""
	if got := unTeX(gb.Fields["title"]); gb.Type != "techreport" || got != wantTitle {
		t.Errorf("type %s, title %q, want %q", gb.Type, got, wantTitle)
	}
	for field, want := range map[string]string{"author": "{ILO Governing Body}", "institution": "International Labour Office",
		"number": `GB.349/INS/1`, "year": "2023", "type": "Governing Body document, 349th Session"} {
		if gb.Fields[field] != want {
			t.Errorf("%s = %q, want %q", field, gb.Fields[field], want)
		}
	}
	if u := gb.Fields["url"]; !strings.HasSuffix(u, "/documents/GB.349/INS/1") {
		t.Errorf("url %q", u)
	}
	if c := byKey["C189"]; c.Type != "misc" || c.Fields["author"] != "{International Labour Conference}" {
		t.Errorf("C189: %+v", c)
	}

	// a document with a paragraph pinpoint
	code, h, body = get(t, ts.URL+"/api/v1/documents/GB.350/INS/9?format=bibtex&para=2")
	if code != 200 {
		t.Fatalf("document export: %d %s", code, body)
	}
	if cd := h.Get("Content-Disposition"); cd != `attachment; filename="GB.350_INS_9.bib"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	entries, err = parseBibTeX(body)
	if err != nil || len(entries) != 1 {
		t.Fatalf("document export: %v, %d entries\n%s", err, len(entries), body)
	}
	e := entries[0]
	if e.Fields["pages"] != "para. 2" || !strings.HasSuffix(e.Fields["url"], "/documents/GB.350/INS/9#para-2") ||
		unTeX(e.Fields["title"]) != "Domestic workers "+evilScript {
		t.Errorf("%+v", e.Fields)
	}
}

func TestOtherExports(t *testing.T) {
	ts, _, _ := newTestServer(t)
	// RIS: tagged lines, every record closed
	_, _, body := get(t, ts.URL+"/api/v1/search?q=&format=ris")
	lines := strings.Split(strings.TrimRight(body, "\r\n"), "\r\n")
	records := 0
	for _, l := range lines {
		if len(l) < 6 || l[2:6] != "  - " {
			t.Errorf("RIS line %q is not TAG  - value", l)
		}
		if strings.HasPrefix(l, "TY  - ") {
			records++
		}
	}
	if records != 3 || strings.Count(body, "ER  - ") != 3 {
		t.Errorf("RIS: %d records\n%s", records, body)
	}
	contains(t, "RIS", body, "AU  - ILO Governing Body,", "SN  - GB.349/INS/1", "T3  - Governing Body, 349th Session")

	// CSV: a header and one row per document, formulas defused
	_, _, body = get(t, ts.URL+"/api/v1/search?q=&format=csv")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][0] != "symbol" {
		t.Fatalf("CSV: %v %v", err, rows)
	}

	// CSL-JSON: what citeproc and Zotero read
	_, _, body = get(t, ts.URL+"/api/v1/documents/GB.350/INS/9?format=csl-json")
	var items []map[string]any
	if err := json.Unmarshal([]byte(body), &items); err != nil || len(items) != 1 {
		t.Fatalf("CSL-JSON: %v %s", err, body)
	}
	it := items[0]
	if it["type"] != "report" || it["number"] != "GB.350/INS/9" || fmt.Sprint(it["issued"]) != "map[date-parts:[[2024 3 14]]]" ||
		fmt.Sprint(it["author"]) != "[map[literal:ILO Governing Body]]" {
		t.Errorf("CSL-JSON item %v", it)
	}

	if code, _, body := get(t, ts.URL+"/api/v1/search?q=x&format=docx"); code != 400 || !strings.Contains(body, "format") {
		t.Errorf("unknown format: %d %s", code, body)
	}
}
