// Package pdftext extracts the text of PDF files for the indexer: one
// [indexer.Content] per file, page by page. It is the only package that
// imports github.com/ledongthuc/pdf.
//
// A PDF is a trust boundary. The library reports errors by panicking and
// loops forever on some crafted files. [Extractor.Extract] reads the file
// page by page, each page in its own goroutine under a time bound and with
// panics recovered, so one bad page costs that page only
// ([indexer.Page.Err]). Loops and memory blow-ups inside the library cannot
// be stopped from inside the process: callers that take PDFs from untrusted
// sources run the extractor in a worker process with a deadline and a
// memory cap.
//
// The library provides the object graph, stream filters and font
// encodings; content streams are interpreted here, with a lenient lexer of
// our own (the library's loses the rest of a page at an inline image).
// Text is rebuilt from glyph positions: words are split where glyphs stand
// apart (many producers position words instead of painting blanks, and the
// library's GetPlainText glues those words), lines are glyphs sharing a
// baseline, superscript footnote callouts become [indexer.CalloutMarker]s
// after the word they follow, and the footnote area at the foot of a page
// becomes [indexer.Page.Notes]. A page whose glyph gaps cut words into
// letters (a font with wrong widths) falls back to GetPlainText's word
// breaks: blanks and text objects only. Running headers and footers are
// recognised by their repetition across pages and dropped, and line-end
// hyphens are kept or removed according to the document's own vocabulary.
package pdftext
