package indexer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"
)

// ErrExtract marks a file whose text could not be extracted (a corrupt PDF,
// a DOCX that is not a zip). The pipeline reports such a file and goes on.
var ErrExtract = errors.New("extracting text")

// Extractor turns the bytes of one file into [Content]. Implementations
// must never panic and must return promptly once ctx is done.
type Extractor interface {
	Extract(ctx context.Context, r io.ReaderAt, size int64) (*Content, error)
}

// ExtractorFunc adapts a function to [Extractor].
type ExtractorFunc func(ctx context.Context, r io.ReaderAt, size int64) (*Content, error)

// Extract calls f.
func (f ExtractorFunc) Extract(ctx context.Context, r io.ReaderAt, size int64) (*Content, error) {
	return f(ctx, r, size)
}

// Formats of input files.
const (
	FormatPDF  = "pdf"
	FormatDOCX = "docx"
	FormatText = "txt"
	FormatMD   = "md"
	FormatHTML = "html"
)

// ErrUnsupported marks a file whose content is of no format gbsearch reads.
var ErrUnsupported = errors.New("unsupported file type")

// DetectFormat decides a file's format from its first bytes, falling back
// on the name only to tell Markdown from plain text. Content decides, not
// the name: an upload called report.pdf that holds a zip is not a PDF.
func DetectFormat(name string, head []byte) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	switch {
	case isPDF(head):
		return FormatPDF, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		switch {
		case bytes.Contains(head, []byte("word/")):
			return FormatDOCX, nil
		case bytes.Contains(head, []byte("xl/workbook.")) || bytes.Contains(head, []byte("ppt/presentation.")):
			// Office Open XML like a DOCX, [Content_Types].xml and all
			return "", fmt.Errorf("%w: a spreadsheet or presentation, not a DOCX", ErrUnsupported)
		case ext == ".docx" || bytes.Contains(head, []byte("[Content_Types].xml")):
			// the parts may lie beyond the bytes given
			return FormatDOCX, nil
		}
		return "", fmt.Errorf("%w: a zip archive that is not a DOCX", ErrUnsupported)
	}
	sniff := bytes.TrimPrefix(head[:min(len(head), 512)], []byte("\xef\xbb\xbf"))
	sniff = bytes.ToLower(bytes.TrimSpace(sniff))
	if bytes.HasPrefix(sniff, []byte("<!doctype html")) || bytes.HasPrefix(sniff, []byte("<html")) ||
		((ext == ".html" || ext == ".htm") && bytes.HasPrefix(sniff, []byte("<"))) {
		return FormatHTML, nil
	}
	if !looksText(head) {
		return "", fmt.Errorf("%w: binary content", ErrUnsupported)
	}
	switch ext {
	case ".md", ".markdown":
		return FormatMD, nil
	case ".html", ".htm":
		return FormatHTML, nil
	}
	return FormatText, nil
}

// isPDF reports whether head starts like a PDF. Readers accept the header
// anywhere in the first 1024 bytes, after junk a transfer or a tool left
// (comment lines, even); but a text that merely mentions "%PDF-1.7" is no
// PDF: after text-like junk, the PDF's objects must follow.
func isPDF(head []byte) bool {
	i := bytes.Index(head[:min(len(head), 1024)], []byte("%PDF-"))
	if i < 0 {
		return false
	}
	junk := head[:i]
	return len(bytes.TrimSpace(junk)) == 0 || !looksText(junk) || !utf8.Valid(junk) || bytes.Contains(head[i:], []byte("endobj"))
}

func looksText(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	ctrl := 0
	for _, c := range head {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctrl++
		}
	}
	return ctrl*50 <= len(head)
}

// Extractors maps a format to its extractor. The PDF extractor lives in
// indexer/pdftext (the only importer of the PDF library) and is added by the
// caller; see [NewExtractors].
type Extractors map[string]Extractor

// NewExtractors returns the extractors of every format, with pdf for PDFs.
func NewExtractors(pdf Extractor) Extractors {
	return Extractors{
		FormatPDF:  pdf,
		FormatDOCX: ExtractorFunc(ExtractDOCX),
		FormatText: ExtractorFunc(ExtractText),
		FormatMD:   ExtractorFunc(ExtractMarkdown),
		FormatHTML: ExtractorFunc(ExtractHTML),
	}
}

// Extract runs the extractor of format over r.
func (x Extractors) Extract(ctx context.Context, format string, r io.ReaderAt, size int64) (*Content, error) {
	e, ok := x[format]
	if !ok || e == nil {
		return nil, fmt.Errorf("%w: no extractor for %q", ErrUnsupported, format)
	}
	return e.Extract(ctx, r, size)
}
