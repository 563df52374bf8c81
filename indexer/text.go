package indexer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// maxTextFile bounds what a plain text or Markdown file may weigh: the
// largest real source is well under a megabyte.
const maxTextFile = 64 << 20

// readAllAt reads a whole file given as an io.ReaderAt, refusing more than
// limit bytes.
func readAllAt(r io.ReaderAt, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, fmt.Errorf("%w: file is %d bytes, more than the %d allowed", ErrExtract, size, limit)
	}
	b := make([]byte, size)
	n, err := r.ReadAt(b, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%w: reading: %w", ErrExtract, err)
	}
	return b[:n], nil
}

// decodeText returns b as UTF-8 text, reading Windows-1252/Latin-1 bytes
// where b is not valid UTF-8 (old text exports), and refusing binary data.
func decodeText(b []byte) (string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(b, 0) >= 0 {
		return "", fmt.Errorf("%w: binary data (NUL bytes) in a text file", ErrExtract)
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	var sb strings.Builder
	for _, c := range b {
		sb.WriteRune(cp1252(c))
	}
	return sb.String(), nil
}

// cp1252 maps a Windows-1252 byte to its rune.
func cp1252(c byte) rune {
	table := map[byte]rune{0x80: '€', 0x82: '‚', 0x84: '„', 0x85: '…', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—', 0x99: '™'}
	if r, ok := table[c]; ok {
		return r
	}
	return rune(c)
}

// readText reads a whole text file (bounded) as UTF-8.
func readText(ctx context.Context, r io.ReaderAt, size int64) (string, error) {
	b, err := readAllAt(r, size, maxTextFile)
	if err != nil {
		return "", err
	}
	s, err := decodeText(b)
	if err != nil {
		return "", err
	}
	return s, ctx.Err()
}

// ExtractPlainText reads a text file as lines, one page per form feed,
// keeping blank lines (they separate blocks).
func ExtractPlainText(ctx context.Context, r io.ReaderAt, size int64) (*Content, error) {
	s, err := readText(ctx, r, size)
	if err != nil {
		return nil, err
	}
	c := &Content{Format: "txt"}
	for i, pageText := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\f") {
		p := Page{Number: i + 1}
		for _, l := range strings.Split(pageText, "\n") {
			t := strings.TrimRight(l, " \t\r")
			if strings.TrimSpace(t) == "" {
				p.Lines = append(p.Lines, Line{Blank: true})
				continue
			}
			p.Lines = append(p.Lines, Line{Text: strings.TrimSpace(t)})
		}
		p.Quality = Quality(pageText)
		c.Pages = append(c.Pages, p)
	}
	return c, nil
}

// ExtractText reads a .txt file. Text files in a GB corpus are mostly OCR
// output of printed papers, so the plain reading is followed by OCR repair
// (see [RepairOCR]), which leaves clean text alone.
func ExtractText(ctx context.Context, r io.ReaderAt, size int64) (*Content, error) {
	c, err := ExtractPlainText(ctx, r, size)
	if err != nil {
		return nil, err
	}
	return RepairOCR(c), nil
}
