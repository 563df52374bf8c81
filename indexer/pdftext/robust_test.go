package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gbsearch/indexer"
)

// hostileFiles lists the files of the shared robustness corpus (hostile
// and unusual PDFs from other projects' test suites) smaller than limit,
// sorted. The corpus stays where it is: never copy it into the module.
func hostileFiles(t testing.TB, limit int64) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(robustnessDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := strings.ToLower(filepath.Ext(path))
		if d.IsDir() || ext != ".pdf" && ext != ".fuzz" {
			return nil
		}
		if info, err := d.Info(); err == nil && info.Size() <= limit {
			out = append(out, path)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// spread picks n files evenly from the sorted list, so that every suite
// of the corpus is represented.
func spread(files []string, n int) []string {
	if len(files) <= n {
		return files
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, files[i*len(files)/n])
	}
	return out
}

// TestRobustness runs Extract over about fifty hostile files and checks
// that no panic escapes and that failures are reported as such. Hangs and
// memory blow-ups inside the library are the worker sandbox's business:
// files over 2 MB are skipped and each file has a deadline, so this test
// cannot hang.
func TestRobustness(t *testing.T) {
	files := spread(hostileFiles(t, 2<<20), 50)
	if len(files) == 0 {
		t.Skipf("robustness corpus not found in %s", robustnessDir)
	}
	x := &Extractor{PageTimeout: 2 * time.Second}
	var ok, failed, pageErrs int
	var timedOut []string
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name, _ := filepath.Rel(robustnessDir, path)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		start := time.Now()
		c, err := func() (c *indexer.Content, err error) {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic escaped Extract: %v", name, p)
				}
			}()
			return x.Extract(ctx, bytes.NewReader(data), int64(len(data)))
		}()
		cancel()
		if d := time.Since(start); d > 12*time.Second {
			t.Errorf("%s: Extract returned after %v, past its deadline", name, d)
		}
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			timedOut = append(timedOut, name)
		case err != nil:
			if !errors.Is(err, indexer.ErrExtract) {
				t.Errorf("%s: error not wrapping ErrExtract: %v", name, err)
			}
			failed++
		case c == nil:
			t.Errorf("%s: nil content without error", name)
		default:
			ok++
			for i, p := range c.Pages {
				if p.Number != i+1 {
					t.Errorf("%s: page %d numbered %d", name, i+1, p.Number)
				}
				if p.Err != "" {
					pageErrs++
					if strings.Contains(p.Err, errTimeout.Error()) {
						timedOut = append(timedOut, fmt.Sprintf("%s page %d", name, p.Number))
					}
				}
			}
		}
	}
	t.Logf("%d files: %d extracted (%d pages with errors), %d refused, %d timed out %v",
		len(files), ok, pageErrs, failed, len(timedOut), timedOut)
}

func FuzzExtract(f *testing.F) {
	seeds := spread(hostileFiles(f, 200<<10), 60)
	seeds = append(seeds, gbPDF)
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		f.Add(data)
	}
	// Short bounds: inputs that make the library loop are common among
	// mutants, and every one of them costs its full bound.
	x := &Extractor{PageTimeout: 200 * time.Millisecond}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		c, err := x.Extract(ctx, bytes.NewReader(data), int64(len(data)))
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("Extract returned after %v", d)
		}
		if err != nil {
			if c != nil {
				t.Fatalf("content and error: %v", err)
			}
			if !errors.Is(err, indexer.ErrExtract) && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error neither ErrExtract nor deadline: %v", err)
			}
			return
		}
		if c == nil || c.Format != indexer.FormatPDF {
			t.Fatalf("bad content %+v", c)
		}
		for i, p := range c.Pages {
			if p.Number != i+1 {
				t.Fatalf("page %d numbered %d", i+1, p.Number)
			}
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	data, err := os.ReadFile(gbPDF)
	if err != nil {
		b.Fatal(err)
	}
	x := New()
	pages := 0
	for b.Loop() {
		c, err := x.Extract(b.Context(), bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		pages += len(c.Pages)
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}
