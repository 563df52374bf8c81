package gen

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/xml"
	"fmt"
	"strings"

	"gbsearch/internal/pdfbuild"
)

func masthead(d *Doc) []string {
	org, body, orig := "INTERNATIONAL LABOUR OFFICE", "Governing Body", "Original: English"
	switch d.Lang {
	case "fr":
		org, body, orig = "BUREAU INTERNATIONAL DU TRAVAIL", "Conseil d’administration", "Original: français"
	case "es":
		org, body, orig = "OFICINA INTERNACIONAL DEL TRABAJO", "Consejo de Administración", "Original: español"
	}
	return []string{org, body, d.Symbol, sessionLine(d), sectionName(d), d.Section, dateLine(d), orig}
}

func itemLabel(i int) string { return "(" + string(rune('a'+i%26)) + ")" }

// writeText writes a document as a plain text export laid out like a
// printed paper: pages of about 3,500 characters, each ending with the
// footnotes called on it and the file-name footer; a callout is the note's
// number after the sentence, as scans read it.
func writeText(d *Doc) string {
	var pages []string
	var cur strings.Builder
	var notes []Note
	page := 1
	flush := func() {
		var b strings.Builder
		b.WriteString(cur.String())
		if len(notes) > 0 {
			b.WriteString("\n")
			for _, n := range notes {
				fmt.Fprintf(&b, "%d %s\n", n.Number, n.Text)
			}
		}
		fmt.Fprintf(&b, "\n%s %d\n", jobCode(d), page)
		pages = append(pages, b.String())
		cur.Reset()
		notes = nil
		page++
	}
	block := func(s string) {
		s = calloutMarkRE.ReplaceAllStringFunc(s, func(m string) string {
			n := atoi(calloutMarkRE.FindStringSubmatch(m)[1])
			notes = append(notes, d.Notes[n-1])
			return fmt.Sprintf(" %d", n)
		})
		cur.WriteString(s)
		cur.WriteString("\n\n")
		if cur.Len() > 3500 {
			flush()
		}
	}
	for _, l := range masthead(d) {
		cur.WriteString(l + "\n")
	}
	cur.WriteString(d.Title + "\n\n")
	block("Purpose of the document")
	block(d.Purpose)
	for _, l := range cover(d) {
		block(l)
	}
	flush()
	block("Executive summary")
	block(d.Summary)
	flush()
	heading := ""
	for _, p := range d.Paras {
		if p.Heading != heading {
			heading = p.Heading
			block(heading)
		}
		block(fmt.Sprintf("%d. %s", p.Number, p.Text))
		for i, it := range p.Items {
			block(itemLabel(i) + " " + it)
		}
	}
	flush()
	return strings.Join(pages, "\f")
}

// ---- PDF ----

// pdfLine is a line of a page: its text (with callout marks), size, font
// and position.
type pdfLine struct {
	text string
	size float64
	bold bool
	x, y float64
}

// winAnsi encodes s for a standard Type 1 font with WinAnsiEncoding.
func winAnsi(s string) []byte {
	special := map[rune]byte{'’': 0x92, '‘': 0x91, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97, '…': 0x85, '€': 0x80, 'œ': 0x9c, 'Œ': 0x8c}
	var b []byte
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x80:
			b = append(b, byte(r))
		case special[r] != 0:
			b = append(b, special[r])
		case r <= 0xff:
			b = append(b, byte(r))
		default:
			b = append(b, '?')
		}
	}
	return b
}

