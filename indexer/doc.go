// Package indexer turns files into search documents.
//
// A file passes through three stages:
//
//	extract  file bytes → [Content]: text page by page, footnotes apart,
//	         callouts marked (PDF in indexer/pdftext, DOCX, OCR text, Markdown)
//	parse    Content + the manifest's metadata → [Document]: symbol, session,
//	         section, metadata block, numbered paragraphs, footnotes, references
//	emit     the Document goes to a [Sink], normally the search index
//
// Package indexer does not import bleve or net/http; cmd/gbsearch wires the
// stages together.
package indexer
