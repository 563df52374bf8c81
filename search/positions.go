package search

import (
	"errors"
	"fmt"

	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// positionReader reads a word's locations in one field of a scorch
// snapshot, document by document, for the phrase searcher. It reads the
// segments' postings itself: bleve's term field reader copies every
// location into a vector of its own (a fifth of a common phrase's time
// in the profile), where the segment's own locations serve as they are.
type positionReader struct {
	segs  snapshotSegments
	lists []segment.PostingsList     // per segment; nil where it lacks the word
	iters []segment.PostingsIterator // of lists
	last  []int64                    // per segment, the document its iterator last went to

	// the document last read, whose locations read returns again
	seg   int
	local uint64
	locs  []segment.Location
}

// openPositions opens a reader of term's locations in field.
func openPositions(r index.IndexReader, term []byte, field string) (*positionReader, error) {
	segs, err := segmentsOfReader(r)
	if err != nil {
		return nil, fmt.Errorf("phrase: %w", err)
	}
	p := &positionReader{
		segs:  segs,
		lists: make([]segment.PostingsList, len(segs.segs)),
		iters: make([]segment.PostingsIterator, len(segs.segs)),
		last:  make([]int64, len(segs.segs)),
		seg:   -1,
	}
	for i, ss := range segs.segs {
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
		p.lists[i], p.iters[i], p.last[i] = pl, pl.Iterator(false, false, true, nil), -1
	}
	return p, nil
}

// read returns the word's locations in document id, which holds it. They
// stay valid until the next read.
func (p *positionReader) read(id index.IndexInternalID) ([]segment.Location, error) {
	seg, local := p.segs.locate(id.Value())
	if seg < 0 || p.iters[seg] == nil {
		return nil, errWordNotThere
	}
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

var errWordNotThere = errors.New("phrase: a word is not in the document its searcher matched")
