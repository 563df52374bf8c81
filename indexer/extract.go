package indexer

import (
	"context"
	"errors"
	"io"
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
