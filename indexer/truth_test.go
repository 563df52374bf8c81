package indexer_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
	"gbsearch/internal/testutil"
)

// truth is the part of corpus/gb/GB.319_POL_2.en.truth.json that extraction
// must reproduce.
type truth struct {
	Symbol      string `json:"symbol"`
	Session     int    `json:"session"`
	Section     string `json:"section"`
	Item        string `json:"item"`
	Language    string `json:"language"`
	Title       string `json:"title"`
	Date        string `json:"date"`
	AuthorUnits []struct {
		Code string `json:"code"`
	} `json:"author_units"`
	RelatedDocuments []struct {
		Kind   string `json:"kind"`
		Symbol string `json:"symbol"`
	} `json:"related_documents"`
	Paragraphs []struct {
		Number     string `json:"number"`
		Text       string `json:"text"`
		Footnotes  []int  `json:"footnotes"`
		References []ref  `json:"references"`
		Items      []struct {
			Label      string `json:"label"`
			Text       string `json:"text"`
			References []ref  `json:"references"`
		} `json:"items"`
	} `json:"paragraphs"`
	Footnotes []struct {
		Number  int    `json:"number"`
		Text    string `json:"text"`
		Callout struct {
			Paragraph string `json:"paragraph"`
		} `json:"callout"`
		References []ref `json:"references"`
	} `json:"footnotes"`
	DraftDecision string `json:"draft_decision"`
}

type ref struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

