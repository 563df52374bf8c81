package gen_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gbsearch/corpus"
	"gbsearch/corpus/gen"
	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
	"gbsearch/internal/testutil"
)

func generate(t *testing.T, n int, seed uint64) string {
	t.Helper()
	out := t.TempDir()
	g, err := gen.New(gen.Options{N: n, Seed: seed, Out: out, PDFShare: 0.3, DOCXShare: 0.3, SeedText: corpus.SeedText})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Generate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeterministic: the same seed gives the same files, byte for byte.
func TestDeterministic(t *testing.T) {
	a, b := generate(t, 20, 7), generate(t, 20, 7)
	for _, dir := range []string{a, b} {
		if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err != nil {
			t.Fatal(err)
		}
	}
	da, db := testutil.TreeDigest(t, a), testutil.TreeDigest(t, b)
	for rel, h := range da {
		if db[rel] != h {
			t.Errorf("%s differs between two runs with the same seed", rel)
		}
	}
	if len(da) != len(db) {
		t.Errorf("two runs with the same seed wrote %d and %d files", len(da), len(db))
	}
	c := generate(t, 20, 8)
	x, _ := os.ReadFile(filepath.Join(a, "MANIFEST.tsv"))
	y, _ := os.ReadFile(filepath.Join(c, "MANIFEST.tsv"))
	if bytes.Equal(x, y) {
		t.Errorf("another seed gives the same corpus")
	}
}

// TestParsesBack: every generated file, in every format, is read back by
// the real extractors and parser with its symbol, paragraphs and
// footnotes; the manifest is valid.
func TestParsesBack(t *testing.T) {
	dir := generate(t, 40, 3)
	b, err := os.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := corpus.ParseManifestBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	x := indexer.NewExtractors(pdftext.New())
	formats := map[string]int{}
	for _, e := range m.Entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Path))
		if err != nil {
			t.Fatal(err)
		}
		if len(data) < 3000 || len(data) > 60000 && !strings.HasSuffix(e.Path, ".pdf") {
			t.Errorf("%s: %d bytes", e.Path, len(data))
		}
		format, err := indexer.DetectFormat(e.Path, data)
		if err != nil {
			t.Fatalf("%s: %v", e.Path, err)
		}
		formats[format]++
		c, err := x.Extract(t.Context(), format, bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", e.Path, err)
		}
		d := indexer.Parse(c, indexer.Meta{Path: e.Path, Symbol: e.Symbol, Kind: e.Kind, Language: e.Language, Title: e.Title, Date: e.Date})
		if d.Symbol != e.Symbol || d.Language != e.Language {
			t.Errorf("%s: parsed %s@%s", e.Path, d.Symbol, d.Language)
		}
		if len(d.Paragraphs) == 0 {
			t.Errorf("%s: no paragraphs", e.Path)
			continue
		}
		last := d.Paragraphs[len(d.Paragraphs)-1].Number
		if last != itoa(len(d.Paragraphs)) {
			t.Errorf("%s: %d paragraphs, the last numbered %s", e.Path, len(d.Paragraphs), last)
		}
		called := 0
		for _, f := range d.Footnotes {
			if f.Callout != nil {
				called++
			}
		}
		if called != len(d.Footnotes) {
			t.Errorf("%s (%s): %d of %d footnotes have their callout; warnings %v", e.Path, format, called, len(d.Footnotes), d.Warnings)
		}
	}
	for _, f := range []string{"txt", "pdf", "docx"} {
		if formats[f] == 0 {
			t.Errorf("no %s generated: %v", f, formats)
		}
	}
}

func itoa(n int) string {
	b := []byte{}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
