package pdftext

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"gbsearch/indexer"
)

// Layout constants, in units of the font size (em). They were tuned on the
// bundled GB rendition (LibreOffice) and the UN resolutions (Word).
const (
	// sameBaseline is how far two glyphs' baselines may differ on one line.
	sameBaseline = 0.2
	// smallRatio: a glyph at most this fraction of the line's size is
	// small enough to be a superscript or subscript.
	smallRatio = 0.85
	// supRaise: a small glyph whose baseline is this far above the line's
	// is a superscript.
	supRaise = 0.12
	// wordGap: a gap between glyph boxes wider than this is a word break.
	wordGap = 0.14
	// segmentGap: a gap wider than this splits a line into segments
	// (running header on the left, document symbol on the right).
	segmentGap = 2.0
)

// item is a word of a line, or a superscript run.
type item struct {
	text    string
	x0, x1  float64
	size    float64
	sup     bool // raised and smaller than the line: a callout or an ordinal
	callout int  // > 0: the footnote number of a callout
	bold    bool
	// gapBefore is the horizontal gap to the previous item, in points.
	gapBefore float64
}

// line is one physical line of text: glyphs sharing a baseline, with the
// superscripts and subscripts that belong to it.
type line struct {
	glyphs      []glyph
	items       []item
	x0, x1      float64
	base        float64
	top, bottom float64
	size        float64
	bold        bool // most of the line is bold
	allBold     bool // all of it is: a heading rather than a run-in title
	chars       int
	// softHyphen: the line ends with a soft hyphen, a certain break.
	softHyphen bool
	furniture  bool
}

// text renders the line's items as a string: words separated by spaces,
// callouts and superscripts glued to the word before them.
func (l *line) text() string {
	var b strings.Builder
	for i, it := range l.items {
		// a callout follows its word with no space, however it was set
		if i > 0 && it.callout == 0 && !(it.sup && it.gapBefore < 0.3*l.size) {
			b.WriteByte(' ')
		}
		b.WriteString(it.itemText())
	}
	return b.String()
}

func (it item) itemText() string {
	if it.callout > 0 {
		return indexer.CalloutMarker(it.callout)
	}
	return it.text
}

// chunk is a run of glyphs painted one after the other along one
// baseline: glyphs[start:end] of the page's glyphs in paint order.
type chunk struct {
	start, end    int
	x0, x1        float64
	base, maxSize float64
	firstSize     float64
}

func (c *chunk) add(g *glyph) {
	if c.end == c.start || g.x < c.x0 {
		c.x0 = g.x
	}
	if e := g.x + g.w; c.end == c.start || e > c.x1 {
		c.x1 = e
	}
	if c.end == c.start {
		c.base, c.firstSize = g.y, g.size
	}
	if !g.space && g.size > c.maxSize {
		c.maxSize = g.size
		c.base = g.y
	}
	c.end++
}

// merge appends the chunk that follows c in paint order.
func (c *chunk) merge(n *chunk) {
	c.x0 = math.Min(c.x0, n.x0)
	c.x1 = math.Max(c.x1, n.x1)
	if n.maxSize > c.maxSize {
		c.maxSize, c.base = n.maxSize, n.base
	}
	c.end = n.end
}

func (c *chunk) sz() float64 {
	if c.maxSize > 0 {
		return c.maxSize
	}
	if c.firstSize > 0 {
		return c.firstSize
	}
	return 1
}

// rotate turns a point so that text written in direction dir reads left to
// right, bottom to top.
func rotate(dir int, x, y float64) (float64, float64) {
	switch dir & 3 {
	case 1:
		return y, -x
	case 2:
		return -x, -y
	case 3:
		return -y, x
	}
	return x, y
}

