package indexer

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// DOCX limits: a DOCX is a zip, and a zip bomb must cost an error, not the
// process. Real GB documents have parts well under a few MB.
const (
	maxDOCXPart    = 64 << 20
	maxDOCXEntries = 10000
)

// ExtractDOCX reads a Word document: the body's paragraphs (table cells
// included) in order with their list numbering rebuilt as text, footnote
// callouts marked where word/document.xml references them, and the footnote
// bodies from word/footnotes.xml. Headers and footers (running header,
// file-name footer, printing note) are page furniture and are not read.
func ExtractDOCX(ctx context.Context, r io.ReaderAt, size int64) (c *Content, err error) {
	defer func() {
		if p := recover(); p != nil {
			c, err = nil, fmt.Errorf("%w: docx: %v", ErrExtract, p)
		}
	}()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: docx is not a zip archive: %w", ErrExtract, err)
	}
	if len(zr.File) > maxDOCXEntries {
		return nil, fmt.Errorf("%w: docx has %d parts", ErrExtract, len(zr.File))
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	read := func(name string) ([]byte, error) {
		f, ok := parts[name]
		if !ok {
			return nil, nil
		}
		if f.UncompressedSize64 > maxDOCXPart {
			return nil, fmt.Errorf("%w: docx part %s is %d bytes", ErrExtract, name, f.UncompressedSize64)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%w: opening %s: %w", ErrExtract, name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxDOCXPart+1))
		if err != nil {
			return nil, fmt.Errorf("%w: reading %s: %w", ErrExtract, name, err)
		}
		if len(b) > maxDOCXPart {
			return nil, fmt.Errorf("%w: docx part %s exceeds %d bytes", ErrExtract, name, maxDOCXPart)
		}
		return b, nil
	}
	body, err := read("word/document.xml")
	if err != nil {
		return nil, err
	}
	if body == nil {
		return nil, fmt.Errorf("%w: docx has no word/document.xml", ErrExtract)
	}
	numBytes, err := read("word/numbering.xml")
	if err != nil {
		return nil, err
	}
	styleBytes, err := read("word/styles.xml")
	if err != nil {
		return nil, err
	}
	fnBytes, err := read("word/footnotes.xml")
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	nb := newNumbering(numBytes, styleBytes)
	footnotes, _ := parseDOCXParagraphs(fnBytes, "footnote", nil)
	paras, err := parseDOCXParagraphs(body, "body", nb)
	if err != nil {
		return nil, fmt.Errorf("%w: word/document.xml: %w", ErrExtract, err)
	}

	// Word numbers footnotes by the order of their references, whatever
	// their ids; footnotes.xml holds the bodies by id.
	fnText := map[string]string{}
	for _, p := range footnotes {
		fnText[p.noteID] += joinSpace(fnText[p.noteID], p.text)
	}
	page := Page{Number: 1}
	ordinal := map[string]int{}
	for _, p := range paras {
		t := p.text
		// replace the reference placeholders with numbered callouts
		for k, id := range p.refIDs {
			n, ok := ordinal[id]
			if !ok {
				n = len(ordinal) + 1
				ordinal[id] = n
				page.Notes = append(page.Notes, Note{Number: n, Label: strconv.Itoa(n), Text: strings.TrimSpace(fnText[id])})
			}
			t = strings.Replace(t, refPlaceholder(k), CalloutMarker(n), 1)
		}
		line := Line{Text: strings.TrimSpace(t), Block: true, Bold: p.bold,
			Heading: strings.HasPrefix(p.style, "Heading") || p.style == "Title" || p.style == "Boxheading"}
		if p.label != "" {
			line.Text = p.label + " " + line.Text
		}
		if strings.TrimSpace(line.Text) == "" {
			continue
		}
		page.Lines = append(page.Lines, line)
	}
	page.Quality = Quality(page.Text())
	return &Content{Format: "docx", Pages: []Page{page}}, nil
}

// refPlaceholder marks the k-th footnote reference of a paragraph in its
// text until the reference gets its number. It carries the position, not the
// footnote's id: an id is attribute text and may hold anything, spaces
// included, which the paragraph's space folding would change.
func refPlaceholder(k int) string { return "\uE002" + strconv.Itoa(k) + "\uE003" }

// markerChars are the private-use characters of callouts and reference
// placeholders: the document's own text must not forge them.
var markerChars = strings.NewReplacer("\uE000", "", "\uE001", "", "\uE002", "", "\uE003", "")

func joinSpace(prev, s string) string {
	if prev == "" {
		return s
	}
	return " " + s
}

type docxPara struct {
	style  string
	label  string // list number rebuilt from numbering.xml: "1.", "(a)"
	text   string
	bold   bool
	refIDs []string
	noteID string // footnotes.xml: the footnote this paragraph belongs to
}

// parseDOCXParagraphs streams a WordprocessingML part and returns its
// paragraphs. In "footnote" mode each paragraph carries the id of its
// w:footnote; separator footnotes are dropped. Paragraphs may nest (the
// paragraphs of a text box sit inside a run of the paragraph anchoring it):
// each is read whole, and an inner one comes out before the one holding it.
func parseDOCXParagraphs(data []byte, mode string, nb *numbering) ([]docxPara, error) {
	if data == nil {
		return nil, nil
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	// paraState is a paragraph being read.
	type paraState struct {
		docxPara
		buf                strings.Builder
		numID, ilvl        string
		boldRuns, textRuns int
	}
	var (
		out         []docxPara
		open        []*paraState // the paragraphs being read, innermost last
		cur         *paraState
		runBold     bool
		inRunProps  bool
		inParaProps bool
		skipDepth   int // inside w:del, w:instrText, mc:Fallback
		noteID      string
		noteSkip    bool
		depth       int
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > 200 {
				return out, errors.New("xml nested too deeply")
			}
			if skipDepth > 0 {
				skipDepth++
				continue
			}
			switch t.Name.Local {
			case "del", "instrText", "Fallback", "delText":
				skipDepth = 1
			case "footnote":
				noteID, noteSkip = attr(t, "id"), attr(t, "type") != ""
			case "p":
				cur = &paraState{docxPara: docxPara{noteID: noteID}}
				open = append(open, cur)
			case "pPr":
				inParaProps = true
			case "rPr":
				if !inParaProps {
					inRunProps = true
				}
			case "r":
				runBold = false
			case "b":
				if inRunProps && attr(t, "val") != "0" && attr(t, "val") != "false" {
					runBold = true
				}
			case "pStyle":
				if cur != nil {
					cur.style = attr(t, "val")
				}
			case "numId":
				if inParaProps && cur != nil {
					cur.numID = attr(t, "val")
				}
			case "ilvl":
				if inParaProps && cur != nil {
					cur.ilvl = attr(t, "val")
				}
			case "tab", "br", "cr":
				if cur != nil && !inParaProps {
					cur.buf.WriteString(" ")
				}
			case "noBreakHyphen":
				if cur != nil {
					cur.buf.WriteString("-")
				}
			case "footnoteReference":
				// a footnote cannot call another: only the body's references count
				if cur != nil && mode != "footnote" {
					cur.buf.WriteString(refPlaceholder(len(cur.refIDs)))
					cur.refIDs = append(cur.refIDs, attr(t, "id"))
				}
			case "t":
				var s string
				if err := dec.DecodeElement(&s, &t); err != nil {
					return out, err
				}
				depth--
				if cur != nil {
					cur.buf.WriteString(markerChars.Replace(s))
					if strings.TrimSpace(s) != "" {
						cur.textRuns++
						if runBold {
							cur.boldRuns++
						}
					}
				}
			}
		case xml.EndElement:
			depth--
			if skipDepth > 0 {
				skipDepth--
				continue
			}
			switch t.Name.Local {
			case "pPr":
				inParaProps = false
			case "rPr":
				inRunProps = false
			case "p":
				if cur == nil {
					continue
				}
				p := cur
				open = open[:len(open)-1]
				cur = nil
				if len(open) > 0 {
					cur = open[len(open)-1]
				}
				if mode == "footnote" && noteSkip {
					continue
				}
				p.text = strings.Join(strings.Fields(p.buf.String()), " ")
				p.bold = p.textRuns > 0 && p.boldRuns == p.textRuns
				if nb != nil {
					p.label = nb.next(p.numID, p.ilvl, p.style)
					p.bold = p.bold || nb.styleBold[p.style]
				}
				out = append(out, p.docxPara)
			}
		}
	}
	return out, nil
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// numbering rebuilds Word list numbers ("1.", "(a)", "(1)") from
// numbering.xml, including numbering attached to paragraph styles.
type numbering struct {
	abstractOf map[string]string            // numId → abstractNumId
	levels     map[string]map[int]listLevel // abstractNumId → level
	startOver  map[string]map[int]int       // numId → level → start override
	styleNum   map[string][2]string         // style → numId, ilvl
	styleBold  map[string]bool              // paragraph styles set in bold (Decision para)
	counters   map[string][]int             // abstractNumId → counter per level
	used       map[string]bool              // numIds met so far
}

type listLevel struct {
	start  int
	format string
	text   string
}

func newNumbering(numXML, stylesXML []byte) *numbering {
	nb := &numbering{abstractOf: map[string]string{}, levels: map[string]map[int]listLevel{},
		startOver: map[string]map[int]int{}, styleNum: map[string][2]string{}, counters: map[string][]int{},
		used: map[string]bool{}, styleBold: map[string]bool{}}
	if numXML != nil {
		var doc struct {
			Abstract []struct {
				ID    string `xml:"abstractNumId,attr"`
				Level []struct {
					Ilvl  int `xml:"ilvl,attr"`
					Start struct {
						Val string `xml:"val,attr"`
					} `xml:"start"`
					Fmt struct {
						Val string `xml:"val,attr"`
					} `xml:"numFmt"`
					Text struct {
						Val string `xml:"val,attr"`
					} `xml:"lvlText"`
				} `xml:"lvl"`
			} `xml:"abstractNum"`
			Num []struct {
				ID       string `xml:"numId,attr"`
				Abstract struct {
					Val string `xml:"val,attr"`
				} `xml:"abstractNumId"`
				Override []struct {
					Ilvl  int `xml:"ilvl,attr"`
					Start struct {
						Val string `xml:"val,attr"`
					} `xml:"startOverride"`
				} `xml:"lvlOverride"`
			} `xml:"num"`
		}
		if xml.Unmarshal(numXML, &doc) == nil {
			for _, a := range doc.Abstract {
				lv := map[int]listLevel{}
				for _, l := range a.Level {
					start, err := strconv.Atoi(l.Start.Val)
					if err != nil {
						start = 1
					}
					lv[l.Ilvl] = listLevel{start: start, format: l.Fmt.Val, text: l.Text.Val}
				}
				nb.levels[a.ID] = lv
			}
			for _, n := range doc.Num {
				nb.abstractOf[n.ID] = n.Abstract.Val
				for _, o := range n.Override {
					if s, err := strconv.Atoi(o.Start.Val); err == nil {
						if nb.startOver[n.ID] == nil {
							nb.startOver[n.ID] = map[int]int{}
						}
						nb.startOver[n.ID][o.Ilvl] = s
					}
				}
			}
		}
	}
	if stylesXML != nil {
		var doc struct {
			Style []struct {
				ID    string `xml:"styleId,attr"`
				NumPr struct {
					NumID struct {
						Val string `xml:"val,attr"`
					} `xml:"numId"`
					Ilvl struct {
						Val string `xml:"val,attr"`
					} `xml:"ilvl"`
				} `xml:"pPr>numPr"`
				BasedOn struct {
					Val string `xml:"val,attr"`
				} `xml:"basedOn"`
				Bold *struct {
					Val string `xml:"val,attr"`
				} `xml:"rPr>b"`
			} `xml:"style"`
		}
		if xml.Unmarshal(stylesXML, &doc) == nil {
			based := map[string]string{}
			bold := map[string]*bool{}
			for _, s := range doc.Style {
				if s.NumPr.NumID.Val != "" {
					nb.styleNum[s.ID] = [2]string{s.NumPr.NumID.Val, s.NumPr.Ilvl.Val}
				}
				based[s.ID] = s.BasedOn.Val
				if s.Bold != nil {
					b := s.Bold.Val != "0" && s.Bold.Val != "false"
					bold[s.ID] = &b
				}
			}
			// a style is bold when it, or the nearest style it is based on
			// that says, sets bold
			for id := range based {
				for cur, depth := id, 0; cur != "" && depth < 20; cur, depth = based[cur], depth+1 {
					if b := bold[cur]; b != nil {
						nb.styleBold[id] = *b
						break
					}
				}
			}
		}
	}
	return nb
}

// next advances the list counter for a paragraph and returns its label,
// or "" for a paragraph that is not numbered.
func (nb *numbering) next(numID, ilvlStr, style string) string {
	if numID == "" {
		if sn, ok := nb.styleNum[style]; ok {
			numID = sn[0]
			if ilvlStr == "" {
				ilvlStr = sn[1]
			}
		}
	}
	if numID == "" || numID == "0" {
		return ""
	}
	ilvl, _ := strconv.Atoi(ilvlStr)
	if ilvl < 0 || ilvl > 8 {
		return ""
	}
	abs, ok := nb.abstractOf[numID]
	if !ok {
		return ""
	}
	levels := nb.levels[abs]
	c := nb.counters[abs]
	if c == nil {
		c = make([]int, 9)
		for i := range c {
			c[i] = -1
		}
		nb.counters[abs] = c
	}
	// Lists of the same abstract numbering share their counters, but a list
	// whose w:num overrides a level's start restarts that level (and the
	// levels below it) where it is first used: that is how Word restarts
	// numbering at 1.
	if !nb.used[numID] {
		nb.used[numID] = true
		for l := range nb.startOver[numID] {
			for d := l; d >= 0 && d < len(c); d++ {
				c[d] = -1
			}
		}
	}
	start := func(l int) int {
		if s, ok := nb.startOver[numID][l]; ok {
			return s
		}
		if lv, ok := levels[l]; ok {
			return lv.start
		}
		return 1
	}
	if c[ilvl] < 0 {
		c[ilvl] = start(ilvl)
	} else {
		c[ilvl]++
	}
	for l := ilvl + 1; l < len(c); l++ {
		c[l] = -1
	}
	lv, ok := levels[ilvl]
	if !ok || lv.format == "none" || lv.format == "bullet" || lv.text == "" {
		return ""
	}
	label := lv.text
	for l := 0; l <= ilvl; l++ {
		v := c[l]
		if v < 0 {
			v = start(l)
		}
		fmtName := "decimal"
		if ll, ok := levels[l]; ok {
			fmtName = ll.format
		}
		label = strings.ReplaceAll(label, "%"+strconv.Itoa(l+1), formatListNumber(v, fmtName))
	}
	return label
}

func formatListNumber(n int, format string) string {
	switch format {
	case "lowerLetter":
		return letters(n, 'a')
	case "upperLetter":
		return letters(n, 'A')
	case "lowerRoman":
		return strings.ToLower(roman(n))
	case "upperRoman":
		return roman(n)
	default:
		return strconv.Itoa(n)
	}
}

// letters numbers a, b, ..., z, aa, bb, ... as Word does.
func letters(n int, base rune) string {
	if n <= 0 {
		return strconv.Itoa(n)
	}
	rep := (n-1)/26 + 1
	return strings.Repeat(string(base+rune((n-1)%26)), rep)
}

func roman(n int) string {
	if n <= 0 || n >= 4000 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}
