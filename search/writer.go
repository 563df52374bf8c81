package search

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"gbsearch/indexer"
)

// Writer adds documents to an index in batches. It satisfies
// [indexer.Sink]. A document version, its passages, the merged searchable
// document of its symbol and the record of the file it came from go into
// the same batch, so a crash (even SIGKILL) leaves all of them or none.
type Writer struct {
	ix *Index
	// MaxBatchBytes commits a batch once the texts of the versions put
	// in it weigh this much: batches sized by bytes keep memory bounded
	// whatever the documents weigh.
	MaxBatchBytes int
	// MaxBatchAge commits a batch that has waited this long, so that a
	// long run shows its progress in search (and a crash loses little).
	MaxBatchAge time.Duration
	opened      time.Time

	batch   *bleve.Batch
	bytes   int
	pending map[string]*indexer.Document // version ID → document put in this batch
	removed map[string]bool              // version IDs removed in this batch
	touched map[string]bool              // symbols whose merged doc must be rebuilt

	analysis *analysisCache // the texts' chunks, analysed
}

// NewWriter returns a writer for ix.
func NewWriter(ix *Index) *Writer {
	// 5 MB of text (~190 generated versions, 8 MB as JSON) per batch: at
	// 10,000 versions, batches of 2 MB of JSON took 86 CPU s and 47 s
	// (peak RSS 339 MB), 8 MB 70 CPU s and 39 s (513 MB): fewer, larger
	// segments to merge. 16 MB saved no more CPU and took 814 MB.
	w := &Writer{ix: ix, MaxBatchBytes: 5 << 20, MaxBatchAge: 2 * time.Second, analysis: newAnalysisCache()}
	w.reset()
	return w
}

func (w *Writer) reset() {
	w.opened = time.Now()
	w.batch = w.ix.bi.NewBatch()
	w.bytes = 0
	w.pending = map[string]*indexer.Document{}
	w.removed = map[string]bool{}
	w.touched = map[string]bool{}
}

// Put adds or replaces a document version. The version is written at the
// next commit, with the other versions and the text of its symbol.
func (w *Writer) Put(ctx context.Context, d *indexer.Document) error {
	if d.ID == "" || d.Symbol == "" {
		return fmt.Errorf("document without id or symbol (from %s)", d.Source.Path)
	}
	w.pending[d.ID] = d
	delete(w.removed, d.ID)
	w.touched[d.Symbol] = true
	w.bytes += batchWeight(d)
	if w.bytes >= w.MaxBatchBytes || w.MaxBatchAge > 0 && time.Since(w.opened) > w.MaxBatchAge {
		return w.Commit(ctx)
	}
	return nil
}

// batchWeight is what a version weighs in a batch: the bytes of its texts.
func batchWeight(d *indexer.Document) int {
	n := len(d.Title)
	eachText(d, func(_ string, s *string) { n += len(*s) })
	return n
}

// Remove deletes a document version and its passages.
func (w *Writer) Remove(_ context.Context, id string) error {
	symbol, _, ok := strings.Cut(id, "@")
	if !ok {
		return fmt.Errorf("%w: %q is not a version id (symbol@lang)", ErrBadQuery, id)
	}
	w.batch.Delete(id)
	delete(w.pending, id)
	w.removed[id] = true
	w.touched[symbol] = true
	return nil
}

// SetRecord stores a file record in the current batch. Records are
// documents of their own type (bleve cannot list its internal keys), kept in
// the same batches as the documents they describe.
func (w *Writer) SetRecord(_ context.Context, r indexer.FileRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	status := "indexed"
	if r.Failure != nil {
		status = "failed"
	}
	return w.batch.Index(recordPrefix+r.Key, map[string]any{fType: typeRecord, fRStatus: status, fRData: string(b)})
}

// DeleteRecord drops a file record in the current batch.
func (w *Writer) DeleteRecord(_ context.Context, key string) error {
	w.batch.Delete(recordPrefix + key)
	return nil
}

