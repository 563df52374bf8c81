package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"gbsearch/indexer"
)

// FileResult is what became of one file of a suite.
type FileResult struct {
	Path     string
	Outcome  string // "extracted", "rejected", "timeout", "memory"
	Reason   string // for rejections: corrupt, encrypted, unsupported, crash, ...
	Detail   string
	Duration time.Duration
	MaxRSS   int64
	Pages    int
	Words    int
}

// SuiteFiles lists the test inputs of a folder: every file but the
// suite's own documentation (README, LICENSE, INDEX tables, files.json).
func SuiteFiles(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		n := d.Name()
		if strings.HasPrefix(n, "INDEX") || strings.HasPrefix(n, "README") || strings.HasPrefix(n, "LICENSE") || n == "files.json" {
			return nil
		}
		out = append(out, p)
		return nil
	})
	sort.Strings(out)
	return out, err
}

// RunSuite extracts every file in the sandbox, workers at a time, and
// reports each. progress, when set, is called after each file.
func (s *Sandbox) RunSuite(ctx context.Context, files []string, workers int, progress func(done, total int)) []FileResult {
	if workers <= 0 {
		workers = 1
	}
	results := make([]FileResult, len(files))
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	sem := make(chan struct{}, workers)
	for i, f := range files {
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = s.checkFile(ctx, f)
			if progress != nil {
				mu.Lock()
				done++
				progress(done, len(files))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return results
}

func (s *Sandbox) checkFile(ctx context.Context, path string) FileResult {
	fr := FileResult{Path: path}
	data, err := os.ReadFile(path)
	if err != nil {
		fr.Outcome, fr.Reason, fr.Detail = "rejected", "unreadable", err.Error()
		return fr
	}
	format, err := indexer.DetectFormat(path, data)
	if err != nil {
		fr.Outcome, fr.Reason, fr.Detail = "rejected", "unsupported", err.Error()
		return fr
	}
	r := s.Run(ctx, format, data)
	fr.Duration, fr.MaxRSS = r.Duration, r.MaxRSS
	switch {
	case r.Killed == "timeout":
		fr.Outcome, fr.Detail = "timeout", r.Err.Error()
	case r.Killed == "memory":
		fr.Outcome, fr.Detail = "memory", r.Err.Error()
	case r.Err != nil:
		fr.Outcome, fr.Reason, fr.Detail = "rejected", reason(r), r.Err.Error()
	default:
		fr.Outcome = "extracted"
		for _, p := range r.Content.Pages {
			fr.Pages++
			fr.Words += p.Quality.Words
		}
		if fr.Words == 0 {
			fr.Reason = "no text"
		}
	}
	return fr
}

func reason(r Result) string {
	msg := strings.ToLower(r.Err.Error())
	switch {
	case r.Killed == "crash":
		if strings.Contains(msg, "nests too deeply") {
			return "too deep"
		}
		return "crash"
	case strings.Contains(msg, "encrypt"):
		return "encrypted"
	case errors.Is(r.Err, indexer.ErrUnsupported):
		return "unsupported"
	}
	return "corrupt"
}

// PrintSuite writes the summary table of a suite run: how many files were
// extracted, rejected (by reason), timed out or stopped for memory, the
// slowest file and the largest memory.
func PrintSuite(w io.Writer, results []FileResult, limits Limits) {
	counts := map[string]int{}
	reasons := map[string]int{}
	var maxTime time.Duration
	var maxRSS int64
	var slowest, hungriest string
	over := 0
	noText := 0
	for _, r := range results {
		counts[r.Outcome]++
		if r.Outcome == "rejected" {
			reasons[r.Reason]++
		}
		if r.Outcome == "extracted" && r.Words == 0 {
			noText++
		}
		if r.Duration > maxTime {
			maxTime, slowest = r.Duration, r.Path
		}
		if r.MaxRSS > maxRSS {
			maxRSS, hungriest = r.MaxRSS, r.Path
		}
		if r.Duration > 10*time.Second || r.MaxRSS > 512<<20 {
			over++
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "files\t%d\n", len(results))
	fmt.Fprintf(tw, "extracted\t%d\t(%d of them with no text)\n", counts["extracted"], noText)
	fmt.Fprintf(tw, "rejected\t%d\n", counts["rejected"])
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(tw, "  %s\t%d\n", k, reasons[k])
	}
	fmt.Fprintf(tw, "timed out (killed at %s)\t%d\n", limits.Timeout, counts["timeout"])
	fmt.Fprintf(tw, "stopped at the memory limit (%d MiB)\t%d\n", limits.MemoryBytes>>20, counts["memory"])
	fmt.Fprintf(tw, "process deaths\t0\t(each file runs in a child; this process survived them all)\n")
	fmt.Fprintf(tw, "files over 10 s or 512 MiB\t%d\n", over)
	fmt.Fprintf(tw, "max time\t%s\t%s\n", maxTime.Round(time.Millisecond), filepath.Base(slowest))
	fmt.Fprintf(tw, "max RSS\t%.1f MiB\t%s\n", float64(maxRSS)/(1<<20), filepath.Base(hungriest))
	tw.Flush()
}
