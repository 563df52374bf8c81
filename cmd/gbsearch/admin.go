package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gbsearch/corpus"
	"gbsearch/indexer"
	"gbsearch/search"
	"gbsearch/server"
)

// Uploaded documents are kept in a corpus of their own inside the index
// directory, with a manifest, so that a rebuild from the corpora keeps them.
// Their file names come from their content hash, never from the request.
const uploadsDir = "uploads"

func (a *app) uploadsRoot() string { return filepath.Join(a.dir.Root, uploadsDir) }

// ensureUploadsCorpus adds the uploads folder to the corpora of the
// builder once it exists.
func (a *app) ensureUploadsCorpus() {
	root := filepath.Clean(a.uploadsRoot())
	for _, c := range a.builder.corpora {
		if c.Root == root {
			return
		}
	}
	if st, err := os.Stat(root); err == nil && st.IsDir() {
		a.builder.corpora = append(a.builder.corpora, indexer.Corpus{Root: root, FS: os.DirFS(root)})
	}
}

var extensions = map[string]string{indexer.FormatPDF: ".pdf", indexer.FormatDOCX: ".docx", indexer.FormatText: ".txt", indexer.FormatMD: ".md", indexer.FormatHTML: ".html"}

// Upload indexes a document sent over HTTP into the served index at once,
// and keeps its file among the uploads.
func (a *app) Upload(ctx context.Context, u server.Upload) (*server.UploadResult, error) {
	format, err := indexer.DetectFormat(u.Filename, u.Data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", server.ErrUnsupportedMedia, err)
	}
	if u.Date != "" {
		if _, err := time.Parse(time.DateOnly, u.Date); err != nil {
			return nil, fmt.Errorf("%w: date %q is not YYYY-MM-DD", search.ErrBadQuery, u.Date)
		}
	}
	if u.Kind != "" && !knownKind(u.Kind) {
		return nil, fmt.Errorf("%w: unknown kind %q", search.ErrBadQuery, u.Kind)
	}
	sum := sha256.Sum256(u.Data)
	name := hex.EncodeToString(sum[:8]) + extensions[format]
	content, err := a.builder.extract(ctx, format, name, u.Data)
	if err != nil {
		return nil, fmt.Errorf("extracting %s: %w", u.Filename, err)
	}
	doc := indexer.Parse(content, indexer.Meta{Path: name, Symbol: u.Symbol, Kind: u.Kind, Language: u.Language, Title: u.Title, Date: u.Date})
	if len(doc.Passages()) == 0 && doc.Title == "" {
		return nil, fmt.Errorf("%s has no text to index (a scan that needs OCR?)", u.Filename)
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	root := a.uploadsRoot()
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(root, name), u.Data); err != nil {
		return nil, err
	}
	if err := setManifestRow(root, corpus.Entry{Path: name, Symbol: doc.Symbol, Kind: doc.Kind, Language: doc.Language,
		Title: doc.Title, Date: doc.Date, Source: "uploaded " + time.Now().UTC().Format(time.RFC3339)}); err != nil {
		return nil, err
	}
	a.ensureUploadsCorpus()
	doc.Source.Corpus = filepath.Clean(root)
	doc.Source.Manual = true
	doc.Source.SHA256 = hex.EncodeToString(sum[:])
	doc.Source.Size = int64(len(u.Data))
	err = a.served.With(func(ix *search.Index) error {
		w := search.NewWriter(ix)
		if err := w.Put(ctx, doc); err != nil {
			return err
		}
		rec := indexer.FileRecord{Key: indexer.RecordKey(filepath.Clean(root), name), Corpus: filepath.Clean(root), Path: name,
			SHA256: doc.Source.SHA256, Size: doc.Source.Size, Extractor: indexer.ExtractorVersion, DocID: doc.ID, Format: format,
			Pages: len(doc.Source.Pages), Warnings: doc.Warnings}
		if err := w.SetRecord(ctx, rec); err != nil {
			return err
		}
		return w.Commit(ctx)
	})
	if err != nil {
		return nil, err
	}
	a.logger.Info("uploaded", "symbol", doc.Symbol, "lang", doc.Language, "path", name)
	return &server.UploadResult{Symbol: doc.Symbol, ID: doc.ID, Format: format, Title: doc.Title, Warnings: doc.Warnings}, nil
}

