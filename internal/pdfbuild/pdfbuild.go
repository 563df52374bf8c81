// Package pdfbuild writes small PDF files object by object, with the
// cross-reference table and trailer that make them valid: the generator of
// scale corpora and the tests of PDF extraction build theirs with it.
package pdfbuild

import (
	"bytes"
	"fmt"
)

// File is a PDF being written. Objects are numbered from 1 in the order
// they are added; object 1 must be the catalog.
type File struct {
	b       bytes.Buffer
	offsets []int
}

// New starts a PDF 1.4 file. The comment of high bytes after the version
// line tells transfer tools that the file is binary.
func New() *File {
	f := &File{}
	f.b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	return f
}

// Object adds an object whose body is given as PDF syntax and returns its
// number.
func (f *File) Object(body string) int {
	f.offsets = append(f.offsets, f.b.Len())
	fmt.Fprintf(&f.b, "%d 0 obj\n%s\nendobj\n", len(f.offsets), body)
	return len(f.offsets)
}

// Stream adds a stream object holding data, its dictionary the /Length
// followed by entries (e.g. " /Filter /FlateDecode"), and returns its
// number.
func (f *File) Stream(entries string, data []byte) int {
	f.offsets = append(f.offsets, f.b.Len())
	fmt.Fprintf(&f.b, "%d 0 obj\n<< /Length %d%s >>\nstream\n", len(f.offsets), len(data), entries)
	f.b.Write(data)
	f.b.WriteString("\nendstream\nendobj\n")
	return len(f.offsets)
}

// Bytes ends the file with its cross-reference table and trailer and
// returns it.
func (f *File) Bytes() []byte {
	xref := f.b.Len()
	fmt.Fprintf(&f.b, "xref\n0 %d\n0000000000 65535 f \n", len(f.offsets)+1)
	for _, o := range f.offsets {
		fmt.Fprintf(&f.b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&f.b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(f.offsets)+1, xref)
	return f.b.Bytes()
}
