package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"

	"gbsearch/search"
)

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gbsearch search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	indexDir := fs.String("index", "data", "index directory")
	size := fs.Int("size", 10, "results to show")
	sort := fs.String("sort", "", "relevance, date, date_asc or symbol")
	jsonOut := fs.Bool("json", false, "print the result as JSON")
	var filters multiFlag
	fs.Var(&filters, "f", "facet filter name=value (repeat; e.g. -f section=POL -f year=2013)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gbsearch search [flags] QUERY\n\nQUERY is in the gbsearch query language (see GET /api/v1/syntax).")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	req := search.Request{Query: q, Size: *size, Sort: *sort, Filters: map[string][]string{}}
	for _, f := range filters {
		name, value, ok := strings.Cut(f, "=")
		if !ok {
			return exitError{code: 2, msg: fmt.Sprintf("-f %q: write name=value", f)}
		}
		req.Filters[name] = append(req.Filters[name], value)
	}
	ix, err := search.Dir{Root: *indexDir}.OpenCurrent()
	if err != nil {
		return fmt.Errorf("%w (build it with: gbsearch index -index %s)", err, *indexDir)
	}
	defer ix.Close()
	res, err := ix.Search(ctx, req)
	if err != nil {
		return err
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	if res.Total == 1 {
		fmt.Fprintf(stdout, "1 document matches %q (%s)\n", q, res.Took.Round(1000))
	} else {
		fmt.Fprintf(stdout, "%d documents match %q (%s)\n", res.Total, q, res.Took.Round(1000))
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stdout, "note: %s\n", w)
	}
	for i, h := range res.Hits {
		fmt.Fprintf(stdout, "\n%2d. %s  %s\n", i+1, h.Symbol, h.Title)
		meta := []string{h.Kind, strings.Join(h.Languages, "/")}
		if h.Date != "" {
			meta = append(meta, h.Date)
		}
		if h.Section != "" {
			meta = append(meta, "section "+h.Section)
		}
		fmt.Fprintf(stdout, "    %s  score %.2f\n", strings.Join(meta, " · "), h.Score)
		for _, p := range h.Passages {
			label := "¶" + p.Number
			if p.Kind == "footnote" {
				label = "footnote " + p.Number
				if p.Paragraph != "" {
					label += " (called in ¶" + p.Paragraph + ")"
				}
			}
			fmt.Fprintf(stdout, "    %s: %s\n", label, terminalHighlight(p.Highlight))
			for _, fn := range p.Footnotes {
				fmt.Fprintf(stdout, "        footnote %s: %s\n", fn.Number, terminalHighlight(fn.Highlight))
			}
		}
	}
	if len(res.Facets) > 0 {
		fmt.Fprintln(stdout)
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		for _, f := range search.Facets {
			vals := res.Facets[f.Name]
			if len(vals) == 0 {
				continue
			}
			var parts []string
			for _, v := range vals {
				parts = append(parts, fmt.Sprintf("%s (%d)", v.Value, v.Count))
			}
			fmt.Fprintf(tw, "%s\t%s\n", f.Label, strings.Join(parts, ", "))
		}
		tw.Flush()
	}
	return nil
}

var tagRE = regexp.MustCompile(`</?mark>`)

// terminalHighlight shows highlighted HTML on a terminal: marks as
// [brackets], entities decoded.
func terminalHighlight(h string) string {
	h = tagRE.ReplaceAllStringFunc(h, func(t string) string {
		if t == "<mark>" {
			return "["
		}
		return "]"
	})
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace(h)
}
