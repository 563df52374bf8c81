package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/ledongthuc/pdf"

	"gbsearch/indexer"
)

// DefaultPageTimeout is the time one page may take when
// [Extractor.PageTimeout] is zero.
const DefaultPageTimeout = 5 * time.Second

// Limits on the page tree: it is walked here, not with pdf.Reader.Page,
// because the library trusts /Count (a crafted 2-billion count is a hang)
// and follows /Kids and /Parent cycles forever.
const (
	maxPages     = 10_000
	maxTreeNodes = 50_000
	maxTreeDepth = 64
)

// Extractor extracts the text of PDF files. The zero value is usable, and
// an Extractor may be used by several goroutines at once.
type Extractor struct {
	// PageTimeout bounds the time spent on one page (and on reading the
	// page tree). A page that runs over is abandoned and reported in
	// [indexer.Page.Err]. Zero means [DefaultPageTimeout].
	PageTimeout time.Duration
}

var _ indexer.Extractor = (*Extractor)(nil)

// New returns an Extractor with the default page timeout.
func New() *Extractor { return &Extractor{PageTimeout: DefaultPageTimeout} }

func (x *Extractor) timeout() time.Duration {
	if x == nil || x.PageTimeout <= 0 {
		return DefaultPageTimeout
	}
	return x.PageTimeout
}

// errTimeout marks work abandoned because it ran over PageTimeout.
var errTimeout = errors.New("timed out")

// Extract reads the PDF in r (size bytes) page by page. A file that cannot
// be opened yields an error wrapping [indexer.ErrExtract]; a page that fails,
// panics inside the PDF library or runs over the page timeout costs that
// page only (its Err is set). Extract returns ctx's error, wrapped, once ctx
// is done.
func (x *Extractor) Extract(ctx context.Context, r io.ReaderAt, size int64) (c *indexer.Content, err error) {
	defer func() {
		if p := recover(); p != nil {
			c, err = nil, fmt.Errorf("%w: pdf panic: %v", indexer.ErrExtract, p)
		}
	}()
	c, _, err = x.extract(ctx, r, size)
	return c, err
}

// extract is Extract that also returns what was dropped as page furniture,
// which the tests need to compare with other extractors.
func (x *Extractor) extract(ctx context.Context, r io.ReaderAt, size int64) (*indexer.Content, [][]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("extracting pdf: %w", err)
	}
	// Goroutines abandoned on a timeout die at their next read of the
	// file once we return, instead of looping on for the process's life.
	g := newGuardedReader(r, size)
	defer g.closed.Store(true)
	rd, err := bounded(ctx, x.timeout(), func(*atomic.Bool) (*pdf.Reader, error) {
		return pdf.NewReader(g, g.size)
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("extracting pdf: %w", ctx.Err())
		}
		return nil, nil, fmt.Errorf("%w: opening pdf: %w", indexer.ErrExtract, err)
	}
	pages, err := bounded(ctx, x.timeout(), func(stop *atomic.Bool) ([]pdf.Value, error) {
		return pageList(rd, stop)
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("extracting pdf: %w", ctx.Err())
		}
		return nil, nil, fmt.Errorf("%w: reading page tree: %w", indexer.ErrExtract, err)
	}
	if len(pages) == 0 {
		return nil, nil, fmt.Errorf("%w: pdf has no pages", indexer.ErrExtract)
	}
	raws := make([]*rawPage, len(pages))
	for i, pv := range pages {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("extracting pdf page %d: %w", i+1, err)
		}
		rp, err := bounded(ctx, x.timeout(), func(stop *atomic.Bool) (*rawPage, error) {
			return readPage(pv, i+1, stop)
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, fmt.Errorf("extracting pdf page %d: %w", i+1, ctx.Err())
			}
			rp = &rawPage{num: i + 1, err: err.Error()}
		}
		raws[i] = rp
	}
	c, furniture := assemble(raws)
	// what was set aside stays visible: per page, and once each for the
	// parsers (a GB footer's job code names the symbol, date and language)
	seen := map[string]bool{}
	for i := range c.Pages {
		if i < len(furniture) {
			c.Pages[i].Furniture = furniture[i]
			for _, f := range furniture[i] {
				if !seen[f] {
					seen[f] = true
					c.Furniture = append(c.Furniture, f)
				}
			}
		}
	}
	return c, furniture, nil
}

