package search

import (
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// snapshotSegments are the segments of a scorch snapshot, for the code
// that reads them directly (facet columns, phrase positions), with the
// global number of each one's first document: scorch numbers documents
// through the segments in order, each segment counting its deleted
// documents too (as its snapshot offsets do).
type snapshotSegments struct {
	segs   []*scorch.SegmentSnapshot
	starts []uint64
}

// segmentsOfReader returns the segments r reads, which must be a scorch
// snapshot (every gbsearch index is one).
func segmentsOfReader(r index.IndexReader) (snapshotSegments, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return snapshotSegments{}, fmt.Errorf("index reader is a %T, not a scorch snapshot", r)
	}
	s := snapshotSegments{segs: snap.Segments()}
	s.starts = make([]uint64, len(s.segs))
	var at uint64
	for i, seg := range s.segs {
		s.starts[i] = at
		at += seg.Segment().Count()
	}
	return s, nil
}

// locate returns the segment holding global document num (the last whose
// first document is at or before it) and num's number in it; -1 if none.
func (s snapshotSegments) locate(num uint64) (seg int, local uint64) {
	seg = sort.Search(len(s.starts), func(i int) bool { return s.starts[i] > num }) - 1
	if seg < 0 {
		return -1, 0
	}
	return seg, num - s.starts[seg]
}
