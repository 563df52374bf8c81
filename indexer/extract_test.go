package indexer_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"gbsearch/indexer"
	"gbsearch/internal/testutil"
)

func TestDetectFormat(t *testing.T) {
	docx, err := os.ReadFile("../corpus/gb/GB.319_POL_2.en.docx")
	if err != nil {
		t.Fatal(err)
	}
	xlsx := makeDOCX(t, "[Content_Types].xml", "<Types/>", "xl/workbook.xml", "<workbook/>")
	pptx := makeDOCX(t, "[Content_Types].xml", "<Types/>", "ppt/presentation.xml", "<p/>")
	plainZip := makeDOCX(t, "readme.txt", "hello")
	tests := []struct {
		name string
		file string
		head []byte
		want string // a format, or "" for ErrUnsupported
	}{
		{"PDF magic", "a.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), indexer.FormatPDF},
		{"PDF whatever its name", "a.txt", []byte("%PDF-1.4\n"), indexer.FormatPDF},
		{"PDF after binary junk", "a.pdf", []byte("\x00\x01junk%PDF-1.4\n1 0 obj"), indexer.FormatPDF},
		{"PDF after comment lines, objects following", "a.pdf", []byte("# produced by a tool\n%PDF-2.0\n1 0 obj<<>>endobj"), indexer.FormatPDF},
		{"text that mentions the PDF header", "notes.md", []byte("# PDF notes\nEvery PDF starts with %PDF-1.7.\n"), indexer.FormatMD},
		{"HTML that mentions the PDF header", "a.html", []byte("<html><body><p>The magic is %PDF-1.4</p>"), indexer.FormatHTML},
		{"DOCX", "GB.319_POL_2.en.docx", docx, indexer.FormatDOCX},
		{"DOCX whatever its name", "upload.bin", docx, indexer.FormatDOCX},
		{"DOCX head only, named .docx", "a.docx", docx[:64], indexer.FormatDOCX},
		{"DOCX head showing content types", "a", makeDOCX(t, "[Content_Types].xml", "<Types/>")[:100], indexer.FormatDOCX},
		{"plain zip", "a.zip", plainZip, ""},
		{"plain zip called .pdf", "report.pdf", plainZip, ""},
		{"spreadsheet", "report.xlsx", xlsx, ""},
		{"spreadsheet called .docx", "report.docx", xlsx, ""},
		{"presentation", "slides.pptx", pptx, ""},
		{"HTML doctype", "page.txt", []byte("<!DOCTYPE html><html><body>x"), indexer.FormatHTML},
		{"HTML tag in capitals after spaces", "page", []byte("\n  <HTML lang=en>"), indexer.FormatHTML},
		{"HTML after a BOM and spaces", "page.txt", []byte("\xef\xbb\xbf  <html>"), indexer.FormatHTML},
		{"HTML fragment named .html", "a.html", []byte("  <div>x</div>"), indexer.FormatHTML},
		{"HTML fragment named .htm", "a.HTM", []byte("<p>x"), indexer.FormatHTML},
		{"HTML text named .html", "a.html", []byte("just text"), indexer.FormatHTML},
		{"angle bracket in a .txt", "a.txt", []byte("<not html> text"), indexer.FormatText},
		{"Markdown", "C189.md", []byte("##Verdrag"), indexer.FormatMD},
		{"Markdown long extension", "a.markdown", []byte("# x"), indexer.FormatMD},
		{"Markdown in capitals", "A.MD", []byte("# x"), indexer.FormatMD},
		{"text", "GB.319_POL_2.en.txt", []byte("INTERNATIONAL LABOUR OFFICE\r\nGoverning Body\f"), indexer.FormatText},
		{"text without extension", "README", []byte("plain"), indexer.FormatText},
		{"Latin-1 text", "a.txt", []byte("caf\xe9 cr\xe8me"), indexer.FormatText},
		{"empty file", "a.txt", nil, indexer.FormatText},
		{"NUL byte", "a.txt", []byte("text\x00more"), ""},
		{"control characters", "a.md", []byte("\x01\x02\x03\x04\x05\x06\x07\x08 text"), ""},
		{"JPEG", "scan.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"), ""},
		{"JPEG called .txt", "scan.txt", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := indexer.DetectFormat(tt.file, tt.head)
			if tt.want == "" {
				if !errors.Is(err, indexer.ErrUnsupported) || got != "" {
					t.Errorf("DetectFormat = %q, %v; want ErrUnsupported", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("DetectFormat = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// Every file of the shared PDF robustness corpus with a PDF header in its
// first KB (broken and fuzzed PDFs, some with leading junk) is still
// recognised as a PDF, and every treaty source as Markdown.
func TestDetectFormatSharedCorpora(t *testing.T) {
	pdfs := testutil.SharedDir(t, "pdf-robustness")
	files, err := filepath.Glob(filepath.Join(pdfs, "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
			continue
		}
		n++
		if got, err := indexer.DetectFormat(f, b); got != indexer.FormatPDF {
			t.Errorf("%s: DetectFormat = %q, %v; want pdf", f, got, err)
		}
	}
	if n == 0 {
		t.Errorf("no PDF in %s", pdfs)
	}
	sources := testutil.SharedDir(t, "corpus/sources")
	mds, err := filepath.Glob(filepath.Join(sources, "*", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range mds {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// some sources start with a <meta> tag: still Markdown
		if got, err := indexer.DetectFormat(f, b); got != indexer.FormatMD {
			t.Errorf("%s: DetectFormat = %q, %v; want md", f, got, err)
		}
	}
}

func TestExtractorsUnknownFormat(t *testing.T) {
	x := indexer.NewExtractors(nil)
	if _, err := x.Extract(t.Context(), "pdf", bytes.NewReader(nil), 0); !errors.Is(err, indexer.ErrUnsupported) {
		t.Errorf("pdf without an extractor: err = %v, want ErrUnsupported", err)
	}
	if _, err := x.Extract(t.Context(), "odt", bytes.NewReader(nil), 0); !errors.Is(err, indexer.ErrUnsupported) {
		t.Errorf("odt: err = %v, want ErrUnsupported", err)
	}
}
