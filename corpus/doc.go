// Package corpus knows where documents live: it loads and validates the
// librarian's manifests (MANIFEST.tsv) and walks a corpus tree over an
// [fs.FS], telling for every file whether it is an input to the indexer and,
// when it is not, why.
//
// A corpus is a directory tree. Any directory may hold a MANIFEST.tsv whose
// paths are relative to that directory; its title and date columns are the
// librarian's metadata and fill what a file's own text lacks. Files beneath no
// manifest are still inputs: their metadata comes from their text alone.
//
// The bundled corpus (GB.319/POL/2 as OCR text, PDF and DOCX, with its
// hand-checked truth file) lives in corpus/gb and is not embedded: the
// binary reads it from disk like any other corpus. Only its OCR text is
// built in, as the corpus generator's seed ([SeedText]).
//
// Package corpus imports nothing of gbsearch's and no third-party library.
package corpus
