package corpus

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// ManifestName is the file name of a manifest inside a corpus directory.
const ManifestName = "MANIFEST.tsv"

// Kinds of entry a manifest may name. Inputs are indexed; the others are
// companions kept beside the documents (ground truth, reference extractions).
const (
	KindGB            = "gb-document"
	KindUN            = "un-document"
	KindILOInstrument = "ilo-instrument"
	KindUNTreaty      = "un-treaty"
	KindWeb           = "web-page"
	KindOther         = "other"
	KindGroundTruth   = "ground-truth"
	KindReferenceText = "reference-text"
)

var knownKinds = map[string]bool{
	KindGB: true, KindUN: true, KindILOInstrument: true, KindUNTreaty: true,
	KindWeb: true, KindOther: true, KindGroundTruth: true, KindReferenceText: true,
}

// requiredColumns are the manifest columns gbsearch reads. Extra columns are
// allowed (and ignored) so librarians can keep their own notes.
var requiredColumns = []string{"path", "symbol", "kind", "language", "title", "date"}

// readColumns are the columns gbsearch reads: the required ones and the
// optional source and notes.
var readColumns = map[string]bool{"path": true, "symbol": true, "kind": true, "language": true,
	"title": true, "date": true, "source": true, "notes": true}

// Entry is one row of a manifest: the librarian's description of one file.
type Entry struct {
	Path     string // relative to the manifest's directory, slash-separated
	Symbol   string // e.g. GB.319/POL/2, A/RES/72/309, C189
	Kind     string // one of the Kind constants
	Language string // e.g. en, fr, es, en+nl
	Title    string
	Date     string // YYYY-MM-DD or empty
	Source   string
	Notes    string
	Line     int // line number in the manifest, for messages
}

// NotInput reports why the entry is not a corpus input, or "" when it is.
// Truth files and reference extractions are companions of documents, and a
// row whose notes say "not a corpus input" (the .fodt source of the bundled
// rendition) is kept only so the rendition can be rebuilt.
func (e Entry) NotInput() string {
	switch {
	case e.Kind == KindGroundTruth:
		return "ground truth, not a corpus input"
	case e.Kind == KindReferenceText:
		return "reference text, not a corpus input"
	case strings.Contains(strings.ToLower(e.Notes), "not a corpus input"):
		return "manifest marks it as not a corpus input"
	}
	return ""
}

// Languages splits the language column: "en+nl" holds English and Dutch.
func (e Entry) Languages() []string {
	if e.Language == "" {
		return nil
	}
	return strings.Split(e.Language, "+")
}

// Manifest is a parsed MANIFEST.tsv.
type Manifest struct {
	Entries []Entry
	byPath  map[string]int
}

// Lookup returns the entry for a path relative to the manifest's directory.
func (m *Manifest) Lookup(p string) (Entry, bool) {
	if m == nil {
		return Entry{}, false
	}
	i, ok := m.byPath[p]
	if !ok {
		return Entry{}, false
	}
	return m.Entries[i], true
}

// ParseManifest reads a tab-separated manifest with a header row. It reports
// every problem it finds at once (joined with [errors.Join]), each naming its
// line, so a librarian fixes the file in one pass.
func ParseManifest(r io.Reader) (*Manifest, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var errs []error
	m := &Manifest{byPath: map[string]int{}}
	var cols map[string]int
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if cols == nil {
			cols = map[string]int{}
			for i, f := range fields {
				name := strings.ToLower(strings.TrimSpace(f))
				if _, dup := cols[name]; dup && readColumns[name] {
					// which of the two would be read is anyone's guess
					return nil, fmt.Errorf("line %d: header has column %q twice", lineNo, name)
				}
				if _, dup := cols[name]; !dup {
					cols[name] = i
				}
			}
			var missing []string
			for _, c := range requiredColumns {
				if _, ok := cols[c]; !ok {
					missing = append(missing, c)
				}
			}
			if len(missing) > 0 {
				return nil, fmt.Errorf("line %d: header lacks column(s) %s (need %s)",
					lineNo, strings.Join(missing, ", "), strings.Join(requiredColumns, ", "))
			}
			continue
		}
		get := func(name string) string {
			i, ok := cols[name]
			if !ok || i >= len(fields) {
				return ""
			}
			return strings.TrimSpace(fields[i])
		}
		e := Entry{
			Path: get("path"), Symbol: get("symbol"), Kind: get("kind"), Language: get("language"),
			Title: get("title"), Date: get("date"), Source: get("source"), Notes: get("notes"), Line: lineNo,
		}
		if len(fields) < len(requiredColumns) {
			errs = append(errs, fmt.Errorf("line %d: %d fields, want at least %d (is it tab-separated?)", lineNo, len(fields), len(requiredColumns)))
			continue
		}
		if problems := e.validate(); len(problems) > 0 {
			// every problem names its line, not only a row's first
			for _, err := range problems {
				errs = append(errs, fmt.Errorf("line %d: %w", lineNo, err))
			}
			continue
		}
		if prev, dup := m.byPath[e.Path]; dup {
			errs = append(errs, fmt.Errorf("line %d: path %q already listed on line %d", lineNo, e.Path, m.Entries[prev].Line))
			continue
		}
		m.byPath[e.Path] = len(m.Entries)
		m.Entries = append(m.Entries, e)
	}
	if err := sc.Err(); err != nil {
		// the scanner stopped on the line after the last one it returned
		errs = append(errs, fmt.Errorf("line %d: reading manifest: %w", lineNo+1, err))
	}
	if cols == nil && len(errs) == 0 {
		errs = append(errs, errors.New("manifest is empty: no header row"))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// validate returns every problem of the entry.
func (e Entry) validate() []error {
	var errs []error
	switch {
	case e.Path == "":
		errs = append(errs, errors.New("empty path"))
	case !utf8.ValidString(e.Path):
		// no file system path matches it: the manifest is not saved as UTF-8
		errs = append(errs, fmt.Errorf("path %q is not valid UTF-8", e.Path))
	case e.Path == ".":
		errs = append(errs, errors.New(`path "." must name a file, not the manifest's directory`))
	case strings.HasPrefix(e.Path, "/") || strings.Contains(e.Path, "\\"):
		errs = append(errs, fmt.Errorf("path %q must be relative and slash-separated", e.Path))
	case path.Clean(e.Path) != e.Path || strings.HasPrefix(e.Path, "../") || e.Path == "..":
		errs = append(errs, fmt.Errorf("path %q must be clean and stay inside the manifest's directory", e.Path))
	}
	if e.Kind == "" {
		errs = append(errs, errors.New("empty kind"))
	} else if !knownKinds[e.Kind] {
		errs = append(errs, fmt.Errorf("unknown kind %q", e.Kind))
	}
	if e.Symbol == "" && e.NotInput() == "" {
		errs = append(errs, errors.New("empty symbol"))
	}
	for _, l := range e.Languages() {
		if !validLanguage(l) {
			errs = append(errs, fmt.Errorf("language %q is not a two-letter code", l))
		}
	}
	if e.Date != "" {
		if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
			errs = append(errs, fmt.Errorf("date %q is not YYYY-MM-DD", e.Date))
		}
	}
	return errs
}

func validLanguage(l string) bool {
	if len(l) != 2 {
		return false
	}
	for _, r := range l {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// ParseManifestBytes is [ParseManifest] over a byte slice.
func ParseManifestBytes(b []byte) (*Manifest, error) {
	return ParseManifest(bytes.NewReader(b))
}
