package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"gbsearch/indexer"
)

// Dir is the directory that holds gbsearch's indexes: a full rebuild is
// written beside the served index, and only a pointer file (CURRENT) says
// which one is served, so that switching is one atomic rename and a restart
// opens the right one. PREVIOUS names the index before, for rollback.
//
//	DIR/CURRENT          "idx-20261127T101500.123"
//	DIR/PREVIOUS         "idx-20261126T090000.000"
//	DIR/idx-.../         bleve indexes
type Dir struct{ Root string }

const (
	currentFile  = "CURRENT"
	previousFile = "PREVIOUS"
	buildPrefix  = "idx-"
)

func (d Dir) readPointer(name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(d.Root, name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	// the pointer names a directory inside Root, nothing else
	if v != "" && (strings.ContainsAny(v, `/\`) || !strings.HasPrefix(v, buildPrefix)) {
		return "", fmt.Errorf("%s/%s holds %q, which is not an index name", d.Root, name, v)
	}
	return v, nil
}

func (d Dir) writePointer(name, value string) error {
	tmp := filepath.Join(d.Root, name+".tmp")
	if err := os.WriteFile(tmp, []byte(value+"\n"), 0o644); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err == nil {
		_ = f.Sync()
		f.Close()
	}
	if err := os.Rename(tmp, filepath.Join(d.Root, name)); err != nil {
		return err
	}
	if dir, err := os.Open(d.Root); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	return nil
}

// CurrentPath returns the path of the served index, or "" when there is none.
func (d Dir) CurrentPath() (string, error) {
	cur, err := d.readPointer(currentFile)
	if err != nil || cur == "" {
		return "", err
	}
	return filepath.Join(d.Root, cur), nil
}

// OpenCurrent opens the served index.
func (d Dir) OpenCurrent() (*Index, error) {
	p, err := d.CurrentPath()
	if err != nil {
		return nil, err
	}
	if p == "" {
		return nil, fmt.Errorf("%w in %s", ErrNoIndex, d.Root)
	}
	return Open(p)
}

// NewBuild creates an empty index for a rebuild, beside the served one.
func (d Dir) NewBuild() (*Index, error) {
	if err := os.MkdirAll(d.Root, 0o755); err != nil {
		return nil, err
	}
	name := buildPrefix + time.Now().UTC().Format("20060102T150405.000000")
	return Create(filepath.Join(d.Root, name))
}

// Activate makes the index at path the served one and remembers the one
// it replaces for Rollback.
func (d Dir) Activate(path string) error {
	name := filepath.Base(path)
	if filepath.Dir(path) != filepath.Clean(d.Root) || !strings.HasPrefix(name, buildPrefix) {
		return fmt.Errorf("%s is not an index of %s", path, d.Root)
	}
	cur, err := d.readPointer(currentFile)
	if err != nil {
		return err
	}
	if cur != "" && cur != name {
		if err := d.writePointer(previousFile, cur); err != nil {
			return err
		}
	}
	return d.writePointer(currentFile, name)
}

// Rollback serves the previous index again, and returns its path.
func (d Dir) Rollback() (string, error) {
	prev, err := d.readPointer(previousFile)
	if err != nil {
		return "", err
	}
	if prev == "" {
		return "", errors.New("no previous index to roll back to")
	}
	if _, err := os.Stat(filepath.Join(d.Root, prev)); err != nil {
		return "", fmt.Errorf("previous index %s is gone: %w", prev, err)
	}
	cur, err := d.readPointer(currentFile)
	if err != nil {
		return "", err
	}
	if err := d.writePointer(currentFile, prev); err != nil {
		return "", err
	}
	if cur != "" {
		if err := d.writePointer(previousFile, cur); err != nil {
			return "", err
		}
	}
	return filepath.Join(d.Root, prev), nil
}

// Prune removes the indexes that are neither current nor previous (failed
// or superseded builds).
func (d Dir) Prune(keep ...string) error {
	cur, _ := d.readPointer(currentFile)
	prev, _ := d.readPointer(previousFile)
	entries, err := os.ReadDir(d.Root)
	if err != nil {
		return err
	}
	keepSet := map[string]bool{cur: true, prev: true}
	for _, k := range keep {
		keepSet[filepath.Base(k)] = true
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), buildPrefix) && !keepSet[e.Name()] {
			if err := os.RemoveAll(filepath.Join(d.Root, e.Name())); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Builds lists the index directories, oldest first.
func (d Dir) Builds() []string {
	entries, _ := os.ReadDir(d.Root)
	var out []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), buildPrefix) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Served is the index the server answers from. Swap replaces it while
// searches go on: searches hold a read lock for their duration, so the old
// index is closed only once the last search on it has finished, and a
// search never sees a closed or half-built index. (bleve's IndexAlias swaps
// atomically too, but leaves closing the old index racing with searches
// still running on it.)
type Served struct {
	mu sync.RWMutex
	ix *Index
}

// ErrNotReady is returned while there is no index to serve yet.
var ErrNotReady = errors.New("the index is being built; try again shortly")

// NewServed serves ix (which may be nil until the first build is done).
func NewServed(ix *Index) *Served { return &Served{ix: ix} }

// Ready reports whether there is an index to serve.
func (s *Served) Ready() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ix != nil
}

// Swap serves ix from now on and returns the index it replaces, which no
// search uses any more: the caller closes it.
func (s *Served) Swap(ix *Index) *Index {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.ix
	s.ix = ix
	return old
}

// With runs f on the served index, holding it against a swap.
func (s *Served) With(f func(*Index) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ix == nil {
		return ErrNotReady
	}
	return f(s.ix)
}

// Search runs a search on the served index.
func (s *Served) Search(ctx context.Context, r Request) (res *Result, err error) {
	err = s.With(func(ix *Index) error { res, err = ix.Search(ctx, r); return err })
	return res, err
}

// Document returns a document of the served index.
func (s *Served) Document(ctx context.Context, symbol string) (d *DocumentView, err error) {
	err = s.With(func(ix *Index) error { d, err = ix.Document(ctx, symbol); return err })
	return d, err
}

// Citations returns the citation graph around a document.
func (s *Served) Citations(ctx context.Context, symbol string) (c *Citations, err error) {
	err = s.With(func(ix *Index) error { c, err = ix.Citations(ctx, symbol); return err })
	return c, err
}

// MissingSources lists cited references absent from the served index.
func (s *Served) MissingSources(ctx context.Context, kind string, limit int) (m []Missing, err error) {
	err = s.With(func(ix *Index) error { m, err = ix.MissingSources(ctx, kind, limit); return err })
	return m, err
}

// Counts counts the served index's documents.
func (s *Served) Counts(ctx context.Context) (n int, byKind map[string]int, err error) {
	err = s.With(func(ix *Index) error { n, byKind, err = ix.Counts(ctx); return err })
	return n, byKind, err
}

// Records reads the file records of the served index.
func (s *Served) Records(ctx context.Context) (r map[string]indexer.FileRecord, err error) {
	err = s.With(func(ix *Index) error { r, err = ix.Records(ctx); return err })
	return r, err
}

// SizeBytes is the size of the served index on disk.
func (s *Served) SizeBytes() int64 {
	var n int64
	_ = s.With(func(ix *Index) error { n = ix.SizeBytes(); return nil })
	return n
}

// Stats returns bleve's statistics of the served index.
func (s *Served) Stats() map[string]float64 {
	var m map[string]float64
	_ = s.With(func(ix *Index) error { m = ix.Stats(); return nil })
	return m
}

// Suggest proposes documents of the served index for text as typed.
func (s *Served) Suggest(ctx context.Context, text string, size int) (out []Suggestion, err error) {
	err = s.With(func(ix *Index) error { out, err = ix.Suggest(ctx, text, size); return err })
	return out, err
}

// FacetValues lists the values of a facet of the served index.
func (s *Served) FacetValues(ctx context.Context, r FacetRequest) (out []FacetValue, err error) {
	err = s.With(func(ix *Index) error { out, err = ix.FacetValues(ctx, r); return err })
	return out, err
}
