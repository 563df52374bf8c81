// Package search owns the bleve index: its mapping, the gbsearch query
// language and its translation into bleve queries, facets, passages with
// highlights, the citation graph, and the writer that fills the index.
//
// Bleve types never leave this package: callers see [Request], [Result],
// [DocumentView] and [Citations]. Field names are those of mapping.go;
// change them together with [MappingVersion].
package search
