package indexer_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"gbsearch/corpus"
	"gbsearch/corpus/gen"
	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
	"gbsearch/internal/testutil"
)

// Benchmarks of extraction and parsing on the bundled GB document and the
// shared sources (PDF extraction has its own in indexer/pdftext), and of
// the whole pipeline on a generated corpus:
//
//	go test -run '^$' -bench . -benchmem ./indexer/

const (
	gbText = "../corpus/gb/GB.319_POL_2.en.txt"
	gbDOCX = "../corpus/gb/GB.319_POL_2.en.docx"
)

var gbMeta = indexer.Meta{Path: "gb/GB.319_POL_2.en.txt", Symbol: "GB.319/POL/2", Kind: "gb-document", Language: "en"}

func readBench(b *testing.B, path string) []byte {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// benchExtract runs one extractor over data, reporting MB/s and pages/s.
func benchExtract(b *testing.B, x indexer.ExtractorFunc, data []byte) {
	b.SetBytes(int64(len(data)))
	pages := 0
	for b.Loop() {
		c, err := x(b.Context(), bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		pages += len(c.Pages)
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkExtractText: the OCR text export of GB.319/POL/2, with its
// repair (dehyphenation, OCR confusions, page furniture).
func BenchmarkExtractText(b *testing.B) {
	benchExtract(b, indexer.ExtractText, readBench(b, gbText))
}

// BenchmarkExtractDOCX: the DOCX rendition of GB.319/POL/2.
func BenchmarkExtractDOCX(b *testing.B) {
	benchExtract(b, indexer.ExtractDOCX, readBench(b, gbDOCX))
}

// BenchmarkExtractMarkdown: an ILO Convention of the shared sources.
func BenchmarkExtractMarkdown(b *testing.B) {
	dir := testutil.SharedDir(b, "corpus/sources")
	benchExtract(b, indexer.ExtractMarkdown, readBench(b, filepath.Join(dir, "ilo/C189.md")))
}

// benchParse parses the content extracted once from data; each round gets
// a fresh extraction outside the timer, so a parser that changes its input
// never sees it twice.
func benchParse(b *testing.B, x indexer.ExtractorFunc, data []byte, parse func(*indexer.Content) *indexer.Document) {
	b.SetBytes(int64(len(data)))
	paras := 0
	for b.Loop() {
		b.StopTimer()
		c, err := x(context.Background(), bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		d := parse(c)
		paras += len(d.Paragraphs)
	}
	if paras == 0 {
		b.Fatal("no paragraphs parsed")
	}
}

// BenchmarkParseGB: the GB structure parser on the bundled document's
// content, from its OCR text and from its DOCX.
func BenchmarkParseGB(b *testing.B) {
	parse := func(c *indexer.Content) *indexer.Document { return indexer.ParseGB(c, gbMeta) }
	b.Run("text", func(b *testing.B) { benchParse(b, indexer.ExtractText, readBench(b, gbText), parse) })
	b.Run("docx", func(b *testing.B) { benchParse(b, indexer.ExtractDOCX, readBench(b, gbDOCX), parse) })
}

// BenchmarkParseInstrument: the instrument parser on ILO Convention No. 189
// of the shared sources (English with the Dutch translation mixed in).
func BenchmarkParseInstrument(b *testing.B) {
	dir := testutil.SharedDir(b, "corpus/sources")
	meta := indexer.Meta{Path: "ilo/C189.md", Symbol: "C189", Kind: "ilo-instrument", Language: "en+nl"}
	benchParse(b, indexer.ExtractMarkdown, readBench(b, filepath.Join(dir, "ilo/C189.md")),
		func(c *indexer.Content) *indexer.Document { return indexer.ParseInstrument(c, meta) })
}

// discard is a Sink that keeps nothing.
type discard struct{}

func (discard) Put(context.Context, *indexer.Document) error        { return nil }
func (discard) Remove(context.Context, string) error                { return nil }
func (discard) SetRecord(context.Context, indexer.FileRecord) error { return nil }
func (discard) DeleteRecord(context.Context, string) error          { return nil }
func (discard) Commit(context.Context) error                        { return nil }
func (discard) Records(context.Context) (map[string]indexer.FileRecord, error) {
	return map[string]indexer.FileRecord{}, nil
}

// BenchmarkPipeline: walk, extract and parse a generated corpus of 300
// versions (90% text, 5% DOCX, 5% PDF) on all cores, into a sink that
// keeps nothing. The corpus is generated once under the temp folder.
func BenchmarkPipeline(b *testing.B) {
	const n, seed = 300, 1
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("gbsearch-gen-n%d-s%d", n, seed))
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err != nil {
		tmp := b.TempDir()
		g, err := gen.New(gen.Options{N: n, Seed: seed, Out: tmp, PDFShare: 0.05, DOCXShare: 0.05, SeedText: corpus.SeedText})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := g.Generate(context.Background()); err != nil {
			b.Fatal(err)
		}
		dir = tmp
	}
	docs := 0
	for b.Loop() {
		// the default extractors, with the PDF one the command line adds
		p := &indexer.Pipeline{Extract: indexer.InProcess(indexer.NewExtractors(pdftext.New())), Sink: discard{}, Full: true}
		st, err := p.Run(context.Background(), []indexer.Corpus{{Root: "gen", FS: os.DirFS(dir)}})
		if err != nil {
			b.Fatal(err)
		}
		docs += st.Documents
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
}
