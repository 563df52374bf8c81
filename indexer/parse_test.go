package indexer_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"gbsearch/indexer"
)

// The fuzz targets below build a Content from text in a small line format,
// so that fuzzing mutates lines, flags, notes and callouts rather than the
// bytes of a file format:
//
//	a line         a body line; "{n}" in it is the callout of footnote n
//	               ("{}" one whose number is unknown); callouts are body
//	               text only, as extractors write them
//	#text          a heading line        *text  a bold line
//	!text          a line starting a block
//	(empty)        a blank line
//	^n text        footnote n of the page (^ text: number unknown)
//	~text          page furniture (running header, footer)
//	\f             a new page

var calloutRE = regexp.MustCompile(`\{(\d{0,4})\}`)

// contentFromText builds a Content in that format.
func contentFromText(format, text string) *indexer.Content {
	c := &indexer.Content{Format: format}
	for i, pageText := range strings.Split(text, "\f") {
		p := indexer.Page{Number: i + 1}
		for _, s := range strings.Split(pageText, "\n") {
			if !strings.HasPrefix(s, "^") {
				s = calloutRE.ReplaceAllStringFunc(s, func(m string) string {
					n, _ := strconv.Atoi(m[1 : len(m)-1])
					return indexer.CalloutMarker(n)
				})
			}
			switch {
			case s == "":
				p.Lines = append(p.Lines, indexer.Line{Blank: true})
			case s[0] == '#':
				p.Lines = append(p.Lines, indexer.Line{Text: s[1:], Heading: true, Block: true})
			case s[0] == '*':
				p.Lines = append(p.Lines, indexer.Line{Text: s[1:], Bold: true})
			case s[0] == '!':
				p.Lines = append(p.Lines, indexer.Line{Text: s[1:], Block: true})
			case s[0] == '~':
				c.Furniture = append(c.Furniture, s[1:])
			case s[0] == '^':
				label, body, _ := strings.Cut(s[1:], " ")
				n, _ := strconv.Atoi(label)
				p.Notes = append(p.Notes, indexer.Note{Number: n, Label: label, Text: body})
			default:
				p.Lines = append(p.Lines, indexer.Line{Text: s})
			}
		}
		p.Quality = indexer.Quality(pageText)
		c.Pages = append(c.Pages, p)
	}
	return c
}

// textFromContent writes a real extraction in the fuzz format, for seeds.
func textFromContent(c *indexer.Content) string {
	marker := regexp.MustCompile("\uE000(\\d*)\uE001")
	var pages []string
	for i, p := range c.Pages {
		var lines []string
		if i == 0 {
			for _, f := range c.Furniture {
				lines = append(lines, "~"+f)
			}
		}
		for _, l := range p.Lines {
			t := marker.ReplaceAllString(l.Text, "{$1}")
			switch {
			case l.Blank:
			case l.Heading:
				t = "#" + t
			case l.Bold:
				t = "*" + t
			case l.Block:
				t = "!" + t
			}
			lines = append(lines, t)
		}
		for _, n := range p.Notes {
			lines = append(lines, "^"+n.Label+" "+n.Text)
		}
		pages = append(pages, strings.Join(lines, "\n"))
	}
	return strings.Join(pages, "\f")
}

var (
	fuzzFormats = []string{"txt", "docx", "pdf", "md", "html"}
	fuzzKinds   = []string{"", "gb-document", "ilo-instrument", "un-treaty", "un-document", "web-page", "other"}
)

