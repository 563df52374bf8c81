package search

import (
	"os"
	"runtime/debug"
)

// HeapLimit is the soft limit on the Go heap that gbsearch's programs
// set when GOMEMLIMIT does not say otherwise, so that a build's memory
// stays bounded whatever the corpus size (issue 7: peak RSS ≤ 1 GiB).
//
// A build holds little live: a batch of ~5 MB of text, its analysis and
// the in-memory segments waiting for the persister, ~250 MB at 10,000
// generated versions. With Go's default pacing (GOGC=100) the heap grows
// to twice what is live before a collection, and the rest of the peak is
// the segment files a merge maps (up to ~550 MB at 100,000 versions,
// bounded by maxSegmentDocs). Measured with the compare tool's build
// (`GOMEMLIMIT=... go run . -n 10000 -only gbsearch`): no limit, anonymous
// memory 410 MB and 61 CPU s; 250 MiB, 247 MB and 65 CPU s.
const HeapLimit = 384 << 20

// LimitHeap sets HeapLimit as the process's soft memory limit unless the
// GOMEMLIMIT environment variable sets one. It is for programs to call: a
// limit is the whole process's, not a library's to choose.
func LimitHeap() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(HeapLimit)
	}
}
