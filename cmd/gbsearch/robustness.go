package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"gbsearch/indexer/sandbox"
)

// runRobustness extracts every file of the given folders in the sandbox
// and prints what became of them: the check a librarian runs on a batch of
// untrusted files, and `make robustness` on ../shared/pdf-robustness.
func runRobustness(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gbsearch robustness", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// a little under 10 s and 512 MiB, so that start-up and the binary's own
	// pages stay within the limits too
	timeout := fs.Duration("timeout", 9500*time.Millisecond, "time one file may take")
	memory := fs.Int64("memory", 480, "heap one file's extraction may use, MiB")
	workers := fs.Int("workers", runtime.NumCPU(), "files extracted at once")
	verbose := fs.Bool("v", false, "list every file that was not extracted")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return exitError{code: 2, msg: "robustness takes one or more folders"}
	}
	var files []string
	for _, dir := range fs.Args() {
		f, err := sandbox.SuiteFiles(dir)
		if err != nil {
			return err
		}
		files = append(files, f...)
	}
	limits := sandbox.Limits{Timeout: *timeout, MemoryBytes: *memory << 20}
	sb, err := sandbox.New(limits)
	if err != nil {
		return err
	}
	start := time.Now()
	isTerm := false
	if f, ok := stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			isTerm = true
		}
	}
	results := sb.RunSuite(ctx, files, *workers, func(done, total int) {
		if isTerm {
			fmt.Fprintf(stderr, "\r%d/%d files", done, total)
		} else if done%100 == 0 || done == total {
			fmt.Fprintf(stderr, "%d/%d files (%s)\n", done, total, time.Since(start).Round(time.Second))
		}
	})
	if isTerm {
		fmt.Fprintln(stderr)
	}
	sandbox.PrintSuite(stdout, results, limits)
	fmt.Fprintf(stdout, "wall time\t%s with %d workers\n", time.Since(start).Round(time.Second), *workers)
	if *verbose {
		for _, r := range results {
			if r.Outcome != "extracted" {
				fmt.Fprintf(stdout, "%s\t%s %s\t%s\n", r.Path, r.Outcome, r.Reason, strings.SplitN(r.Detail, "\n", 2)[0])
			}
		}
	}
	return ctx.Err()
}
