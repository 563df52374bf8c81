package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"gbsearch/search"
)

// runLoadtest measures the server under load, on loopback only: it starts
// `gbsearch serve` on an index of the given corpus, starts a full rebuild
// over the admin API, and when the rebuild is about to finish sends a
// realistic mix of searches from -c concurrent connections for -d, so that
// the swap happens under load; it reports throughput, latency percentiles,
// errors, when the swap happened and the server's peak memory. It stops by
// itself.
func runLoadtest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gbsearch loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpusDir := fs.String("corpus", "", "corpus to serve (e.g. a generated one: gbsearch gen -n 10000 -out DIR)")
	indexDir := fs.String("index", "", "index directory (built from -corpus when empty)")
	conns := fs.Int("c", 50, "concurrent connections")
	dur := fs.Duration("d", 60*time.Second, "duration of the load")
	maxRequests := fs.Int("n", 2_000_000, "stop after this many requests")
	swap := fs.Bool("swap", true, "run a full rebuild so that its swap falls inside the load: the load starts when the rebuild has read 98% of its files and lasts until 10 s after the swap (at least -d, at most -max-d)")
	maxDur := fs.Duration("max-d", 5*time.Minute, "longest the load may last while it waits for the swap")
	seed := fs.Uint64("seed", 1, "seed of the query mix")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *corpusDir == "" || *indexDir == "" {
		return exitError{code: 2, msg: "loadtest needs -corpus and -index"}
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	// build the index first if there is none (not part of the measure)
	if p, _ := (search.Dir{Root: *indexDir}).CurrentPath(); p == "" {
		fmt.Fprintf(stderr, "building the index of %s ...\n", *corpusDir)
		cmd := exec.CommandContext(ctx, exe, "index", "-index", *indexDir, "-corpus", *corpusDir, "-progress", "log")
		cmd.Stdout, cmd.Stderr = stderr, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building the index: %w", err)
		}
	}
	queries, err := loadQueries(ctx, *indexDir, *seed)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	token := strconv.FormatUint(rand.Uint64(), 36)
	server := exec.CommandContext(ctx, exe, "serve", "-index", *indexDir, "-corpus", *corpusDir, "-addr", addr,
		"-admin-token", token, "-log-level", "warn", "-request-timeout", "30s")
	server.Stderr = stderr
	server.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := server.Start(); err != nil {
		return err
	}
	defer func() {
		_ = server.Process.Signal(syscall.SIGTERM)
		_ = server.Wait()
	}()
	base := "http://" + addr
	if err := waitReady(ctx, base, 5*time.Minute); err != nil {
		return err
	}

	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      = map[string]int{}
		peakRSS   int64
	)
	transport := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	// a full rebuild whose swap must fall inside the load: start it now,
	// start the load when it is about to finish
	rebuild := "none"
	var rebuildDone sync.WaitGroup
	var loadStart time.Time
	var loadStartMu sync.Mutex
	if *swap {
		jobID, err := startRebuild(ctx, client, base, token)
		if err != nil {
			return err
		}
		if err := waitNearlyDone(ctx, client, base, token, jobID, stderr); err != nil {
			return err
		}
		rebuildDone.Add(1)
		go func() {
			defer rebuildDone.Done()
			done, state := followJob(ctx, client, base, token, jobID)
			loadStartMu.Lock()
			defer loadStartMu.Unlock()
			rebuild = fmt.Sprintf("%s %s into the load", state, done.Sub(loadStart).Round(100*time.Millisecond))
		}()
	}
	// the load lasts -d, or until 10 s after the swap when the rebuild,
	// slowed by the load itself, ends later; never more than -max-d
	lctx, cancel := context.WithTimeout(ctx, *maxDur)
	defer cancel()
	swapped := make(chan struct{})
	go func() { rebuildDone.Wait(); close(swapped) }()
	go func() {
		select {
		case <-time.After(*dur):
		case <-lctx.Done():
			return
		}
		if *swap {
			select {
			case <-swapped:
			case <-lctx.Done():
				return
			}
			select {
			case <-time.After(10 * time.Second):
			case <-lctx.Done():
			}
		}
		cancel()
	}()
	loadStartMu.Lock()
	loadStart = time.Now()
	start := loadStart
	loadStartMu.Unlock()
	var sent sync.WaitGroup
	var count int64
	var countMu sync.Mutex
	next := func() (int, bool) {
		countMu.Lock()
		defer countMu.Unlock()
		if count >= int64(*maxRequests) {
			return 0, false
		}
		count++
		return int(count), true
	}
	for c := 0; c < *conns; c++ {
		sent.Add(1)
		go func() {
			defer sent.Done()
			for lctx.Err() == nil {
				i, ok := next()
				if !ok {
					return
				}
				q := queries[i%len(queries)]
				t0 := time.Now()
				resp, err := client.Get(base + "/api/v1/search?" + q)
				d := time.Since(t0)
				kind := ""
				switch {
				case err != nil:
					if lctx.Err() != nil {
						return
					}
					kind = "transport: " + firstWords(err.Error(), 4)
					if strings.Contains(err.Error(), "Client.Timeout") {
						kind = "client timeout (30 s)"
					}
				default:
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						kind = "HTTP " + strconv.Itoa(resp.StatusCode)
					}
				}
				mu.Lock()
				latencies = append(latencies, d)
				if kind != "" {
					errs[kind]++
				}
				mu.Unlock()
			}
		}()
	}
	// the server's memory, sampled while the load runs
	stopRSS := make(chan struct{})
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopRSS:
				return
			case <-t.C:
				if rss := processHWM(server.Process.Pid); rss > 0 {
					mu.Lock()
					peakRSS = max(peakRSS, rss)
					mu.Unlock()
				}
			}
		}
	}()
	sent.Wait()
	elapsed := time.Since(start)
	close(stopRSS)
	rebuildDone.Wait()
	loadStartMu.Lock()
	defer loadStartMu.Unlock()

	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]
	}
	total := 0
	for _, n := range errs {
		total += n
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "corpus\t%s (%d queries in the mix)\n", *corpusDir, len(queries))
	fmt.Fprintf(tw, "connections\t%d\n", *conns)
	fmt.Fprintf(tw, "duration\t%s\n", elapsed.Round(time.Millisecond))
	fmt.Fprintf(tw, "requests\t%d\n", len(latencies))
	fmt.Fprintf(tw, "throughput\t%.0f req/s\n", float64(len(latencies))/elapsed.Seconds())
	fmt.Fprintf(tw, "latency p50\t%s\n", pct(0.50).Round(10*time.Microsecond))
	fmt.Fprintf(tw, "latency p99\t%s\n", pct(0.99).Round(10*time.Microsecond))
	fmt.Fprintf(tw, "latency max\t%s\n", pct(1).Round(10*time.Microsecond))
	fmt.Fprintf(tw, "errors\t%d\n", total)
	for k, n := range errs {
		fmt.Fprintf(tw, "  %s\t%d\n", k, n)
	}
	fmt.Fprintf(tw, "server peak RSS\t%.0f MiB\n", float64(peakRSS)/(1<<20))
	fmt.Fprintf(tw, "rebuild and swap during the load\t%s\n", rebuild)
	tw.Flush()
	if total > 0 {
		return exitError{code: 1, msg: fmt.Sprintf("%d requests failed", total)}
	}
	return nil
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

