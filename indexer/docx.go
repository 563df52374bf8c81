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
	var text strings.Builder
	for _, p := range paras {
		t := p.text
		// replace the reference placeholders with numbered callouts
		for _, id := range p.refIDs {
			n, ok := ordinal[id]
			if !ok {
				n = len(ordinal) + 1
				ordinal[id] = n
				page.Notes = append(page.Notes, Note{Number: n, Label: strconv.Itoa(n), Text: strings.TrimSpace(fnText[id])})
			}
			t = strings.Replace(t, refPlaceholder(id), CalloutMarker(n), 1)
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
		text.WriteString(line.Text + "\n")
	}
	for _, n := range page.Notes {
		text.WriteString(n.Text + "\n")
	}
	page.Quality = Quality(text.String())
	return &Content{Format: "docx", Pages: []Page{page}}, nil
}

func refPlaceholder(id string) string { return "\uE002" + id + "\uE003" }

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
// w:footnote; separator footnotes are dropped.
func parseDOCXParagraphs(data []byte, mode string, nb *numbering) ([]docxPara, error) {
	if data == nil {
		return nil, nil
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	var (
		out         []docxPara
		cur         *docxPara
		runBold     bool
		inRunProps  bool
		inParaProps bool
		numID, ilvl string
		skipDepth   int // inside w:del, w:instrText, mc:Fallback
		noteID      string
		noteSkip    bool
		boldRuns    int
		textRuns    int
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
				cur = &docxPara{noteID: noteID}
				numID, ilvl = "", ""
				boldRuns, textRuns = 0, 0
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
				if inParaProps {
					numID = attr(t, "val")
				}
			case "ilvl":
				if inParaProps {
					ilvl = attr(t, "val")
				}
			case "tab", "br", "cr":
				if cur != nil && !inParaProps {
					cur.text += " "
				}
			case "noBreakHyphen":
				if cur != nil {
					cur.text += "-"
				}
			case "footnoteReference":
				if cur != nil {
					id := attr(t, "id")
					cur.refIDs = append(cur.refIDs, id)
					cur.text += refPlaceholder(id)
				}
			case "t":
				var s string
				if err := dec.DecodeElement(&s, &t); err != nil {
					return out, err
				}
				depth--
				if cur != nil {
					cur.text += s
					if strings.TrimSpace(s) != "" {
						textRuns++
						if runBold {
							boldRuns++
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
				if mode == "footnote" && noteSkip {
					cur = nil
					continue
				}
				cur.text = strings.Join(strings.Fields(cur.text), " ")
				cur.bold = textRuns > 0 && boldRuns == textRuns
				if nb != nil {
					cur.label = nb.next(numID, ilvl, cur.style)
				}
				out = append(out, *cur)
				cur = nil
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
	counters   map[string][]int             // abstractNumId → counter per level
}

type listLevel struct {
	start  int
	format string
	text   string
}

func newNumbering(numXML, stylesXML []byte) *numbering {
	nb := &numbering{abstractOf: map[string]string{}, levels: map[string]map[int]listLevel{},
		startOver: map[string]map[int]int{}, styleNum: map[string][2]string{}, counters: map[string][]int{}}
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
			} `xml:"style"`
		}
		if xml.Unmarshal(stylesXML, &doc) == nil {
			for _, s := range doc.Style {
				if s.NumPr.NumID.Val != "" {
					nb.styleNum[s.ID] = [2]string{s.NumPr.NumID.Val, s.NumPr.Ilvl.Val}
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
