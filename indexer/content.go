package indexer

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Content is what every extractor hands to the parsers: the text of one file
// in reading order, page by page, with page furniture (running headers,
// footers, page numbers) removed, footnote bodies split from the running text
// and footnote callouts marked inline. The three renditions of a GB document
// (OCR text, PDF, DOCX) all become a Content, and one parser turns any of
// them into a [Document].
type Content struct {
	// Format is the file format the content came from: "pdf", "docx",
	// "txt", "md" or "html".
	Format string `json:"format"`
	Pages  []Page `json:"pages"`
	// Furniture lists the distinct running headers and footers the
	// extractor removed ("GB.319/POL/2", "GB319-POL_2_[MIGRA-131016-1]-En.docx
	// 3"). They are not text, but the footer's job code still tells the
	// symbol, date and language when a scan lacks its cover.
	Furniture []string `json:"furniture,omitempty"`
}

// Page is one physical page. Formats without pages (DOCX, Markdown, HTML)
// have a single page.
type Page struct {
	Number int `json:"number"` // 1-based physical page number
	// Lines are the body lines in reading order. Inline footnote callouts
	// are written with [CalloutMarker].
	Lines []Line `json:"lines"`
	// Notes are the footnotes printed on this page, in order.
	Notes []Note `json:"notes,omitempty"`
	// Furniture are the lines of this page set aside as running header or
	// footer: extracted, but not text of the document.
	Furniture []string `json:"furniture,omitempty"`
	// Quality measures the extraction of this page.
	Quality PageQuality `json:"quality"`
	// Err, when not empty, says why the page's text could not be extracted.
	// One bad page costs that page, not the document.
	Err string `json:"error,omitempty"`
}

