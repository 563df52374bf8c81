package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"gbsearch/corpus"
	"gbsearch/corpus/gen"
)

// runGen writes a generated GB-like corpus for benchmarks and load tests.
func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gbsearch gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "document versions to generate")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same corpus")
	out := fs.String("out", "", "folder to write the corpus into")
	pdf := fs.Float64("pdf", 0.05, "share of documents written as PDF")
	docx := fs.Float64("docx", 0.05, "share of documents written as DOCX")
	seedText := fs.String("seed-text", "", "text file whose words seed the English vocabulary (default: the bundled GB.319/POL/2 text, built in)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return exitError{code: 2, msg: "gen needs -out FOLDER"}
	}
	text := corpus.SeedText
	if *seedText != "" {
		b, err := os.ReadFile(*seedText)
		if err != nil {
			return fmt.Errorf("reading the seed text: %w", err)
		}
		text = string(b)
	}
	g, err := gen.New(gen.Options{N: *n, Seed: *seed, Out: *out, PDFShare: *pdf, DOCXShare: *docx, SeedText: text})
	if err != nil {
		return err
	}
	start := time.Now()
	st, err := g.Generate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d documents (%.1f MB: %v; %v) to %s in %s\n", st.Docs, float64(st.Bytes)/1e6, st.ByFmt, st.ByLang, *out, time.Since(start).Round(time.Millisecond))
	return nil
}