// SetExtractorVersion records the extractor version the index is built with.
func (w *Writer) SetExtractorVersion(v string) {
	w.batch.SetInternal([]byte(keyExtractorVersion), []byte(v))
}

// Records reads every file record of the index.
func (w *Writer) Records(ctx context.Context) (map[string]indexer.FileRecord, error) {
	return w.ix.Records(ctx)
}

// Commit rebuilds the merged searchable document of every symbol touched
// and applies the batch.
func (w *Writer) Commit(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	symbols := make([]string, 0, len(w.touched))
	for s := range w.touched {
		symbols = append(symbols, s)
	}
	sort.Strings(symbols)
	stored, err := w.ix.versionsOfSymbols(ctx, symbols)
	if err != nil {
		return err
	}
	for _, s := range symbols {
		versions := w.versionsOf(s, stored[s])
		if len(versions) == 0 {
			w.batch.Delete(s)
			w.batch.Delete(textPrefix + s)
			continue
		}
		fields, texts, pmap := docFields(versions)
		if err := indexDocument(w.batch, w.ix.bi.Mapping(), w.analysis, s, fields); err != nil {
			return err
		}
		text := map[string]any{fType: typeText, fPassages: pack([]byte(pmap))}
		for l, t := range texts {
			text[fStoredText+l] = pack([]byte(t))
		}
		if err := w.batch.Index(textPrefix+s, text); err != nil {
			return fmt.Errorf("indexing %s: %w", s, err)
		}
		// every version of the symbol, stored ones too: their spans point
		// into the text just rebuilt
		for _, d := range versions {
			src, err := packVersion(d, texts)
			if err != nil {
				return err
			}
			if err := w.batch.Index(d.ID, map[string]any{fType: typeVersion, fVersionOf: d.Symbol, fSource: src}); err != nil {
				return fmt.Errorf("indexing %s: %w", d.ID, err)
			}
		}
	}
	if w.batch.Size() > 0 {
		if err := w.ix.bi.Batch(w.batch); err != nil {
			return fmt.Errorf("committing batch: %w", err)
		}
	}
	w.reset()
	return nil
}

// versionsOf returns the versions of a symbol as they will be after the
// current batch: the ones put in it, plus the ones stored in the index
// that it neither replaces nor removes.
func (w *Writer) versionsOf(symbol string, stored []*indexer.Document) []*indexer.Document {
	var out []*indexer.Document
	for _, d := range w.pending {
		if d.Symbol == symbol {
			out = append(out, d)
		}
	}
	for _, d := range stored {
		if _, replaced := w.pending[d.ID]; replaced || w.removed[d.ID] {
			continue
		}
		out = append(out, d)
	}
	SortVersions(out)
	return out
}

// versionsOfSymbols reads the stored versions of many symbols, with the
// texts they are restored from, in a search for each thousand of them, not
// one per symbol: a commit rebuilds the document of every symbol it
// touches, and one search each was a search per version indexed.
func (ix *Index) versionsOfSymbols(ctx context.Context, symbols []string) (map[string][]*indexer.Document, error) {
	out := map[string][]*indexer.Document{}
	const chunk = 1000
	for i := 0; i < len(symbols); i += chunk {
		var should []query.Query
		var tids []string
		for _, s := range symbols[i:min(i+chunk, len(symbols))] {
			q := bleve.NewTermQuery(s)
			q.SetField(fVersionOf)
			should = append(should, q)
			tids = append(tids, textPrefix+s)
		}
		q := bleve.NewDisjunctionQuery(append(should, bleve.NewDocIDQuery(tids))...)
		size := 5 * len(should)
		for {
			req := bleve.NewSearchRequestOptions(q, size, 0, false)
			req.Fields = versionFieldsToLoad
			res, err := ix.search(ctx, req)
			if err != nil {
				return nil, err
			}
			if int(res.Total) > len(res.Hits) {
				size = int(res.Total)
				continue
			}
			texts := map[string]map[string]string{} // symbol → language → text
			for _, h := range res.Hits {
				if sym, ok := strings.CutPrefix(h.ID, textPrefix); ok {
					t, err := storedTexts(h)
					if err != nil {
						return nil, err
					}
					texts[sym] = t
				}
			}
			for _, h := range res.Hits {
				if strings.HasPrefix(h.ID, textPrefix) {
					continue
				}
				sym, _, _ := strings.Cut(h.ID, "@")
				d, err := decodeVersion(h, texts[sym])
				if err != nil {
					return nil, err
				}
				out[d.Symbol] = append(out[d.Symbol], d)
			}
			break
		}
	}
	return out, nil
}

