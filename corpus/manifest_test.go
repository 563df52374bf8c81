package corpus

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestParseManifestGood reads testdata/good.tsv, which exercises the header
// rules (BOM, CRLF, comments before the header, case and order of columns,
// extra columns) and the rows a librarian may legitimately write.
func TestParseManifestGood(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "good.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseManifestBytes(b)
	if err != nil {
		t.Fatalf("ParseManifest(good.tsv): %v", err)
	}
	want := []Entry{
		{Path: "GB.319_POL_2.en.pdf", Symbol: "GB.319/POL/2", Kind: KindGB, Language: "en", Title: "Outcome of the 2013 HLD", Date: "2013-10-16", Source: "ILO website", Line: 4},
		{Path: "sources/C189.md", Symbol: "C189", Kind: KindILOInstrument, Language: "en+nl", Title: "Domestic Workers Convention", Source: "NATLEX", Notes: "translation mixed in", Line: 6},
		{Path: "GB.319_POL_2.en.truth.json", Kind: KindGroundTruth, Language: "en", Notes: "hand-checked", Line: 7},
		{Path: "GB.319_POL_2.en.fodt", Kind: KindGB, Language: "en", Notes: "source of the rendition; NOT A CORPUS INPUT", Line: 8},
		{Path: "extract.txt", Kind: KindReferenceText, Line: 9},
		{Path: "web/page.html", Symbol: "https://example.org/x", Kind: KindWeb, Language: "fr", Title: "Une page", Date: "2020-02-29", Line: 10},
	}
	if diff := cmp.Diff(want, m.Entries); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	for _, w := range want {
		got, ok := m.Lookup(w.Path)
		if !ok || got.Line != w.Line {
			t.Errorf("Lookup(%q) = %+v, %v; want the row of line %d", w.Path, got, ok, w.Line)
		}
	}
	if e, ok := m.Lookup("GB.319_POL_2.en.PDF"); ok {
		t.Errorf("Lookup is case-sensitive like the file system, but found %+v", e)
	}
	var nilManifest *Manifest
	if _, ok := nilManifest.Lookup("x"); ok {
		t.Error("Lookup on a nil manifest found an entry")
	}
}

