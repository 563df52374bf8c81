package search

import (
	"context"
	"sort"

	"gbsearch/indexer"
)

// ReportOptions tune the librarian's report.
type ReportOptions struct {
	// GluedThreshold flags files whose share of run-together words is
	// above it (default 0.02).
	GluedThreshold float64
	// MissingLimit caps the list of missing sources (default 50).
	MissingLimit int
}

// Report is what a librarian needs to know about an index: what failed and
// why, what needs OCR or reads badly, which symbols several files claim,
// and what the corpus cites but lacks.
type Report struct {
	Files      int                  `json:"files"`
	Documents  int                  `json:"documents"`
	Failed     []indexer.FileRecord `json:"failed"`
	NeedOCR    []indexer.FileRecord `json:"need_ocr"`
	Glued      []indexer.FileRecord `json:"glued"`
	Duplicates []DuplicateSymbol    `json:"duplicates"`
	Missing    []Missing            `json:"missing"`
}

// DuplicateSymbol is a document version that several files produce: the
// renditions of one document (OCR text, PDF, DOCX), or a mistake.
type DuplicateSymbol struct {
	ID    string   `json:"id"`
	Files []string `json:"files"`
}

// Report builds the librarian's report from the file records kept in the
// index.
func (ix *Index) Report(ctx context.Context, o ReportOptions) (*Report, error) {
	if o.GluedThreshold == 0 {
		o.GluedThreshold = 0.02
	}
	if o.MissingLimit == 0 {
		o.MissingLimit = 50
	}
	recs, err := ix.Records(ctx)
	if err != nil {
		return nil, err
	}
	n, _, err := ix.Counts(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Report{Files: len(recs), Documents: n, Failed: []indexer.FileRecord{}, NeedOCR: []indexer.FileRecord{},
		Glued: []indexer.FileRecord{}, Duplicates: []DuplicateSymbol{}}
	byDoc := map[string][]string{}
	for _, r := range recs {
		switch {
		case r.Failure != nil:
			rep.Failed = append(rep.Failed, r)
			continue
		case r.NeedsOCR > 0:
			rep.NeedOCR = append(rep.NeedOCR, r)
		}
		if r.GluedRatio > o.GluedThreshold {
			rep.Glued = append(rep.Glued, r)
		}
		if r.DocID != "" {
			byDoc[r.DocID] = append(byDoc[r.DocID], r.Key)
		}
	}
	for id, files := range byDoc {
		if len(files) > 1 {
			sort.Strings(files)
			rep.Duplicates = append(rep.Duplicates, DuplicateSymbol{ID: id, Files: files})
		}
	}
	byKey := func(rs []indexer.FileRecord) {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Key < rs[j].Key })
	}
	byKey(rep.Failed)
	byKey(rep.NeedOCR)
	sort.Slice(rep.Glued, func(i, j int) bool { return rep.Glued[i].GluedRatio > rep.Glued[j].GluedRatio })
	sort.Slice(rep.Duplicates, func(i, j int) bool { return rep.Duplicates[i].ID < rep.Duplicates[j].ID })
	if rep.Missing, err = ix.MissingSources(ctx, "", o.MissingLimit); err != nil {
		return nil, err
	}
	if rep.Missing == nil {
		rep.Missing = []Missing{}
	}
	return rep, nil
}
