package indexer_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gbsearch/indexer"
)

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`

// makeDOCX zips parts (name → content) into a DOCX, in the order given.
func makeDOCX(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, parts[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func extractDOCX(ctx context.Context, b []byte) (*indexer.Content, error) {
	return indexer.ExtractDOCX(ctx, bytes.NewReader(b), int64(len(b)))
}

// para is a w:p with optional numbering, style and runs given as raw XML.
func para(numID, ilvl int, style, runs string) string {
	var ppr string
	if style != "" {
		ppr += `<w:pStyle w:val="` + style + `"/>`
	}
	if numID > 0 {
		ppr += `<w:numPr><w:ilvl w:val="` + strconv.Itoa(ilvl) + `"/><w:numId w:val="` + strconv.Itoa(numID) + `"/></w:numPr>`
	}
	if ppr != "" {
		ppr = "<w:pPr>" + ppr + "<w:rPr><w:b/></w:rPr></w:pPr>" // a bold paragraph mark makes no run bold
	}
	return "<w:p>" + ppr + runs + "</w:p>"
}

func run(text string) string {
	return `<w:r><w:t xml:space="preserve">` + text + `</w:t></w:r>`
}

func fnRef(id string) string {
	return `<w:r><w:rPr><w:rStyle w:val="FootnoteAnchor"/></w:rPr><w:footnoteReference w:id="` + id + `"/></w:r>`
}

// numberingXML: abstract 1 numbers "1.", "(a)", "(i)"; num 1 uses it, num 2
// restarts it at 1, num 3 is a second list with its own abstract ("A)").
const numberingXML = `<w:numbering ` + wNS + `>
<w:abstractNum w:abstractNumId="1">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%3)"/></w:lvl>
 <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%4"/></w:lvl>
 <w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="7">
 <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1)"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