// wrap breaks text into lines of at most width characters (Helvetica's
// average glyph is about half its size wide).
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(text) {
		visible := len([]rune(calloutMarkRE.ReplaceAllString(w, "")))
		if cur.Len() > 0 && len([]rune(calloutMarkRE.ReplaceAllString(cur.String(), "")))+1+visible > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// writePDF lays a document out on A4 pages: masthead, running header,
// body in Helvetica 10, superscript callouts (6 pt, raised), footnotes in
// 8 pt under a rule at the foot of the page that calls them, the file-name
// footer. Content streams are Flate-compressed, as in real papers.
func writePDF(d *Doc) []byte {
	const top, bottom, left = 780.0, 90.0, 72.0
	var pages [][]pdfLine
	var cur []pdfLine
	var notes []Note
	y := top
	newPage := func() {
		// footnotes of this page, then header and footer
		ny := bottom - 2
		var foot []pdfLine
		for _, n := range notes {
			for i, l := range wrap(n.Text, 100) {
				t := l
				if i == 0 {
					t = fmt.Sprintf("\x02%d\x03 %s", n.Number, l)
				}
				foot = append(foot, pdfLine{text: t, size: 8, x: left})
			}
		}
		for i := len(foot) - 1; i >= 0; i-- {
			foot[i].y = ny
			ny += 10
		}
		cur = append(cur, foot...)
		cur = append(cur, pdfLine{text: d.Symbol, size: 9, x: left, y: 810}, pdfLine{text: fmt.Sprintf("%s %d", jobCode(d), len(pages)+1), size: 7, x: left, y: 40})
		if len(notes) > 0 {
			cur = append(cur, pdfLine{text: "\x04rule", y: ny + 2})
		}
		pages = append(pages, cur)
		cur, notes, y = nil, nil, top
	}
	noteHeight := func(ns []Note) float64 {
		h := 0.0
		for _, n := range ns {
			h += float64(len(wrap(n.Text, 100))) * 10
		}
		return h
	}
	emit := func(text string, size float64, bold bool, indent float64, gap float64) {
		width := int((451 - indent) / (size * 0.5))
		for _, l := range wrap(text, width) {
			var lineNotes []Note
			for _, m := range calloutMarkRE.FindAllStringSubmatch(l, -1) {
				lineNotes = append(lineNotes, d.Notes[atoi(m[1])-1])
			}
			// the line and the footnotes it calls go on the same page
			if len(cur) > 0 && y-size*1.35 < bottom+noteHeight(append(append([]Note(nil), notes...), lineNotes...))+20 {
				newPage()
			}
			notes = append(notes, lineNotes...)
			cur = append(cur, pdfLine{text: l, size: size, bold: bold, x: left + indent, y: y})
			y -= size * 1.35
		}
		y -= gap
	}
	for i, l := range masthead(d) {
		emit(l, []float64{10, 14, 14, 10, 10, 10, 10, 10}[i], i < 3, 0, 0)
	}
	y -= 12
	emit(d.Title, 14, true, 0, 12)
	emit("Purpose of the document", 11, true, 0, 4)
	emit(d.Purpose, 10, false, 0, 8)
	for _, l := range cover(d) {
		emit(l, 9, false, 0, 3)
	}
	newPage()
	emit("Executive summary", 12, true, 0, 6)
	emit(d.Summary, 10, false, 0, 8)
	newPage()
	heading := ""
	for _, p := range d.Paras {
		if p.Heading != heading {
			heading = p.Heading
			emit(heading, 11, true, 0, 6)
		}
		emit(fmt.Sprintf("%d. %s", p.Number, p.Text), 10, false, 0, 6)
		for i, it := range p.Items {
			emit(itemLabel(i)+" "+it, 10, false, 28, 4)
		}
	}
	newPage()

	f := pdfbuild.New()
	obj := f.Object
	// 1 catalog, 2 pages, 3 font, 4 bold font, then page/content pairs
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	var kids []string
	for i := range pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", 5+2*i))
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	for i, lines := range pages {
		var cs bytes.Buffer
		for _, l := range lines {
			if l.text == "\x04rule" {
				fmt.Fprintf(&cs, "0.5 w %.1f %.1f m %.1f %.1f l S\n", 72.0, l.y, 216.0, l.y)
				continue
			}
			font := "F1"
			if l.bold {
				font = "F2"
			}
			fmt.Fprintf(&cs, "BT /%s %.1f Tf %.1f %.1f Td ", font, l.size, l.x, l.y)
			// callouts: superscript, smaller and raised; note labels in footnotes likewise
			text := strings.NewReplacer("\x02", "\x00", "\x03", "\x01").Replace(l.text)
			last := 0
			for _, m := range calloutMarkRE.FindAllStringSubmatchIndex(text, -1) {
				if m[0] > last {
					fmt.Fprintf(&cs, "(%s) Tj ", winAnsi(text[last:m[0]]))
				}
				fmt.Fprintf(&cs, "/%s %.1f Tf 4 Ts (%s) Tj 0 Ts /%s %.1f Tf ", font, l.size*0.6, text[m[2]:m[3]], font, l.size)
				last = m[1]
			}
			if last < len(text) {
				fmt.Fprintf(&cs, "(%s) Tj ", winAnsi(text[last:]))
			}
			cs.WriteString("ET\n")
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(cs.Bytes())
		zw.Close()
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>", 6+2*i))
		f.Stream(" /Filter /FlateDecode", z.Bytes())
	}
	return f.Bytes()
}

// ---- DOCX ----

func xmlText(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// writeDOCX writes a document as Word does: masthead paragraphs, numbered
// paragraphs and items by list numbering (numbering.xml), headings by
// style, footnotes in word/footnotes.xml referenced from the runs.
func writeDOCX(d *Doc) ([]byte, error) {
	var body strings.Builder
	para := func(style, text string, numLevel int) {
		body.WriteString("<w:p><w:pPr>")
		if style != "" {
			fmt.Fprintf(&body, `<w:pStyle w:val="%s"/>`, style)
		}
		if numLevel >= 0 {
			fmt.Fprintf(&body, `<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="1"/></w:numPr>`, numLevel)
		}
		body.WriteString("</w:pPr>")
		last := 0
		for _, m := range calloutMarkRE.FindAllStringSubmatchIndex(text, -1) {
			fmt.Fprintf(&body, `<w:r><w:t xml:space="preserve">%s</w:t></w:r>`, xmlText(text[last:m[0]]))
			fmt.Fprintf(&body, `<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="%d"/></w:r>`, atoi(text[m[2]:m[3]])+1)
			last = m[1]
		}
		fmt.Fprintf(&body, `<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, xmlText(text[last:]))
	}
	for _, l := range masthead(d) {
		para("Masthead", l, -1)
	}
	para("Title", d.Title, -1)
	para("Boxheading", "Purpose of the document", -1)
	para("Boxtext", d.Purpose, -1)
	for _, l := range cover(d) {
		para("Covertext", l, -1)
	}
	para("Heading1", "Executive summary", -1)
	para("TextBody", d.Summary, -1)
	heading := ""
	for _, p := range d.Paras {
		if p.Heading != heading {
			heading = p.Heading
			para("Heading1", heading, -1)
		}
		para("Numberedpara", p.Text, 0)
		for _, it := range p.Items {
			para("Numbereditem", it, 1)
		}
	}
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	var fn strings.Builder
	fmt.Fprintf(&fn, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes %s>`, ns)
	fn.WriteString(`<w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="1"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>`)
	for _, n := range d.Notes {
		fmt.Fprintf(&fn, `<w:footnote w:id="%d"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> %s</w:t></w:r></w:p></w:footnote>`, n.Number+1, xmlText(n.Text))
	}
	fn.WriteString(`</w:footnotes>`)
	files := map[string]string{
		"[Content_Types].xml":          `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>`,
		"_rels/.rels":                  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/_rels/document.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>`,
		"word/numbering.xml":           `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ` + ns + `><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>`,
		"word/footnotes.xml":           fn.String(),
		"word/document.xml":            `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + ns + `><w:body>` + body.String() + `</w:body></w:document>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/numbering.xml", "word/footnotes.xml", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
