package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"gbsearch/search"
)

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gbsearch report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	indexDir := fs.String("index", "data", "index directory")
	jsonOut := fs.Bool("json", false, "print the report as JSON")
	glued := fs.Float64("glued", 0.02, "flag documents whose share of run-together words is above this")
	missing := fs.Int("missing", 50, "how many missing sources to list")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ix, err := search.Dir{Root: *indexDir}.OpenCurrent()
	if err != nil {
		return fmt.Errorf("%w (build it with: gbsearch index -index %s)", err, *indexDir)
	}
	defer ix.Close()
	rep, err := ix.Report(ctx, search.ReportOptions{GluedThreshold: *glued, MissingLimit: *missing})
	if err != nil {
		return err
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(stdout, rep)
	return nil
}

func printReport(w io.Writer, rep *search.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "files recorded\t%d\n", rep.Files)
	fmt.Fprintf(tw, "documents\t%d\n", rep.Documents)
	tw.Flush()
	section := func(title string, n int) {
		fmt.Fprintf(w, "\n%s (%d)\n", title, n)
	}
	section("Files that failed", len(rep.Failed))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range rep.Failed {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Key, f.Failure.Reason, truncate(f.Failure.Detail, 100))
	}
	tw.Flush()
	section("Documents with pages that need OCR", len(rep.NeedOCR))
	for _, f := range rep.NeedOCR {
		fmt.Fprintf(w, "  %s: %d of %d pages have no text\n", f.Key, f.NeedsOCR, f.Pages)
	}
	section("Documents with many run-together words", len(rep.Glued))
	for _, f := range rep.Glued {
		fmt.Fprintf(w, "  %s: %.1f%% of words glued\n", f.Key, f.GluedRatio*100)
	}
	section("Symbols claimed by more than one file", len(rep.Duplicates))
	for _, d := range rep.Duplicates {
		fmt.Fprintf(w, "  %s: %s\n", d.ID, strings.Join(d.Files, ", "))
	}
	section("Cited references missing from the corpus, most cited first", len(rep.Missing))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, m := range rep.Missing {
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", m.CitedBy, m.Kind, m.Value)
	}
	tw.Flush()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
