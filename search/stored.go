package search

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"

	"gbsearch/indexer"
)

// How the index stores what it does not search (mapping version 5).
//
// A symbol's "text" document holds the text of its versions, one field per
// language, and the map of its passages; each "version" document holds one
// version's parsed structure *without* the texts that the text document
// already holds: each such text is a span (where it starts, how long it is)
// into the stored text of its language, and is put back when the version is
// read. Both are deflated by gbsearch rather than left to bleve's snappy.
//
// Measured on the 1,000 generated versions of `make compare N=1000`, as a
// share of their text: the version JSON deflated 0.46 with its texts, 0.14
// without them; the stored text 0.42 under snappy, 0.28 deflated at level 4;
// the passage map 0.10 under snappy, 0.07 deflated.
//
// Because spans point into the text document, which a commit rebuilds from
// all the versions of a symbol, a commit rewrites every version of each
// symbol it touches together with its text document, in the same batch.

// packLevel is the flate level of everything gbsearch deflates for storing.
// The deflater is klauspost/compress's rather than the standard library's:
// the same format (either inflates the other's), in less than half the
// time. On the texts of 1,000 generated versions: the standard library at
// level 4 kept 0.283 of the text in 0.43 ms per version (14% of a build's
// write path), level 6 0.272 in 0.92 ms; klauspost's level 6 keeps 0.281
// in 0.24 ms, its level 4 0.294 in 0.17 ms; inflating is 10% faster too.
const packLevel = 6

// pack deflates s for storing. The zero byte that starts it tells it from
// a value stored as it is.
func pack(s []byte) string {
	var b bytes.Buffer
	b.Grow(len(s)/3 + 64)
	b.WriteByte(0)
	// a flate writer allocates ~600 KB of state: making one per version
	// cost more than compressing (2.7 of 7.1 CPU s at 10,000 versions)
	zw := flateWriters.Get().(*flate.Writer)
	zw.Reset(&b)
	zw.Write(s)
	zw.Close()
	flateWriters.Put(zw)
	return b.String()
}

var flateWriters = sync.Pool{New: func() any {
	zw, _ := flate.NewWriter(io.Discard, packLevel)
	return zw
}}

// unpack reverses pack (and passes a value stored as it is through).
// Every hit of a result page inflates its passage map and text: the
// readers and copy buffers are pooled, as each new one allocates ~40 KB.
func unpack(s string) (string, error) {
	return unpackPrefix(s, -1)
}

// unpackPrefix is unpack, stopped once it has n bytes (n < 0: all): a
// result page shows a passage or two of each text, and inflating the rest
// took most of a page's passage time.
func unpackPrefix(s string, n int) (string, error) {
	if !strings.HasPrefix(s, "\x00") {
		return s, nil
	}
	src := strings.NewReader(s[1:])
	zr, ok := flateReaders.Get().(io.ReadCloser)
	if ok {
		if err := zr.(flate.Resetter).Reset(src, nil); err != nil {
			return "", err
		}
	} else {
		zr = flate.NewReader(src)
	}
	defer flateReaders.Put(zr)
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	var b strings.Builder
	var r io.Reader = zr
	if n >= 0 {
		r = io.LimitReader(zr, int64(n))
		b.Grow(n)
	} else {
		b.Grow(4 * len(s)) // deflate keeps 0.28 of the text, 0.07/0.30 of the passage map
	}
	if _, err := io.CopyBuffer(&b, r, *buf); err != nil {
		return "", err
	}
	return b.String(), nil
}

var (
	flateReaders sync.Pool
	copyBuffers  = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}
)

// storedField returns a stored field of a hit, inflated.
func storedField(fields map[string]any, name string) (string, error) {
	s, _ := fields[name].(string)
	out, err := unpack(s)
	if err != nil {
		return "", fmt.Errorf("stored field %s: %w", name, err)
	}
	return out, nil
}

// storedVersion is the stored form of a version: the document with the
// texts found in the stored text blanked, and where to find them.
type storedVersion struct {
	Doc *indexer.Document `json:"doc"`
	// Spans has, for each text field in the order eachText visits them,
	// -1 when the field is kept in Doc (it is empty, or the stored text
	// does not hold it), or two numbers: how far past the end of the
	// previous span of the same language the text starts, and its length
	// in bytes. Gaps rather than offsets: small numbers deflate better.
	Spans []int `json:"spans,omitempty"`
	// Preceding lists the footnotes (by index) whose callout's preceding
	// text was dropped because indexer.Document.PrecedingText gives it
	// back from the paragraph: 0.03x the text, a fifth of what is left
	// once the texts are spans.
	Preceding []int `json:"preceding,omitempty"`
}

