package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gbsearch/search"
)

// buildResult is what a child reports of its build.
type buildResult struct {
	Engine   string        `json:"engine"`
	Dir      string        `json:"dir"`
	Versions int           `json:"versions"`
	Wall     time.Duration `json:"wall"` // the engine's own work: decoding the input is not timed
	CPU      time.Duration `json:"cpu"`  // user+system of the whole child, decoding included
	PeakRSS  int64         `json:"peak_rss"`
	// PeakAnon and PeakFile split the peak, sampled every 100 ms: bleve
	// maps its segment files, and VmHWM counts the pages of the segments a
	// merge reads (file-backed, which the kernel may drop at will) with the
	// heap (anonymous).
	PeakAnon   int64 `json:"peak_anon"`
	PeakFile   int64 `json:"peak_file"`
	IndexBytes int64 `json:"index_bytes"`
}

// chunk is how many parsed documents a child decodes before handing them
// to its engine: decoding is left out of the engine's time, and a small
// chunk keeps it out of the peak RSS too.
const chunk = 32

// buildInChild runs this binary again to build one engine's index, so that
// the peak RSS read is that engine's alone.
func buildInChild(engine string, pc *parsedCorpus, o options) (*buildResult, error) {
	dir := filepath.Join(o.work, fmt.Sprintf("index-%s-n%d", engine, o.n))
	if !o.keep {
		// a run that does not keep its index builds beside the kept one,
		// which a later -reuse run may still want
		dir = fmt.Sprintf("%s-run%d", dir, os.Getpid())
	}
	resFile := dir + ".result.json"
	if o.reuse {
		if r, err := readBuildResult(resFile); err == nil {
			if _, err := os.Stat(dir); err == nil {
				logf("build: %s: reusing %s, built earlier (its build figures are that build's)", engine, dir)
				return r, nil
			}
		}
	}
	os.RemoveAll(dir)
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"-child", engine, "-docs", pc.File, "-out", dir, "-result", resFile, "-n", strconv.Itoa(o.n),
		"-fts-optimize=" + strconv.FormatBool(o.ftsOpt)}
	if o.cpuProfile != "" {
		args = append(args, "-cpuprofile", o.cpuProfile)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	logf("build: %s (load %s)", engine, loadAvg())
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("building %s: %w", engine, err)
	}
	r, err := readBuildResult(resFile)
	if err != nil {
		return nil, err
	}
	if !o.keep {
		os.Remove(resFile)
	}
	logf("build: %s: %d versions in %s (%.0f docs/s), CPU %s, peak RSS %d MB (sampled peaks: anonymous %d MB, file-backed %d MB), index %d MB",
		engine, r.Versions, r.Wall.Round(time.Millisecond), float64(r.Versions)/r.Wall.Seconds(), r.CPU.Round(time.Millisecond),
		r.PeakRSS>>20, r.PeakAnon>>20, r.PeakFile>>20, r.IndexBytes>>20)
	return r, nil
}

func readBuildResult(file string) (*buildResult, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var r buildResult
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &r, nil
}

// runChild is the child side: build, then report.
func runChild(engine, docs, out, result string, o options) error {
	if o.cpuProfile != "" && engine != "null" {
		f, err := os.Create(o.cpuProfile + "." + engine)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	var b builder
	switch engine {
	case "gbsearch":
		b = &gbBuilder{}
	case "fts5":
		b = &ftsBuilder{optimize: o.ftsOpt}
	case "null":
		b = nullBuilder{}
	default:
		return fmt.Errorf("unknown engine %q", engine)
	}
	r := buildResult{Engine: engine, Dir: out}
	stopSampling := sampleRSS(&r)
	start := time.Now()
	if err := b.open(out); err != nil {
		return err
	}
	r.Wall += time.Since(start)
	rd, closer, err := openDocs(docs)
	if err != nil {
		return err
	}
	defer closer.Close()
	ctx := context.Background()
	for {
		ds, err := rd.next(chunk)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			break
		}
		start := time.Now()
		for _, d := range ds {
			if err := b.put(ctx, d); err != nil {
				return err
			}
		}
		r.Wall += time.Since(start)
		r.Versions += len(ds)
	}
	start = time.Now()
	if err := b.close(ctx); err != nil {
		return err
	}
	r.Wall += time.Since(start)
	r.CPU = cpuTime()
	stopSampling()
	r.PeakRSS = peakRSS()
	r.IndexBytes = dirSize(out)
	bs, _ := json.Marshal(r)
	return os.WriteFile(result, bs, 0o644)
}

// builder is one engine's build.
type builder interface {
	open(dir string) error
	put(ctx context.Context, d *docT) error
	close(ctx context.Context) error
}

// gbBuilder builds the gbsearch index the way the product does:
// search.Create, then a search.Writer with its default batching, then
// Compact, as a rebuild does before it is served (FTS5's build ends with
// its 'optimize' likewise).
type gbBuilder struct {
	ix *search.Index
	w  *search.Writer
}

func (g *gbBuilder) open(dir string) error {
	search.LimitHeap() // as the gbsearch command does
	ix, err := search.Create(dir)
	if err != nil {
		return err
	}
	g.ix, g.w = ix, search.NewWriter(ix)
	return nil
}

func (g *gbBuilder) put(ctx context.Context, d *docT) error { return g.w.Put(ctx, d) }

func (g *gbBuilder) close(ctx context.Context) error {
	if err := g.w.Commit(ctx); err != nil {
		return err
	}
	if err := g.ix.Compact(ctx); err != nil {
		return err
	}
	return g.ix.Close()
}

// nullBuilder only decodes: its CPU is what the others' spend on reading
// their input.
type nullBuilder struct{}

func (nullBuilder) open(dir string) error            { return os.MkdirAll(dir, 0o755) }
func (nullBuilder) put(context.Context, *docT) error { return nil }
func (nullBuilder) close(context.Context) error      { return nil }

// cpuTime is the user+system CPU time of this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS reads VmHWM, the peak resident set size, from /proc/self/status.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// sampleRSS records the peaks of RssAnon and RssFile until stopped.
func sampleRSS(r *buildResult) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			anon, file := rssParts()
			r.PeakAnon, r.PeakFile = max(r.PeakAnon, anon), max(r.PeakFile, file)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

func rssParts() (anon, file int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		switch k {
		case "RssAnon":
			anon = kb << 10
		case "RssFile":
			file = kb << 10
		}
	}
	return anon, file
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