func knownKind(k string) bool {
	switch k {
	case corpus.KindGB, corpus.KindUN, corpus.KindILOInstrument, corpus.KindUNTreaty, corpus.KindWeb, corpus.KindOther:
		return true
	}
	return false
}

// Delete removes every version of a document from the served index. An
// uploaded document's file goes too; a document from a librarian's corpus
// folder comes back at the next reindex unless its file is removed, and
// the answer says so.
func (a *app) Delete(ctx context.Context, symbol string) (*server.DeleteResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	res := &server.DeleteResult{Removed: []string{}}
	var kept []string
	err := a.served.With(func(ix *search.Index) error {
		view, err := ix.Document(ctx, symbol)
		if err != nil {
			return err
		}
		res.Symbol = view.Info.Symbol
		recs, err := ix.Records(ctx)
		if err != nil {
			return err
		}
		w := search.NewWriter(ix)
		uploads := filepath.Clean(a.uploadsRoot())
		for _, v := range view.Versions {
			if err := w.Remove(ctx, v.ID); err != nil {
				return err
			}
			res.Removed = append(res.Removed, v.ID)
			for _, r := range recs {
				if r.DocID != v.ID {
					continue
				}
				if r.Corpus == uploads {
					// the name is one we made (content hash), never request input
					if err := os.Remove(filepath.Join(uploads, filepath.Base(r.Path))); err != nil && !errors.Is(err, os.ErrNotExist) {
						return err
					}
					if err := removeManifestRow(uploads, r.Path); err != nil {
						return err
					}
					if err := w.DeleteRecord(ctx, r.Key); err != nil {
						return err
					}
				} else {
					kept = append(kept, r.Corpus+"/"+r.Path)
				}
			}
		}
		return w.Commit(ctx)
	})
	if err != nil {
		return nil, err
	}
	if len(kept) > 0 {
		res.Note = "removed from the index; the file(s) " + strings.Join(kept, ", ") + " are still in their corpus folder and return at the next reindex unless removed"
	}
	a.logger.Info("deleted", "symbol", res.Symbol, "versions", len(res.Removed))
	return res, nil
}

// Report builds the librarian's report of the served index.
func (a *app) Report(ctx context.Context) (rep *search.Report, err error) {
	err = a.served.With(func(ix *search.Index) error {
		rep, err = ix.Report(ctx, search.ReportOptions{})
		return err
	})
	return rep, err
}

// jobs tracks the indexing jobs started over HTTP.
type jobs struct {
	mu      sync.Mutex
	byID    map[string]*server.Job
	running string
}

