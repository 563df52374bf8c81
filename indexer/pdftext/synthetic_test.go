package pdftext

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"gbsearch/indexer"
	"gbsearch/internal/pdfbuild"
)

// buildPDF writes a minimal PDF: one page per content stream, all with
// font /F1 described by fontDict.
func buildPDF(fontDict string, pages ...string) []byte {
	f := pdfbuild.New()
	var kids []string
	for i := range pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", 4+2*i))
	}
	f.Object("<< /Type /Catalog /Pages 2 0 R >>")
	f.Object(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	f.Object(fontDict)
	for i, c := range pages {
		f.Object(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		f.Stream("", []byte(c))
	}
	return f.Bytes()
}

// helvetica is a font whose glyphs are all half an em wide.
func helvetica(width int) string {
	w := strings.TrimSpace(strings.Repeat(fmt.Sprintf("%d ", width), 224))
	return "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 255 /Widths [" + w +
		"] /Encoding << /Type /Encoding /Differences [128 /ffi 129 /fi] >> >>"
}

func extractBytes(t *testing.T, data []byte) *indexer.Content {
	t.Helper()
	c, err := New().Extract(t.Context(), bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWordsFromPositions(t *testing.T) {
	// groff and TeX position words instead of painting blanks
	c := extractBytes(t, buildPDF(helvetica(500),
		"BT /F1 10 Tf 72 700 Td [(The)-1000(quick)-1000(brown)-1000(fox)] TJ ET"))
	if got := c.Pages[0].Lines[0].Text; got != "The quick brown fox" {
		t.Errorf("got %q", got)
	}
}

func TestPlainRouteWins(t *testing.T) {
	// A font whose widths are all zero, its glyphs spaced by kerning: the
	// gaps between glyph boxes cut every letter apart, so the page must
	// fall back to the blanks.
	var tj strings.Builder
	for _, r := range "Convention on the rights of migrant workers" {
		fmt.Fprintf(&tj, "(%c)-550", r)
	}
	c := extractBytes(t, buildPDF(helvetica(0), "BT /F1 10 Tf 72 700 Td ["+tj.String()+"] TJ ET"))
	if got := c.Pages[0].Lines[0].Text; got != "Convention on the rights of migrant workers" {
		t.Errorf("got %q", got)
	}
}

func TestCalloutAndLigature(t *testing.T) {
	c := extractBytes(t, buildPDF(helvetica(500),
		`BT /F1 11 Tf 72 700 Td (The o\200cial Convention) Tj /F1 6 Tf 4 Ts (12) Tj 0 Ts /F1 11 Tf ( applies.) Tj ET`))
	want := "The official Convention" + indexer.CalloutMarker(12) + " applies."
	if got := c.Pages[0].Lines[0].Text; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestInlineImage(t *testing.T) {
	// binary data in an inline image must not cost the text after it
	c := extractBytes(t, buildPDF(helvetica(500),
		"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00)(<\xff EI\nBT /F1 10 Tf 72 700 Td (after the image) Tj ET"))
	if got := linesText(c.Pages[0]); got != "after the image\n" {
		t.Errorf("got %q", got)
	}
}

// TestDocument runs the document passes on a small three-page document:
// a running header and footer, a footnote under a rule, a soft hyphen and
// a compound at line ends.
func TestDocument(t *testing.T) {
	page := func(n int, body string) string {
		return fmt.Sprintf("BT /F1 9 Tf 400 760 Td (Running title) Tj ET\n"+
			"BT /F1 9 Tf 300 40 Td (%d) Tj ET\n%s", n, body)
	}
	body1 := `BT /F1 11 Tf 72 700 Td 14 TL (1. The follow-up of the meeting) Tj T* (and the informa\255) Tj T* (tion flow matters.) Tj /F1 6 Tf 4 Ts (1) Tj 0 Ts /F1 11 Tf ( More text.) Tj ET
72 120 m 200 120 l S
BT /F1 9 Tf 72 105 Td (1) Tj 12 0 Td (See the note, which goes) Tj 0 -11 Td (on here.) Tj ET`
	body2 := `BT /F1 11 Tf 72 700 Td 14 TL (2. Then the ILO follow-) Tj T* (up begins.) Tj ET`
	body3 := `BT /F1 11 Tf 72 700 Td (3. Running title) Tj ET`
	c := extractBytes(t, buildPDF(helvetica(500), page(1, body1), page(2, body2), page(3, body3)))
	if len(c.Pages) != 3 {
		t.Fatalf("%d pages", len(c.Pages))
	}
	want := []string{
		"1. The follow-up of the meeting\nand the information\n" +
			"flow matters." + indexer.CalloutMarker(1) + " More text.\n",
		"2. Then the ILO follow-up\nbegins.\n",
		"3. Running title\n", // the same words, in the body
	}
	for i, p := range c.Pages {
		if got := linesText(p); got != want[i] {
			t.Errorf("page %d:\n got %q\nwant %q", i+1, got, want[i])
		}
		if !p.Lines[0].Block {
			t.Errorf("page %d: first line not a block start", i+1)
		}
	}
	notes := c.Pages[0].Notes
	if len(notes) != 1 || notes[0].Number != 1 || notes[0].Label != "1" || notes[0].Text != "See the note, which goes on here." {
		t.Errorf("notes = %+v", notes)
	}
}

func TestLenientFraming(t *testing.T) {
	// junk before the header, a PDF 2.0 header, junk after %%EOF: other
	// readers take such files, so we do
	pdf := buildPDF(helvetica(500), "BT /F1 10 Tf 72 700 Td (framed) Tj ET")
	pdf = bytes.Replace(pdf, []byte("%PDF-1.4\n"), []byte("%PDF-2.0\n"), 1)
	pdf = append([]byte("junk from a mail gateway\n"), pdf...)
	pdf = append(pdf, "\n<html>an error page</html>\n"...)
	if got := linesText(extractBytes(t, pdf).Pages[0]); got != "framed\n" {
		t.Errorf("got %q", got)
	}
}