// Text is the page's body lines and footnotes, one per line: the text its
// quality is measured on.
func (p *Page) Text() string {
	var b strings.Builder
	for _, l := range p.Lines {
		if l.Text != "" {
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
	}
	for _, n := range p.Notes {
		b.WriteString(n.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// Line is a line of body text (PDF, OCR) or a whole paragraph (DOCX).
type Line struct {
	Text string `json:"text"`
	// Block marks a line that certainly starts a new block (a DOCX
	// paragraph, or a PDF line after a vertical gap). Parsers still find
	// block starts on their own (a paragraph number, a blank line) when it
	// is false.
	Block bool `json:"block,omitempty"`
	Bold  bool `json:"bold,omitempty"`
	// Heading marks a line set as a heading (a heading style in DOCX, a
	// larger or bold font in PDF, a # line in Markdown).
	Heading bool `json:"heading,omitempty"`
	// Blank marks an empty line (OCR and plain text keep their blank
	// lines, which separate blocks).
	Blank bool `json:"blank,omitempty"`
	// Links are the hyperlinks of the line (Markdown and HTML): their text
	// stays in Text, their targets become citations.
	Links []Link `json:"links,omitempty"`
}

// Link is a hyperlink found in a line.
type Link struct {
	Text   string `json:"text"`
	Target string `json:"target"`
}

// Note is one footnote body as printed at the foot of a page.
type Note struct {
	// Number is the footnote number when the extractor could read it, 0
	// when it could not (OCR garbles them; the parser then recovers the
	// numbering from order and context).
	Number int `json:"number"`
	// Label is the footnote label as found in the source ("1", "!", "1>").
	Label string `json:"label,omitempty"`
	Text  string `json:"text"`
}

// PageQuality measures how well a page's text came out, so librarians can
// find pages that need OCR or whose words ran together.
type PageQuality struct {
	Chars int `json:"chars"`
	Words int `json:"words"`
	// GluedWords counts tokens that look like several words run together
	// (long lower-case tokens with inner capitals, e.g. "Forcedlabour").
	GluedWords int     `json:"glued_words"`
	GluedRatio float64 `json:"glued_ratio"`
	// NeedsOCR is set when a page has (almost) no text: an image scan.
	NeedsOCR bool `json:"needs_ocr,omitempty"`
}

// Callout markers: a footnote callout is written into running text as
// CalloutStart + number + CalloutEnd (see [CalloutMarker]). Private-use code points cannot occur in
// real text, survive every string operation the parsers do, and cost nothing
// to strip. A callout whose number could not be read (OCR) is written with no
// digits between the markers.
const (
	CalloutStart = '\uE000'
	CalloutEnd   = '\uE001'
)

// CalloutMarker returns the inline marker for footnote n (0: number unknown).
func CalloutMarker(n int) string {
	if n <= 0 {
		return string(CalloutStart) + string(CalloutEnd)
	}
	return string(CalloutStart) + strconv.Itoa(n) + string(CalloutEnd)
}

// CalloutAt is a callout found in a text by [StripCallouts].
type CalloutAt struct {
	Number int // 0 when unknown
	Offset int // index in code points into the stripped text
}

// StripCallouts removes callout markers from s and returns the clean text
// with the position of each callout in it.
func StripCallouts(s string) (string, []CalloutAt) {
	if !strings.ContainsRune(s, CalloutStart) {
		return s, nil
	}
	var b strings.Builder
	var out []CalloutAt
	runes := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == CalloutStart {
			end := strings.IndexRune(s[i:], CalloutEnd)
			if end < 0 {
				i += size
				continue
			}
			n, _ := strconv.Atoi(s[i+size : i+end])
			out = append(out, CalloutAt{Number: n, Offset: runes})
			i += end + len(string(CalloutEnd))
			continue
		}
		if r == CalloutEnd {
			i += size
			continue
		}
		b.WriteString(s[i : i+size])
		runes++
		i += size
	}
	return b.String(), out
}

// Quality measures a page's text. It runs on every page of every
// document a rebuild reads, so it walks the text once rather than split it.
func Quality(text string) PageQuality {
	q := PageQuality{}
	start := -1 // the current word's first byte, or -1 between words
	for i, r := range text {
		if unicode.IsSpace(r) {
			if start >= 0 {
				q.addWord(text[start:i])
				start = -1
			}
			continue
		}
		if r != CalloutStart && r != CalloutEnd {
			q.Chars++
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		q.addWord(text[start:])
	}
	if q.Words > 0 {
		q.GluedRatio = float64(q.GluedWords) / float64(q.Words)
	}
	q.NeedsOCR = q.Chars < 20
	return q
}

func (q *PageQuality) addWord(w string) {
	q.Words++
	if LooksGlued(w) {
		q.GluedWords++
	}
}

// LooksGlued reports whether a token looks like words run together by an
// extractor that ignored the gaps between them: "Forcedlabourconvention",
// "theConvention", "Convention12". It errs on the side of not flagging:
// long compounds and URLs are not glued.
func LooksGlued(w string) bool {
	if isLowerASCIIWord(w) {
		// most words of every page: only their length can make them glued
		// (as looksGlued finds too, slower: FuzzLooksGlued)
		return len(w) >= 25 && !strings.Contains(w, "www") && !strings.Contains(w, "http")
	}
	return looksGlued(w)
}

func isLowerASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return w != ""
}

func looksGlued(w string) bool {
	w = strings.Trim(w, ".,;:()[]\"'“”‘’")
	if len(w) < 4 || strings.ContainsAny(w, "/@_=") || strings.Contains(w, "www") || strings.Contains(w, "http") {
		return false
	}
	runes := []rune(w)
	// a lower-case letter directly followed by an upper-case one: "theConvention"
	for i := 1; i < len(runes); i++ {
		if unicode.IsLower(runes[i-1]) && unicode.IsUpper(runes[i]) {
			// allow well-known mixed-case names: iPhone-like, "McDonald", "DeLisle"
			if i == 1 || (i == 2 && unicode.IsUpper(runes[0])) {
				continue
			}
			return true
		}
	}
	// letters then digits: "Convention12" (but not "A4", "COVID19", "G20" or "68th")
	letters, digits := 0, 0
	for _, r := range runes {
		if unicode.IsLetter(r) {
			if digits > 0 {
				return false
			}
			letters++
		} else if unicode.IsDigit(r) {
			if letters == 0 {
				return false
			}
			digits++
		} else {
			return false
		}
	}
	if digits > 0 && letters >= 4 && digits <= 3 && unicode.IsLower(runes[letters-1]) {
		return true
	}
	// very long all-lower-case tokens are almost always glued in this corpus
	return letters >= 25 && !strings.Contains(w, "-")
}