// StartReindex starts an indexing job: incremental into the served index,
// or a full rebuild beside it that is swapped in when its checks pass.
func (a *app) StartReindex(full bool) (string, error) {
	a.jobs.mu.Lock()
	if a.jobs.byID == nil {
		a.jobs.byID = map[string]*server.Job{}
	}
	if a.jobs.running != "" {
		id := a.jobs.running
		a.jobs.mu.Unlock()
		return "", fmt.Errorf("%w: job %s", server.ErrBusy, id)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	kind := "reindex"
	if full {
		kind = "full-rebuild"
	}
	job := &server.Job{ID: id, Kind: kind, State: server.JobRunning, Started: time.Now().UTC()}
	a.jobs.byID[id] = job
	a.jobs.running = id
	a.jobs.mu.Unlock()

	go func() {
		progress := func(p indexer.Progress) {
			a.jobs.mu.Lock()
			job.FilesDone, job.FilesTotal, job.BytesDone, job.BytesTotal = p.FilesDone, p.FilesTotal, p.BytesDone, p.BytesTotal
			a.jobs.mu.Unlock()
		}
		var st *indexer.Stats
		var err error
		if full {
			st, err = a.rebuildWith(a.ctx, progress)
		} else {
			st, err = a.update(a.ctx, a.builder.corpora, progress)
		}
		a.jobs.mu.Lock()
		defer a.jobs.mu.Unlock()
		now := time.Now().UTC()
		job.Finished = &now
		job.State = server.JobDone
		if err != nil {
			job.State, job.Error = server.JobFailed, err.Error()
		}
		if st != nil {
			job.Indexed, job.Unchanged, job.Removed, job.Failed = st.Indexed, st.Unchanged, st.Removed, st.Failed
			for _, f := range st.Failures {
				job.Failures = append(job.Failures, server.Failure{File: f.Key, Reason: f.Failure.Reason, Detail: f.Failure.Detail})
			}
		}
		a.jobs.running = ""
	}()
	return id, nil
}

// Job returns a copy of a job's state.
func (a *app) Job(id string) (*server.Job, bool) {
	a.jobs.mu.Lock()
	defer a.jobs.mu.Unlock()
	j, ok := a.jobs.byID[id]
	if !ok {
		return nil, false
	}
	c := *j
	c.Failures = append([]server.Failure(nil), j.Failures...)
	return &c, true
}

// update indexes the given corpora incrementally into the served index,
// which goes on answering searches meanwhile.
func (a *app) update(ctx context.Context, corpora []indexer.Corpus, progress func(indexer.Progress)) (*indexer.Stats, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var st *indexer.Stats
	start := time.Now()
	if a.metrics != nil {
		a.metrics.IndexingStarted()
	}
	err := a.served.With(func(ix *search.Index) error {
		w := search.NewWriter(ix)
		w.SetExtractorVersion(indexer.ExtractorVersion)
		p := a.builder.pipeline(w, false)
		p.Progress = func(pr indexer.Progress) {
			if a.metrics != nil {
				a.metrics.IndexingProgress(pr.FilesDone, pr.FilesTotal)
			}
			if progress != nil {
				progress(pr)
			}
		}
		var err error
		if st, err = p.Run(ctx, corpora); err == nil {
			compactAfterUpdate(ctx, ix, a.logger)
		}
		return err
	})
	a.report(st, err == nil, time.Since(start))
	return st, err
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// setManifestRow writes (or replaces) the row of a file in a folder's
// manifest.
func setManifestRow(dir string, e corpus.Entry) error {
	m, err := readManifest(dir)
	if err != nil {
		return err
	}
	var rows []corpus.Entry
	for _, r := range m {
		if r.Path != e.Path {
			rows = append(rows, r)
		}
	}
	return writeManifest(dir, append(rows, e))
}

func removeManifestRow(dir, path string) error {
	m, err := readManifest(dir)
	if err != nil {
		return err
	}
	var rows []corpus.Entry
	for _, r := range m {
		if r.Path != path {
			rows = append(rows, r)
		}
	}
	return writeManifest(dir, rows)
}

func readManifest(dir string) ([]corpus.Entry, error) {
	b, err := os.ReadFile(filepath.Join(dir, corpus.ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := corpus.ParseManifestBytes(b)
	if err != nil {
		return nil, fmt.Errorf("the uploads manifest is broken: %w", err)
	}
	return m.Entries, nil
}

func writeManifest(dir string, rows []corpus.Entry) error {
	var b strings.Builder
	b.WriteString("path\tsymbol\tkind\tlanguage\ttitle\tdate\tsource\tnotes\n")
	clean := func(s string) string { return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s) }
	for _, r := range rows {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", clean(r.Path), clean(r.Symbol), clean(r.Kind), clean(r.Language),
			clean(r.Title), clean(r.Date), clean(r.Source), clean(r.Notes))
	}
	return writeFileAtomic(filepath.Join(dir, corpus.ManifestName), []byte(b.String()))
}