// dominantDir is the writing direction of most glyphs on the page.
func dominantDir(perDir [4]int) int {
	best := 0
	for d := 1; d < 4; d++ {
		if perDir[d] > perDir[best] {
			best = d
		}
	}
	return best
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// buildLines groups the glyphs written in direction dir into lines, in the
// order the content stream paints them. Producers paint in reading order
// (LibreOffice, Word, TeX, groff all do); sorting by position instead would
// interleave the columns of a two-column page.
//
// When every glyph is written in direction dir, buildLines reuses all.
func buildLines(all []glyph, dir int) []*line {
	var gs []glyph
	if !slices.ContainsFunc(all, func(g glyph) bool { return g.dir != dir }) {
		gs = all[:0]
	} else {
		gs = make([]glyph, 0, len(all))
	}
	for _, g := range all {
		if g.dir != dir {
			continue
		}
		g.x, g.y = rotate(dir, g.x, g.y)
		if finite(g.x) && finite(g.y) && finite(g.w) {
			gs = append(gs, g)
		}
	}
	var chunks []chunk
	for i := range gs {
		g := &gs[i]
		if n := len(chunks); n > 0 {
			cur := &chunks[n-1]
			s := math.Max(cur.sz(), g.size)
			if math.Abs(g.y-cur.base) <= sameBaseline*s && g.x >= cur.x1-0.6*s {
				cur.add(g)
				continue
			}
		}
		chunks = append(chunks, chunk{start: i, end: i})
		chunks[len(chunks)-1].add(g)
	}

	// Merge chunks into lines: chunks on one baseline (a paragraph number
	// and its text, a bold run in a sentence), and small chunks riding on a
	// neighbour (superscript callouts before or after the text). Only
	// neighbours in paint order merge, so a line stays a run of gs.
	var lines []chunk
	for _, c := range chunks {
		if n := len(lines); n > 0 {
			p := &lines[n-1]
			// leadingSatellite: p takes c's baseline and size
			if sameLine(p, &c) || satellite(&c, p) || leadingSatellite(p, &c) {
				p.merge(&c)
				continue
			}
		}
		lines = append(lines, c)
	}
	out := make([]*line, 0, len(lines))
	for _, c := range lines {
		if l := finishLine(gs[c.start:c.end:c.end]); l != nil {
			out = append(out, l)
		}
	}
	return out
}

// sameLine: b continues a's line.
func sameLine(a, b *chunk) bool {
	s := math.Max(a.sz(), b.sz())
	return math.Abs(a.base-b.base) <= sameBaseline*s
}

// satellite reports whether s is a small run riding on line l: a
// superscript or subscript next to it.
func satellite(s, l *chunk) bool {
	ls := l.sz()
	return ridesOn(s, l) && s.x0 >= l.x1-0.5*ls && s.x0 <= l.x1+1.5*ls
}

// leadingSatellite reports whether s, painted just before l, is a small
// run opening l: a footnote number before the note's text.
func leadingSatellite(s, l *chunk) bool {
	ls := l.sz()
	return ridesOn(s, l) && s.x1 <= l.x0+0.5*ls && s.x1 >= l.x0-3*ls
}

// ridesOn reports whether s is small beside line l and its baseline near
// l's (from a subscript's drop to a superscript's rise), wherever it is
// along the line.
func ridesOn(s, l *chunk) bool {
	ls := l.sz()
	if s.sz() > smallRatio*ls {
		return false
	}
	d := s.base - l.base
	return d >= -0.35*ls && d <= 0.75*ls
}

// finishLine sorts a line's glyphs, drops overprinted duplicates (fake
// bold), and works out its size and baseline.
func finishLine(gs []glyph) *line {
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].x < gs[j].x })
	// fake bold paints each glyph twice, a fraction of a point apart
	out := gs[:0]
	for _, g := range gs {
		dup := false
		for k := len(out) - 1; k >= 0 && k >= len(out)-4; k-- {
			o := out[k]
			if o.s == g.s && math.Abs(o.x-g.x) < 0.2*g.size && math.Abs(o.y-g.y) < 0.1*g.size {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, g)
		}
	}
	gs = out
	sizes := map[float64]int{}
	for _, g := range gs {
		if !g.space {
			sizes[math.Round(g.size*4)/4] += len([]rune(g.s))
		}
	}
	if len(sizes) == 0 {
		return nil
	}
	var size float64
	best := -1
	for s, n := range sizes {
		if n > best || n == best && s > size {
			size, best = s, n
		}
	}
	var ys []float64
	l := &line{glyphs: gs, size: size, x0: math.Inf(1), x1: math.Inf(-1), top: math.Inf(-1), bottom: math.Inf(1)}
	bold := 0
	for _, g := range gs {
		if g.space {
			continue
		}
		if math.Abs(g.size-size) < 0.3 {
			ys = append(ys, g.y)
		}
		n := len([]rune(g.s))
		l.chars += n
		if g.font != nil && g.font.bold {
			bold += n
		}
		l.x0 = math.Min(l.x0, g.x)
		l.x1 = math.Max(l.x1, g.x+g.w)
		l.top = math.Max(l.top, g.y+0.75*g.size)
		l.bottom = math.Min(l.bottom, g.y-0.2*g.size)
	}
	slices.Sort(ys)
	l.base = ys[len(ys)/2]
	l.bold = bold*5 >= l.chars*3
	l.allBold = bold*20 >= l.chars*19
	return l
}

