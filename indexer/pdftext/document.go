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

// Document-wide passes: they need every page (running headers are found
// by repetition, hyphenated compounds by the document's own vocabulary).

const (
	// noteRatio: a line at most this fraction of the body size can be a
	// footnote line.
	noteRatio = 0.93
	// furnitureEdge is how many lines at the top and at the bottom of a
	// page may be running headers or footers.
	furnitureEdge = 3
	// furnitureSlack is how far (points) a running header may move between
	// pages.
	furnitureSlack = 3.0
)

// assemble runs the document passes and builds the Content. It also returns
// the text of the lines dropped as page furniture, page by page.
func assemble(raws []*rawPage) (*indexer.Content, [][]string) {
	body := bodySize(raws)
	dropped := markFurniture(raws)
	drafts := make([]*pageDraft, len(raws))
	var lastNote *noteDraft
	lastPage := 0
	for i, rp := range raws {
		drafts[i] = splitNotes(rp, body, lastNote, lastPage)
		if n := len(drafts[i].notes); n > 0 {
			lastNote, lastPage = drafts[i].notes[n-1], rp.num
		}
	}
	v := buildVocab(drafts)
	c := &indexer.Content{Format: indexer.FormatPDF, Pages: make([]indexer.Page, 0, len(raws))}
	for i, rp := range raws {
		c.Pages = append(c.Pages, drafts[i].finish(rp, body, v))
	}
	return c, dropped
}