func loadTruth(t *testing.T) truth {
	t.Helper()
	b, err := os.ReadFile("../corpus/gb/GB.319_POL_2.en.truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var tr truth
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

// tokens splits text into lower-case word tokens for F1 scoring.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// tokenF1 is the multiset token F1 of got against want.
func tokenF1(got, want string) float64 {
	g, w := tokens(got), tokens(want)
	if len(g) == 0 && len(w) == 0 {
		return 1
	}
	counts := map[string]int{}
	for _, x := range w {
		counts[x]++
	}
	common := 0
	for _, x := range g {
		if counts[x] > 0 {
			counts[x]--
			common++
		}
	}
	if common == 0 {
		return 0
	}
	p, r := float64(common)/float64(len(g)), float64(common)/float64(len(w))
	return 2 * p * r / (p + r)
}

func extractFile(t *testing.T, path string) *indexer.Document {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	format, err := indexer.DetectFormat(path, b)
	if err != nil {
		t.Fatal(err)
	}
	c, err := indexer.NewExtractors(pdftext.New()).Extract(t.Context(), format, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	// The manifest row of the bundled corpus: the librarian's metadata.
	meta := indexer.Meta{Path: filepath.Base(path), Symbol: "GB.319/POL/2", Kind: "gb-document", Language: "en",
		Title: "Outcome of the 2013 UN General Assembly High-level Dialogue on International Migration and Development and its implications for the ILO",
		Date:  "2013-10-16"}
	return indexer.Parse(c, meta)
}

// TestTruth checks the extraction of each rendition of GB.319/POL/2 against
// the hand-checked truth file: metadata equal, every footnote with its
// number, text (token F1 ≥ 0.95) and paragraph, every cited reference found
// (recall 100%, precision ≥ 95%), the draft decision found. It also keeps a
// golden copy of each extraction so that changes show up in review
// (go test ./indexer -run TestTruth -update).
func TestTruth(t *testing.T) {
	tr := loadTruth(t)
	for _, file := range []string{"GB.319_POL_2.en.docx", "GB.319_POL_2.en.pdf", "GB.319_POL_2.en.txt"} {
		t.Run(file, func(t *testing.T) {
			d := extractFile(t, filepath.Join("..", "corpus", "gb", file))
			checkMetadata(t, d, tr)
			checkParagraphs(t, d, tr)
			checkFootnotes(t, d, tr)
			checkReferences(t, d, tr)
			if f1 := tokenF1(d.DraftDecision, tr.DraftDecision); f1 < 0.95 {
				t.Errorf("draft decision F1 %.3f: %q", f1, d.DraftDecision)
			}
			golden, err := json.MarshalIndent(d, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, file+".json", append(golden, '\n'))
		})
	}
}

func checkMetadata(t *testing.T, d *indexer.Document, tr truth) {
	t.Helper()
	eq := func(field string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", field, got, want)
		}
	}
	eq("symbol", d.Symbol, tr.Symbol)
	eq("session", d.Session, tr.Session)
	eq("section", d.Section, tr.Section)
	eq("item", d.Item, tr.Item)
	eq("language", d.Language, tr.Language)
	eq("title", d.Title, tr.Title)
	eq("date", d.Date, tr.Date)
	var got, want []string
	for _, u := range d.AuthorUnits {
		got = append(got, u.Code)
	}
	for _, u := range tr.AuthorUnits {
		want = append(want, u.Code)
	}
	eq("author_units", got, want)
	got, want = nil, nil
	for _, r := range d.RelatedDocuments {
		got = append(got, r.Kind+":"+r.Symbol)
	}
	for _, r := range tr.RelatedDocuments {
		want = append(want, r.Kind+":"+r.Symbol)
	}
	eq("related_documents", got, want)
}

func checkParagraphs(t *testing.T, d *indexer.Document, tr truth) {
	t.Helper()
	byNum := map[string]indexer.Paragraph{}
	for _, p := range d.Paragraphs {
		byNum[p.Number] = p
	}
	var scores []string
	for _, want := range tr.Paragraphs {
		got, ok := byNum[want.Number]
		if !ok {
			t.Errorf("paragraph %s not found", want.Number)
			continue
		}
		wantText := want.Text
		for _, it := range want.Items {
			wantText += " " + it.Text
		}
		f1 := tokenF1(got.FullText(), wantText)
		scores = append(scores, fmt.Sprintf("%s:%.3f", want.Number, f1))
		if f1 < 0.95 {
			t.Errorf("paragraph %s text F1 %.3f\n got: %.300s\nwant: %.300s", want.Number, f1, got.FullText(), wantText)
		}
		if len(got.Items) != len(want.Items) {
			t.Errorf("paragraph %s has %d items, want %d", want.Number, len(got.Items), len(want.Items))
		}
		if fmt.Sprint(got.Footnotes) != fmt.Sprint(nonNilInts(want.Footnotes)) {
			t.Errorf("paragraph %s calls footnotes %v, want %v", want.Number, got.Footnotes, want.Footnotes)
		}
	}
	if len(d.Paragraphs) != len(tr.Paragraphs) {
		t.Errorf("%d paragraphs, want %d", len(d.Paragraphs), len(tr.Paragraphs))
	}
	t.Logf("paragraph text F1: %s", strings.Join(scores, " "))
}

func nonNilInts(a []int) []int {
	if a == nil {
		return []int{}
	}
	return a
}

func checkFootnotes(t *testing.T, d *indexer.Document, tr truth) {
	t.Helper()
	if len(d.Footnotes) != len(tr.Footnotes) {
		t.Errorf("%d footnotes, want %d", len(d.Footnotes), len(tr.Footnotes))
	}
	byNum := map[int]indexer.Footnote{}
	for _, f := range d.Footnotes {
		byNum[f.Number] = f
	}
	var scores []string
	minF1 := 1.0
	for _, want := range tr.Footnotes {
		got, ok := byNum[want.Number]
		if !ok {
			t.Errorf("footnote %d not found", want.Number)
			continue
		}
		f1 := tokenF1(got.Text, want.Text)
		minF1 = min(minF1, f1)
		scores = append(scores, fmt.Sprintf("%d:%.3f", want.Number, f1))
		if f1 < 0.95 {
			t.Errorf("footnote %d text F1 %.3f\n got: %s\nwant: %s", want.Number, f1, got.Text, want.Text)
		}
		para := ""
		if got.Callout != nil {
			para = got.Callout.Paragraph
		}
		if para != want.Callout.Paragraph {
			t.Errorf("footnote %d called from paragraph %q, want %q", want.Number, para, want.Callout.Paragraph)
		}
	}
	t.Logf("footnotes: %d (want %d), min text F1 %.3f; %s", len(d.Footnotes), len(tr.Footnotes), minF1, strings.Join(scores, " "))
}

// checkReferences compares the set of (kind, value) references of the
// paragraphs, items, footnotes and related documents.
func checkReferences(t *testing.T, d *indexer.Document, tr truth) {
	t.Helper()
	want := map[string]bool{}
	for _, p := range tr.Paragraphs {
		for _, r := range p.References {
			want[r.Kind+" "+r.Value] = true
		}
		for _, it := range p.Items {
			for _, r := range it.References {
				want[r.Kind+" "+r.Value] = true
			}
		}
	}
	for _, f := range tr.Footnotes {
		for _, r := range f.References {
			want[fmt.Sprintf("fn%d %s %s", f.Number, r.Kind, r.Value)] = true
		}
	}
	got := map[string]bool{}
	for _, p := range d.Paragraphs {
		for _, r := range p.References {
			got[r.Kind+" "+r.Value] = true
		}
	}
	for _, f := range d.Footnotes {
		for _, r := range f.References {
			got[fmt.Sprintf("fn%d %s %s", f.Number, r.Kind, r.Value)] = true
		}
	}
	var missing, extra []string
	hits := 0
	for k := range want {
		if got[k] {
			hits++
		} else {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	recall := float64(hits) / float64(len(want))
	precision := 1.0
	if len(got) > 0 {
		precision = float64(hits) / float64(len(got))
	}
	t.Logf("references: recall %.3f (%d/%d), precision %.3f (%d found)", recall, hits, len(want), precision, len(got))
	if recall < 1 {
		t.Errorf("references missing: %v", missing)
	}
	if precision < 0.95 {
		t.Errorf("references precision %.3f; extra: %v", precision, extra)
	}
}
