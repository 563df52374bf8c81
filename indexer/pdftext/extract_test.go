package pdftext

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"gbsearch/indexer"
)

const (
	gbPDF   = "../../corpus/gb/GB.319_POL_2.en.pdf"
	gbTruth = "../../corpus/gb/GB.319_POL_2.en.truth.json"
	// Shared corpora outside the module: read in place, never copied in.
	unResDir      = "../../../shared/corpus/sources/un-res"
	robustnessDir = "../../../shared/pdf-robustness"
)

func extractFile(t testing.TB, path string) (*indexer.Content, [][]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, furniture, err := New().extract(context.Background(), bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("extracting %s: %v", path, err)
	}
	return c, furniture
}

// words lower-cases text, replaces callout markers with their numbers (a
// plain-text extractor prints them as words) and trims punctuation.
func words(s string) []string {
	clean, callouts := indexer.StripCallouts(s)
	var out []string
	if len(callouts) > 0 {
		r := []rune(clean)
		var b strings.Builder
		prev := 0
		for _, c := range callouts {
			b.WriteString(string(r[prev:c.Offset]))
			b.WriteString(" " + strconv.Itoa(c.Number) + " ")
			prev = c.Offset
		}
		b.WriteString(string(r[prev:]))
		clean = b.String()
	}
	for _, w := range strings.Fields(strings.ToLower(clean)) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// f1 is the multiset F1 of two bags of words.
func f1(got, want []string) float64 {
	if len(got) == 0 || len(want) == 0 {
		return 0
	}
	bag := map[string]int{}
	for _, w := range want {
		bag[w]++
	}
	match := 0
	for _, w := range got {
		if bag[w] > 0 {
			bag[w]--
			match++
		}
	}
	p := float64(match) / float64(len(got))
	r := float64(match) / float64(len(want))
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// subtract removes the words of b from the bag a; ok is false when b has
// a word a lacks.
func subtract(a, b []string) (rest []string, ok bool) {
	bag := map[string]int{}
	for _, w := range b {
		bag[w]++
	}
	for _, w := range a {
		if bag[w] > 0 {
			bag[w]--
			continue
		}
		rest = append(rest, w)
	}
	for _, n := range bag {
		if n > 0 {
			return rest, false
		}
	}
	return rest, true
}

type gbTruthFile struct {
	Footnotes []struct {
		Number int    `json:"number"`
		Text   string `json:"text"`
	} `json:"footnotes"`
	Rendering struct {
		Pages        int            `json:"pages"`
		FootnotePage map[string]int `json:"footnote_physical_page"`
	} `json:"rendering_a4_pdf"`
}

func TestGBRendition(t *testing.T) {
	c, _ := extractFile(t, gbPDF)
	raw, err := os.ReadFile(gbTruth)
	if err != nil {
		t.Fatal(err)
	}
	var truth gbTruthFile
	if err := json.Unmarshal(raw, &truth); err != nil {
		t.Fatal(err)
	}
	if c.Format != indexer.FormatPDF {
		t.Errorf("Format = %q", c.Format)
	}
	if len(c.Pages) != 8 || truth.Rendering.Pages != 8 {
		t.Fatalf("got %d pages, truth says %d, want 8", len(c.Pages), truth.Rendering.Pages)
	}
	for _, p := range c.Pages {
		if p.Err != "" {
			t.Errorf("page %d: %s", p.Number, p.Err)
		}
		if p.Quality.GluedWords > 0 || p.Quality.NeedsOCR {
			t.Errorf("page %d quality %+v", p.Number, p.Quality)
		}
	}

	t.Run("notes", func(t *testing.T) {
		type placed struct {
			indexer.Note
			page int
		}
		var notes []placed
		for _, p := range c.Pages {
			for _, n := range p.Notes {
				notes = append(notes, placed{n, p.Number})
			}
		}
		if len(notes) != 17 || len(truth.Footnotes) != 17 {
			t.Fatalf("got %d notes, truth has %d, want 17", len(notes), len(truth.Footnotes))
		}
		for i, n := range notes {
			want := truth.Footnotes[i]
			if n.Number != i+1 || want.Number != i+1 || n.Label != strconv.Itoa(i+1) {
				t.Errorf("note %d: number %d label %q", i+1, n.Number, n.Label)
			}
			score := f1(words(n.Text), words(want.Text))
			t.Logf("note %2d page %d F1 %.3f", n.Number, n.page, score)
			if score < 0.95 {
				t.Errorf("note %d F1 %.3f\n got: %s\nwant: %s", n.Number, score, n.Text, want.Text)
			}
			if wp := truth.Rendering.FootnotePage[strconv.Itoa(n.Number)]; wp != n.page {
				t.Errorf("note %d on page %d, want page %d", n.Number, n.page, wp)
			}
		}
	})

	var body []string // body lines of the whole document
	for _, p := range c.Pages {
		for _, l := range p.Lines {
			body = append(body, l.Text)
		}
	}
	all := strings.Join(body, "\n")

	t.Run("callouts", func(t *testing.T) {
		_, callouts := indexer.StripCallouts(all)
		var got []int
		for _, c := range callouts {
			got = append(got, c.Number)
		}
		want := make([]int, 17)
		for i := range want {
			want[i] = i + 1
		}
		if !slices.Equal(got, want) {
			t.Errorf("callouts in body = %v, want %v", got, want)
		}
		// a callout follows its word directly: "Session.<1> It"
		if !strings.Contains(all, "68th Session."+indexer.CalloutMarker(1)+" It was") {
			t.Errorf("callout 1 not glued to the word before it")
		}
	})

	t.Run("furniture", func(t *testing.T) {
		bare := regexp.MustCompile(`^\d+$`)
		for _, p := range c.Pages[1:] {
			for _, l := range p.Lines {
				if l.Text == "GB.319/POL/2" || strings.Contains(l.Text, "GB319-POL_2_[MIGRA-131016-1]-En.docx") || bare.MatchString(l.Text) {
					t.Errorf("page %d: furniture left in body: %q", p.Number, l.Text)
				}
			}
		}
		// the cover's masthead carries the symbol as body text
		if !strings.Contains(linesText(c.Pages[0]), "GB.319/POL/2") {
			t.Errorf("page 1 lost the symbol in its masthead")
		}
	})

	t.Run("paragraphs", func(t *testing.T) {
		clean, _ := indexer.StripCallouts(all)
		p8 := paragraph(clean, 8)
		if !strings.Contains(p8, "Sir Peter Sutherland") {
			t.Errorf("paragraph 8 lacks Sir Peter Sutherland: %q", p8)
		}
		for _, want := range []string{
			"1. The United Nations General Assembly decided",
			"(a) Participation in the preparatory process",
			"ILO follow-up”.",
		} {
			if !strings.Contains(clean, want) {
				t.Errorf("body lacks %q", want)
			}
		}
		if strings.Contains(clean, "follow-\n") || strings.Contains(clean, "followup") {
			t.Errorf("line-end compound mangled")
		}
	})

	t.Run("lines", func(t *testing.T) {
		var heads []string
		for _, p := range c.Pages {
			for _, l := range p.Lines {
				if l.Heading && l.Block {
					heads = append(heads, l.Text)
				}
				if strings.HasPrefix(l.Text, "8. The specific") && !l.Block {
					t.Errorf("paragraph 8 does not start a block")
				}
			}
		}
		for _, h := range []string{"Introduction", "ILO contribution to the HLD", "Suggested way forward", "Draft decision"} {
			if !slices.Contains(heads, h) {
				t.Errorf("heading %q not marked; headings: %q", h, heads)
			}
		}
	})
}

func linesText(p indexer.Page) string {
	var b strings.Builder
	for _, l := range p.Lines {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// paragraph returns the text from the line "n. " to the line "n+1. ".
func paragraph(text string, n int) string {
	start := strings.Index(text, "\n"+strconv.Itoa(n)+". ")
	if start < 0 {
		return ""
	}
	rest := text[start+1:]
	if end := strings.Index(rest, "\n"+strconv.Itoa(n+1)+". "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

func TestUNResolutions(t *testing.T) {
	pdfs, _ := filepath.Glob(filepath.Join(unResDir, "*.pdf"))
	if len(pdfs) == 0 {
		t.Skipf("UN resolutions not found in %s (shared corpus absent)", unResDir)
	}
	for _, path := range pdfs {
		name := strings.TrimSuffix(filepath.Base(path), ".pdf")
		t.Run(name, func(t *testing.T) {
			ref, err := os.ReadFile(strings.TrimSuffix(path, ".pdf") + ".pdftotext-layout.txt")
			if err != nil {
				t.Skipf("no pdftotext reference: %v", err)
			}
			c, furniture := extractFile(t, path)
			var got, dropped []string
			var notes []indexer.Note
			glued, n := 0, 0
			for i, p := range c.Pages {
				if p.Err != "" {
					t.Errorf("page %d: %s", p.Number, p.Err)
				}
				for _, l := range p.Lines {
					got = append(got, words(l.Text)...)
				}
				for _, note := range p.Notes {
					got = append(got, words(note.Label+" "+note.Text)...)
					notes = append(notes, note)
				}
				for _, f := range furniture[i] {
					dropped = append(dropped, words(f)...)
				}
				glued += p.Quality.GluedWords
				n += p.Quality.Words
			}
			// pdftotext keeps the running headers and footers that we drop
			// (the GB test checks that we drop them); compare with the
			// reference less the words of the lines we dropped, having
			// checked that those are few and were in the reference.
			want := words(string(ref))
			body, ok := subtract(want, dropped)
			if !ok || len(dropped) > len(want)*8/100 {
				t.Errorf("dropped furniture (%d words) is not a small part of the reference (%d words)", len(dropped), len(want))
			}
			score := f1(got, body)
			// every word extracted, the furniture set aside included, against
			// all of pdftotext's words: the acceptance measure
			all := f1(append(append([]string(nil), got...), dropped...), want)
			textOnly := f1(got, want)
			ratio := float64(glued) / float64(max(n, 1))
			t.Logf("%s: word F1 %.4f of all extracted words (text and set-aside furniture) against pdftotext; %.4f of the text against pdftotext less that furniture; %.4f of the text alone against all (%d furniture words); glued %d/%d = %.3f%%; %d notes",
				name, all, score, textOnly, len(dropped), glued, n, 100*ratio, len(notes))
			if all < 0.98 || score < 0.98 {
				t.Errorf("word F1 %.4f (all) / %.4f (text) < 0.98", all, score)
			}
			if ratio > 0.005 {
				t.Errorf("glued ratio %.4f > 0.5%%", ratio)
			}
			if len(notes) == 0 {
				t.Fatalf("no footnotes found")
			}
			for i, note := range notes {
				if note.Number != i+1 {
					t.Errorf("note %d numbered %d (%q)", i+1, note.Number, note.Text)
				}
				if note.Text == "" {
					t.Errorf("note %d is empty", note.Number)
				}
			}
		})
	}
}

func TestExtractErrors(t *testing.T) {
	x := New()
	for name, data := range map[string][]byte{
		"empty":     nil,
		"not a pdf": []byte("hello, world\n"),
		"truncated": func() []byte {
			b, err := os.ReadFile(gbPDF)
			if err != nil {
				t.Fatal(err)
			}
			return b[:len(b)/2]
		}(),
	} {
		c, err := x.Extract(t.Context(), bytes.NewReader(data), int64(len(data)))
		if !errors.Is(err, indexer.ErrExtract) || c != nil {
			t.Errorf("%s: got %v, %v; want ErrExtract", name, c, err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	data, err := os.ReadFile(gbPDF)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.Extract(ctx, bytes.NewReader(data), int64(len(data))); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
}

// TestPageTimeout checks that a page that runs over its bound costs that
// page only.
func TestPageTimeout(t *testing.T) {
	start := time.Now()
	_, err := bounded(t.Context(), 50*time.Millisecond, func(stop *atomic.Bool) (int, error) {
		for !stop.Load() {
			time.Sleep(time.Millisecond)
		}
		return 0, nil
	})
	if !errors.Is(err, errTimeout) || time.Since(start) > 2*time.Second {
		t.Errorf("got %v after %v", err, time.Since(start))
	}
	_, err = bounded(t.Context(), time.Second, func(*atomic.Bool) (int, error) {
		empty := []int{}
		_ = empty[len(t.Name())] // a library bug (index out of range): must become an error
		return 0, nil
	})
	if err == nil || !strings.Contains(err.Error(), "crashed") {
		t.Errorf("panic: got %v", err)
	}
}