// loadQueries makes a realistic mix from the index's own vocabulary (words
// of its titles, its symbols): single words, two-word AND, phrases, a
// symbol lookup, facet filters, deep pages.
func loadQueries(ctx context.Context, indexDir string, seed uint64) ([]string, error) {
	ix, err := search.Dir{Root: indexDir}.OpenCurrent()
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	res, err := ix.Search(ctx, search.Request{Size: search.MaxSize, Sort: "symbol", NoPassages: true, FacetSize: 50})
	if err != nil {
		return nil, err
	}
	var words, symbols []string
	for _, h := range res.Hits {
		symbols = append(symbols, h.Symbol)
		for _, w := range strings.Fields(strings.ToLower(h.Title)) {
			if len(w) > 4 {
				words = append(words, strings.Trim(w, ".,;:()"))
			}
		}
	}
	var sections []string
	for _, v := range res.Facets["section"] {
		sections = append(sections, v.Value)
	}
	if len(words) < 10 || len(symbols) == 0 {
		return nil, errors.New("the index is too small for a load test")
	}
	r := rand.New(rand.NewPCG(seed, 42))
	w := func() string { return words[r.IntN(len(words))] }
	var out []string
	for i := 0; i < 1000; i++ {
		v := url.Values{}
		switch k := r.IntN(10); {
		case k < 4:
			v.Set("q", w())
		case k < 6:
			v.Set("q", w()+" AND "+w())
		case k < 7:
			v.Set("q", `"`+w()+" "+w()+`"`)
		case k < 8:
			v.Set("q", symbols[r.IntN(len(symbols))])
		case k < 9:
			v.Set("q", w())
			if len(sections) > 0 {
				v.Set("section", sections[r.IntN(len(sections))])
			}
		default:
			v.Set("q", w()+" OR "+w())
			v.Set("from", strconv.Itoa(10*r.IntN(5)))
		}
		out = append(out, v.Encode())
	}
	return out, nil
}

