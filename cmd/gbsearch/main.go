// Command gbsearch indexes and serves ILO Governing Body documents and the
// sources their footnotes cite.
//
// Usage:
//
//	gbsearch index   -corpus corpus -corpus ../shared/corpus/sources -index data
//	gbsearch serve   -index data -addr :8080        (builds the index first if there is none)
//	gbsearch extract corpus/gb/GB.319_POL_2.en.pdf  (the parsed document as JSON)
//	gbsearch search  -index data 'forced AND labour'
//	gbsearch report  -index data
//
// Every flag falls back on an environment variable GBSEARCH_<FLAG> (upper
// case, dashes as underscores), so GBSEARCH_ADDR=:9090 sets -addr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"gbsearch/indexer/sandbox"
	"gbsearch/search"
)

func main() {
	// a child started to extract one untrusted file does that and exits
	sandbox.Main()
	search.LimitHeap()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var exit exitError
	switch {
	case errors.As(err, &exit):
		if exit.msg != "" {
			fmt.Fprintln(os.Stderr, "gbsearch:", exit.msg)
		}
		os.Exit(exit.code)
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "gbsearch:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a given code.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

const usage = `gbsearch indexes and serves ILO Governing Body documents.

Commands:
  index     index corpora (incremental; -full rebuilds beside the served index; -rollback)
  serve     serve search on HTTP (builds the index on first start)
  extract   print the parsed document of a file as JSON
  search    search from the command line
  report    files that failed, pages that need OCR, duplicates, missing sources
  gen       generate a GB-like corpus for benchmarks (never committed)
  loadtest  load a served index over loopback while it is rebuilt and swapped
  robustness  extract untrusted files in the sandbox and tabulate what became of them

Run 'gbsearch <command> -h' for a command's flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError{code: 2}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "index":
		return runIndex(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "extract":
		return runExtract(ctx, rest, stdout, stderr)
	case "search":
		return runSearch(ctx, rest, stdout, stderr)
	case "report":
		return runReport(ctx, rest, stdout, stderr)
	case "gen":
		return runGen(ctx, rest, stdout, stderr)
	case "robustness":
		return runRobustness(ctx, rest, stdout, stderr)
	case "loadtest":
		return runLoadtest(ctx, rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return exitError{code: 2, msg: fmt.Sprintf("unknown command %q", cmd)}
}

// parseFlags parses args, letting GBSEARCH_* environment variables fill the
// flags the command line does not set.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", envName(f.Name), v, err))
			}
		}
	})
	return errors.Join(errs...)
}

func envName(flagName string) string {
	b := []byte("GBSEARCH_")
	for _, c := range []byte(flagName) {
		switch {
		case c == '-':
			b = append(b, '_')
		case c >= 'a' && c <= 'z':
			b = append(b, c-32)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// multiFlag is a flag that may be given several times.
type multiFlag []string

func (m *multiFlag) String() string { return fmt.Sprint([]string(*m)) }
func (m *multiFlag) Set(v string) error {
	// an environment variable lists several values separated by commas
	for _, part := range splitList(v) {
		*m = append(*m, part)
	}
	return nil
}

func splitList(v string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(v); i++ {
		if i == len(v) || v[i] == ',' {
			if s := v[start:i]; s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	return out
}
