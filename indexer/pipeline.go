package indexer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"gbsearch/corpus"
)

// ExtractorVersion names the behaviour of extraction and parsing. Files
// indexed by another version are read again: change it whenever a change to
// an extractor or parser changes what a file gives.
const ExtractorVersion = "2026-11-27.4"

// MaxFileSize is the largest file the pipeline reads.
const MaxFileSize = 256 << 20

// Corpus is one corpus tree to index.
type Corpus struct {
	// Root names the corpus in records and reports (the path it was given
	// as on the command line).
	Root string
	FS   fs.FS
}

// ExtractFunc extracts one file. The default runs the extractors in
// process; the command line runs untrusted files in a child process.
type ExtractFunc func(ctx context.Context, format, name string, data []byte) (*Content, error)

// Pipeline indexes corpora into a Sink: walk → extract → parse → emit.
type Pipeline struct {
	Extract ExtractFunc
	Sink    Sink
	Logger  *slog.Logger
	// Workers extract and parse in parallel (default: the number of CPUs).
	Workers int
	// Full ignores the records of earlier runs and reads every file.
	Full bool
	// FileTimeout bounds the extraction of one file.
	FileTimeout time.Duration
	// Progress, when set, is called as files are done.
	Progress func(Progress)
}

// Progress is the state of a run.
type Progress struct {
	FilesDone, FilesTotal int
	BytesDone, BytesTotal int64
	Elapsed               time.Duration
}

// Stats summarises a run.
type Stats struct {
	Files      int            `json:"files"`     // input files seen
	Indexed    int            `json:"indexed"`   // files read and indexed this run
	Unchanged  int            `json:"unchanged"` // files skipped because unchanged
	Removed    int            `json:"removed"`   // documents removed because their files are gone
	Failed     int            `json:"failed"`    // files that could not be indexed
	FailedBy   map[string]int `json:"failed_by"` // failures by reason
	Documents  int            `json:"documents"` // document versions written
	Skipped    []Skip         `json:"skipped"`   // files that are not inputs, with why
	Failures   []FileRecord   `json:"failures"`  // the failed files
	Bytes      int64          `json:"bytes"`     // bytes read
	Duration   time.Duration  `json:"duration"`
	Duplicates []Duplicate    `json:"duplicates,omitempty"`
}

