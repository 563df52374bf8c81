package indexer_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gbsearch/corpus"
	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
	"gbsearch/internal/testutil"
)

// TestUNResolutions: the four real resolutions give their symbol, date,
// title, operative paragraphs and footnotes, each footnote with the
// paragraph that calls it.
func TestUNResolutions(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus/sources")
	b, err := os.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := corpus.ParseManifestBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range m.Entries {
		if e.Kind != corpus.KindUN {
			continue
		}
		n++
		t.Run(e.Symbol, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, e.Path))
			if err != nil {
				t.Fatal(err)
			}
			c, err := pdftext.New().Extract(t.Context(), bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			// the symbol and date must come from the text: no manifest help
			d := indexer.Parse(c, indexer.Meta{Path: e.Path, Kind: "un-document", Language: "en"})
			// the manifest writes a straight apostrophe where the paper prints ’
			if d.Symbol != e.Symbol || d.Date != e.Date || strings.ReplaceAll(d.Title, "’", "'") != e.Title {
				t.Errorf("parsed %q %q %q, want %q %q %q", d.Symbol, d.Date, d.Title, e.Symbol, e.Date, e.Title)
			}
			if d.UN == nil || d.UN.Session != "Seventy-second" || d.UN.AgendaItem == "" {
				t.Errorf("header block %+v", d.UN)
			}
			operative := 0
			for _, p := range d.Paragraphs {
				if p.Heading == "" && p.Number == itoa(operative+1) {
					operative++
				}
			}
			if len(d.Footnotes) == 0 || operative == 0 {
				t.Fatalf("%d footnotes, %d operative paragraphs", len(d.Footnotes), operative)
			}
			for i, f := range d.Footnotes {
				if f.Number != i+1 || f.Callout == nil || f.Text == "" {
					t.Errorf("footnote %d: %+v", i+1, f)
				}
			}
			t.Logf("%s: %d paragraphs (%d operative), %d footnotes all with their callout, %d citations", d.Symbol, len(d.Paragraphs), operative, len(d.Footnotes), len(d.Cited))
		})
	}
	if n != 4 {
		t.Errorf("%d UN documents in the manifest, want 4", n)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