// versionFieldsToLoad are the stored fields versions are decoded from.
var versionFieldsToLoad = func() []string {
	f := []string{fSource}
	for _, l := range Languages {
		f = append(f, fStoredText+l)
	}
	return f
}()

// storedTexts inflates the stored texts of a text document.
func storedTexts(h *bsearch.DocumentMatch) (map[string]string, error) {
	out := map[string]string{}
	for _, l := range Languages {
		t, err := storedField(h.Fields, fStoredText+l)
		if err != nil {
			return nil, fmt.Errorf("decoding stored %s: %w", h.ID, err)
		}
		if t != "" {
			out[l] = t
		}
	}
	return out, nil
}

// SortVersions orders the language versions of a document as the index
// does: the English one, when there is one, speaks for the document (title,
// metadata), then French, then Spanish, then the others in their order.
func SortVersions(vs []*indexer.Document) {
	sort.SliceStable(vs, func(i, j int) bool { return langRank(vs[i].Language) < langRank(vs[j].Language) })
}

func langRank(l string) int {
	switch l {
	case "en":
		return 0
	case "fr":
		return 1
	case "es":
		return 2
	}
	return 3
}

// Info is the stored summary of a document shown in result lists.
type Info struct {
	Symbol       string            `json:"symbol"`
	Kind         string            `json:"kind"`
	Title        string            `json:"title"`
	Titles       map[string]string `json:"titles,omitempty"`
	Languages    []string          `json:"languages"`
	Date         string            `json:"date,omitempty"`
	Session      string            `json:"session,omitempty"`
	Section      string            `json:"section,omitempty"`
	SectionName  string            `json:"section_name,omitempty"`
	Item         string            `json:"item,omitempty"`
	AuthorUnits  []string          `json:"author_units,omitempty"`
	Versions     []string          `json:"versions"`
	Cites        int               `json:"cites"`
	HasFootnotes int               `json:"footnotes,omitempty"`
}

