package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
	"unicode"

	"gbsearch/corpus"
	"gbsearch/corpus/gen"
	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
)

// generate returns the folder of the generated corpus, generating it when
// it is not there yet. The folder is the one the search package's
// benchmarks use, so both share one generated corpus per size and seed.
func generate(ctx context.Context, o options) (string, error) {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("gbsearch-gen-n%d-s%d", o.n, o.seed))
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err == nil {
		logf("corpus: reusing %s", dir)
		return dir, nil
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "gbsearch-gen-tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	start := time.Now()
	g, err := gen.New(gen.Options{N: o.n, Seed: o.seed, Out: tmp, PDFShare: 0.05, DOCXShare: 0.05, SeedText: corpus.SeedText})
	if err != nil {
		return "", err
	}
	st, err := g.Generate(ctx)
	if err != nil {
		return "", err
	}
	// renamed when complete: an interrupted run never leaves half a corpus
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	logf("corpus: generated %d documents (%.0f MB) in %s", st.Docs, float64(st.Bytes)/1e6, time.Since(start).Round(time.Second))
	return dir, nil
}

// parsedCorpus describes the parsed documents both engines are built from.
type parsedCorpus struct {
	File            string         `json:"file"` // JSON lines, one indexer.Document each
	Versions        int            `json:"versions"`
	Symbols         int            `json:"symbols"`
	TextBytes       int64          `json:"text_bytes"`
	ParseDocsPerSec float64        `json:"parse_docs_per_sec"`
	Workers         int            `json:"workers"`
	Vocab           map[string]int `json:"vocab"` // word → documents (symbols) that have it
	// Phrases are runs of two or three words found next to each other in
	// the first documents, none a stop word: phrase queries that match.
	Phrases []string `json:"phrases"`
}

// parse extracts and parses the corpus once, through gbsearch's own
// pipeline (the extractors, the GB parser, all cores), into a JSON lines
// file that both engines' builds read. It is kept beside the corpus and
// reused while the extractor version is the same.
func parse(ctx context.Context, o options, corpusDir string) (*parsedCorpus, error) {
	base := filepath.Join(o.work, fmt.Sprintf("parsed-n%d-s%d-%s", o.n, o.seed, strings.NewReplacer("/", "_", " ", "_").Replace(indexer.ExtractorVersion)))
	if b, err := os.ReadFile(base + ".json"); err == nil {
		var p parsedCorpus
		if err := json.Unmarshal(b, &p); err == nil {
			logf("parsed: reusing %s", p.File)
			return &p, nil
		}
	}
	f, err := os.Create(base + ".jsonl.tmp")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sink := &jsonlSink{w: bufio.NewWriterSize(f, 1<<20), symbols: map[string]map[string]bool{}}
	p := &indexer.Pipeline{Extract: indexer.InProcess(indexer.NewExtractors(pdftext.New())), Sink: sink,
		Logger: slog.New(slog.DiscardHandler), Full: true}
	start := time.Now()
	st, err := p.Run(ctx, []indexer.Corpus{{Root: "gen", FS: os.DirFS(corpusDir)}})
	if err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	if st.Failed > 0 {
		return nil, fmt.Errorf("%d generated files failed to parse, e.g. %+v", st.Failed, st.Failures[0])
	}
	if err := sink.w.Flush(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(base+".jsonl.tmp", base+".jsonl"); err != nil {
		return nil, err
	}
	pc := &parsedCorpus{File: base + ".jsonl", Versions: sink.versions, Symbols: len(sink.symbols), TextBytes: sink.textBytes,
		ParseDocsPerSec: float64(sink.versions) / elapsed.Seconds(), Workers: runtime.NumCPU(), Vocab: map[string]int{}}
	for p := range sink.phrases {
		pc.Phrases = append(pc.Phrases, p)
	}
	sort.Strings(pc.Phrases)
	for _, words := range sink.symbols {
		for w := range words {
			pc.Vocab[w]++
		}
	}
	b, _ := json.Marshal(pc)
	if err := os.WriteFile(base+".json", b, 0o644); err != nil {
		return nil, err
	}
	return pc, nil
}

// jsonlSink writes each parsed document as a line of JSON and counts the
// words of each symbol (for the queries).
type jsonlSink struct {
	w         *bufio.Writer
	versions  int
	textBytes int64
	symbols   map[string]map[string]bool
	phrases   map[string]bool
}

// phraseDocs is how many documents phrases are drawn from.
const phraseDocs = 300

func (s *jsonlSink) Put(_ context.Context, d *indexer.Document) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	s.w.Write(b)
	s.w.WriteByte('\n')
	s.versions++
	text := docText(d)
	s.textBytes += int64(len(text))
	words := s.symbols[d.Symbol]
	if words == nil {
		words = map[string]bool{}
		s.symbols[d.Symbol] = words
	}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if n := len(w); n >= 4 && n <= 20 {
			words[strings.ToLower(w)] = true
		}
	}
	if s.versions <= phraseDocs {
		s.addPhrases(text)
	}
	return nil
}

// addPhrases collects runs of words with nothing but a space between
// them (no punctuation, no number, no stop word, which an engine may drop).
func (s *jsonlSink) addPhrases(text string) {
	if s.phrases == nil {
		s.phrases = map[string]bool{}
	}
	raw := strings.Fields(text)
	clean := func(w string) bool {
		if len(w) < 4 || len(w) > 20 || isStop(strings.ToLower(w)) {
			return false
		}
		for _, r := range w {
			if !unicode.IsLetter(r) {
				return false
			}
		}
		return true
	}
	for i := 0; i+1 < len(raw); i++ {
		if !clean(raw[i]) || !clean(raw[i+1]) {
			continue
		}
		p := strings.ToLower(raw[i] + " " + raw[i+1])
		if i%3 == 0 && i+2 < len(raw) && clean(raw[i+2]) {
			p += " " + strings.ToLower(raw[i+2])
		}
		s.phrases[p] = true
	}
}

func (s *jsonlSink) Remove(context.Context, string) error                { return nil }
func (s *jsonlSink) SetRecord(context.Context, indexer.FileRecord) error { return nil }
func (s *jsonlSink) DeleteRecord(context.Context, string) error          { return nil }
func (s *jsonlSink) Commit(context.Context) error                        { return nil }
func (s *jsonlSink) Records(context.Context) (map[string]indexer.FileRecord, error) {
	return map[string]indexer.FileRecord{}, nil
}

// docText is the text of a version both engines index: its own text and
// the text in other languages it holds.
func docText(d *indexer.Document) string {
	t := d.Text()
	for _, o := range d.Other {
		t += "\n\n" + o
	}
	return t
}

// docReader reads the parsed documents back, a chunk at a time.
type docReader struct {
	r *bufio.Reader
}

func openDocs(path string) (*docReader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return &docReader{r: bufio.NewReaderSize(f, 1<<20)}, f, nil
}

// next decodes up to n documents; it returns none at the end.
func (r *docReader) next(n int) ([]*indexer.Document, error) {
	var out []*indexer.Document
	for len(out) < n {
		line, err := r.r.ReadBytes('\n')
		if len(line) > 1 {
			var d indexer.Document
			if err := json.Unmarshal(line, &d); err != nil {
				return nil, err
			}
			out = append(out, &d)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
