package search

import (
	"context"
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// positionReader reads a word's locations in one field, document by
// document, in increasing order of documents, for the phrase searcher.
type positionReader interface {
	// read returns the word's locations in document id, which holds it.
	// They stay valid until the next read.
	read(id index.IndexInternalID) ([]segment.Location, error)
	// count is how many documents hold the word.
	count() uint64
	close()
}

// openPositions opens a reader of term's locations in field. On a scorch
// snapshot it reads the segments' postings itself: bleve's term field
// reader copies every location into a vector of its own (a fifth of a
// common phrase's time in the profile), where the segment's own locations
// serve as they are.
func openPositions(ctx context.Context, r index.IndexReader, term []byte, field string) (positionReader, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		tfr, err := r.TermFieldReader(ctx, term, field, false, false, true)
		if err != nil {
			return nil, err
		}
		return &vectorPositions{tfr: tfr}, nil
	}
	segs := snap.Segments()
	p := &segmentPositions{
		offsets: make([]uint64, len(segs)),
		lists:   make([]segment.PostingsList, len(segs)),
		iters:   make([]segment.PostingsIterator, len(segs)),
		last:    make([]int64, len(segs)),
		seg:     -1,
	}
	var at uint64
	for i, ss := range segs {
		// a document's global number is its segment's offset (the sum of
		// the counts of the segments before it, as scorch numbers them)
		// plus its number in the segment
		p.offsets[i] = at
		at += ss.Segment().Count()
		dict, err := ss.Segment().Dictionary(field)
		if err != nil {
			return nil, fmt.Errorf("phrase: the dictionary of %s: %w", field, err)
		}
		if dict == nil {
			continue
		}
		pl, err := dict.PostingsList(term, ss.Deleted(), nil)
		if err != nil {
			return nil, fmt.Errorf("phrase: the postings of %q in %s: %w", term, field, err)
		}
		if pl == nil || pl.Count() == 0 {
			continue
		}
		p.n += pl.Count()
		p.lists[i], p.iters[i], p.last[i] = pl, pl.Iterator(false, false, true, nil), -1
	}
	return p, nil
}

// segmentPositions reads locations from a scorch snapshot's segments.
type segmentPositions struct {
	offsets []uint64
	lists   []segment.PostingsList     // nil where the segment lacks the word
	iters   []segment.PostingsIterator // of lists
	last    []int64                    // per segment, the document its iterator last went to
	n       uint64

	// the document last read, whose locations read returns again
	seg   int
	local uint64
	locs  []segment.Location
}

func (p *segmentPositions) read(id index.IndexInternalID) ([]segment.Location, error) {
	num := id.Value()
	seg := sort.Search(len(p.offsets), func(i int) bool { return p.offsets[i] > num }) - 1
	if seg < 0 || p.iters[seg] == nil {
		return nil, errWordNotThere
	}
	local := num - p.offsets[seg]
	if seg == p.seg && local == p.local {
		return p.locs, nil
	}
	if int64(local) <= p.last[seg] {
		// a segment's postings go forwards only. The phrase searcher reads
		// its documents in order, but bleve may advance a searcher it has
		// run to its end back to an earlier document (a disjunction does):
		// the segment's postings are then read again from the start, as
		// bleve's own term field reader does
		p.iters[seg] = p.lists[seg].Iterator(false, false, true, nil)
	}
	p.last[seg] = int64(local)
	posting, err := p.iters[seg].Advance(local)
	if err != nil {
		return nil, err
	}
	if posting == nil || posting.Number() != local {
		return nil, errWordNotThere
	}
	p.seg, p.local, p.locs = seg, local, posting.Locations()
	return p.locs, nil
}

func (p *segmentPositions) count() uint64 { return p.n }
func (p *segmentPositions) close()        {}

var errWordNotThere = fmt.Errorf("phrase: a word is not in the document its searcher matched")

// vectorPositions reads locations through bleve's term field reader, for
// indexes other than scorch (bleve's in-memory one, in tests).
type vectorPositions struct {
	tfr  index.TermFieldReader
	doc  index.TermFieldDoc
	locs []segment.Location
}

func (p *vectorPositions) read(id index.IndexInternalID) ([]segment.Location, error) {
	if len(p.locs) > 0 && p.doc.ID.Equals(id) {
		return p.locs, nil
	}
	d, err := p.tfr.Advance(id, p.doc.Reset())
	if err != nil {
		return nil, err
	}
	if d == nil || !d.ID.Equals(id) {
		return nil, errWordNotThere
	}
	p.doc = *d
	p.locs = p.locs[:0]
	for _, v := range d.Vectors {
		p.locs = append(p.locs, vectorLocation{v})
	}
	return p.locs, nil
}

func (p *vectorPositions) count() uint64 { return p.tfr.Count() }
func (p *vectorPositions) close()        { _ = p.tfr.Close() }

// vectorLocation is a term vector as a segment's location.
type vectorLocation struct{ v *index.TermFieldVector }

func (l vectorLocation) Field() string            { return l.v.Field }
func (l vectorLocation) Start() uint64            { return l.v.Start }
func (l vectorLocation) End() uint64              { return l.v.End }
func (l vectorLocation) Pos() uint64              { return l.v.Pos }
func (l vectorLocation) ArrayPositions() []uint64 { return l.v.ArrayPositions }
func (l vectorLocation) Size() int                { return 0 }