// docFields builds the searchable document of a symbol from its versions
// (the first one speaks for the metadata), its text by language and the
// encoded map of its passages.
func docFields(versions []*indexer.Document) (doc map[string]any, texts map[string]string, pmap string) {
	p := versions[0]
	info := Info{Symbol: p.Symbol, Kind: p.Kind, Title: p.Title, Titles: map[string]string{}, Date: p.Date,
		Session: p.SessionLabel, Section: p.Section, SectionName: p.SectionName, Item: p.Item}
	f := map[string]any{
		fType:       typeDoc,
		fSymbol:     p.Symbol,
		fSymbolSort: symbolSortKey(p.Symbol),
		fKind:       p.Kind,
		fTitle:      p.Title,
	}
	aliases := map[string]bool{p.Symbol: true, strings.ToUpper(p.Symbol): true}
	if sym, err := indexer.ParseSymbol(p.Symbol); err == nil {
		aliases[sym.Canonical] = true
	}
	if u := indexer.UNInstrumentSymbol(p.Title); u != "" {
		aliases[u] = true
	}
	for _, a := range p.Aliases {
		aliases[a] = true
	}
	langs := map[string]bool{}
	cites, citesInstr, citesKind, citesTyped := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	authors := map[string]bool{}
	builders := map[string]*strings.Builder{}
	var refs []passageRef
	for _, d := range versions {
		langs[d.Language] = true
		info.Versions = append(info.Versions, d.ID)
		info.Titles[d.Language] = d.Title
		refs = appendPassages(builders, refs, d)
		f[fTitlePrefix+d.Language] = d.Title
		others := make([]string, 0, len(d.Other))
		for l := range d.Other {
			others = append(others, l)
		}
		sort.Strings(others)
		for _, l := range others {
			langs[l] = true
			appendText(builders, l, d.Other[l])
		}
		for _, c := range d.Cited {
			cites[c.Value] = true
			citesKind[c.Kind] = true
			citesTyped[c.Kind+"|"+c.Value] = true
			switch c.Kind {
			case indexer.RefILOInstrument:
				citesInstr[c.Value] = true
			case indexer.RefUNInstrument:
				if s := indexer.UNInstrumentSymbol(c.Value); s != "" {
					cites[s] = true
					citesInstr[s] = true
				} else {
					citesInstr[c.Value] = true
				}
			}
		}
		for _, u := range d.AuthorUnits {
			if u.Code != "" {
				authors[u.Code] = true
			}
		}
		if d.Date != "" && info.Date == "" {
			info.Date = d.Date
		}
	}
	texts = map[string]string{}
	for l, b := range builders {
		t := b.String()
		f[fTextPrefix+l] = t
		texts[l] = t
	}
	info.Languages = keys(langs)
	info.Cites = len(cites)
	for _, u := range p.AuthorUnits {
		info.AuthorUnits = append(info.AuthorUnits, u.Code)
	}
	f[fAliases] = keys(aliases)
	f[fLang] = info.Languages
	f[fCites] = keys(cites)
	f[fCitesInstr] = keys(citesInstr)
	f[fCitesKind] = keys(citesKind)
	f[fCitesTyped] = keys(citesTyped)
	f[fAuthor] = keys(authors)
	if p.Section != "" {
		f[fSection] = p.Section
	}
	if p.SessionLabel != "" {
		f[fSession] = p.SessionLabel
		f[fSessionN] = float64(p.Session)
	}
	if y := yearOf(info.Date); y > 0 {
		f[fYear] = strconv.Itoa(y)
		f[fYearN] = float64(y)
		if t, err := time.Parse(time.DateOnly, info.Date); err == nil {
			f[fDate] = t
		}
	}
	if o := outcomeCode(p.Outcome); o != "" {
		f[fOutcome] = o
	}
	b, _ := json.Marshal(info)
	f[fInfo] = string(b)
	return f, texts, encodePassages(refs)
}

// appendText adds s to the text of language l, versions and other texts
// apart by a blank line, and returns where s starts.
func appendText(texts map[string]*strings.Builder, l, s string) int {
	b := texts[l]
	if b == nil {
		b = &strings.Builder{}
		texts[l] = b
	}
	if b.Len() > 0 {
		b.WriteString("\n\n")
	}
	start := b.Len()
	b.WriteString(s)
	return start
}