// Word breaks before a glyph, as each route sees them.
const (
	breakHard  = 1 << iota // a blank, the line start, a superscript edge
	breakGeo               // a gap between glyph boxes
	breakPlain             // a new text object, as GetPlainText sees it
)

// breaks returns, for each glyph of the line, the word breaks before it
// (0 for blanks, which are breaks themselves).
func (l *line) breaks() []uint8 {
	out := make([]uint8, len(l.glyphs))
	var prev *glyph
	prevSup := false
	pendingSpace := true
	for i := range l.glyphs {
		g := &l.glyphs[i]
		if g.space {
			pendingSpace = true
			continue
		}
		sup := l.isSup(g)
		if pendingSpace || prev == nil || sup != prevSup {
			out[i] = breakHard
		} else {
			gap := g.x - (prev.x + prev.w)
			s := math.Max(prev.size, g.size)
			if sup {
				s = l.size
			}
			thr := wordGap * s
			if prev.font.approx || g.font.approx {
				thr = 0.5 * s
			}
			if gap > thr {
				out[i] |= breakGeo
			}
			if g.brk || gap > 3*s {
				out[i] |= breakPlain
			}
		}
		pendingSpace = false
		prev, prevSup = g, sup
	}
	return out
}

// isSup reports whether g is a superscript on l: smaller and raised.
func (l *line) isSup(g *glyph) bool {
	return g.size <= smallRatio*l.size && g.y-l.base >= supRaise*l.size
}

// makeItems cuts a line into words. geometric chooses how word breaks are
// found: from the gaps between glyph boxes (the glyph route), or only from
// blanks and text-object boundaries, as pdf.Page.GetPlainText does (the
// plain route).
func (l *line) makeItems(geometric bool) []item {
	var items []item
	var cur *item
	var curB strings.Builder
	var bold, n int
	var prev *glyph
	flush := func() {
		if cur != nil {
			cur.text = curB.String()
			cur.bold = bold*2 > n
			items = append(items, *cur)
		}
		cur = nil
		curB.Reset()
		bold, n = 0, 0
	}
	route := uint8(breakPlain)
	if geometric {
		route = breakGeo
	}
	l.softHyphen = false
	for i, b := range l.breaks() {
		g := &l.glyphs[i]
		if g.space {
			continue
		}
		if b&(breakHard|route) != 0 {
			flush()
			gb := 0.0
			if prev != nil {
				gb = g.x - (prev.x + prev.w)
			}
			cur = &item{x0: g.x, sup: l.isSup(g), size: g.size, gapBefore: gb}
		}
		curB.WriteString(g.s)
		cur.x1 = g.x + g.w
		k := len([]rune(g.s))
		n += k
		if g.font.bold {
			bold += k
		}
		prev = g
	}
	flush()
	// soft hyphens: a certain break at the end of a line, noise elsewhere
	for i := range items {
		t := items[i].text
		if strings.ContainsRune(t, '\u00AD') {
			if i == len(items)-1 && strings.HasSuffix(t, "\u00AD") {
				l.softHyphen = true
			}
			items[i].text = strings.ReplaceAll(t, "\u00AD", "")
		}
	}
	items = slices.DeleteFunc(items, func(it item) bool { return it.text == "" })
	// superscript runs of digits are footnote callouts; "1,2" is two
	out := items[:0]
	for _, it := range items {
		if it.sup {
			if ns, ok := calloutNumbers(it.text); ok {
				for k, n := range ns {
					c := it
					c.callout = n
					c.text = strconv.Itoa(n)
					if k > 0 {
						c.gapBefore = 0
					}
					out = append(out, c)
				}
				continue
			}
		}
		out = append(out, it)
	}
	return out
}