// guardedReader is the file as the PDF library sees it.
//
// Once closed, any read panics: the library's loops over a crafted file (an
// xref /Prev cycle, say) read the file as they go, so this ends them.
//
// It also smooths over what the library refuses and other readers accept:
// the header must open the file and name version 1.0 to 1.7 followed by a
// line end, and %%EOF must end it. So the view starts at the header (found
// in the first 1 KiB, after junk a transfer left; offsets then count from
// it, as in files made that way), names itself version 1.7 (PDF 2.0 and
// the "1.8" of some tools read the same for our purposes) and ends at the
// last %%EOF (trailing junk dropped).
type guardedReader struct {
	r      io.ReaderAt
	base   int64   // offset of "%PDF-" in r
	size   int64   // size of the view
	header [9]byte // the first bytes of the view, as the library must see them
	closed atomic.Bool
}

func newGuardedReader(r io.ReaderAt, size int64) *guardedReader {
	g := &guardedReader{r: r, size: size}
	head := make([]byte, min(size, 1024))
	n, _ := r.ReadAt(head, 0)
	i := bytes.Index(head[:n], []byte("%PDF-"))
	if i < 0 || i+len(g.header) > n {
		return g
	}
	g.base, g.size = int64(i), size-int64(i)
	h := head[i : i+len(g.header)]
	copy(g.header[:], h)
	if h[5] != '1' || h[6] != '.' || h[7] < '0' || h[7] > '7' {
		copy(g.header[5:8], "1.7")
	}
	if h[8] != '\r' && h[8] != '\n' {
		g.header[8] = '\n'
	}
	tailLen := min(g.size, 4096)
	tail := make([]byte, tailLen)
	if n, _ := r.ReadAt(tail, g.base+g.size-tailLen); n == len(tail) {
		if j := bytes.LastIndex(tail, []byte("%%EOF")); j >= 0 {
			g.size = g.size - tailLen + int64(j) + 5
		}
	}
	return g
}

func (g *guardedReader) ReadAt(p []byte, off int64) (int, error) {
	if g.closed.Load() {
		panic(errAbandoned)
	}
	if off >= g.size {
		return 0, io.EOF
	}
	want := len(p)
	if rest := g.size - off; int64(want) > rest {
		p = p[:rest]
	}
	n, err := g.r.ReadAt(p, g.base+off)
	if off < int64(len(g.header)) && g.header[0] == '%' {
		copy(p[:n], g.header[off:])
	}
	if err == nil && n < want {
		err = io.EOF
	}
	return n, err
}

