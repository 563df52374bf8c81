package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // registers the "en" analyzer
	_ "github.com/blevesearch/bleve/v2/analysis/lang/es" // registers the "es" analyzer
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr" // registers the "fr" analyzer
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl" // registers the "nl" analyzer
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion changes whenever NewMapping changes in a way that needs a
// rebuild; an index built with another version is rebuilt, not reused.
// Version 4 dropped the passage documents: passages are cut from the
// document's stored text where the search's term locations fall. Version 5
// stores a version's texts as spans into that stored text, and deflates
// what is stored (see stored.go). Version 6 gives each text field a field
// of the word pairs that phrases look up (see pairs.go).
const MappingVersion = "6"

// Languages with their own analysis. Documents come in English, French and
// Spanish; Dutch is the translation mixed into the treaty sources, indexed
// apart so that it never pollutes English search.
var Languages = []string{"en", "fr", "es", "nl"}

// searchLanguages are searched when a query names no language; Dutch is not
// among them (ask for lang:nl).
var searchLanguages = []string{"en", "fr", "es"}

// Document types in the index. A "doc" is the searchable unit: one symbol
// with the text of all its language versions, each in a field analysed for
// its language, so that one hit groups the languages of a document and
// paging, totals and facets count documents, not files. Its "text" (ID
// textPrefix+symbol) stores that text and the map of its passages
// (paragraphs, footnotes, summaries: where each starts and ends in the
// text), so that a result page shows the passages where the search's
// matches fall without a second index of the same text. It is a document
// of its own because bleve reads all the stored fields of a document to
// get one (its ID, for the tie-break of every match, or its summary for a
// hit): kept in the doc, the text made every search decompress it. A
// "version" keeps one language version's parsed structure (stored only),
// its texts as spans into the "text" of its symbol.
//
// Passages were documents of their own until mapping version 4: that
// analysed every text twice and made ~85 index documents of each version,
// which cost 2.9x the CPU of indexing the documents alone.
const (
	typeDoc     = "doc"
	typeText    = "text"
	typeVersion = "version"
	typeRecord  = "record"
)

// textPrefix starts the IDs of the stored texts of documents.
const textPrefix = "text:"

// recordPrefix starts the IDs of file records.
const recordPrefix = "file:"

// Field names.
const (
	fType        = "type"
	fSymbol      = "symbol"
	fSymbolSort  = "symbol_sort"
	fAliases     = "aliases"
	fKind        = "kind"
	fLang        = "lang"
	fSection     = "section"
	fSession     = "session"
	fSessionN    = "session_n"
	fYear        = "year"
	fYearN       = "year_n"
	fDate        = "date"
	fAuthor      = "author"
	fOutcome     = "outcome"
	fCites       = "cites"
	fCitesInstr  = "cites_instrument"
	fCitesKind   = "cites_kind"
	fCitesTyped  = "cites_typed"
	fTitle       = "title"
	fInfo        = "info"
	fSource      = "source"
	fVersionOf   = "version_of"
	fPassages    = "pmap"
	fStoredText  = "stext_"
	fRStatus     = "rstatus"
	fRData       = "rdata"
	fTextPrefix  = "text_"
	fTitlePrefix = "title_"
)

// NewMapping builds the index mapping. Keyword fields hold what is filtered,
// faceted and looked up exactly (symbols never go through a text analyser,
// which would shred GB.319/POL/2 into gb 319 pol 2); text fields are
// analysed per language; only what a result page shows is stored.
func NewMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.TypeField = fType
	im.DefaultAnalyzer = "en"
	im.ScoringModel = "bm25"
	im.DefaultMapping = bleve.NewDocumentDisabledMapping()
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	kw := func(store, docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.DocValues = docValues
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	text := func(lang string, store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = lang
		f.Store = store
		f.IncludeInAll = false
		// positions are what phrase queries need; their byte offsets are
		// what places a match in a passage and marks it
		f.IncludeTermVectors = true
		f.DocValues = false
		return f
	}
	num := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fType, kw(false, false))
	doc.AddFieldMappingsAt(fSymbol, kw(true, false))
	doc.AddFieldMappingsAt(fSymbolSort, kw(false, true))
	doc.AddFieldMappingsAt(fAliases, kw(true, true))
	for _, f := range []string{fKind, fLang, fSection, fSession, fYear, fAuthor, fOutcome, fCitesInstr, fCitesKind} {
		doc.AddFieldMappingsAt(f, kw(false, true))
	}
	doc.AddFieldMappingsAt(fCites, kw(false, false))
	doc.AddFieldMappingsAt(fCitesTyped, kw(false, true))
	doc.AddFieldMappingsAt(fSessionN, num())
	doc.AddFieldMappingsAt(fYearN, num())
	date := bleve.NewDateTimeFieldMapping()
	date.Store = false
	date.DocValues = true
	date.IncludeInAll = false
	doc.AddFieldMappingsAt(fDate, date)
	doc.AddFieldMappingsAt(fTitle, stored())
	doc.AddFieldMappingsAt(fInfo, stored())
	for _, l := range Languages {
		doc.AddFieldMappingsAt(fTextPrefix+l, text(l, false))
		doc.AddFieldMappingsAt(fTitlePrefix+l, text(l, false))
	}
	// no field goes into _all, and the pair fields must not (withWordPairs)
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	im.AddDocumentMapping(typeDoc, doc)

	txt := bleve.NewDocumentStaticMapping()
	txt.AddFieldMappingsAt(fType, kw(false, false))
	txt.AddFieldMappingsAt(fPassages, stored())
	for _, l := range Languages {
		// the passages a result page shows are cut from it
		txt.AddFieldMappingsAt(fStoredText+l, stored())
	}
	im.AddDocumentMapping(typeText, txt)

	version := bleve.NewDocumentStaticMapping()
	version.AddFieldMappingsAt(fType, kw(false, false))
	version.AddFieldMappingsAt(fVersionOf, kw(false, false))
	version.AddFieldMappingsAt(fSource, stored())
	im.AddDocumentMapping(typeVersion, version)

	record := bleve.NewDocumentStaticMapping()
	record.AddFieldMappingsAt(fType, kw(false, false))
	record.AddFieldMappingsAt(fRStatus, kw(false, false))
	record.AddFieldMappingsAt(fRData, stored())
	im.AddDocumentMapping(typeRecord, record)
	return im
}
