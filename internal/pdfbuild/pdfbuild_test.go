package pdfbuild

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"testing"
)

// TestCrossReferences: every offset of the table points at its object, and
// startxref at the table.
func TestCrossReferences(t *testing.T) {
	f := New()
	if n := f.Object("<< /Type /Catalog /Pages 2 0 R >>"); n != 1 {
		t.Fatalf("first object is %d", n)
	}
	f.Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	f.Object("<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>")
	if n := f.Stream(" /Filter /FlateDecode", []byte("x\x9c\x03\x00\x00\x00\x00\x01")); n != 4 {
		t.Fatalf("stream is object %d", n)
	}
	b := f.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Fatalf("no header or no end:\n%s", b)
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[xref:], []byte("xref\n0 5\n")) {
		t.Fatalf("startxref %d does not point at a table of 5 entries: %q", xref, b[xref:min(len(b), xref+20)])
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(b[xref:], -1)
	if len(entries) != 4 {
		t.Fatalf("%d entries in use, want 4", len(entries))
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("entry %d points at %q", i+1, b[off:min(len(b), off+12)])
		}
	}
	if !bytes.Contains(b, []byte("4 0 obj\n<< /Length 8 /Filter /FlateDecode >>\nstream\n")) {
		t.Errorf("stream dictionary not as written:\n%q", b)
	}
	if !bytes.Contains(b, []byte("trailer\n<< /Size 5 /Root 1 0 R >>")) {
		t.Errorf("trailer wrong:\n%s", b)
	}
}
