package indexer_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"gbsearch/indexer"
	"gbsearch/internal/testutil"
)

func extractMD(ctx context.Context, s string) (*indexer.Content, error) {
	return indexer.ExtractMarkdown(ctx, strings.NewReader(s), int64(len(s)))
}

// mdLine is what a test keeps of a Line.
type mdLine struct {
	Text    string
	Heading bool
	Links   []indexer.Link
}

func lines(c *indexer.Content) []mdLine {
	var out []mdLine
	for _, p := range c.Pages {
		for _, l := range p.Lines {
			if l.Blank {
				continue
			}
			out = append(out, mdLine{l.Text, l.Heading, l.Links})
		}
	}
	return out
}

func TestExtractMarkdown(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []mdLine
	}{
		{"heading without a space", "##Verdrag inzake fatsoenlijk werk\n####Convention concerning decent work",
			[]mdLine{{Text: "Verdrag inzake fatsoenlijk werk", Heading: true}, {Text: "Convention concerning decent work", Heading: true}}},
		{"heading with closing hashes", "# Title #\n### Article  1  ", []mdLine{{Text: "Title", Heading: true}, {Text: "Article 1", Heading: true}}},
		{"seven hashes are no heading", "####### seven", []mdLine{{Text: "####### seven"}}},
		{"link with parentheses in its target",
			"the [Migration for Employment Convention (Revised)](../verdrag/migrerende/arbeiders/(herzien)/1949/BWBV0005528/README.md), 1949 (No. 97)",
			[]mdLine{{Text: "the Migration for Employment Convention (Revised), 1949 (No. 97)",
				Links: []indexer.Link{{Text: "Migration for Employment Convention (Revised)", Target: "../verdrag/migrerende/arbeiders/(herzien)/1949/BWBV0005528/README.md"}}}}},
		{"link with a title and two links", `See [a](x/(herzien)/y.md) and [**b**](http://a.b/c "t").`,
			[]mdLine{{Text: "See a and b.", Links: []indexer.Link{{Text: "a", Target: "x/(herzien)/y.md"}, {Text: "b", Target: "http://a.b/c"}}}}},
		{"link to nowhere", "[text]() stays", []mdLine{{Text: "text stays"}}},
		{"autolink", "at <https://www.ilo.org/x?a=1>.", []mdLine{{Text: "at https://www.ilo.org/x?a=1.",
			Links: []indexer.Link{{Text: "https://www.ilo.org/x?a=1", Target: "https://www.ilo.org/x?a=1"}}}}},
		{"image keeps its alt text, is no link", "![ILO logo](logo.png) Text", []mdLine{{Text: "ILO logo Text"}}},
		{"emphasis", "a) the term *domestic work* means **work** performed", []mdLine{{Text: "a) the term domestic work means work performed"}}},
		{"stars that are no emphasis", `2 * 3 * 4 and \*literal\* and \# hash`, []mdLine{{Text: "2 * 3 * 4 and *literal* and # hash"}}},
		{"HTML tags dropped", `<meta http-equiv='Content-Type' content='text/html; charset=utf-8' />` + "\n<div align=\"center\">centred <b>bold</b></div><!-- note -->",
			[]mdLine{{Text: "centred bold"}}},
		{"angle brackets in prose are text", "if x < 5 and y > 3", []mdLine{{Text: "if x < 5 and y > 3"}}},
		{"script tags dropped, their text kept as text", "<script>alert(1)</script>", []mdLine{{Text: "alert(1)"}}},
		{"fenced code is literal", "```\n# not a heading\n<b>code</b>\n```\n# heading", []mdLine{{Text: "# not a heading"}, {Text: "<b>code</b>"}, {Text: "heading", Heading: true}}},
		{"block quote", "> quoted words", []mdLine{{Text: "quoted words"}}},
		{"CRLF and trailing break spaces", "one  \r\ntwo\r\n", []mdLine{{Text: "one"}, {Text: "two"}}},
		{"Latin-1 bytes", "Conven\xe7\xe3o \x93quoted\x94", []mdLine{{Text: "Convenção “quoted”"}}},
		{"BOM", "\ufeff# Title", []mdLine{{Text: "Title", Heading: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := extractMD(t.Context(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if c.Format != "md" || len(c.Pages) != 1 {
				t.Fatalf("format %q, %d pages", c.Format, len(c.Pages))
			}
			if diff := cmp.Diff(tt.want, lines(c), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractMarkdownBlankLines(t *testing.T) {
	c, err := extractMD(t.Context(), "a\n\nb")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Pages[0].Lines
	if len(got) != 3 || !got[1].Blank || got[0].Text != "a" || got[2].Text != "b" {
		t.Errorf("lines = %+v, want a, blank, b", got)
	}
}

func TestExtractTextErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	extractors := map[string]indexer.ExtractorFunc{"md": indexer.ExtractMarkdown, "html": indexer.ExtractHTML, "txt": indexer.ExtractPlainText}
	for name, extract := range extractors {
		t.Run(name, func(t *testing.T) {
			if _, err := extract(ctx, strings.NewReader("# x"), 3); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled: err = %v", err)
			}
			// the size is refused before anything is read or allocated
			if _, err := extract(t.Context(), failingReader{}, 1<<40); !errors.Is(err, indexer.ErrExtract) {
				t.Errorf("1 TB file: err = %v, want ErrExtract", err)
			}
			if _, err := extract(t.Context(), failingReader{}, 10); !errors.Is(err, indexer.ErrExtract) {
				t.Errorf("read error: err = %v, want ErrExtract", err)
			}
		})
	}
	if _, err := extractMD(t.Context(), "text\x00with NUL"); !errors.Is(err, indexer.ErrExtract) {
		t.Errorf("NUL bytes: err = %v, want ErrExtract", err)
	}
}

type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, io.ErrUnexpectedEOF }

// TestExtractMarkdownSharedSources reads the treaty sources of the shared
// corpus: every one yields headings and text, and no line keeps Markdown
// link syntax.
func TestExtractMarkdownSharedSources(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus/sources")
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := extractMD(t.Context(), string(b))
			if err != nil {
				t.Fatal(err)
			}
			checkMarkdownContent(t, c)
			headings := 0
			for _, l := range lines(c) {
				if l.Heading {
					headings++
				}
				if strings.Contains(l.Text, "](") {
					t.Errorf("link syntax left in %q", l.Text)
				}
			}
			if headings == 0 {
				t.Errorf("no heading")
			}
		})
	}
}

func checkMarkdownContent(t *testing.T, c *indexer.Content) {
	t.Helper()
	if c == nil || len(c.Pages) != 1 {
		t.Fatalf("content %+v, want one page", c)
	}
	for _, l := range c.Pages[0].Lines {
		if l.Blank {
			if l.Text != "" || l.Heading {
				t.Fatalf("blank line with text or heading: %+v", l)
			}
			continue
		}
		if l.Text == "" || l.Text != strings.Join(strings.Fields(l.Text), " ") {
			t.Fatalf("line %q is empty or not space-folded", l.Text)
		}
		for _, k := range l.Links {
			if k.Target == "" {
				t.Fatalf("link without a target in %+v", l)
			}
		}
	}
}

// sharedSeeds returns the files matching pattern under ../shared/rel, or
// none when the shared corpora are absent: the fuzz targets still run on
// their own seeds then.
func sharedSeeds(rel, pattern string) [][]byte {
	root, err := testutil.RepoRoot()
	if err != nil {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(root, "..", "shared", filepath.FromSlash(rel), pattern))
	var out [][]byte
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// FuzzExtractMarkdown: no panic, errors wrap ErrExtract, lines are clean.
func FuzzExtractMarkdown(f *testing.F) {
	for _, s := range []string{"##Verdrag\n[a](x/(herzien)/y.md) **b** \\*c\\* <b>d</b> x < 5 > 3\n```\n# e\n```\n", "![i](j) <https://k.org/>"} {
		f.Add([]byte(s))
	}
	for i, b := range sharedSeeds("corpus/sources", "*/*.md") {
		if i < 10 { // a few real treaties, not the whole corpus
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := indexer.ExtractMarkdown(t.Context(), strings.NewReader(string(b)), int64(len(b)))
		if err != nil {
			if !errors.Is(err, indexer.ErrExtract) {
				t.Fatalf("error %v does not wrap ErrExtract", err)
			}
			return
		}
		checkMarkdownContent(t, c)
	})
}