// Skip is a file of a corpus that is not indexed, and why.
type Skip struct {
	Corpus string `json:"corpus"`
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Duplicate is a document version claimed by more than one file outside a
// manifest's renditions: a librarian should check which is right.
type Duplicate struct {
	ID    string   `json:"id"`
	Files []string `json:"files"`
	Used  string   `json:"used"`
}

// input is one file to consider.
type input struct {
	corpus Corpus
	file   corpus.File
	key    string
}

// group is the files that make one document version: the renditions a
// manifest lists under the same symbol and language, or a single file.
type group struct {
	key    string
	inputs []input
}

type groupResult struct {
	g       group
	doc     *Document
	records []FileRecord
	bytes   int64
}

// RecordKey identifies a file across runs.
func RecordKey(corpusRoot, p string) string { return corpusRoot + "|" + p }

// Run indexes the corpora. It reads only new and changed files (unless
// Full), removes the documents of files that are gone, and commits. One bad
// file never stops a run: it is recorded with its reason and the run goes on.
func (p *Pipeline) Run(ctx context.Context, corpora []Corpus) (*Stats, error) {
	start := time.Now()
	log := p.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st := &Stats{FailedBy: map[string]int{}}
	var inputs []input
	for _, c := range corpora {
		err := corpus.Walk(ctx, c.FS, func(f corpus.File) error {
			if f.Skip != "" {
				st.Skipped = append(st.Skipped, Skip{Corpus: c.Root, Path: f.Path, Reason: f.Skip})
				return nil
			}
			inputs = append(inputs, input{corpus: c, file: f, key: RecordKey(c.Root, f.Path)})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walking corpus %s: %w", c.Root, err)
		}
	}
	st.Files = len(inputs)

	records := map[string]FileRecord{}
	if !p.Full {
		var err error
		if records, err = p.Sink.Records(ctx); err != nil {
			return nil, fmt.Errorf("reading the records of earlier runs: %w", err)
		}
	}

	// Hash every input to find what changed; a group is read again when
	// any of its files changed.
	groups := groupInputs(inputs)
	hashes := map[string]string{}
	sizes := map[string]int64{}
	var todo []group
	var totalBytes int64
	for _, g := range groups {
		changed := false
		for _, in := range g.inputs {
			sum, size, err := hashFile(in.corpus.FS, in.file.Path)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", in.key, err)
			}
			hashes[in.key], sizes[in.key] = sum, size
			r, ok := records[in.key]
			if !ok || r.SHA256 != sum || r.Extractor != ExtractorVersion {
				changed = true
			}
		}
		if changed {
			todo = append(todo, g)
			for _, in := range g.inputs {
				totalBytes += sizes[in.key]
			}
		} else {
			for _, in := range g.inputs {
				st.Unchanged++
				if r := records[in.key]; r.Failure != nil {
					st.Failed++
					st.FailedBy[r.Failure.Reason]++
					st.Failures = append(st.Failures, r)
				}
			}
		}
	}

	// Documents of files that are gone.
	seen := map[string]bool{}
	roots := map[string]bool{}
	for _, c := range corpora {
		roots[c.Root] = true
	}
	for _, in := range inputs {
		seen[in.key] = true
	}
	liveIDs := map[string]bool{}
	for _, in := range inputs {
		if r, ok := records[in.key]; ok && r.DocID != "" {
			liveIDs[r.DocID] = true
		}
	}
	var goneKeys []string
	for k := range records {
		root, _, _ := strings.Cut(k, "|")
		if roots[root] && !seen[k] {
			goneKeys = append(goneKeys, k)
		}
	}
	sort.Strings(goneKeys)

	// Extract and parse in parallel; write in this goroutine (a bleve
	// batch is not safe for concurrent use).
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	jobs := make(chan group)
	results := make(chan groupResult)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range jobs {
				res := p.process(ctx, g, hashes, sizes)
				select {
				case results <- res:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, g := range todo {
			select {
			case jobs <- g:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	writtenBy := map[string]string{}
	var done int
	var doneBytes int64
	for res := range results {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		done += len(res.g.inputs)
		doneBytes += res.bytes
		st.Bytes += res.bytes
		if res.doc != nil {
			if prev, dup := writtenBy[res.doc.ID]; dup {
				st.Duplicates = append(st.Duplicates, Duplicate{ID: res.doc.ID, Files: []string{prev, res.g.key}, Used: res.g.key})
				log.Warn("two files claim the same document", "symbol", res.doc.Symbol, "lang", res.doc.Language, "path", res.g.key, "other", prev)
			}
			writtenBy[res.doc.ID] = res.g.key
			if err := p.Sink.Put(ctx, res.doc); err != nil {
				return nil, fmt.Errorf("indexing %s: %w", res.doc.ID, err)
			}
			st.Documents++
			liveIDs[res.doc.ID] = true
		}
		for _, r := range res.records {
			// a file whose document moved to another ID leaves its old one
			if old, ok := records[r.Key]; ok && old.DocID != "" && old.DocID != r.DocID && !stillClaimed(old.DocID, writtenBy, records, r.Key, seen) {
				if err := p.Sink.Remove(ctx, old.DocID); err != nil {
					return nil, err
				}
			}
			if err := p.Sink.SetRecord(ctx, r); err != nil {
				return nil, err
			}
			if r.Failure != nil {
				st.Failed++
				st.FailedBy[r.Failure.Reason]++
				st.Failures = append(st.Failures, r)
				log.Warn("file not indexed", "path", r.Key, "reason", r.Failure.Reason, "err", r.Failure.Detail)
			} else {
				st.Indexed++
				log.Debug("indexed", "path", r.Key, "symbol", r.DocID)
			}
		}
		if p.Progress != nil {
			p.Progress(Progress{FilesDone: done, FilesTotal: st.Files - st.Unchanged, BytesDone: doneBytes, BytesTotal: totalBytes, Elapsed: time.Since(start)})
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	for _, k := range goneKeys {
		r := records[k]
		if r.DocID != "" && !claimedElsewhere(r.DocID, writtenBy, records, seen) {
			if err := p.Sink.Remove(ctx, r.DocID); err != nil {
				return nil, err
			}
			st.Removed++
			log.Info("removed: its file is gone", "symbol", r.DocID, "path", k)
		}
		if err := p.Sink.DeleteRecord(ctx, k); err != nil {
			return nil, err
		}
	}
	if err := p.Sink.Commit(ctx); err != nil {
		return nil, err
	}
	sort.Slice(st.Failures, func(i, j int) bool { return st.Failures[i].Key < st.Failures[j].Key })
	st.Duration = time.Since(start)
	return st, nil
}

// stillClaimed reports whether a document ID is still produced by a file
// other than key in this run or a live earlier one.
func stillClaimed(id string, writtenBy map[string]string, records map[string]FileRecord, key string, seen map[string]bool) bool {
	if _, ok := writtenBy[id]; ok {
		return true
	}
	for k, r := range records {
		if k != key && seen[k] && r.DocID == id {
			return true
		}
	}
	return false
}

func claimedElsewhere(id string, writtenBy map[string]string, records map[string]FileRecord, seen map[string]bool) bool {
	if _, ok := writtenBy[id]; ok {
		return true
	}
	for k, r := range records {
		if seen[k] && r.DocID == id {
			return true
		}
	}
	return false
}

// groupInputs puts the renditions of one document version (same manifest
// symbol and language in the same corpus) together.
func groupInputs(inputs []input) []group {
	byKey := map[string]*group{}
	var order []string
	for _, in := range inputs {
		k := in.key
		if in.file.InManifest && in.file.Entry.Symbol != "" {
			k = in.corpus.Root + "|" + in.file.Entry.Symbol + "@" + in.file.Entry.Language
		}
		g, ok := byKey[k]
		if !ok {
			g = &group{key: k}
			byKey[k] = g
			order = append(order, k)
		}
		g.inputs = append(g.inputs, in)
	}
	out := make([]group, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out
}

// formatRank orders renditions: the one with the most explicit structure
// is parsed (DOCX numbering and footnotes beat PDF layout, which beats OCR).
func formatRank(f string) int {
	switch f {
	case FormatDOCX:
		return 0
	case FormatPDF:
		return 1
	case FormatHTML:
		return 2
	case FormatMD:
		return 3
	}
	return 4
}

// process extracts and parses the files of a group and picks the best
// rendition. It never returns an error: failures become records.
func (p *Pipeline) process(ctx context.Context, g group, hashes map[string]string, sizes map[string]int64) groupResult {
	res := groupResult{g: g}
	type parsed struct {
		doc    *Document
		format string
		in     input
	}
	var ok []parsed
	for _, in := range g.inputs {
		rec := FileRecord{Key: in.key, Corpus: in.corpus.Root, Path: in.file.Path, SHA256: hashes[in.key], Size: sizes[in.key], Extractor: ExtractorVersion}
		res.bytes += sizes[in.key]
		doc, format, fail := p.processFile(ctx, in)
		rec.Format = format
		if fail != nil {
			rec.Failure = fail
			res.records = append(res.records, rec)
			continue
		}
		doc.Source.SHA256 = rec.SHA256
		doc.Source.Size = rec.Size
		doc.Source.Corpus = in.corpus.Root
		rec.Pages = len(doc.Source.Pages)
		var glued, words int
		for _, q := range doc.Source.Pages {
			if q.NeedsOCR {
				rec.NeedsOCR++
			}
			glued += q.GluedWords
			words += q.Words
		}
		if words > 0 {
			rec.GluedRatio = float64(glued) / float64(words)
		}
		rec.Warnings = doc.Warnings
		res.records = append(res.records, rec)
		ok = append(ok, parsed{doc, format, in})
	}
	if len(ok) == 0 {
		return res
	}
	sort.SliceStable(ok, func(i, j int) bool { return formatRank(ok[i].format) < formatRank(ok[j].format) })
	best := ok[0].doc
	for _, o := range ok {
		best.Source.Renditions = append(best.Source.Renditions, Rendition{Path: o.in.file.Path, Format: o.format, SHA256: hashes[o.in.key]})
	}
	for i := range res.records {
		if res.records[i].Failure == nil {
			res.records[i].DocID = best.ID
		}
	}
	res.doc = best
	return res
}

// processFile reads, extracts and parses one file.
func (p *Pipeline) processFile(ctx context.Context, in input) (*Document, string, *Failure) {
	data, err := readFile(in.corpus.FS, in.file.Path)
	if err != nil {
		return nil, "", classify(err)
	}
	format, err := DetectFormat(in.file.Path, data)
	if err != nil {
		return nil, "", classify(err)
	}
	if p.FileTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.FileTimeout)
		defer cancel()
	}
	extract := p.Extract
	if extract == nil {
		extract = InProcess(NewExtractors(nil))
	}
	c, err := extract(ctx, format, in.file.Path, data)
	if err != nil {
		return nil, format, classify(err)
	}
	meta := Meta{Path: in.file.Path, Language: "en"}
	if in.file.InManifest {
		e := in.file.Entry
		meta = Meta{Path: in.file.Path, Symbol: e.Symbol, Kind: e.Kind, Language: e.Language, Title: e.Title, Date: e.Date, Source: e.Source}
	}
	d := Parse(c, meta)
	if len(d.Passages()) == 0 && d.Title == "" {
		return nil, format, &Failure{Reason: "empty", Detail: "no text could be extracted (a scan that needs OCR?)"}
	}
	return d, format, nil
}

// InProcess returns an ExtractFunc that runs the extractors in this process.
func InProcess(x Extractors) ExtractFunc {
	return func(ctx context.Context, format, name string, data []byte) (*Content, error) {
		return x.Extract(ctx, format, bytes.NewReader(data), int64(len(data)))
	}
}

// classify turns an error into a failure reason a librarian can act on.
func classify(err error) *Failure {
	reason := "corrupt"
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		reason = "timeout"
	case errors.Is(err, ErrUnsupported):
		reason = "unsupported"
	case errors.Is(err, ErrTooLarge):
		reason = "too-large"
	case errors.Is(err, ErrResourceLimit):
		reason = "resource-limit"
	case strings.Contains(strings.ToLower(err.Error()), "encrypt"):
		reason = "encrypted"
	}
	return &Failure{Reason: reason, Detail: err.Error()}
}

// Sentinels for failures with their own reason.
var (
	ErrTooLarge      = errors.New("file too large")
	ErrResourceLimit = errors.New("extraction exceeded its memory or time limit")
)

func readFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%w: %s is over %d MB", ErrTooLarge, path.Base(name), MaxFileSize>>20)
	}
	return b, nil
}

func hashFile(fsys fs.FS, name string) (string, int64, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