// bounded runs f in its own goroutine and waits at most d for it. On
// timeout or cancellation it raises f's stop flag, which our interpreter
// polls, and abandons it: a loop inside the PDF library cannot be
// interrupted, and killing it is the job of the process sandbox around
// the extractor. A panic in f becomes an error.
func bounded[T any](ctx context.Context, d time.Duration, f func(stop *atomic.Bool) (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	stop := new(atomic.Bool)
	done := make(chan result, 1) // buffered: an abandoned f must not block forever
	go func() {
		var res result
		defer func() {
			if p := recover(); p != nil {
				res.err = panicError(p)
			}
			done <- res
		}()
		res.v, res.err = f(stop)
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	var zero T
	select {
	case res := <-done:
		return res.v, res.err
	case <-ctx.Done():
		stop.Store(true)
		return zero, ctx.Err()
	case <-timer.C:
		stop.Store(true)
		return zero, fmt.Errorf("%w after %v", errTimeout, d)
	}
}

// panicError turns a recovered panic into an error. Runtime errors (nil
// dereferences, index out of range in the library) say so, because they
// point at a bug rather than a malformed file.
func panicError(p any) error {
	switch e := p.(type) {
	case runtime.Error:
		return fmt.Errorf("pdf library crashed: %w", e)
	case error:
		return fmt.Errorf("malformed pdf: %w", e)
	default:
		return fmt.Errorf("malformed pdf: %v", e)
	}
}

// pageList walks the page tree with bounds on depth, node count and page
// count, and trims a tree that repeats pages (a /Kids cycle) to its /Count.
func pageList(rd *pdf.Reader, stop *atomic.Bool) ([]pdf.Value, error) {
	root := rd.Trailer().Key("Root").Key("Pages")
	var out []pdf.Value
	visits := 0
	var walk func(v pdf.Value, depth int)
	walk = func(v pdf.Value, depth int) {
		if stop.Load() {
			panic(errAbandoned)
		}
		visits++
		if visits > maxTreeNodes || depth > maxTreeDepth || len(out) >= maxPages || v.Kind() != pdf.Dict {
			return
		}
		if kids := v.Key("Kids"); kids.Kind() == pdf.Array && v.Key("Type").Name() != "Page" {
			for i := 0; i < kids.Len(); i++ {
				walk(kids.Index(i), depth+1)
			}
			return
		}
		out = append(out, v)
	}
	walk(root, 0)
	if n := root.Key("Count").Int64(); n > 0 && int64(len(out)) > n {
		out = out[:n]
	}
	return out, nil
}

// inherited looks a page attribute up the page tree, as far as a sane tree
// goes: a /Parent cycle must not hang us.
func inherited(v pdf.Value, key string) pdf.Value {
	for i := 0; i < maxTreeDepth && v.Kind() == pdf.Dict; i++ {
		if r := v.Key(key); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// rawPage is one page as read, before the document-wide passes.
type rawPage struct {
	num   int
	lines []*line // in the page's main writing direction, in paint order
	other []*line // text in other directions (margin notes, rotated tables)
	rules []rule  // horizontal strokes, in the frame of lines
	err   string
}

// readPage interprets one page and lays out its lines.
func readPage(pv pdf.Value, num int, stop *atomic.Bool) (*rawPage, error) {
	rp := &rawPage{num: num}
	contents := pv.Key("Contents")
	if contents.IsNull() {
		return rp, nil
	}
	res := inherited(pv, "Resources")
	in := newInterp(stop)
	var perr error
	func() {
		defer func() {
			if p := recover(); p != nil {
				if p == errAbandoned {
					panic(p)
				}
				if le, ok := p.(limitError); ok {
					perr = le
					return
				}
				perr = panicError(p)
			}
		}()
		data, err := streamData(contents)
		// a glyph takes five bytes of content stream or more
		in.glyphs = make([]glyph, 0, min(len(data)/5, maxGlyphs))
		if e := in.run(data, res, identity, "", 0); err == nil {
			err = e
		}
		perr = err
	}()
	if perr != nil && len(in.glyphs) == 0 {
		return nil, perr
	}
	if perr != nil {
		rp.err = "partly extracted: " + perr.Error()
	}
	var perDir [4]int
	for _, g := range in.glyphs {
		perDir[g.dir]++
	}
	dir := dominantDir(perDir)
	for d, n := range perDir {
		if d != dir && n > 0 {
			rp.other = append(rp.other, buildLines(in.glyphs, d)...)
		}
	}
	rp.lines = buildLines(in.glyphs, dir) // last: it may reuse in.glyphs
	for _, r := range in.rules {
		x0, y0 := rotate(dir, r.x0, r.y0)
		x1, y1 := rotate(dir, r.x1, r.y1)
		if x0 > x1 {
			x0, y0, x1, y1 = x1, y1, x0, y0
		}
		rp.rules = append(rp.rules, rule{x0, y0, x1, y1})
	}
	chooseRoute(rp.lines)
	for _, l := range rp.other {
		l.items = l.makeItems(true)
	}
	return rp, nil
}

// chooseRoute sets the items of every line from the route that reads the
// page better. The glyph route finds word breaks in the gaps
// between glyphs, which fixes the words glued together by PDFs that
// position words instead of painting blanks (TeX, groff); but on a font
// whose widths are wrong it cuts words into letters. The plain route
// breaks words only at blanks and text objects, as GetPlainText does.
// Where they differ, splitScore says which cut looks like words.
func chooseRoute(lines []*line) {
	long, short := 0, 0
	for _, l := range lines {
		lg, sh := l.splitScore()
		long += lg
		short += sh
	}
	useGeo := short <= long
	for _, l := range lines {
		l.items = l.makeItems(useGeo)
	}
}