// eachText calls f with every text field of d that appendPassages and
// appendText write into the stored text, with its language, in the order
// they are written.
func eachText(d *indexer.Document, f func(lang string, s *string)) {
	f(d.Language, &d.Purpose)
	f(d.Language, &d.ExecutiveSummary)
	for i := range d.Paragraphs {
		p := &d.Paragraphs[i]
		f(d.Language, &p.Text)
		for j := range p.Items {
			f(d.Language, &p.Items[j].Text)
		}
	}
	for i := range d.Footnotes {
		f(d.Language, &d.Footnotes[i].Text)
	}
	f(d.Language, &d.DraftDecision)
	others := make([]string, 0, len(d.Other))
	for l := range d.Other {
		others = append(others, l)
	}
	sort.Strings(others)
	for _, l := range others {
		s := d.Other[l]
		f(l, &s)
		d.Other[l] = s
	}
}

// packVersion encodes d for storing, its texts replaced by spans into
// texts, the stored text of its symbol by language. d is not changed.
func packVersion(d *indexer.Document, texts map[string]string) (string, error) {
	c := cloneTexts(d)
	var preceding []int
	for i := range c.Footnotes {
		f := &c.Footnotes[i]
		if f.Callout == nil || f.Callout.PrecedingText == "" {
			continue
		}
		if s, ok := d.PrecedingText(f.Callout); ok && s == f.Callout.PrecedingText {
			callout := *f.Callout
			callout.PrecedingText = ""
			f.Callout = &callout
			preceding = append(preceding, i)
		}
	}
	var spans []int
	cursor := map[string]int{}
	eachText(c, func(lang string, s *string) {
		t := texts[lang]
		if *s == "" {
			spans = append(spans, -1)
			return
		}
		at := cursor[lang]
		i := strings.Index(t[at:], *s)
		if i < 0 {
			spans = append(spans, -1)
			return
		}
		spans = append(spans, i, len(*s))
		cursor[lang] = at + i + len(*s)
		*s = ""
	})
	src, err := json.Marshal(storedVersion{Doc: c, Spans: spans, Preceding: preceding})
	if err != nil {
		return "", fmt.Errorf("encoding %s: %w", d.ID, err)
	}
	return pack(src), nil
}

// errSpans marks a stored version whose spans do not fit its stored text
// (or whose dropped texts cannot be given back).
var errSpans = errors.New("spans do not fit the stored text")

// unpackVersion decodes a stored version, its texts taken back from texts.
func unpackVersion(packed string, texts map[string]string) (*indexer.Document, error) {
	src, err := unpack(packed)
	if err != nil {
		return nil, err
	}
	var sv storedVersion
	if err := json.Unmarshal([]byte(src), &sv); err != nil {
		return nil, err
	}
	if sv.Doc == nil {
		// mapping version 4 stored the whole document: an index of that
		// version keeps serving its document pages while its successor
		// is built
		var d indexer.Document
		if err := json.Unmarshal([]byte(src), &d); err != nil || d.ID == "" {
			return nil, errors.New("no document")
		}
		return &d, nil
	}
	next, bad := 0, false
	cursor := map[string]int{}
	eachText(sv.Doc, func(lang string, s *string) {
		if bad || next >= len(sv.Spans) {
			bad = true
			return
		}
		gap := sv.Spans[next]
		next++
		if gap < 0 {
			return
		}
		if next >= len(sv.Spans) {
			bad = true
			return
		}
		n := sv.Spans[next]
		next++
		t := texts[lang]
		// checked before adding, so that no sum overflows
		if gap > len(t) || n < 0 || n > len(t) {
			bad = true
			return
		}
		start := cursor[lang] + gap
		if start+n > len(t) {
			bad = true
			return
		}
		*s = t[start : start+n]
		cursor[lang] = start + n
	})
	if bad || next != len(sv.Spans) {
		return nil, errSpans
	}
	for _, i := range sv.Preceding {
		if i < 0 || i >= len(sv.Doc.Footnotes) || sv.Doc.Footnotes[i].Callout == nil {
			return nil, errSpans
		}
		c := sv.Doc.Footnotes[i].Callout
		s, ok := sv.Doc.PrecedingText(c)
		if !ok {
			return nil, errSpans
		}
		c.PrecedingText = s
	}
	return sv.Doc, nil
}

// cloneTexts copies d deep enough that eachText can blank its texts
// without touching d: the slices and map eachText writes into.
func cloneTexts(d *indexer.Document) *indexer.Document {
	c := *d
	c.Paragraphs = append([]indexer.Paragraph(nil), d.Paragraphs...)
	for i := range c.Paragraphs {
		c.Paragraphs[i].Items = append([]indexer.Item(nil), c.Paragraphs[i].Items...)
	}
	c.Footnotes = append([]indexer.Footnote(nil), d.Footnotes...)
	if d.Other != nil {
		c.Other = make(map[string]string, len(d.Other))
		for l, s := range d.Other {
			c.Other[l] = s
		}
	}
	return &c
}