</w:numbering>`

var footnotesXML = `<w:footnotes ` + wNS + `>
<w:footnote w:id="0" w:type="separator"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:id="1" w:type="continuationSeparator"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r>` + `<w:r><w:t xml:space="preserve"> Second note, cited second.</w:t></w:r>` + fnRef("4") + `</w:p></w:footnote>
<w:footnote w:id="9"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> First note,</w:t></w:r></w:p><w:p><w:r><w:t>in two paragraphs.</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="4"><w:p><w:r><w:t>Never cited.</w:t></w:r></w:p></w:footnote>
</w:footnotes>`

func testDocumentXML() string {
	body := []string{
		para(0, 0, "Heading1", run("Introduction")),
		para(1, 0, "", run("Para one cites")+fnRef("9")+run(" and goes on.")),
		para(1, 1, "", run("item with ")+`<w:del><w:r><w:delText>deleted words </w:delText></w:r></w:del>`+`<w:ins><w:r><w:t>inserted words</w:t></w:r></w:ins>`),
		para(1, 1, "", run("second item")+fnRef("2")),
		para(1, 2, "", run("roman one")),
		para(1, 2, "", run("roman two")),
		para(1, 1, "", run("third item, sub-levels restart")),
		para(1, 2, "", run("roman one again")),
		para(1, 0, "", run("Para two")),
		para(1, 3, "", run("multi-level label")),
		para(1, 1, "", run("item a of para two")),
		para(1, 4, "", run("a bullet")),
		para(3, 0, "", run("another list")),
		para(3, 0, "", run("another list again")),
		para(2, 0, "", run("restarted list")),
		para(2, 0, "", run("restarted list goes on")),
		`<w:tbl><w:tr><w:tc>` + para(0, 0, "", run("Cell one")) + `</w:tc><w:tc>` + para(0, 0, "", run("Cell two")+fnRef("9")) + `</w:tc></w:tr></w:tbl>`,
		para(0, 0, "", `<w:r><w:rPr><w:b/></w:rPr><w:t>All bold</w:t></w:r>`),
		para(0, 0, "", `<w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>Not bold</w:t></w:r>`),
		para(0, 0, "", `<w:r><w:rPr><w:b/></w:rPr><w:t>Half</w:t></w:r>`+run(" bold")),
		para(0, 0, "", `<w:r><w:t>tab</w:t><w:tab/><w:t>and</w:t><w:br/><w:t>break, no</w:t><w:noBreakHyphen/><w:t>hyphen</w:t></w:r>`),
		para(0, 0, "", `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "http://field.code/" </w:instrText></w:r><w:r><w:t>field result</w:t></w:r>`),
		para(0, 0, "", `<mc:AlternateContent><mc:Choice Requires="wps">`+run("chosen")+`</mc:Choice><mc:Fallback>`+run("fallback")+`</mc:Fallback></mc:AlternateContent>`),
		para(0, 0, "", ""), // empty paragraphs are dropped
		para(0, 0, "", run("Last &amp; final &lt;words&gt;")),
	}
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wNS + `><w:body>` + strings.Join(body, "\n") +
		`<w:sectPr><w:headerReference w:type="default" r:id="rId1" xmlns:r="r"/></w:sectPr></w:body></w:document>`
}

func testDOCX(t testing.TB) []byte {
	return makeDOCX(t,
		"[Content_Types].xml", `<Types/>`,
		"word/document.xml", testDocumentXML(),
		"word/numbering.xml", numberingXML,
		"word/footnotes.xml", footnotesXML,
		"word/header1.xml", `<w:hdr `+wNS+`>`+para(0, 0, "", run("RUNNING HEADER"))+`</w:hdr>`,
		"word/footer1.xml", `<w:ftr `+wNS+`>`+para(0, 0, "", run("FOOTER FILE NAME.docx"))+`</w:ftr>`,
	)
}

func TestExtractDOCX(t *testing.T) {
	c, err := extractDOCX(t.Context(), testDOCX(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.Format != "docx" || len(c.Pages) != 1 {
		t.Fatalf("format %q with %d pages, want docx with 1", c.Format, len(c.Pages))
	}
	type line struct {
		Text          string
		Heading, Bold bool
	}
	var got []line
	for _, l := range c.Pages[0].Lines {
		if !l.Block {
			t.Errorf("line %q is not marked as a block: every DOCX paragraph starts one", l.Text)
		}
		got = append(got, line{l.Text, l.Heading, l.Bold})
	}
	m1, m2 := indexer.CalloutMarker(1), indexer.CalloutMarker(2)
	want := []line{
		{Text: "Introduction", Heading: true},
		{Text: "1. Para one cites" + m1 + " and goes on."},
		{Text: "(a) item with inserted words"},
		{Text: "(b) second item" + m2},
		{Text: "(i) roman one"},
		{Text: "(ii) roman two"},
		{Text: "(c) third item, sub-levels restart"},
		{Text: "(i) roman one again"},
		{Text: "2. Para two"},
		{Text: "2.1 multi-level label"},
		{Text: "(a) item a of para two"},
		{Text: "a bullet"},
		{Text: "C) another list"},
		{Text: "D) another list again"},
		{Text: "1. restarted list"},
		{Text: "2. restarted list goes on"},
		{Text: "Cell one"},
		{Text: "Cell two" + m1},
		{Text: "All bold", Bold: true},
		{Text: "Not bold"},
		{Text: "Half bold"},
		{Text: "tab and break, no-hyphen"},
		{Text: "field result"},
		{Text: "chosen"},
		{Text: "Last & final <words>"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	wantNotes := []indexer.Note{
		{Number: 1, Label: "1", Text: "First note, in two paragraphs."},
		{Number: 2, Label: "2", Text: "Second note, cited second."},
	}
	if diff := cmp.Diff(wantNotes, c.Pages[0].Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	all := contentText(c)
	for _, absent := range []string{"deleted", "RUNNING HEADER", "FOOTER", "HYPERLINK", "fallback", "Never cited", "\uE002", "\uE003"} {
		if strings.Contains(all, absent) {
			t.Errorf("extraction contains %q, which is not document text", absent)
		}
	}
	if q := c.Pages[0].Quality; q.Words == 0 || q.NeedsOCR {
		t.Errorf("quality %+v, want words and no OCR need", q)
	}
}

// contentText is every line and note of c.
func contentText(c *indexer.Content) string {
	var b strings.Builder
	for _, p := range c.Pages {
		for _, l := range p.Lines {
			b.WriteString(l.Text + "\n")
		}
		for _, n := range p.Notes {
			b.WriteString(n.Text + "\n")
		}
	}
	return b.String()
}

// A numbering style attached to a paragraph style numbers the paragraph
// without a numPr of its own.
func TestExtractDOCXStyleNumbering(t *testing.T) {
	styles := `<w:styles ` + wNS + `><w:style w:styleId="Numberedpara"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>`
	doc := `<w:document ` + wNS + `><w:body>` + para(0, 0, "Numberedpara", run("one")) + para(0, 0, "Numberedpara", run("two")) + `</w:body></w:document>`
	c, err := extractDOCX(t.Context(), makeDOCX(t, "word/document.xml", doc, "word/numbering.xml", numberingXML, "word/styles.xml", styles))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range c.Pages[0].Lines {
		got = append(got, l.Text)
	}
	if diff := cmp.Diff([]string{"1. one", "2. two"}, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

// The paragraphs of a text box sit inside a run of the paragraph that
// anchors the box: neither loses its text, numbering or footnotes.
func TestExtractDOCXTextBox(t *testing.T) {
	box := func(text string) string {
		return `<w:txbxContent>` + para(0, 0, "", run(text)) + `</w:txbxContent>`
	}
	outer := run("Before box") + `<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx xmlns:wps="wps">` + box("Boxed text") +
		`</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox xmlns:v="v">` + box("Boxed text") +
		`</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>` + run(" after box.") + fnRef("2")
	doc := `<w:document ` + wNS + `><w:body>` + para(1, 0, "", outer) + para(1, 0, "", run("Next.")) + `</w:body></w:document>`
	c, err := extractDOCX(t.Context(), makeDOCX(t, "word/document.xml", doc, "word/numbering.xml", numberingXML, "word/footnotes.xml", footnotesXML))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range c.Pages[0].Lines {
		got = append(got, l.Text)
	}
	want := []string{"Boxed text", "1. Before box after box." + indexer.CalloutMarker(1), "2. Next."}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	checkDOCXContent(t, c)
}

// Footnote ids are attribute text: odd spacing in them must not leave a
// reference placeholder in the text or lose the callout.
func TestExtractDOCXOddFootnoteIDs(t *testing.T) {
	doc := `<w:document ` + wNS + `><w:body>` + para(0, 0, "", run("a")+fnRef(" 9  ")+run(" b")+fnRef("")) + `</w:body></w:document>`
	notes := `<w:footnotes ` + wNS + `><w:footnote w:id=" 9  "><w:p>` + run("Spaced id.") + `</w:p></w:footnote></w:footnotes>`
	c, err := extractDOCX(t.Context(), makeDOCX(t, "word/document.xml", doc, "word/footnotes.xml", notes))
	if err != nil {
		t.Fatal(err)
	}
	want := "a" + indexer.CalloutMarker(1) + " b" + indexer.CalloutMarker(2)
	if got := c.Pages[0].Lines[0].Text; got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	if len(c.Pages[0].Notes) != 2 || c.Pages[0].Notes[0].Text != "Spaced id." {
		t.Errorf("notes = %+v", c.Pages[0].Notes)
	}
}

// Private-use characters in the document's own text cannot forge callouts.
func TestExtractDOCXForgedCalloutMarkers(t *testing.T) {
	forged := indexer.CalloutMarker(7) + "\uE002x\uE003"
	doc := `<w:document ` + wNS + `><w:body>` + para(0, 0, "", run("text"+forged+" more")) + `</w:body></w:document>`
	c, err := extractDOCX(t.Context(), makeDOCX(t, "word/document.xml", doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Pages[0].Lines[0].Text; strings.ContainsAny(got, "\uE000\uE001\uE002\uE003") {
		t.Errorf("line %q keeps private-use markers from the document text", got)
	}
}

// deflated returns data compressed as a zip entry would hold it.
func deflated(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawEntry is a zip entry whose header declares size bytes, whatever data
// holds.
type rawEntry struct {
	name string
	data []byte
	size uint64
}

// rawZip writes deflated entries with the sizes they declare.
func rawZip(t *testing.T, entries ...rawEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		raw := deflated(t, e.data)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(e.data),
			CompressedSize64: uint64(len(raw)), UncompressedSize64: e.size})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExtractDOCXCorrupt(t *testing.T) {
	doc := []byte(`<w:document ` + wNS + `><w:body>` + para(0, 0, "", run("x")) + `</w:body></w:document>`)
	deep := `<w:document ` + wNS + `><w:body>` + strings.Repeat("<w:sdt>", 300) + strings.Repeat("</w:sdt>", 300) + `</w:body></w:document>`
	good := testDOCX(t)
	tests := []struct {
		name string
		data []byte
		want string // substring of the error
	}{
		{"empty file", nil, "not a zip"},
		{"not a zip", []byte("%PDF-1.4 this is no docx"), "not a zip"},
		{"truncated zip", good[:len(good)/2], "not a zip"},
		{"zip without document.xml", makeDOCX(t, "word/styles.xml", "<w:styles/>"), "no word/document.xml"},
		{"document part declared over 64 MB", rawZip(t, rawEntry{"word/document.xml", doc, 65 << 20}), "docx part word/document.xml is 68157440 bytes"},
		{"numbering part declared over 64 MB", rawZip(t, rawEntry{"word/document.xml", doc, uint64(len(doc))},
			rawEntry{"word/numbering.xml", []byte(numberingXML), 1 << 40}), "docx part word/numbering.xml is 1099511627776 bytes"},
		{"part larger than declared", rawZip(t, rawEntry{"word/document.xml", bytes.Repeat([]byte("<w:p/>"), 200_000), 100}), "reading word/document.xml"},
		{"corrupt deflate data", corruptDeflate(t, doc), "word/document.xml"},
		{"truncated XML", makeDOCX(t, "word/document.xml", `<w:document `+wNS+`><w:body><w:p><w:r><w:t>x`), "word/document.xml"},
		{"XML nested too deeply", makeDOCX(t, "word/document.xml", deep), "nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := extractDOCX(t.Context(), tt.data)
			if err == nil {
				t.Fatalf("no error; content %+v", c)
			}
			if !errors.Is(err, indexer.ErrExtract) {
				t.Errorf("error %v does not wrap ErrExtract", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "runtime error") {
				t.Errorf("a panic was turned into %q", err)
			}
		})
	}
}

// corruptDeflate makes a zip whose document.xml is a valid entry with its
// compressed bytes damaged.
func corruptDeflate(t *testing.T, doc []byte) []byte {
	z := rawZip(t, rawEntry{"word/document.xml", doc, uint64(len(doc))})
	i := bytes.Index(z, []byte("word/document.xml")) + len("word/document.xml")
	for j := i + 2; j < i+12 && j < len(z); j++ {
		z[j] ^= 0xff
	}
	return z
}

func TestExtractDOCXCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := extractDOCX(ctx, testDOCX(t)); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// checkDOCXContent checks what every successful DOCX extraction promises:
// one page, notes numbered 1..n in order, and callouts that name exactly
// those notes.
func checkDOCXContent(t *testing.T, c *indexer.Content) {
	t.Helper()
	if c == nil || c.Format != "docx" || len(c.Pages) != 1 {
		t.Fatalf("content %+v, want one docx page", c)
	}
	p := c.Pages[0]
	for i, n := range p.Notes {
		if n.Number != i+1 || n.Label != strconv.Itoa(i+1) {
			t.Fatalf("note %d numbered %d (%q)", i, n.Number, n.Label)
		}
		if strings.ContainsAny(n.Text, "\uE000\uE001\uE002\uE003") {
			t.Fatalf("note %d keeps a marker or placeholder: %q", n.Number, n.Text)
		}
	}
	called := map[int]bool{}
	for _, l := range p.Lines {
		if strings.TrimSpace(l.Text) == "" {
			t.Fatalf("empty line kept")
		}
		if strings.ContainsAny(l.Text, "\uE002\uE003") {
			t.Fatalf("reference placeholder left in %q", l.Text)
		}
		_, callouts := indexer.StripCallouts(l.Text)
		for _, co := range callouts {
			if co.Number < 1 || co.Number > len(p.Notes) {
				t.Fatalf("callout %d in %q names no note (%d notes)", co.Number, l.Text, len(p.Notes))
			}
			called[co.Number] = true
		}
	}
	if len(called) != len(p.Notes) {
		t.Fatalf("%d notes but callouts for %d of them", len(p.Notes), len(called))
	}
}

func TestExtractDOCXBundled(t *testing.T) {
	b, err := os.ReadFile("../corpus/gb/GB.319_POL_2.en.docx")
	if err != nil {
		t.Fatal(err)
	}
	c, err := extractDOCX(t.Context(), b)
	if err != nil {
		t.Fatal(err)
	}
	checkDOCXContent(t, c)
	if n := len(c.Pages[0].Notes); n != 17 {
		t.Errorf("%d footnotes, want 17", n)
	}
	all := contentText(c)
	for _, furniture := range []string{"GB319-POL_2_[MIGRA-131016-1]-En.docx"} {
		if strings.Contains(all, furniture) {
			t.Errorf("the footer %q was read", furniture)
		}
	}
}

// FuzzExtractDOCX: no input makes ExtractDOCX panic (or turn a panic into
// an error); failures wrap ErrExtract; what it extracts keeps its promises.
func FuzzExtractDOCX(f *testing.F) {
	if b, err := os.ReadFile("../corpus/gb/GB.319_POL_2.en.docx"); err == nil {
		f.Add(b)
	}
	f.Add(testDOCX(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := extractDOCX(t.Context(), b)
		if err != nil {
			if !errors.Is(err, indexer.ErrExtract) {
				t.Fatalf("error %v does not wrap ErrExtract", err)
			}
			if strings.Contains(err.Error(), "runtime error") {
				t.Fatalf("panic inside ExtractDOCX: %v", err)
			}
			return
		}
		checkDOCXContent(t, c)
	})
}

// FuzzDOCXParts fuzzes the XML parts inside a well-formed zip, which
// mutations of a whole DOCX rarely reach (the zip's checksums reject them).
func FuzzDOCXParts(f *testing.F) {
	f.Add([]byte(testDocumentXML()), []byte(numberingXML), []byte(footnotesXML))
	if b, err := os.ReadFile("../corpus/gb/GB.319_POL_2.en.docx"); err == nil {
		if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
			part := func(name string) []byte {
				for _, zf := range zr.File {
					if zf.Name == name {
						rc, err := zf.Open()
						if err != nil {
							f.Fatal(err)
						}
						defer rc.Close()
						b, err := io.ReadAll(rc)
						if err != nil {
							f.Fatal(err)
						}
						return b
					}
				}
				return nil
			}
			f.Add(part("word/document.xml"), part("word/numbering.xml"), part("word/footnotes.xml"))
		}
	}
	f.Fuzz(func(t *testing.T, document, numbering, footnotes []byte) {
		b := makeDOCX(t, "word/document.xml", string(document), "word/numbering.xml", string(numbering), "word/footnotes.xml", string(footnotes))
		c, err := extractDOCX(t.Context(), b)
		if err != nil {
			if !errors.Is(err, indexer.ErrExtract) || strings.Contains(err.Error(), "runtime error") {
				t.Fatalf("error %v", err)
			}
			return
		}
		checkDOCXContent(t, c)
	})
}
