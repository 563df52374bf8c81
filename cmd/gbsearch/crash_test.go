package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"gbsearch/indexer/sandbox"
	"gbsearch/search"
)

// envRunMain makes the test binary act as the gbsearch command, so that a
// test can start (and kill) a real `gbsearch index` process.
const envRunMain = "GBSEARCH_TEST_RUN_MAIN"

func init() {
	// a sandbox worker started by that command is a worker first
	sandbox.Main()
	if os.Getenv(envRunMain) == "1" {
		err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gbsearch:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

func gbsearchCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	return cmd
}

// snapshot is what an index holds, for comparing builds: each document
// with the number of passages of each of its versions.
func snapshot(t *testing.T, dir string) (map[string]string, error) {
	t.Helper()
	ix, err := search.Dir{Root: dir}.OpenCurrent()
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	ctx := context.Background()
	res, err := ix.Search(ctx, search.Request{Size: search.MaxSize, Sort: "symbol", NoFacets: true, NoPassages: true})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	after := ""
	for {
		for _, h := range res.Hits {
			vs, err := ix.Versions(ctx, h.Symbol)
			if err != nil {
				return nil, err
			}
			if len(vs) == 0 {
				return nil, fmt.Errorf("%s is searchable but has no stored version: half-indexed", h.Symbol)
			}
			var parts []string
			for _, v := range vs {
				parts = append(parts, fmt.Sprintf("%s:%d", v.Language, len(v.Passages())))
			}
			out[h.Symbol] = strings.Join(parts, ",")
		}
		if res.Next == "" {
			break
		}
		after = res.Next
		res, err = ix.Search(ctx, search.Request{Size: search.MaxSize, Sort: "symbol", After: after, NoFacets: true, NoPassages: true})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkPassagesVisible: every searchable document's passages are all in
// the index (a half-written document would show fewer).
func checkPassagesVisible(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	ix, err := search.Dir{Root: dir}.OpenCurrent()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for sym := range want {
		vs, err := ix.Versions(context.Background(), sym)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			n, err := ix.CountPassages(context.Background(), v.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(v.Passages()) {
				t.Errorf("%s: %d passages in the index, %d in its stored version", v.ID, n, len(v.Passages()))
			}
		}
	}
}

// TestSIGKILLDuringIndexing starts the real `gbsearch index` on a corpus,
// kills it with SIGKILL at random points, and checks after each kill that
// the served index opens and answers, that no half-indexed document is
// visible, and that a rerun converges to the same documents as a clean
// build. Five runs, killing an incremental update of a served index (runs
// 1, 3, 5) or a full rebuild beside it (runs 2, 4).
func TestSIGKILLDuringIndexing(t *testing.T) {
	sources := sourcesDir(t)
	work := t.TempDir()
	// the reference: a clean build of both corpora
	clean := filepath.Join(work, "clean")
	cleanStart := time.Now()
	if out, err := gbsearchCommand(t, "index", "-index", clean, "-corpus", "../../corpus", "-corpus", sources, "-progress", "none").CombinedOutput(); err != nil {
		t.Fatalf("clean build: %v\n%s", err, out)
	}
	buildTime := time.Since(cleanStart)
	want, err := snapshot(t, clean)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a clean build takes %s; kills fall anywhere in the first 90%% of that", buildTime.Round(time.Millisecond))
	rng := rand.New(rand.NewPCG(9, uint64(time.Now().UnixNano())))
	for run := 1; run <= 5; run++ {
		for _, full := range []bool{run%2 == 0} {
			name := fmt.Sprintf("run %d full=%v", run, full)
			dir := filepath.Join(work, fmt.Sprintf("run%d-%v", run, full))
			// a served index of the bundled corpus alone...
			if out, err := gbsearchCommand(t, "index", "-index", dir, "-corpus", "../../corpus", "-progress", "none").CombinedOutput(); err != nil {
				t.Fatalf("%s: first build: %v\n%s", name, err, out)
			}
			before, err := snapshot(t, dir)
			if err != nil {
				t.Fatal(err)
			}
			// ...then the sources arrive, and indexing them is killed
			args := []string{"index", "-index", dir, "-corpus", "../../corpus", "-corpus", sources, "-progress", "none"}
			if full {
				args = append(args, "-full")
			}
			cmd := gbsearchCommand(t, args...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			delay := time.Duration((0.05 + 0.85*rng.Float64()) * float64(buildTime))
			time.Sleep(delay)
			_ = cmd.Process.Signal(syscall.SIGKILL)
			_ = cmd.Wait()

			got, err := snapshot(t, dir)
			if err != nil {
				t.Fatalf("%s: after SIGKILL at %s the index does not open and answer: %v", name, delay, err)
			}
			for sym := range before {
				if _, ok := got[sym]; !ok {
					t.Errorf("%s: %s vanished after the kill", name, sym)
				}
			}
			checkPassagesVisible(t, dir, got)
			// the rerun completes and converges to the clean build
			if out, err := gbsearchCommand(t, args...).CombinedOutput(); err != nil {
				t.Fatalf("%s: rerun: %v\n%s", name, err, out)
			}
			final, err := snapshot(t, dir)
			if err != nil {
				t.Fatal(err)
			}
			if diff := diffSnapshots(want, final); diff != "" {
				t.Errorf("%s (killed after %s): the rerun differs from a clean build: %s", name, delay, diff)
			}
			t.Logf("%s: killed after %s with %d documents visible; rerun converged to %d", name, delay, len(got), len(final))
		}
	}
}

func diffSnapshots(want, got map[string]string) string {
	var d []string
	for k, v := range want {
		if got[k] != v {
			d = append(d, fmt.Sprintf("%s: want %q got %q", k, v, got[k]))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			d = append(d, k+": not in the clean build")
		}
	}
	sort.Strings(d)
	if len(d) > 10 {
		d = append(d[:10], fmt.Sprintf("... %d more", len(d)-10))
	}
	return strings.Join(d, "; ")
}

// TestLockedIndexFailsFast: opening an index another process holds fails
// within seconds with a clear message instead of waiting forever.
func TestLockedIndexFailsFast(t *testing.T) {
	dir, _ := realIndex(t)
	holder, err := search.Dir{Root: dir}.OpenCurrent()
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	start := time.Now()
	out, err := gbsearchCommand(t, "search", "-index", dir, "labour").CombinedOutput()
	if err == nil {
		t.Fatalf("search on a locked index succeeded:\n%s", out)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s to fail", d)
	}
	if !strings.Contains(string(out), "in use by another process") {
		t.Errorf("message: %s", out)
	}
	if !slices.Contains([]string{"1"}, fmt.Sprint(exitCode(err))) {
		t.Errorf("exit code %d", exitCode(err))
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
