package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"gbsearch/corpus"
	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
)

func runExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gbsearch extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	content := fs.Bool("content", false, "print the extracted content (pages, lines, footnotes) instead of the parsed document")
	symbol := fs.String("symbol", "", "the document's symbol, when neither the text nor a manifest gives it")
	kind := fs.String("kind", "", "the document's kind (gb-document, un-document, ilo-instrument, un-treaty, ...)")
	lang := fs.String("lang", "", "the document's language")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gbsearch extract [flags] FILE\n\nPrints the parsed document as JSON, with per-page extraction quality.\nA MANIFEST.tsv beside the file (or above it) gives the librarian's metadata.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitError{code: 2, msg: "extract takes one file"}
	}
	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	format, err := indexer.DetectFormat(path, data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	c, err := indexer.NewExtractors(pdftext.New()).Extract(ctx, format, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if *content {
		return enc.Encode(c)
	}
	meta := manifestMeta(path)
	if *symbol != "" {
		meta.Symbol = *symbol
	}
	if *kind != "" {
		meta.Kind = *kind
	}
	if *lang != "" {
		meta.Language = *lang
	}
	return enc.Encode(indexer.Parse(c, meta))
}

// manifestMeta finds the manifest row of a file in the MANIFEST.tsv of its
// directory or of a directory above it.
func manifestMeta(path string) indexer.Meta {
	abs, err := filepath.Abs(path)
	if err != nil {
		return indexer.Meta{Path: path}
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		b, err := os.ReadFile(filepath.Join(dir, corpus.ManifestName))
		if err == nil {
			rel, _ := filepath.Rel(dir, abs)
			if m, err := corpus.ParseManifestBytes(b); err == nil {
				if e, ok := m.Lookup(filepath.ToSlash(rel)); ok {
					return indexer.Meta{Path: rel, Symbol: e.Symbol, Kind: e.Kind, Language: e.Language, Title: e.Title, Date: e.Date, Source: e.Source}
				}
			}
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return indexer.Meta{Path: filepath.Base(path)}
}
