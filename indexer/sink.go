package indexer

import "context"

// Sink receives what the pipeline produces. *search.Writer is the real one;
// it keeps documents and file records in the same index so that a crash
// never leaves one without the other.
type Sink interface {
	// Put adds or replaces a document version.
	Put(ctx context.Context, d *Document) error
	// Remove deletes a document version by ID (symbol@lang).
	Remove(ctx context.Context, id string) error
	// SetRecord and DeleteRecord keep the record of what was indexed from
	// each file; Records reads them all back.
	SetRecord(ctx context.Context, r FileRecord) error
	DeleteRecord(ctx context.Context, key string) error
	Records(ctx context.Context) (map[string]FileRecord, error)
	// Commit makes everything put so far visible and durable as one step.
	Commit(ctx context.Context) error
}

// FileRecord is what the indexer remembers of one input file, to skip it
// next time when it has not changed.
type FileRecord struct {
	// Key identifies the file: its corpus root and path ("corpus|gb/x.pdf").
	Key    string `json:"key"`
	Corpus string `json:"corpus"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Extractor is the ExtractorVersion that read the file.
	Extractor string `json:"extractor"`
	// DocID is the document version the file went into ("" if it failed).
	DocID string `json:"doc_id,omitempty"`
	// Format is the detected file format.
	Format string `json:"format,omitempty"`
	// Failure, when set, says why the file is not in the index.
	Failure *Failure `json:"failure,omitempty"`
	// Quality of the extraction, for the librarian's report.
	Pages      int      `json:"pages,omitempty"`
	NeedsOCR   int      `json:"pages_need_ocr,omitempty"`
	GluedRatio float64  `json:"glued_ratio,omitempty"`
	Warnings   []string `json:"warnings,omitempty"`
}

// Failure says why a file could not be indexed.
type Failure struct {
	// Reason is a short category: "corrupt", "unsupported", "timeout",
	// "too-large", "empty", "missing".
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}