func TestEntryNotInput(t *testing.T) {
	tests := []struct {
		name  string
		entry Entry
		want  string // substring; "" means an input
	}{
		{"gb document", Entry{Kind: KindGB, Notes: "seed document"}, ""},
		{"web page", Entry{Kind: KindWeb}, ""},
		{"ground truth", Entry{Kind: KindGroundTruth}, "ground truth"},
		{"reference text", Entry{Kind: KindReferenceText}, "reference text"},
		{"notes say so", Entry{Kind: KindGB, Notes: "source of the rendition; not a corpus input; kept"}, "not a corpus input"},
		{"notes say so in capitals", Entry{Kind: KindOther, Notes: "Not A Corpus Input"}, "not a corpus input"},
		{"notes merely mention input", Entry{Kind: KindGB, Notes: "a corpus input since 2024"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.entry.NotInput()
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("NotInput() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEntryLanguages(t *testing.T) {
	tests := []struct {
		lang string
		want []string
	}{
		{"", nil},
		{"en", []string{"en"}},
		{"en+nl", []string{"en", "nl"}},
		{"fr+es+en", []string{"fr", "es", "en"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Entry{Language: tt.lang}.Languages()); diff != "" {
				t.Errorf("Languages() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBadManifests checks every testdata/*.bad.tsv (in the style of
// prometheus' TestBadConfigs): each must fail, with a message that names
// every problem and its line.
func TestBadManifests(t *testing.T) {
	tests := []struct {
		file string
		want []string // substrings of the error, in any order
	}{
		{"missing-columns.bad.tsv", []string{"line 1: header lacks column(s) kind, date"}},
		{"empty.bad.tsv", []string{"manifest is empty: no header row"}},
		{"four-problems.bad.tsv", []string{
			`line 3: unknown kind "gb-doc"`,
			`line 5: language "EN" is not a two-letter code`,
			`line 6: date "16/10/2013" is not YYYY-MM-DD`,
			`line 7: path "a.pdf" already listed on line 2`,
		}},
		{"unsafe-paths.bad.tsv", []string{
			`line 2: path "../outside.pdf" must be clean and stay inside`,
			`line 3: path "/etc/passwd" must be relative`,
			`line 4: path "a/../../b.pdf" must be clean`,
			`line 5: path "dir\\file.pdf" must be relative and slash-separated`,
			`line 6: path "./x.pdf" must be clean`,
			`line 7: path "a//b.pdf" must be clean`,
			`line 8: path ".." must be clean`,
			`line 9: path "." must name a file`,
			`line 10: empty path`,
			`line 11: path "sub/" must be clean`,
		}},
		{"dates.bad.tsv", []string{
			`line 2: date "2013-02-30" is not YYYY-MM-DD`,
			`line 3: date "2013-1-5" is not YYYY-MM-DD`,
			`line 4: date "2013-10-16T00:00:00Z" is not YYYY-MM-DD`,
			`line 5: date "2013" is not YYYY-MM-DD`,
		}},
		{"kinds.bad.tsv", []string{
			`line 2: unknown kind "GB-Document"`,
			`line 3: unknown kind "pdf"`,
			`line 4: empty kind`,
		}},
		{"languages.bad.tsv", []string{
			`line 2: language "EN" is not a two-letter code`,
			`line 3: language "eng" is not a two-letter code`,
			`line 4: language "" is not a two-letter code`,
			`line 5: language "en,nl" is not a two-letter code`,
			`line 6: language "NL" is not a two-letter code`,
		}},
		{"not-tab-separated.bad.tsv", []string{
			"line 2: 1 fields, want at least 6 (is it tab-separated?)",
			"line 3: 4 fields, want at least 6",
		}},
		{"empty-symbol.bad.tsv", []string{"line 2: empty symbol"}},
		{"duplicate-column.bad.tsv", []string{`line 1: header has column "path" twice`}},
		// every problem of one row names the row's line, not just the first
		{"one-row-three-problems.bad.tsv", []string{
			`line 2: unknown kind "not-a-kind"`,
			`line 2: language "" is not a two-letter code`,
			`line 2: date "yesterday" is not YYYY-MM-DD`,
		}},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.bad.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, tt := range tests {
		tested[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseManifestBytes(b)
			if err == nil {
				t.Fatalf("ParseManifest succeeded with %d entries, want an error", len(m.Entries))
			}
			if m != nil {
				t.Errorf("ParseManifest returned a manifest along with its error")
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q; got:\n%s", w, msg)
				}
			}
			// one problem per line of the message, each naming its line
			lines := strings.Split(msg, "\n")
			if len(lines) != len(tt.want) {
				t.Errorf("error has %d lines, want %d (one per problem):\n%s", len(lines), len(tt.want), msg)
			}
			lineRE := regexp.MustCompile(`^line \d+: |^manifest is empty`)
			for _, l := range lines {
				if !lineRE.MatchString(l) {
					t.Errorf("problem %q does not name its line", l)
				}
			}
		})
	}
	for _, f := range files {
		if !tested[filepath.Base(f)] {
			t.Errorf("%s has no test case", f)
		}
	}
}

// TestParseManifestOneRowPerProblem checks that the rows that are fine are
// not reported and that the header is validated before any row.
func TestParseManifestRules(t *testing.T) {
	const header = "path\tsymbol\tkind\tlanguage\ttitle\tdate\n"
	tests := []struct {
		name    string
		in      string
		wantErr string // "" for success
		paths   []string
	}{
		{"header only", header, "", nil},
		{"a librarian's own column twice", "path\tsymbol\tkind\tlanguage\ttitle\tdate\tmine\tmine\t\t\n", "", nil},
		{"notes twice", "path\tsymbol\tkind\tlanguage\ttitle\tdate\tnotes\tNotes\n", `line 1: header has column "notes" twice`, nil},
		{"columns in any order and case", "KIND\tDate\tpath\tlanguage\tsymbol\ttitle\ngb-document\t2013-10-16\ta.pdf\ten\tGB.319/POL/2\tT\n", "", []string{"a.pdf"}},
		{"spaces around header names", " path \t symbol\tkind\tlanguage\ttitle\tdate \na.pdf\tA/1\tun-document\ten\tT\t\n", "", []string{"a.pdf"}},
		{"no final newline", header + "a.pdf\tA/1\tun-document\ten\tT\t2013-01-01", "", []string{"a.pdf"}},
		{"empty language is allowed", header + "a.pdf\tA/1\tun-document\t\tT\t\n", "", []string{"a.pdf"}},
		{"truth needs no symbol", header + "a.json\t\tground-truth\ten\t\t\n", "", []string{"a.json"}},
		{"same file in two folders", header + "a/x.pdf\tA/1\tun-document\ten\tT\t\nb/x.pdf\tA/2\tun-document\ten\tT\t\n", "", []string{"a/x.pdf", "b/x.pdf"}},
		{"paths differing in case are distinct", header + "x.pdf\tA/1\tun-document\ten\tT\t\nX.pdf\tA/2\tun-document\ten\tT\t\n", "", []string{"x.pdf", "X.pdf"}},
		{"duplicate after trimming spaces", header + "x.pdf\tA/1\tun-document\ten\tT\t\n x.pdf \tA/2\tun-document\ten\tT\t\n", `line 3: path "x.pdf" already listed on line 2`, nil},
		{"leap day", header + "x.pdf\tA/1\tun-document\ten\tT\t2012-02-29\n", "", []string{"x.pdf"}},
		{"not a leap year", header + "x.pdf\tA/1\tun-document\ten\tT\t2013-02-29\n", `line 2: date "2013-02-29"`, nil},
		{"empty input", "", "manifest is empty", nil},
		{"path in Latin-1", header + "caf\xe9.pdf\tA/1\tun-document\tfr\tT\t\n", `line 2: path "caf\xe9.pdf" is not valid UTF-8`, nil},
		{"header not first is still the header", "\n# c\n" + header + "x.pdf\tA/1\tun-document\ten\tT\t\n", "", []string{"x.pdf"}},
		{"header with comma separators", "path,symbol,kind,language,title,date\n", "line 1: header lacks column(s) path, symbol, kind, language, title, date", nil},
		{"a line too long", header + "x.pdf\tA/1\tun-document\ten\t" + strings.Repeat("t", 2<<20) + "\t\n", "line 2: reading manifest", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseManifest(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			var paths []string
			for _, e := range m.Entries {
				paths = append(paths, e.Path)
			}
			if diff := cmp.Diff(tt.paths, paths, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseManifestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := iotest.DataErrReader(iotest.ErrReader(boom))
	_, err := ParseManifest(r)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want it to wrap the reader's error", err)
	}
}

// FuzzParseManifest: ParseManifest never panics, and a manifest it accepts
// holds only entries that validate, under clean relative paths, each found
// again by Lookup.
func FuzzParseManifest(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.tsv"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	if b, err := os.ReadFile(filepath.Join("gb", ManifestName)); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifestBytes(b)
		if err != nil {
			if m != nil {
				t.Fatalf("manifest returned with error %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, e := range m.Entries {
			if errs := e.validate(); len(errs) > 0 {
				t.Fatalf("accepted entry %+v does not validate: %v", e, errs)
			}
			if !fs.ValidPath(e.Path) || e.Path == "." {
				t.Fatalf("accepted entry has unsafe path %q", e.Path)
			}
			if seen[e.Path] {
				t.Fatalf("path %q accepted twice", e.Path)
			}
			seen[e.Path] = true
			if got, ok := m.Lookup(e.Path); !ok || got.Line != e.Line {
				t.Fatalf("Lookup(%q) = %+v, %v", e.Path, got, ok)
			}
			if e.Line <= 1 {
				t.Fatalf("entry on line %d, but line 1 can only be the header", e.Line)
			}
		}
	})
}