// bodySize is the font size of most of the document's text.
func bodySize(raws []*rawPage) float64 {
	count := map[float64]int{}
	for _, rp := range raws {
		if rp == nil {
			continue
		}
		for _, l := range rp.lines {
			count[l.size] += l.chars
		}
	}
	var best float64
	n := -1
	for s, c := range count {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	if best <= 0 {
		return 10
	}
	return best
}

// byPosition returns the page's lines from the top of the page down.
func byPosition(lines []*line) []*line {
	out := slices.Clone(lines)
	sort.SliceStable(out, func(i, j int) bool { return out[i].base > out[j].base })
	return out
}

// furnitureKey normalises a line segment for comparison across pages:
// digits become '#', so "3" and "4" match, and bare numbers (page numbers
// beside a running title) are dropped.
func furnitureKey(items []item) string {
	var parts []string
	for _, it := range items {
		var b strings.Builder
		digitRun := false
		for _, r := range it.itemText() {
			if unicode.IsDigit(r) {
				if !digitRun {
					b.WriteByte('#')
				}
				digitRun = true
				continue
			}
			digitRun = false
			b.WriteRune(unicode.ToLower(r))
		}
		p := b.String()
		if p == "#" || p == "-#-" || p == "–#–" || p == "page" {
			continue
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

type edgeSeg struct {
	page       int
	base, size float64
}

// markFurniture flags running headers and footers: lines at the top or
// bottom edge of a page whose every segment recurs at the same height,
// in the same size, at the edge of other pages. Matching height and size
// is what keeps the symbol in a cover page's masthead, set large in the
// body of the page, while the same symbol as a small running header goes.
func markFurniture(raws []*rawPage) [][]string {
	dropped := make([][]string, len(raws))
	n := 0
	for _, rp := range raws {
		if rp != nil && len(rp.lines) > 0 {
			n++
		}
	}
	if n < 2 {
		return dropped
	}
	minOthers := 1
	if n >= 4 {
		minOthers = 2
	}
	edges := func(rp *rawPage) []*line {
		pos := byPosition(rp.lines)
		if len(pos) <= 2*furnitureEdge {
			return pos
		}
		return append(pos[:furnitureEdge:furnitureEdge], pos[len(pos)-furnitureEdge:]...)
	}
	seen := map[string][]edgeSeg{}
	for i, rp := range raws {
		if rp == nil {
			continue
		}
		for _, l := range edges(rp) {
			for _, s := range l.segments() {
				k := furnitureKey(s)
				seen[k] = append(seen[k], edgeSeg{i, l.base, l.size})
			}
		}
	}
	repeated := func(page int, l *line) bool {
		for _, s := range l.segments() {
			others := map[int]bool{}
			for _, e := range seen[furnitureKey(s)] {
				if e.page != page && math.Abs(e.base-l.base) <= furnitureSlack && math.Abs(e.size-l.size) <= 0.6 {
					others[e.page] = true
				}
			}
			if len(others) < minOthers {
				return false
			}
		}
		return true
	}
	for i, rp := range raws {
		if rp == nil {
			continue
		}
		pos := byPosition(rp.lines)
		// from each edge inwards, while lines repeat
		for k := 0; k < furnitureEdge && k < len(pos) && repeated(i, pos[k]); k++ {
			pos[k].furniture = true
		}
		for k := len(pos) - 1; k >= len(pos)-furnitureEdge && k >= 0 && !pos[k].furniture && repeated(i, pos[k]); k-- {
			pos[k].furniture = true
		}
		for _, l := range rp.lines {
			if l.furniture {
				dropped[i] = append(dropped[i], l.text())
			}
		}
	}
	return dropped
}

// noteDraft is a footnote being collected.
type noteDraft struct {
	number int
	label  string
	lines  [][]item
}

// pageDraft is a page split into body and notes.
type pageDraft struct {
	body  []*line
	notes []*noteDraft
	// cont is text at the top of the footnote area that continues the
	// previous page's last note.
	cont [][]item
}

// noteLabel reads the footnote number at the start of a line in the
// footnote area: a superscript number, or a number set apart from the text
// ("1", "1.", "1)").
func noteLabel(l *line) (n int, label string, ok bool) {
	if len(l.items) < 2 {
		return 0, "", false
	}
	it := l.items[0]
	if it.callout > 0 {
		return it.callout, strconv.Itoa(it.callout), true
	}
	t := strings.TrimRight(it.text, ".)")
	if t == "" || len(t) > 3 || len(it.text)-len(t) > 1 {
		return 0, "", false
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 {
		return 0, "", false
	}
	return n, it.text, true
}

// splitNotes separates the footnote area at the foot of the page from the
// body. The area is a run of small lines at the bottom, below the last
// line in the body size; it starts at a separator (a drawn rule, or a line
// of underscores) or at a line that begins with the number of a footnote
// called on this page or following the previous note.
func splitNotes(rp *rawPage, body float64, last *noteDraft, lastPage int) *pageDraft {
	d := &pageDraft{}
	if rp == nil {
		return d
	}
	var content []*line
	for _, l := range rp.lines {
		if !l.furniture {
			content = append(content, l)
		}
	}
	pos := byPosition(content)
	// the maximal run of small lines at the bottom, stopping at a typed
	// separator; a few larger lines under it (a job number and bar code
	// that only the first page has, so they are not furniture) stay body
	end := len(pos)
	for end > 0 && len(pos)-end < furnitureEdge && pos[end-1].size > noteRatio*body && !isRuleText(pos[end-1].text()) {
		end--
	}
	k := end
	typedSep := -1
	for k > 0 {
		l := pos[k-1]
		if isRuleText(l.text()) {
			typedSep = k - 1
			break
		}
		if l.size > noteRatio*body {
			break
		}
		k--
	}
	if k == end {
		d.body = removeRuleText(content, nil)
		return d
	}
	callouts := map[int]bool{}
	for _, l := range pos[:k] {
		for _, it := range l.items {
			if it.callout > 0 {
				callouts[it.callout] = true
			}
		}
	}
	expected := func(n int) bool {
		return callouts[n] || (last != nil && n == last.number+1) || (last == nil && n == 1)
	}
	start := -1
	for s := k; s < end; s++ {
		sep := (s == k && typedSep >= 0) || ruleAbove(rp.rules, pos, s)
		n, _, ok := noteLabel(pos[s])
		// a note that starts here; or, right under a separator at the
		// top of the area, the rest of the previous page's last note
		if ok && (expected(n) || sep) || !ok && sep && s == k && last != nil && lastPage == rp.num-1 && s > 0 {
			start = s
			break
		}
	}
	// a footnote area has no rules between its lines; a table has
	if start >= 0 && rulesWithin(rp.rules, pos[start:end]) {
		start = -1
	}
	if start < 0 {
		d.body = removeRuleText(content, nil)
		return d
	}
	zone := pos[start:end]
	inZone := map[*line]bool{}
	for _, l := range zone {
		inZone[l] = true
	}
	d.body = removeRuleText(content, inZone)
	var cur *noteDraft
	for _, l := range zone {
		if n, label, ok := noteLabel(l); ok && (cur == nil || n == cur.number+1) {
			cur = &noteDraft{number: n, label: label, lines: [][]item{l.items[1:]}}
			d.notes = append(d.notes, cur)
			continue
		}
		if cur == nil {
			d.cont = append(d.cont, l.items)
			continue
		}
		cur.lines = append(cur.lines, l.items)
	}
	if len(d.cont) > 0 {
		last.lines = append(last.lines, d.cont...)
		d.cont = nil
	}
	return d
}

// removeRuleText drops typed separators and the lines in skip.
func removeRuleText(lines []*line, skip map[*line]bool) []*line {
	var out []*line
	for _, l := range lines {
		if !skip[l] && !isRuleText(l.text()) {
			out = append(out, l)
		}
	}
	return out
}

// ruleAbove reports whether a drawn horizontal rule lies between line s
// and the line above it (pos is top-down), starting near the left end of
// line s: the footnote separator.
func ruleAbove(rules []rule, pos []*line, s int) bool {
	l := pos[s]
	ceiling := math.Inf(1)
	if s > 0 {
		ceiling = pos[s-1].bottom
	}
	for _, r := range rules {
		y := (r.y0 + r.y1) / 2
		if math.Abs(r.y1-r.y0) > 1 || r.x1-r.x0 < 30 {
			continue
		}
		if y > l.top-1 && y < ceiling+1 && y-l.top < 4*l.size && math.Abs(r.x0-l.x0) < 40 {
			return true
		}
	}
	return false
}

// rulesWithin reports whether a drawn rule lies between the first and the
// last of lines (top-down), across their horizontal extent.
func rulesWithin(rules []rule, lines []*line) bool {
	if len(lines) < 2 {
		return false
	}
	top, bottom := lines[0].bottom, lines[len(lines)-1].top
	x0, x1 := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		x0, x1 = math.Min(x0, l.x0), math.Max(x1, l.x1)
	}
	for _, r := range rules {
		y := (r.y0 + r.y1) / 2
		if math.Abs(r.y1-r.y0) <= 1 && y < top && y > bottom && r.x1 > x0 && r.x0 < x1 {
			return true
		}
	}
	return false
}

// vocab is the document's own word list, used to tell a compound split at
// a line end ("follow-" / "up") from a word broken by hyphenation.
type vocab struct {
	words  map[string]int // words seen whole
	hyphen map[string]int // hyphenated compounds seen within a line
	// keepByDefault decides line-end hyphens the vocabulary says nothing
	// about.
	keepByDefault bool
}

// wordTokens splits text into the words the vocabulary counts: runs of
// letters, digits and hyphens ("specialized-publications" inside a URL).
func wordTokens(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\u2010'
	})
	out := f[:0]
	for _, w := range f {
		if w = strings.Trim(strings.ReplaceAll(w, "\u2010", "-"), "-"); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func buildVocab(drafts []*pageDraft) *vocab {
	v := &vocab{words: map[string]int{}, hyphen: map[string]int{}}
	addLines := func(lines [][]item) {
		for i, items := range lines {
			for j, it := range items {
				if it.callout > 0 {
					continue
				}
				// line-end fragments and their continuations are what we
				// are deciding about: they are not evidence
				if j == len(items)-1 && endsWithHyphen(it.text) {
					continue
				}
				if j == 0 && i > 0 && len(lines[i-1]) > 0 && endsWithHyphen(lines[i-1][len(lines[i-1])-1].text) {
					continue
				}
				for _, w := range wordTokens(it.text) {
					if strings.Contains(w, "-") {
						v.hyphen[w]++
					} else {
						v.words[w]++
					}
				}
			}
		}
	}
	var all [][][]item
	for _, d := range drafts {
		var ls [][]item
		for _, l := range d.body {
			ls = append(ls, l.items)
		}
		all = append(all, ls)
		for _, n := range d.notes {
			all = append(all, n.lines)
		}
	}
	for _, ls := range all {
		addLines(ls)
	}
	kept, broke := 0, 0
	for _, ls := range all {
		for i := 1; i < len(ls); i++ {
			p, n := ls[i-1], ls[i]
			if len(p) == 0 || len(n) == 0 || !endsWithHyphen(p[len(p)-1].text) {
				continue
			}
			switch v.evidence(p[len(p)-1].text, n[0].text) {
			case compound:
				kept++
			case broken:
				broke++
			}
		}
	}
	v.keepByDefault = kept >= broke
	return v
}

func endsWithHyphen(s string) bool {
	if !strings.HasSuffix(s, "-") && !strings.HasSuffix(s, "\u2010") {
		return false
	}
	r := []rune(s)
	return len(r) >= 3 && unicode.IsLetter(r[len(r)-2])
}

// hyphenEvidence is what the document says about a line-end hyphen.
type hyphenEvidence int

const (
	noEvidence hyphenEvidence = iota
	compound                  // keep the hyphen
	broken                    // a word broken by hyphenation: drop it
)

// hyphenWords returns the halves of a hyphenated word split at a line
// end: the last word before the hyphen and the first after the break.
func hyphenWords(left, right string) (l, r string, ok bool) {
	lt := wordTokens(left)
	rt := wordTokens(right)
	if len(lt) == 0 || len(rt) == 0 {
		return "", "", false
	}
	l = lt[len(lt)-1]
	if i := strings.LastIndexByte(l, '-'); i >= 0 {
		l = l[i+1:]
	}
	return l, rt[0], true
}

// evidence decides, where it can, whether "left-" at a line end followed
// by "right" on the next line is a compound or a word broken by
// hyphenation: from the form itself (a URL, a capital or a digit after
// the break, a chain such as "hard-to-reach"), then from the document's
// own usage of the hyphenated and the joined word.
func (v *vocab) evidence(left, right string) hyphenEvidence {
	if strings.Contains(left, "/") || strings.Contains(left, "www.") {
		// a URL: line breaking does not hyphenate them
		return compound
	}
	rr := []rune(strings.TrimLeftFunc(right, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
	l, r, ok := hyphenWords(left, right)
	if !ok || len(rr) == 0 {
		return compound
	}
	if unicode.IsUpper(rr[0]) || unicode.IsDigit(rr[0]) || strings.Contains(r, "-") {
		return compound
	}
	hyph, joined := v.hyphen[l+"-"+r], v.words[l+r]
	switch {
	case hyph > joined:
		return compound
	case joined > hyph:
		return broken
	}
	return noEvidence
}

// keepHyphen decides a line-end hyphen. Without evidence, the document's
// habit decides: a document set with automatic hyphenation (groff, TeX)
// shows many proven breaks, one typed in Word shows compounds only.
func (v *vocab) keepHyphen(left, right string) bool {
	switch v.evidence(left, right) {
	case compound:
		return true
	case broken:
		return false
	}
	return v.keepByDefault
}

// continues reports whether next is the line that follows prev in the
// same column, so that a word or callout may flow from one to the other:
// just below it, starting no further right than the last word of prev.
func continues(prev, next *line, leading float64) bool {
	if prev == nil || next == nil || len(prev.items) == 0 {
		return true
	}
	d := prev.base - next.base
	return d > 0 && d < 2.5*leading && next.x0 <= prev.items[len(prev.items)-1].x0+0.5*prev.size
}

// joinLines moves the first word of next onto the end of prev when prev
// ends with a hyphenated word, and moves a callout that opens next to the
// end of prev, after the word it follows.
func (v *vocab) joinLines(prev, next *[]item, soft bool) {
	p, n := *prev, *next
	if len(p) == 0 || len(n) == 0 {
		return
	}
	last := &p[len(p)-1]
	switch {
	case n[0].callout > 0:
		m := 0
		for m < len(n) && n[m].callout > 0 {
			m++
		}
		for _, it := range n[:m] {
			it.gapBefore = 0
			p = append(p, it)
		}
		*prev, *next = p, n[m:]
		return
	case soft:
		last.text += n[0].text
	case endsWithHyphen(last.text):
		if !v.keepHyphen(last.text, n[0].text) {
			last.text = strings.TrimRight(last.text, "-\u2010")
		}
		last.text += n[0].text
	default:
		return
	}
	last.x1 = n[0].x1
	// superscripts glued to the moved word go with it
	m := 1
	for m < len(n) && n[m].sup && (n[m].callout > 0 || n[m].gapBefore < 0.3*n[m].size/smallRatio) {
		n[m].gapBefore = 0
		p = append(p, n[m])
		m++
	}
	*prev, *next = p, n[m:]
}

func itemsText(items []item, size float64) string {
	l := line{items: items, size: size}
	return l.text()
}

// finish turns a split page into an indexer.Page.
func (d *pageDraft) finish(rp *rawPage, body float64, v *vocab) indexer.Page {
	p := indexer.Page{Number: rp.num, Err: rp.err}
	// hyphen joins and stray callouts, line to line
	items := make([][]item, len(d.body))
	for i, l := range d.body {
		items[i] = slices.Clone(l.items)
	}
	leading := typicalLeading(d.body, body)
	for i := 1; i < len(items); i++ {
		if continues(d.body[i-1], d.body[i], leading) {
			v.joinLines(&items[i-1], &items[i], d.body[i-1].softHyphen)
		}
	}
	right := rightMargin(d.body)
	var prev *line
	for i, l := range d.body {
		if len(items[i]) == 0 {
			continue
		}
		il := indexer.Line{Text: itemsText(items[i], l.size), Bold: l.bold}
		il.Heading = l.allBold || l.size >= 1.15*body
		il.Block = prev == nil || startsBlock(prev, l, nextLine(d.body, i), leading, right)
		p.Lines = append(p.Lines, il)
		prev = l
	}
	for _, l := range rp.other {
		if t := l.text(); strings.TrimSpace(t) != "" {
			p.Lines = append(p.Lines, indexer.Line{Text: t, Block: true})
		}
	}
	for _, n := range d.notes {
		ls := slices.Clone(n.lines)
		for i := range ls {
			ls[i] = slices.Clone(ls[i])
		}
		for i := 1; i < len(ls); i++ {
			v.joinLines(&ls[i-1], &ls[i], false)
		}
		var parts []string
		for _, li := range ls {
			if t := itemsText(li, body); t != "" {
				parts = append(parts, t)
			}
		}
		p.Notes = append(p.Notes, indexer.Note{Number: n.number, Label: n.label, Text: strings.Join(parts, " ")})
	}
	p.Quality = indexer.Quality(p.Text())
	return p
}

func nextLine(lines []*line, i int) *line {
	if i+1 < len(lines) {
		return lines[i+1]
	}
	return nil
}

// typicalLeading is the usual distance between consecutive body lines.
func typicalLeading(lines []*line, body float64) float64 {
	var ds []float64
	for i := 1; i < len(lines); i++ {
		a, b := lines[i-1], lines[i]
		if math.Abs(a.size-body) < 0.5 && math.Abs(b.size-body) < 0.5 {
			if d := a.base - b.base; d > 0.5*body && d < 3*body {
				ds = append(ds, d)
			}
		}
	}
	if len(ds) == 0 {
		return 1.2 * body
	}
	slices.Sort(ds)
	return ds[len(ds)/4] // the lower quartile: paragraph gaps inflate the median
}

// startsBlock reports whether l starts a new block after prev: a wider
// vertical gap than the leading, a jump up the page (a new column), a
// change of style, a first-line indent or a hanging first line.
func startsBlock(prev, l, next *line, leading, right float64) bool {
	d := prev.base - l.base
	if d < 0 || d > 1.3*leading*math.Max(1, l.size/prev.size) {
		return true
	}
	if prev.allBold != l.allBold || math.Abs(prev.size-l.size) > 0.5 {
		return true
	}
	if next != nil && next.size == l.size {
		em := l.size
		// [margin, indented, margin] is a first-line indent only when
		// the line before ends short; otherwise it is the continuation of
		// a hanging paragraph
		indented := l.x0-next.x0 > 0.8*em && math.Abs(prev.x0-next.x0) < 0.5*em && prev.x1 < right-2*em
		hanging := next.x0-l.x0 > 0.8*em && math.Abs(prev.x0-next.x0) < 0.5*em
		if indented || hanging {
			return true
		}
	}
	return false
}

// rightMargin is where full lines end: the upper quartile of line ends.
func rightMargin(lines []*line) float64 {
	if len(lines) == 0 {
		return 0
	}
	xs := make([]float64, len(lines))
	for i, l := range lines {
		xs[i] = l.x1
	}
	slices.Sort(xs)
	return xs[len(xs)*3/4]
}
