package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"gbsearch/indexer/pdftext"
)

// runPDF times gbsearch's PDF extraction (indexer/pdftext, in process)
// against poppler's pdftotext (one process per file, as a pipeline would
// run it) over the same real PDFs in the same run, alternating the two,
// and reports pages per second and per CPU second, with the share of
// pdftotext's words that gbsearch's text has too (a rough check that the
// speed is not bought with lost text).
func runPDF(ctx context.Context, o options) error {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return fmt.Errorf("pdftotext not found: install poppler-utils (apt-get install poppler-utils)")
	}
	var files []string
	for _, pat := range []string{"corpus/gb/*.pdf", "../shared/corpus/sources/un-res/*.pdf"} {
		m, _ := filepath.Glob(filepath.Join(o.repoRoot, pat))
		files = append(files, m...)
	}
	if len(files) == 0 {
		return fmt.Errorf("no PDFs under %s", o.repoRoot)
	}
	sort.Strings(files)
	const rounds = 5
	x := pdftext.New()
	logf("pdf: %d files, %d rounds each, load %s", len(files), rounds, loadAvg())
	fmt.Printf("\n| file | pages | gbsearch pages/s | pdftotext pages/s | ratio | gbsearch pages/CPU-s | pdftotext pages/CPU-s | ratio | words of pdftotext in gbsearch |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var totPages int
	var gWall, pWall, gCPU, pCPU time.Duration
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var pages int
		var gw, pw, gc, pc time.Duration
		var gText, pText string
		for range rounds {
			c0, t0 := cpuTime(), time.Now()
			c, err := x.Extract(ctx, bytes.NewReader(data), int64(len(data)))
			gw += time.Since(t0)
			gc += cpuTime() - c0
			if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			pages = len(c.Pages)
			var b strings.Builder
			for _, p := range c.Pages {
				b.WriteString(p.Text())
				for _, l := range p.Furniture {
					b.WriteString(l)
					b.WriteByte('\n')
				}
			}
			gText = b.String()

			cmd := exec.CommandContext(ctx, "pdftotext", "-enc", "UTF-8", f, "-")
			var out bytes.Buffer
			cmd.Stdout = &out
			t0 = time.Now()
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("pdftotext %s: %w", f, err)
			}
			pw += time.Since(t0)
			pc += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			pText = out.String()
		}
		n := float64(pages * rounds)
		fmt.Printf("| %s | %d | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f | %.3f |\n", filepath.Base(f), pages,
			n/gw.Seconds(), n/pw.Seconds(), pw.Seconds()/gw.Seconds(),
			n/gc.Seconds(), n/pc.Seconds(), pc.Seconds()/gc.Seconds(), wordRecall(pText, gText))
		totPages += pages * rounds
		gWall, pWall, gCPU, pCPU = gWall+gw, pWall+pw, gCPU+gc, pCPU+pc
	}
	n := float64(totPages)
	fmt.Printf("| **all** | %d | %.0f | %.0f | **%.2f** | %.0f | %.0f | **%.2f** | |\n", totPages/rounds,
		n/gWall.Seconds(), n/pWall.Seconds(), pWall.Seconds()/gWall.Seconds(),
		n/gCPU.Seconds(), n/pCPU.Seconds(), pCPU.Seconds()/gCPU.Seconds())
	fmt.Printf("\nratio = gbsearch/pdftotext throughput (target ≥ 0.5). gbsearch runs in process; pdftotext is one process per file (its start-up included, as in a pipeline). %d rounds per file, alternating.\n", rounds)
	return nil
}

// wordRecall is the share of the words of ref (as a multiset, lower case,
// letters and digits) that text has too.
func wordRecall(ref, text string) float64 {
	words := func(s string) map[string]int {
		m := map[string]int{}
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			m[w]++
		}
		return m
	}
	r, t := words(ref), words(text)
	total, found := 0, 0
	for w, n := range r {
		total += n
		found += min(n, t[w])
	}
	if total == 0 {
		return 0
	}
	return float64(found) / float64(total)
}