func waitReady(ctx context.Context, base string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("the server did not become ready")
}

func adminRequest(ctx context.Context, client *http.Client, method, url, token string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return client.Do(req)
}

// startRebuild starts a full rebuild over the admin API.
func startRebuild(ctx context.Context, client *http.Client, base, token string) (string, error) {
	resp, err := adminRequest(ctx, client, http.MethodPost, base+"/api/v1/admin/reindex?full=true", token)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var started struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&started); err != nil || started.ID == "" {
		return "", fmt.Errorf("starting the rebuild: status %d", resp.StatusCode)
	}
	return started.ID, nil
}

type jobState struct {
	State                 string
	Error                 string
	FilesDone, FilesTotal int
}

func jobStatus(ctx context.Context, client *http.Client, base, token, id string) (jobState, error) {
	resp, err := adminRequest(ctx, client, http.MethodGet, base+"/api/v1/admin/jobs/"+id, token)
	if err != nil {
		return jobState{}, err
	}
	defer resp.Body.Close()
	var j struct {
		State      string `json:"state"`
		Error      string `json:"error"`
		FilesDone  int    `json:"files_done"`
		FilesTotal int    `json:"files_total"`
	}
	err = json.NewDecoder(resp.Body).Decode(&j)
	return jobState{j.State, j.Error, j.FilesDone, j.FilesTotal}, err
}

// waitNearlyDone waits until a rebuild has read 98% of its files: what is
// left (the last files, the final commit, the checks, the swap) then
// happens under the load. Searches take the CPU from a rebuild in the same
// process, so starting earlier would only stretch the rebuild.
func waitNearlyDone(ctx context.Context, client *http.Client, base, token, id string, log io.Writer) error {
	last := time.Time{}
	for ctx.Err() == nil {
		j, err := jobStatus(ctx, client, base, token, id)
		if err != nil {
			return err
		}
		if j.State != "running" {
			return fmt.Errorf("the rebuild ended (%s %s) before the load could start: use a larger corpus", j.State, j.Error)
		}
		if time.Since(last) > 10*time.Second {
			fmt.Fprintf(log, "rebuild: %d/%d files\n", j.FilesDone, j.FilesTotal)
			last = time.Now()
		}
		if j.FilesTotal > 0 && j.FilesDone*100 >= j.FilesTotal*98 {
			return nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return ctx.Err()
}

// followJob waits for a job to end and returns when and how.
func followJob(ctx context.Context, client *http.Client, base, token, id string) (time.Time, string) {
	for ctx.Err() == nil {
		j, err := jobStatus(ctx, client, base, token, id)
		if err == nil && j.State != "running" {
			if j.State == "done" {
				return time.Now(), "rebuilt and swapped"
			}
			return time.Now(), "failed (" + j.Error + ")"
		}
		time.Sleep(200 * time.Millisecond)
	}
	return time.Now(), "interrupted"
}

// processHWM reads a process's peak resident memory (VmHWM), in bytes.
func processHWM(pid int) int64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