// seedContents returns real extractions: the DOCX and OCR renditions of
// GB.319/POL/2 and, when the shared corpora are there, a few treaties and
// UN resolutions.
func seedContents(f *testing.F) []*indexer.Content {
	var out []*indexer.Content
	for _, name := range []string{"GB.319_POL_2.en.docx", "GB.319_POL_2.en.txt"} {
		b, err := os.ReadFile(filepath.Join("..", "corpus", "gb", name))
		if err != nil {
			f.Fatal(err)
		}
		format, err := indexer.DetectFormat(name, b)
		if err != nil {
			f.Fatal(err)
		}
		c, err := indexer.NewExtractors(nil).Extract(f.Context(), format, bytes.NewReader(b), int64(len(b)))
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, c)
	}
	for _, pattern := range []string{"ilo/C189.md", "ilo/C029.md", "un/CRC_*.md", "un-res/*.md"} {
		for i, b := range sharedSeeds("corpus/sources", pattern) {
			if i >= 2 {
				break
			}
			if c, err := indexer.ExtractMarkdown(f.Context(), bytes.NewReader(b), int64(len(b))); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// checkDocument checks what every parsed document promises, whatever its
// input.
//
// Callout markers are not checked for instruments: ParseInstrument ignores
// Page.Notes and keeps the markers in its paragraphs. A page with the lines
// "Article 1", "1. Each Member shall\uE0001\uE001 apply." and the note "1 See
// GB.319/POL/2." parsed as Meta{Kind: "ilo-instrument"} gives the passage
// "Article 1 1. Each Member shall\ue0001\ue001 apply." and no footnote
// (instrument.go belongs to another change).
func checkDocument(t *testing.T, d *indexer.Document, text string) {
	t.Helper()
	if d == nil {
		t.Fatal("nil document")
	}
	if _, err := json.Marshal(d); err != nil {
		t.Fatalf("document does not marshal: %v", err)
	}
	valid := utf8.ValidString(text)
	for _, p := range d.Passages() {
		if p.Text == "" || p.Language == "" {
			t.Fatalf("passage %+v has no text or no language", p)
		}
		if valid && !utf8.ValidString(p.Text) {
			t.Fatalf("passage %s: invalid UTF-8 from valid input: %q", p.ID, p.Text)
		}
		instrument := d.Kind == "ilo-instrument" || d.Kind == "un-treaty"
		if !instrument && strings.ContainsAny(p.Text, string([]rune{indexer.CalloutStart, indexer.CalloutEnd})) {
			t.Fatalf("passage %s keeps callout markers: %q", p.ID, p.Text)
		}
	}
	check := func(where string, rs []indexer.Reference) {
		for _, r := range rs {
			if r.Kind == "" || r.Value == "" {
				t.Fatalf("%s: reference with an empty kind or value: %+v", where, r)
			}
		}
	}
	for _, p := range d.Paragraphs {
		check("paragraph "+p.Number, p.References)
		for _, it := range p.Items {
			check("item "+it.Label, it.References)
		}
	}
	for _, fn := range d.Footnotes {
		check("footnote "+strconv.Itoa(fn.Number), fn.References)
	}
	for _, ci := range d.Cited {
		if ci.Kind == "" || ci.Value == "" || len(ci.CitedIn) == 0 {
			t.Fatalf("citation %+v", ci)
		}
	}
}

// FuzzParse: Parse, ParseGB, ParseInstrument and ParseUN never panic on any
// content and metadata, and what Parse returns is a well-formed document.
func FuzzParse(f *testing.F) {
	for _, c := range seedContents(f) {
		f.Add(textFromContent(c), uint8(0), uint8(0), "", "en", "")
		f.Add(textFromContent(c), uint8(1), uint8(1), "GB.319/POL/2", "en", "2013-10-16")
	}
	f.Add("#Governing Body\n!1. Para{1} one.\n(a) item{2}\n^1 GB.316/POL/1, para. 20.\n^2 HLD Declaration, op. cit.\f~GB319-POL_2_[MIGRA-131016-1]-En.docx\n2. Next", uint8(0), uint8(1), "", "", "")
	f.Add("#Article 1\n1. text\n##Verdrag", uint8(3), uint8(2), "C189", "en+nl", "")
	f.Add("A/RES/67/219\nGeneral Assembly\n1. Decides{}", uint8(2), uint8(4), "", "en", "bad date")
	f.Fuzz(func(t *testing.T, text string, format, kind uint8, symbol, lang, date string) {
		c := contentFromText(fuzzFormats[int(format)%len(fuzzFormats)], text)
		meta := indexer.Meta{Path: "fuzz/doc.txt", Symbol: symbol, Kind: fuzzKinds[int(kind)%len(fuzzKinds)],
			Language: lang, Title: "", Date: date}
		d := indexer.Parse(c, meta)
		checkDocument(t, d, text)
		if d.Symbol == "" || d.Language == "" || d.ID != d.Symbol+"@"+d.Language {
			t.Fatalf("symbol %q, language %q, id %q", d.Symbol, d.Language, d.ID)
		}
		if d.Source.Format != c.Format || len(d.Source.Pages) != len(c.Pages) {
			t.Fatalf("source %+v does not describe the content", d.Source)
		}
		// every parser, whatever the kind says
		indexer.ParseGB(c, meta)
		indexer.ParseInstrument(c, meta)
		indexer.ParseUN(c, meta)
		indexer.ParseGeneric(c, meta)
	})
}

// TestParseEmptyContent: parsers take content with no pages or no lines.
func TestParseEmptyContent(t *testing.T) {
	for _, c := range []*indexer.Content{{Format: "txt"}, {Format: "docx", Pages: []indexer.Page{{Number: 1}}}} {
		for _, kind := range fuzzKinds {
			meta := indexer.Meta{Path: "x/empty.txt", Kind: kind}
			d := indexer.Parse(c, meta)
			checkDocument(t, d, "")
			if d.Symbol != "empty" || d.ID != "empty@en" {
				t.Errorf("kind %q: symbol %q, id %q; want the file name and English", kind, d.Symbol, d.ID)
			}
		}
	}
}

func TestContentFromTextRoundTrip(t *testing.T) {
	in := "~footer\n#Heading\n*Bold\n!Block{3}\n\nplain{}\n^3 note\f2nd page"
	if got := textFromContent(contentFromText("txt", in)); got != in {
		t.Errorf("round trip:\n got %q\nwant %q", got, in)
	}
}

// TestInstrumentFootnotes: an instrument extracted from a PDF keeps its
// footnotes, linked to the paragraphs that call them, and the markers leave
// the text.
func TestInstrumentFootnotes(t *testing.T) {
	c := &indexer.Content{Format: "pdf", Pages: []indexer.Page{{Number: 1,
		Lines: []indexer.Line{{Text: "Article 1", Heading: true}, {Text: "1. Each Member shall" + indexer.CalloutMarker(1) + " apply."}},
		Notes: []indexer.Note{{Number: 1, Text: "See GB.319/POL/2."}}}}}
	d := indexer.Parse(c, indexer.Meta{Kind: "ilo-instrument", Symbol: "C189", Language: "en"})
	if len(d.Paragraphs) != 1 || d.Paragraphs[0].Text != "Each Member shall apply." {
		t.Fatalf("paragraphs %+v", d.Paragraphs)
	}
	if len(d.Footnotes) != 1 || d.Footnotes[0].Callout == nil || d.Footnotes[0].Callout.Paragraph != "1.1" {
		t.Fatalf("footnotes %+v", d.Footnotes)
	}
	found := false
	for _, ci := range d.Cited {
		if ci.Value == "GB.319/POL/2" {
			found = true
		}
	}
	if !found {
		t.Errorf("the footnote's citation is lost: %+v", d.Cited)
	}
}

// TestGBCoverWithoutBlankLines: a plain-text cover may print the masthead,
// the "Original:" line and the title with no blank line between them, so
// that they read as one block; the title is still the lines after the
// masthead, whatever language the masthead is in.
func TestGBCoverWithoutBlankLines(t *testing.T) {
	const purpose = "\n\nPurpose of the document\n\nThis document reports.\n\n1. First paragraph."
	tests := []struct {
		name, text                        string
		wantTitle, wantOriginal, wantDate string
		wantSession                       []string
	}{
		{
			name: "English, masthead joined with its title",
			text: "INTERNATIONAL LABOUR OFFICE\nGoverning Body\nGB.334/POL/2\n334th Session, Geneva, 20–30 March 2018\n" +
				"Policy Development Section\nPOL\nDate: 24 March 2018\nOriginal: English\nLabour migration and the\nfuture of work" + purpose,
			wantTitle: "Labour migration and the future of work", wantOriginal: "English", wantDate: "2018-03-24",
			wantSession: []string{"2018-03-20", "2018-03-30"},
		},
		{
			name: "French masthead this parser does not know line by line",
			text: "BUREAU INTERNATIONAL DU TRAVAIL\nConseil d’administration\nGB.309/LILS/1/2\n309e session, Genève, 3-13 novembre 2009\n" +
				"Section des questions juridiques et des normes internationales du travail\nLILS\nDate: 3 novembre 2009\nOriginal: français\n" +
				"Les travailleurs domestiques" + purpose,
			wantTitle: "Les travailleurs domestiques", wantOriginal: "français", wantDate: "2009-11-03",
		},
		{
			name: "blank lines between the lines, as before",
			text: "INTERNATIONAL LABOUR OFFICE\n\nGoverning Body\n\nGB.334/POL/2\n\nPolicy Development Section\n\nPOL\n\nOriginal: English\n\n" +
				"Labour migration" + purpose,
			wantTitle: "Labour migration", wantOriginal: "English",
		},
		{
			name:      "no Original line: the known masthead lines, then the title",
			text:      "INTERNATIONAL LABOUR OFFICE\nGoverning Body\nGB.334/POL/2\nLabour migration" + purpose,
			wantTitle: "Labour migration",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := indexer.ParseGB(contentFromText("txt", tt.text), indexer.Meta{Kind: "gb-document", Language: "en"})
			if d.Title != tt.wantTitle {
				t.Errorf("title %q, want %q", d.Title, tt.wantTitle)
			}
			if d.OriginalLanguage != tt.wantOriginal {
				t.Errorf("original language %q, want %q", d.OriginalLanguage, tt.wantOriginal)
			}
			if d.Date != tt.wantDate {
				t.Errorf("date %q, want %q", d.Date, tt.wantDate)
			}
			if strings.Join(d.SessionDates, " ") != strings.Join(tt.wantSession, " ") {
				t.Errorf("session dates %v, want %v", d.SessionDates, tt.wantSession)
			}
			if d.Symbol == "" || d.Purpose != "This document reports." || len(d.Paragraphs) != 1 {
				t.Errorf("symbol %q, purpose %q, %d paragraphs", d.Symbol, d.Purpose, len(d.Paragraphs))
			}
		})
	}
}