// appendPassages adds the text of a version to its language's text as
// [indexer.Document.Text] lays it out (a paragraph's heading, the passage,
// a blank line), and returns pmap with where each passage lies in it.
func appendPassages(texts map[string]*strings.Builder, pmap []passageRef, d *indexer.Document) []passageRef {
	for i, p := range d.Passages() {
		b := texts[p.Language]
		if b == nil {
			b = &strings.Builder{}
			texts[p.Language] = b
		}
		if i == 0 && b.Len() > 0 {
			b.WriteString("\n\n")
		}
		if p.Heading != "" && p.Kind == "paragraph" {
			b.WriteString(p.Heading)
			b.WriteString("\n")
		}
		r := passageRef{Lang: p.Language, Version: d.ID, ID: p.ID, Kind: p.Kind, Number: p.Number, Heading: p.Heading,
			Paragraph: p.Paragraph, Footnotes: p.Footnotes, Start: b.Len()}
		b.WriteString(p.Text)
		r.End = b.Len()
		b.WriteString("\n\n")
		for _, ref := range p.References {
			r.Refs = append(r.Refs, ref)
			if s := indexer.UNInstrumentSymbol(ref); s != "" {
				r.Refs = append(r.Refs, s)
			}
		}
		pmap = append(pmap, r)
	}
	return pmap
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func yearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y, err := strconv.Atoi(date[:4])
	if err != nil {
		return 0
	}
	return y
}

// outcomeCode turns "Outcome 7: More migrant workers are protected ..."
// into the facet value "Outcome 7".
func outcomeCode(s string) string {
	head, _, ok := strings.Cut(s, ":")
	if !ok || len(head) > 30 {
		return ""
	}
	return strings.TrimSpace(head)
}

// symbolSortKey pads the numbers of a symbol so that GB.319/POL/10 sorts
// after GB.319/POL/9.
func symbolSortKey(s string) string {
	var b strings.Builder
	digits := ""
	flush := func() {
		if digits != "" {
			b.WriteString(fmt.Sprintf("%08s", digits))
			digits = ""
		}
	}
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits += string(r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

// Versions returns the stored versions of a symbol.
func (ix *Index) Versions(ctx context.Context, symbol string) ([]*indexer.Document, error) {
	m, err := ix.versionsOfSymbols(ctx, []string{symbol})
	if err != nil {
		return nil, err
	}
	out := m[symbol]
	SortVersions(out)
	return out, nil
}

// decodeVersion decodes the stored version of a hit, its texts taken from
// texts, the stored text of its symbol.
func decodeVersion(h *bsearch.DocumentMatch, texts map[string]string) (*indexer.Document, error) {
	packed, _ := h.Fields[fSource].(string)
	d, err := unpackVersion(packed, texts)
	if err != nil {
		return nil, fmt.Errorf("decoding stored %s: %w", h.ID, err)
	}
	return d, nil
}

// allIDs returns the IDs of every document matching q.
func (ix *Index) allIDs(ctx context.Context, q query.Query) ([]string, error) {
	var ids []string
	const page = 1000
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(q, page, 0, false)
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SearchAfter = after
		}
		res, err := ix.search(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < page {
			return ids, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

// Records reads every file record kept in the index.
func (ix *Index) Records(ctx context.Context) (map[string]indexer.FileRecord, error) {
	q := bleve.NewTermQuery(typeRecord)
	q.SetField(fType)
	out := map[string]indexer.FileRecord{}
	const page = 1000
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(q, page, 0, false)
		req.SortBy([]string{"_id"})
		req.Fields = []string{fRData}
		if after != nil {
			req.SearchAfter = after
		}
		res, err := ix.search(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			data, _ := h.Fields[fRData].(string)
			var r indexer.FileRecord
			if err := json.Unmarshal([]byte(data), &r); err != nil {
				return nil, fmt.Errorf("decoding record %s: %w", h.ID, err)
			}
			out[r.Key] = r
		}
		if len(res.Hits) < page {
			return out, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

// CountPassages counts the passages of a document version in the index.
func (ix *Index) CountPassages(ctx context.Context, versionID string) (int, error) {
	symbol, _, _ := strings.Cut(versionID, "@")
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{textPrefix + symbol}), 1, 0, false)
	req.Fields = []string{fPassages}
	res, err := ix.search(ctx, req)
	if err != nil || len(res.Hits) == 0 {
		return 0, err
	}
	s, err := storedField(res.Hits[0].Fields, fPassages)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range decodePassages(s) {
		if p.Version == versionID {
			n++
		}
	}
	return n, nil
}