// calloutNumbers parses a superscript such as "12" or "3,4".
func calloutNumbers(s string) ([]int, bool) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" || len(p) > 3 {
			return nil, false
		}
		for _, r := range p {
			if r < '0' || r > '9' {
				return nil, false
			}
		}
		n, _ := strconv.Atoi(p)
		if n == 0 {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) > 0
}

// segments splits a line's items where the gap is wide: a running header
// can share a baseline with the document symbol at the other margin.
func (l *line) segments() [][]item {
	var out [][]item
	start := 0
	for i := 1; i <= len(l.items); i++ {
		if i == len(l.items) || l.items[i].gapBefore > segmentGap*l.size {
			out = append(out, l.items[start:i])
			start = i
		}
	}
	return out
}

// isRuleText reports whether a line is a separator typed as characters
// ("__________"), which Word writes above footnotes.
func isRuleText(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r == '_' || r == '-' || r == '\u2013' || r == '\u2014' || r == '\u2500' || r == '\u2015':
			n++
		case unicode.IsSpace(r):
		default:
			return false
		}
	}
	return n >= 5
}

// splitScore compares the routes on a line. Where the glyph route cuts a
// word of the plain route further, it looks at the pieces: pieces of three
// letters or more look like words ("Die blaue Umgebung" out of
// "DieblaueUmgebung"), while runs of three or more pieces of one or two
// letters are letters cut apart by wrong font widths ("C o n v e n t i o
// n"). Lone short pieces ("f : X ! Y" in mathematics, "is a") and pieces
// with digits have no say. A break the plain route makes inside what the
// glyph route sees as one word counts as a long piece, for the glyph route.
func (l *line) splitScore() (long, short int) {
	// letter counts of the glyph-route pieces of one plain word; -1 for a
	// piece with digits or without letters
	var pieces []int
	letters := 0
	digits := false
	cut := func() {
		if digits || letters == 0 {
			letters = -1
		}
		pieces = append(pieces, letters)
		letters, digits = 0, false
	}
	settle := func() {
		cut()
		if len(pieces) > 1 {
			run := 0
			for i, n := range append(pieces, -1) {
				if n > 0 && n < 3 {
					run++
					continue
				}
				if run >= 3 {
					short += run
				}
				run = 0
				if i < len(pieces) && n >= 3 {
					long++
				}
			}
		}
		pieces = pieces[:0]
	}
	started := false
	for i, b := range l.breaks() {
		g := &l.glyphs[i]
		if g.space {
			continue
		}
		if started {
			switch {
			case b&(breakHard|breakPlain) != 0:
				if b&(breakHard|breakGeo) == 0 {
					long++
				}
				settle()
			case b&breakGeo != 0:
				cut()
			}
		}
		started = true
		for _, r := range g.s {
			if unicode.IsLetter(r) {
				letters++
			} else if unicode.IsDigit(r) {
				digits = true
			}
		}
	}
	if started {
		settle()
	}
	return long, short
}
