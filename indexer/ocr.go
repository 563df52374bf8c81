package indexer

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RepairOCR repairs what OCR does to a printed GB document, so that the
// text of a scan parses like the DOCX it was printed from:
//
//   - page furniture (the footer's job code, the running header) goes to
//     [Content.Furniture], and a page is known to end after its footer or
//     after its footnotes;
//   - the footnotes printed at the foot of each page become [Page.Notes],
//     numbered by their order (garbled labels such as "!", "%" or "9" for 10
//     are checked against the order, never trusted);
//   - garbled callouts in the running text ("Session. * It", "agenda.™*",
//     "society. 8") become [CalloutMarker]s, matched in order with the
//     footnotes of their page;
//   - words the OCR misread are put right where the document itself proves
//     the reading: UN symbols ([NormaliseUNSymbol]), an acronym with a digit
//     for a letter ("1LO") or with stray letters ("(GMGQG)" after "Global
//     Migration Group"), a word-initial l for I ("lssues"), a URL host
//     ("Aww.ilo.org" where the document cites www.ilo.org), URLs split
//     across lines;
//   - paragraph numbers and item labels the OCR lost or moved away from
//     their text are put back by sequence, and a heading run into the last
//     line of the page before it is set apart again.
//
// It never invents wording, and text without OCR damage comes back
// unchanged (the same *Content).
func RepairOCR(c *Content) *Content {
	if c == nil || len(c.Pages) == 0 {
		return c
	}
	r := &ocrRepair{}
	for i := range c.Pages {
		r.segment(&c.Pages[i])
	}
	r.numberNotes()
	r.joinSplitURLs()
	r.repairWords()
	r.placeCallouts()
	r.restoreStructure()
	if !r.changed {
		return c
	}
	return r.content(c)
}

// ocrRepair holds the content being repaired, re-cut into the pages the
// OCR text really had.
type ocrRepair struct {
	pages     []*ocrPage
	furniture []string
	// noteWidth is the widest footnote line seen so far (in runes): a
	// footnote line that fills it was wrapped, one that does not ended its
	// footnote.
	noteWidth int
	notes     int // footnotes found so far
	changed   bool
}

type ocrPage struct {
	src   *Page
	lines []Line
	drop  []bool // lines moved or removed by the structure repairs
	notes []ocrNote
	// callout records whether the body so far holds something that can be
	// a garbled callout: footnotes cannot start on a page without one.
	callout bool
}

type ocrNote struct {
	label  string
	lines  []string
	number int
	text   string
}

func (p *ocrPage) hasText() bool {
	if len(p.notes) > 0 {
		return true
	}
	for _, l := range p.lines {
		if !l.Blank {
			return true
		}
	}
	return false
}

func (r *ocrRepair) newPage(src *Page) *ocrPage {
	p := &ocrPage{src: src}
	r.pages = append(r.pages, p)
	return p
}

func (r *ocrRepair) addFurniture(t string) {
	r.changed = true
	for _, f := range r.furniture {
		if f == t {
			return
		}
	}
	r.furniture = append(r.furniture, t)
}

func (r *ocrRepair) noteCount() int { return r.notes }

func (r *ocrRepair) addNote(p *ocrPage, t string) {
	label, rest, _ := noteLabel(t)
	p.notes = append(p.notes, ocrNote{label: label, lines: nonEmpty(rest)})
	r.notes++
	r.noteWidth = max(r.noteWidth, utf8.RuneCountInString(t))
}

func (r *ocrRepair) allNotes() []*ocrNote {
	var out []*ocrNote
	for _, p := range r.pages {
		for i := range p.notes {
			out = append(out, &p.notes[i])
		}
	}
	return out
}

type zoneAction int

const (
	zoneContinue zoneAction = iota // the line continues the current footnote
	zoneNewNote                    // the line starts the next footnote
	zoneEnd                        // the page ended: the line is body text of the next page
)

// segment splits one input page into body lines, footnotes and furniture,
// starting a new page wherever the OCR text shows one ended: after the
// footer, or where the text after a footnote zone is body text again (OCR
// output keeps pages apart with no more than a line break, so a footnote
// zone runs straight into the next page's first line).
func (r *ocrRepair) segment(src *Page) {
	cur := r.newPage(src)
	inZone, sawBlank := false, false
	prev := "" // the last footnote line
	for _, l := range src.Lines {
		if l.Blank {
			if inZone {
				sawBlank = true
			} else {
				cur.lines = append(cur.lines, l)
			}
			continue
		}
		t := strings.TrimSpace(l.Text)
		if isFooterLine(t) {
			r.addFurniture(t)
			cur = r.newPage(src)
			inZone = false
			continue
		}
		if len(r.pages) > 1 && !cur.hasText() && isRunningHeader(t) {
			r.addFurniture(t)
			continue
		}
		if inZone {
			switch r.zoneLine(cur, t, prev, sawBlank) {
			case zoneNewNote:
				r.addNote(cur, t)
				prev, sawBlank = t, false
				continue
			case zoneContinue:
				n := &cur.notes[len(cur.notes)-1]
				n.lines = append(n.lines, t)
				r.noteWidth = max(r.noteWidth, utf8.RuneCountInString(t))
				prev, sawBlank = t, false
				continue
			case zoneEnd:
				cur = r.newPage(src)
				inZone = false
				r.changed = true
			}
		}
		if len(cur.lines) > 0 && cur.lines[len(cur.lines)-1].Blank && r.startsZone(cur, t) {
			r.addNote(cur, t)
			inZone, sawBlank, prev = true, false, t
			r.changed = true
			continue
		}
		cur.lines = append(cur.lines, l)
		if !cur.callout && len(findCallouts(t)) > 0 {
			cur.callout = true
		}
	}
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// startsZone reports whether t, after a blank line, is the first footnote
// of a page: a footnote label and text, on a page whose body holds a
// callout, numbered as the next footnote could be.
func (r *ocrRepair) startsZone(cur *ocrPage, t string) bool {
	label, rest, ok := noteLabel(t)
	if !ok || !cur.callout {
		return false
	}
	if n, err := strconv.Atoi(label); err == nil {
		return r.noteCount() == 0 || plausibleNoteNumber(n, r.noteCount()+1)
	}
	return rest != ""
}

// zoneLine decides what a line inside a footnote zone is.
func (r *ocrRepair) zoneLine(cur *ocrPage, t, prev string, sawBlank bool) zoneAction {
	last := &cur.notes[len(cur.notes)-1]
	if len(last.lines) == 0 {
		return zoneContinue // a label printed on a line of its own: its text follows
	}
	if label, rest, ok := noteLabel(t); ok {
		if n, err := strconv.Atoi(label); err == nil {
			if (sawBlank || endsClause(prev)) && plausibleNoteNumber(n, r.noteCount()+1) {
				return zoneNewNote
			}
		} else if rest != "" && (sawBlank || endsSentence(prev)) {
			return zoneNewNote
		}
	}
	if endsClause(prev) && startsBodyBlock(t) {
		return zoneEnd
	}
	// a footnote wraps by filling its line; a short line that ends a
	// sentence ended the last footnote, so what follows is the next page
	if endsSentence(prev) && !r.fullNoteLine(prev) {
		return zoneEnd
	}
	return zoneContinue
}

func (r *ocrRepair) fullNoteLine(t string) bool {
	if r.noteWidth < 60 {
		return false
	}
	return float64(utf8.RuneCountInString(t)) >= 0.88*float64(r.noteWidth)
}

// noteGlyphs are what OCR makes of small superscript footnote numbers at
// the start of a footnote line.
const noteGlyphs = "!\"%'*<>?®©°™’‘^†‡§¹²³⁴⁵⁶⁷⁸⁹⁰"

// noteLabel splits a footnote line into its label and text: "12 See ...",
// "! See ...", "1> This ...", or a number alone on its line (the text
// follows on the next one).
func noteLabel(t string) (label, rest string, ok bool) {
	tok, rest, _ := strings.Cut(t, " ")
	rest = strings.TrimSpace(rest)
	if tok == "" {
		return "", "", false
	}
	if allDigits(tok) {
		if len(tok) > 3 || tok[0] == '0' {
			return "", "", false
		}
		if rest != "" && !startsNoteText(rest) {
			return "", "", false
		}
		return tok, rest, true
	}
	if utf8.RuneCountInString(tok) > 3 || rest == "" || !startsNoteText(rest) {
		return "", "", false
	}
	glyph := false
	for _, c := range tok {
		switch {
		case strings.ContainsRune(noteGlyphs, c):
			glyph = true
		case c >= '0' && c <= '9':
		default:
			return "", "", false
		}
	}
	return tok, rest, glyph
}

func startsNoteText(s string) bool {
	c, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune("“\"‘", c)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// plausibleNoteNumber reports whether a footnote label read as n can be the
// footnote expected next: itself, or what OCR leaves of it (a lost digit,
// "7" for 17, or a neighbouring number, "9" for 10).
func plausibleNoteNumber(n, expected int) bool {
	if n <= 0 {
		return false
	}
	if n == expected || n == expected-1 || n == expected+1 {
		return true
	}
	ns, es := strconv.Itoa(n), strconv.Itoa(expected)
	return len(ns) < len(es) && (strings.HasSuffix(es, ns) || strings.HasPrefix(es, ns))
}

var (
	orphanNumberRE = regexp.MustCompile(`^(\d{1,3})\.$`)
	lostNumberRE   = regexp.MustCompile(`^\.\s+(\p{Lu}.*)$`)
	orphanLabelRE  = regexp.MustCompile(`^\(([^()\s]{0,3})\)$`)
	garbledLabelRE = regexp.MustCompile(`^\(([^()\s]{0,2})\)\s+(\S.*)$`)
)

// startsBodyBlock reports whether a line can only be body text: a numbered
// paragraph or item, or the remains of one.
func startsBodyBlock(t string) bool {
	return numberedParaRE.MatchString(t) || itemRE.MatchString(t) || orphanNumberRE.MatchString(t) ||
		orphanLabelRE.MatchString(t) || lostNumberRE.MatchString(t)
}

// endsClause reports whether a line ends as a footnote or sentence can.
func endsClause(t string) bool {
	c, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune(".!?;”’\")", c)
}

// abbreviations that end a line without ending its sentence
var abbreviations = map[string]bool{"doc.": true, "para.": true, "paras.": true, "p.": true, "pp.": true, "no.": true,
	"nos.": true, "vol.": true, "art.": true, "arts.": true, "cf.": true, "e.g.": true, "i.e.": true, "mr.": true,
	"ms.": true, "dr.": true, "st.": true, "ed.": true, "eds.": true, "ch.": true, "sect.": true}

// endsSentence reports whether a line ends a sentence.
func endsSentence(t string) bool {
	t = strings.TrimRight(t, "”’\")")
	if !strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "!") && !strings.HasSuffix(t, "?") {
		return false
	}
	f := strings.Fields(t)
	return len(f) > 0 && !abbreviations[strings.ToLower(f[len(f)-1])]
}

// isFooterLine reports whether t is a GB footer: the source file's job code
// with the page number before or after it.
func isFooterLine(t string) bool {
	loc := jobCodeRE.FindStringIndex(t)
	if loc == nil {
		return false
	}
	before := strings.TrimSpace(t[:loc[0]])
	after := t[loc[1]:]
	if strings.HasPrefix(after, ".") {
		end := 1
		for end < len(after) && unicode.IsLetter(rune(after[end])) {
			end++
		}
		after = after[end:]
	}
	after = strings.TrimSpace(after)
	return (before == "" || allDigits(before) && len(before) <= 4) && (after == "" || allDigits(after) && len(after) <= 4)
}

// isRunningHeader reports whether t, at the top of a page after the first,
// is the running header: the document symbol alone.
func isRunningHeader(t string) bool {
	if strings.ContainsAny(t, " \t") || !strings.HasPrefix(strings.ToUpper(t), "GB.") {
		return false
	}
	sym, err := ParseSymbol(t)
	return err == nil && sym.Kind == RefGB
}

// numberNotes numbers the footnotes by their order. The offset of the
// sequence comes from the labels that read as numbers, by majority, so that
// an excerpt starting at footnote 5 keeps its numbers and a garbled label
// ("2" for 12) is outvoted.
func (r *ocrRepair) numberNotes() {
	notes := r.allNotes()
	votes := map[int]int{}
	for i, n := range notes {
		if v, err := strconv.Atoi(n.label); err == nil && v-i >= 1 {
			votes[v-i]++
		}
	}
	offset, best := 1, 0
	offsets := make([]int, 0, len(votes))
	for o := range votes {
		offsets = append(offsets, o)
	}
	sort.Ints(offsets)
	for _, o := range offsets {
		if votes[o] > best {
			offset, best = o, votes[o]
		}
	}
	for i, n := range notes {
		n.number = offset + i
		n.text = joinNoteLines(n.lines)
	}
}

// joinNoteLines joins the lines of a footnote as the parser joins body
// lines, except that a URL broken at a line end is joined up again.
func joinNoteLines(lines []string) string {
	s := ""
	for _, l := range lines {
		switch {
		case s == "":
			s = l
		case urlContinues(s, l):
			s += l
		default:
			s = joinLine(s, l)
		}
	}
	return s
}

// urlContinues reports whether line b carries on a URL that line a breaks
// off: a ends inside a URL on a character a URL breaks after ("-", "/",
// "_", "=", "?", "&") and b starts with a token that can only be more of
// the URL's path.
func urlContinues(a, b string) bool {
	f := strings.Fields(a)
	if len(f) == 0 {
		return false
	}
	last := f[len(f)-1]
	if !strings.Contains(last, "://") && !strings.HasPrefix(last, "www.") {
		return false
	}
	if !strings.ContainsAny(last[len(last)-1:], "-/_=?&") {
		return false
	}
	next, _, _ := strings.Cut(strings.TrimSpace(b), " ")
	c, _ := utf8.DecodeRuneInString(next)
	if next == "" || !(unicode.IsLower(c) || unicode.IsDigit(c) || c == '/' || c == '_') {
		return false
	}
	return strings.ContainsAny(next, "/._=?&")
}

// joinSplitURLs moves the rest of a URL broken across two body lines back
// onto the first line.
func (r *ocrRepair) joinSplitURLs() {
	for _, p := range r.pages {
		out := make([]Line, 0, len(p.lines))
		for _, l := range p.lines {
			if n := len(out); n > 0 && !l.Blank && !out[n-1].Blank && urlContinues(out[n-1].Text, l.Text) {
				tok, rest, _ := strings.Cut(strings.TrimSpace(l.Text), " ")
				out[n-1].Text += tok
				l.Text = strings.TrimSpace(rest)
				r.changed = true
				if l.Text == "" {
					continue // the line held only the end of the URL
				}
			}
			out = append(out, l)
		}
		p.lines = out
	}
}

// ---- word repairs ----

// repairWords puts right the words OCR misread, where the document itself
// shows the right reading.
func (r *ocrRepair) repairWords() {
	v := r.vocabulary()
	for _, p := range r.pages {
		prev := ""
		for i := range p.lines {
			l := &p.lines[i]
			if l.Blank {
				prev = ""
				continue
			}
			if t := v.repair(l.Text, prev); t != l.Text {
				l.Text = t
				r.changed = true
			}
			prev = l.Text
		}
		for i := range p.notes {
			n := &p.notes[i]
			n.text = v.repair(n.text, "")
		}
	}
}

// ocrVocabulary is what the document says elsewhere: the acronyms it uses
// and the hosts it cites.
type ocrVocabulary struct {
	acronyms map[string]int
	hosts    map[string]int
	// the keys of both, sorted, so that repairs are deterministic
	acronymList, hostList []string
}

var (
	parenAcRE = regexp.MustCompile(`\(([A-Z]{3,10})\)`)
)

func (r *ocrRepair) vocabulary() *ocrVocabulary {
	v := &ocrVocabulary{acronyms: map[string]int{}, hosts: map[string]int{}}
	add := func(t string) {
		eachAcronym(t, func(a string) { v.acronyms[a]++ })
		for _, u := range urlRE.FindAllString(t, -1) {
			if h := urlHost(u); h != "" {
				v.hosts[h]++
			}
		}
	}
	for _, p := range r.pages {
		for _, l := range p.lines {
			add(l.Text)
		}
		for _, n := range p.notes {
			add(n.text)
		}
	}
	v.acronymList, v.hostList = sortedKeys(v.acronyms), sortedKeys(v.hosts)
	return v
}

func urlHost(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	h, _, _ := strings.Cut(rest, "/")
	return h
}

func (v *ocrVocabulary) repair(t, before string) string {
	t = v.fixURLHosts(t)
	t = fixUNSymbols(t)
	t = v.fixDigitAcronyms(t)
	t = v.fixParenAcronyms(t, before)
	t = fixInitialL(t)
	return t
}

// urlSpans returns the byte ranges of the URLs in t: the repairs of words
// leave URLs alone.
func urlSpans(t string) [][]int { return urlRE.FindAllStringIndex(t, -1) }

func inSpans(spans [][]int, s, e int) bool {
	for _, sp := range spans {
		if s < sp[1] && e > sp[0] {
			return true
		}
	}
	return false
}

// fixURLHosts repairs a URL host read with one wrong character in its first
// label ("Aww.ilo.org") when the document cites the right host elsewhere
// and the reading is impossible (an upper-case letter) or the right host
// is the usual "www".
func (v *ocrVocabulary) fixURLHosts(t string) string {
	spans := urlSpans(t)
	for i := len(spans) - 1; i >= 0; i-- {
		u := t[spans[i][0]:spans[i][1]]
		h := urlHost(u)
		if h == "" || v.hosts[h] > 1 {
			continue
		}
		fix := ""
		for _, k := range v.hostList {
			if k != h && oneLabelTypo(h, k) && (strings.ToLower(h) != h || strings.HasPrefix(k, "www.")) {
				if fix != "" {
					fix = ""
					break
				}
				fix = k
			}
		}
		if fix == "" {
			continue
		}
		at := spans[i][0] + strings.Index(u, "://") + 3
		t = t[:at] + fix + t[at+len(h):]
	}
	return t
}

// oneLabelTypo reports whether host h differs from k in exactly one
// character, inside the first label.
func oneLabelTypo(h, k string) bool {
	hr, kr := []rune(h), []rune(k)
	if len(hr) != len(kr) {
		return false
	}
	diff := -1
	for i := range hr {
		if hr[i] != kr[i] {
			if diff >= 0 {
				return false
			}
			diff = i
		}
	}
	dot := strings.IndexRune(k, '.')
	return diff >= 0 && dot > 0 && diff < dot
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// fixUNSymbols normalises the UN document symbols of t ("AJRES/67/219",
// "A/B8/L5"): their form is strict enough for [NormaliseUNSymbol] to know
// what OCR did to them.
func fixUNSymbols(t string) string {
	spans := urlSpans(t)
	toks := fieldSpans(t)
	for i := len(toks) - 1; i >= 0; i-- {
		s, e := toks[i].s, toks[i].e
		for s < e && t[s] == '(' {
			s++
		}
		for e > s && strings.ContainsRune(".,;:)", rune(t[e-1])) && strings.Count(t[s:e], "(") <= strings.Count(t[s:e-1], ")") {
			e--
		}
		raw := t[s:e]
		if !unSymbolShape(raw) || inSpans(spans, s, e) {
			continue
		}
		if u := NormaliseUNSymbol(raw); u != "" && u != raw {
			t = t[:s] + u + t[e:]
		}
	}
	return t
}

// unSymbolShape reports whether w is shaped like a UN symbol: capitals,
// digits and the symbol punctuation, with a slash.
func unSymbolShape(w string) bool {
	if !strings.Contains(w, "/") || w == "" || w[0] < 'A' || w[0] > 'Z' {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/.-()", c) >= 0) {
			return false
		}
	}
	return true
}

// digitForLetter is what OCR reads for capital letters.
var digitForLetter = map[byte]byte{'1': 'I', '0': 'O', '5': 'S', '8': 'B', '6': 'G', '2': 'Z'}

// fixDigitAcronyms repairs an acronym read with a digit for a letter
// ("1LO") when the letter reading is an acronym the document uses
// elsewhere.
func (v *ocrVocabulary) fixDigitAcronyms(t string) string {
	spans := urlSpans(t)
	ms := asciiAlnumSpans(t)
	for i := len(ms) - 1; i >= 0; i-- {
		s, e := ms[i].s, ms[i].e
		w := t[s:e]
		if len(w) < 2 || len(w) > 6 || inSpans(spans, s, e) || symbolContext(t, s, e) {
			continue
		}
		digits, letters := 0, 0
		b := []byte(w)
		ok := true
		for j, c := range b {
			switch {
			case c >= 'A' && c <= 'Z':
				letters++
			case c >= '0' && c <= '9':
				l, found := digitForLetter[c]
				if !found {
					ok = false
				}
				b[j] = l
				digits++
			default:
				ok = false
			}
		}
		if ok && digits > 0 && letters > 0 && v.acronyms[string(b)] >= 2 {
			t = t[:s] + string(b) + t[e:]
		}
	}
	return t
}

// symbolContext reports whether t[s:e] is part of a symbol or code
// ("A/B8/L5", "WCMS_222188", "GB.316"), where digits are digits.
func symbolContext(t string, s, e int) bool {
	if s > 0 && strings.ContainsRune("/._-", rune(t[s-1])) {
		return true
	}
	return e < len(t) && strings.ContainsRune("/_-", rune(t[e])) || e+1 < len(t) && t[e] == '.' && isWordByte(t[e+1])
}

// connectors are the small words an acronym skips ("International
// Organization for Migration" → IOM).
var connectors = map[string]bool{"of": true, "and": true, "for": true, "the": true, "on": true, "in": true, "to": true,
	"de": true, "des": true, "du": true, "la": true, "le": true, "et": true, "del": true, "y": true}

// fixParenAcronyms repairs an acronym in parentheses that the document uses
// nowhere else ("(GMGQG)") when a known acronym of the document is what is
// left once the stray letters go and is spelt by the initials of the
// capitalised words just before it ("Global Migration Group"). before is
// the previous line of the same block, for an acronym at a line start.
func (v *ocrVocabulary) fixParenAcronyms(t, before string) string {
	ms := parenAcRE.FindAllStringSubmatchIndex(t, -1)
	for i := len(ms) - 1; i >= 0; i-- {
		s, e := ms[i][2], ms[i][3]
		p := t[s:e]
		if v.acronyms[p] > 1 {
			continue
		}
		init := initials(before + " " + t[:ms[i][0]])
		fix := ""
		for _, k := range v.acronymList {
			if k == p || v.acronyms[k] < 2 || len(k) < 2 || len(p)-len(k) > 2 || len(k) >= len(p) ||
				p[0] != k[0] || !isSubsequence(k, p) || !strings.HasSuffix(init, k) {
				continue
			}
			if len(k) > len(fix) {
				fix = k
			}
		}
		if fix != "" {
			t = t[:s] + fix + t[e:]
		}
	}
	return t
}

// initials returns the initials of the capitalised words at the end of t,
// skipping connectors, up to the first word that is neither.
func initials(t string) string {
	words := strings.Fields(t)
	var out []byte
	for i := len(words) - 1; i >= 0; i-- {
		w := strings.Trim(words[i], ",;:.")
		if connectors[w] {
			continue
		}
		c, _ := utf8.DecodeRuneInString(w)
		if c >= 'A' && c <= 'Z' {
			out = append(out, byte(c))
			continue
		}
		break
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

func isSubsequence(sub, s string) bool {
	j := 0
	for i := 0; i < len(s) && j < len(sub); i++ {
		if s[i] == sub[j] {
			j++
		}
	}
	return j == len(sub)
}

// fixInitialL reads a word-initial "l" followed by a consonant as the
// capital I it is ("lssues", "lnternational"): no English word starts so,
// except with "ll" or "ly". Two- and three-letter words ("lt", "ls") are
// read so only at a sentence start, since units ("lb", "lm") are short.
func fixInitialL(t string) string {
	spans := urlSpans(t)
	ms := letterSpans(t)
	for i := len(ms) - 1; i >= 0; i-- {
		s, e := ms[i].s, ms[i].e
		w := t[s:e]
		if len(w) < 2 || w[0] != 'l' || !strings.ContainsRune("bcdfghjkmnpqrstvwxz", rune(w[1])) || inSpans(spans, s, e) {
			continue
		}
		if s > 0 && (isWordByte(t[s-1]) || strings.ContainsRune("/.'’", rune(t[s-1]))) {
			continue
		}
		if utf8.RuneCountInString(w) < 4 && !sentenceStart(t[:s]) {
			continue
		}
		t = t[:s] + "I" + t[s+1:]
	}
	return t
}

func sentenceStart(before string) bool {
	b := strings.TrimSpace(before)
	if b == "" || numberedParaRE.MatchString(b+" x") {
		return true
	}
	c, _ := utf8.DecodeLastRuneInString(b)
	return strings.ContainsRune(".!?:“\"", c)
}

// ---- callouts ----

// calloutGlyphs are what OCR makes of a superscript footnote number that
// stands apart from the word before it.
const calloutGlyphs = "*?®©’'°™\"!%>†‡§^¹²³⁴⁵⁶⁷⁸⁹⁰"

// weakGlyphs can be ordinary punctuation set apart (French spacing puts a
// space before "?" and "!"), so they count as callouts only after the
// punctuation that ends a clause.
const weakGlyphs = "?!%>\"'"

// attachedGlyphs are glyphs that, glued to the punctuation after a word
// ("modalities,®", "agenda.™*"), can only be a misread callout.
const attachedGlyphs = "®©°™*†‡¹²³⁴⁵⁶⁷⁸⁹⁰"

const superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹"

type calloutCand struct {
	line       int
	start, end int // bytes of the line replaced by the marker
	hint       int // the number the callout reads as, 0 when garbled
	weight     int // how sure it is a callout: 3 a number, 2 a glyph, 1 a weak glyph
}

type tokSpan struct{ s, e int }

// fieldSpans returns the runs strings.Fields would split t into.
func fieldSpans(t string) []tokSpan {
	return spansOf(t, func(r rune) bool { return !unicode.IsSpace(r) })
}

// findCallouts finds what can be a garbled callout in a body line. Each is
// replaced, if it is matched with a footnote, from the end of the word
// before it: the marker goes directly after that word's last character.
func findCallouts(t string) []calloutCand {
	var out []calloutCand
	toks := fieldSpans(t)
	for i, tk := range toks {
		w := t[tk.s:tk.e]
		next := ""
		if i+1 < len(toks) {
			next = t[toks[i+1].s:toks[i+1].e]
		}
		nc, _ := utf8.DecodeRuneInString(next)
		nextOK := next == "" || unicode.IsLetter(nc) || strings.ContainsRune("“‘\"(", nc)
		if i > 0 {
			prev := t[toks[i-1].s:toks[i-1].e]
			pc, _ := utf8.DecodeLastRuneInString(prev)
			closer := strings.ContainsRune(".,;:”’\")]!?", pc)
			sentence := strings.ContainsRune(".;:!?”)", pc)
			c := calloutCand{start: toks[i-1].e, end: tk.e}
			switch {
			case glyphToken(w):
				if unicode.IsDigit(pc) || !(unicode.IsLetter(pc) || closer) || !nextOK {
					continue
				}
				c.weight, c.hint = 2, superscriptValue(w)
				if c.hint > 0 {
					c.weight = 3
				}
				if strings.Trim(w, weakGlyphs) == "" {
					if !closer {
						continue
					}
					c.weight = 1
				}
				out = append(out, c)
				continue
			case w == "o":
				if sentence && (next == "" || unicode.IsUpper(nc)) {
					c.weight = 1
					out = append(out, c)
				}
				continue
			case allDigits(w) && len(w) <= 3 && w[0] != '0':
				if closer && (next == "" || unicode.IsUpper(nc)) {
					c.hint, _ = strconv.Atoi(w)
					c.weight = 3
					out = append(out, c)
				}
				continue
			}
		}
		// glyphs glued to the punctuation after a word
		g := strings.TrimRightFunc(w, func(c rune) bool { return strings.ContainsRune(attachedGlyphs, c) })
		if g == w || g == "" || utf8.RuneCountInString(w[len(g):]) > 3 || !nextOK {
			continue
		}
		pc, _ := utf8.DecodeLastRuneInString(g)
		run := w[len(g):]
		hint := superscriptValue(run)
		if !strings.ContainsRune(".,;:”)", pc) && !(hint > 0 && unicode.IsLetter(pc)) {
			continue
		}
		c := calloutCand{start: tk.s + len(g), end: tk.e, hint: hint, weight: 2}
		if hint > 0 {
			c.weight = 3
		}
		out = append(out, c)
	}
	return out
}

func glyphToken(w string) bool {
	n := 0
	for _, c := range w {
		if !strings.ContainsRune(calloutGlyphs, c) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 3
}

// superscriptValue reads a run of superscript digits, 0 for anything else.
func superscriptValue(w string) int {
	n := 0
	for _, c := range w {
		d := strings.IndexRune(superscripts, c)
		if d < 0 {
			return 0
		}
		n = n*10 + utf8.RuneCountInString(superscripts[:d])
	}
	return n
}

// placeCallouts matches the callout candidates of each page, in order,
// with the footnotes printed at its foot, and writes a marker for each
// match. Candidates left over stay as they are: they were text.
func (r *ocrRepair) placeCallouts() {
	for _, p := range r.pages {
		if len(p.notes) == 0 {
			continue
		}
		var cands []calloutCand
		for i, l := range p.lines {
			if l.Blank {
				continue
			}
			for _, c := range findCallouts(l.Text) {
				c.line = i
				cands = append(cands, c)
			}
		}
		nums := make([]int, len(p.notes))
		for i, n := range p.notes {
			nums[i] = n.number
		}
		match := alignCallouts(cands, nums)
		for i := len(cands) - 1; i >= 0; i-- {
			if match[i] == 0 {
				continue
			}
			c := cands[i]
			l := &p.lines[c.line]
			l.Text = l.Text[:c.start] + CalloutMarker(match[i]) + l.Text[c.end:]
			r.changed = true
		}
	}
}

// alignCallouts pairs candidates with footnote numbers in order, keeping
// the pairing of greatest weight: a candidate that reads as a number pairs
// only with that number. It returns the number paired with each candidate,
// 0 for none.
func alignCallouts(cands []calloutCand, nums []int) []int {
	m, k := len(cands), len(nums)
	out := make([]int, m)
	if m == 0 || k == 0 {
		return out
	}
	if m*k > maxAlign {
		return alignGreedy(cands, nums)
	}
	best := make([][]int, m+1)
	for i := range best {
		best[i] = make([]int, k+1)
	}
	fits := func(i, j int) bool { return cands[i].hint == 0 || cands[i].hint == nums[j] }
	for i := m - 1; i >= 0; i-- {
		for j := k - 1; j >= 0; j-- {
			v := max(best[i+1][j], best[i][j+1])
			if fits(i, j) {
				v = max(v, cands[i].weight+best[i+1][j+1])
			}
			best[i][j] = v
		}
	}
	for i, j := 0, 0; i < m && j < k; {
		switch {
		case fits(i, j) && best[i][j] == cands[i].weight+best[i+1][j+1]:
			out[i] = nums[j]
			i++
			j++
		case best[i][j] == best[i+1][j]:
			i++
		default:
			j++
		}
	}
	return out
}

// maxAlign bounds the table of [alignCallouts]; a page with more pairs to
// weigh is no printed page, and is paired greedily.
const maxAlign = 1 << 16

// alignGreedy pairs candidates and footnotes in order, each candidate with
// the next footnote it fits.
func alignGreedy(cands []calloutCand, nums []int) []int {
	out := make([]int, len(cands))
	j := 0
	for i, c := range cands {
		for c.hint > 0 && j < len(nums) && nums[j] < c.hint {
			j++
		}
		if j < len(nums) && (c.hint == 0 || c.hint == nums[j]) {
			out[i] = nums[j]
			j++
		}
	}
	return out
}

// ---- structure ----

func (r *ocrRepair) restoreStructure() {
	if r.changed {
		// only a text that shows OCR damage can have lost its page breaks
		r.splitGluedHeadings()
	}
	for _, p := range r.pages {
		p.drop = make([]bool, len(p.lines))
	}
	starts := r.blockStarts()
	r.restoreParagraphNumbers(starts)
	r.restoreItemLabels(starts)
}

// splitGluedHeadings sets apart a heading that the OCR ran into the last
// line of the page before it ("... in these areas." + "Introduction"): a
// short capitalised line without closing punctuation, after a line that
// ends a sentence and before a blank line, starts a block.
func (r *ocrRepair) splitGluedHeadings() {
	for _, p := range r.pages {
		out := make([]Line, 0, len(p.lines))
		for i, l := range p.lines {
			if i > 0 && !l.Blank && !p.lines[i-1].Blank && endsSentence(p.lines[i-1].Text) && headingLike(l.Text) &&
				(i+1 == len(p.lines) || p.lines[i+1].Blank) {
				out = append(out, Line{Blank: true})
				r.changed = true
			}
			out = append(out, l)
		}
		p.lines = out
	}
}

func headingLike(t string) bool {
	c, _ := utf8.DecodeRuneInString(t)
	if !unicode.IsUpper(c) || utf8.RuneCountInString(t) > 60 || len(strings.Fields(t)) > 8 ||
		strings.ContainsRune(t, CalloutStart) || startsBodyBlock(t) {
		return false
	}
	e, _ := utf8.DecodeLastRuneInString(t)
	return !strings.ContainsRune(".,;:!?", e)
}

type lineRef struct{ page, line int }

// blockStarts lists the first line of every block: after a blank line or
// at a page top.
func (r *ocrRepair) blockStarts() []lineRef {
	var out []lineRef
	for pi, p := range r.pages {
		startNew := true
		for li, l := range p.lines {
			if l.Blank {
				startNew = true
				continue
			}
			if startNew {
				out = append(out, lineRef{pi, li})
			}
			startNew = false
		}
	}
	return out
}

func (r *ocrRepair) line(ref lineRef) *Line { return &r.pages[ref.page].lines[ref.line] }

// blockText is the text of the block starting at ref, on its page.
func (r *ocrRepair) blockText(ref lineRef) string {
	p := r.pages[ref.page]
	var parts []string
	for i := ref.line; i < len(p.lines) && !p.lines[i].Blank; i++ {
		parts = append(parts, p.lines[i].Text)
	}
	return strings.Join(parts, " ")
}

// restoreParagraphNumbers puts back the numbers the OCR lost (a block
// starting ". The ...") or moved onto a line of their own ("10." printed
// above the page's first lines). Numbers run in sequence, so a lost one
// is the one after the last; a moved one belongs to the first capitalised
// block where it is the next number.
func (r *ocrRepair) restoreParagraphNumbers(starts []lineRef) {
	last, pending := 0, 0
	var pendingRef lineRef
	for _, ref := range starts {
		l := r.line(ref)
		t := l.Text
		if m := numberedParaRE.FindStringSubmatch(t); m != nil {
			last, _ = strconv.Atoi(m[1])
			if pending <= last {
				pending = 0
			}
			continue
		}
		if m := orphanNumberRE.FindStringSubmatch(t); m != nil {
			if n, _ := strconv.Atoi(m[1]); n > last {
				pending, pendingRef = n, ref
			}
			continue
		}
		if m := lostNumberRE.FindStringSubmatch(t); m != nil {
			if last > 0 && (pending == 0 || last+1 < pending) {
				last++
				l.Text = strconv.Itoa(last) + ". " + m[1]
				r.changed = true
			}
			continue
		}
		if pending > 0 && pending == last+1 && startsUpper(t) && !itemRE.MatchString(t) &&
			!orphanLabelRE.MatchString(t) && !headingLike(r.blockText(ref)) {
			l.Text = strconv.Itoa(pending) + ". " + t
			r.pages[pendingRef.page].drop[pendingRef.line] = true
			last, pending = pending, 0
			r.changed = true
		}
	}
}

func startsUpper(t string) bool {
	c, _ := utf8.DecodeRuneInString(t)
	return unicode.IsUpper(c)
}

// labelGlyphs maps what OCR reads for an item letter to the letters it can
// be ("©" for c, "€" for e).
var labelGlyphs = map[string]string{"©": "c", "¢": "c", "€": "ec", "®": "r", "£": "f", "ƒ": "f"}

// labelReads reports whether g, read where label want is expected, can be
// that label: itself, a glyph OCR makes of it, or nothing (a lost glyph).
func labelReads(g, want string) bool {
	if g == "" || g == want {
		return true
	}
	return len([]rune(want)) == 1 && strings.Contains(labelGlyphs[g], want)
}

// expectedLabel returns the label of the series after last that g can be.
func expectedLabel(last, g string) string {
	for _, n := range nextLabel(last) {
		if labelReads(g, n) {
			return n
		}
	}
	return ""
}

// restoreItemLabels repairs garbled item labels ("(©)" between "(b)" and
// "(d)") and gives back labels that the OCR printed apart from their texts:
// a run of labels alone on their lines, followed by the blocks they label
// (after any lower-case block, which continues the item before).
func (r *ocrRepair) restoreItemLabels(starts []lineRef) {
	last := ""
	for k := 0; k < len(starts); k++ {
		l := r.line(starts[k])
		t := l.Text
		switch {
		case numberedParaRE.MatchString(t):
			last = ""
		case itemRE.MatchString(t):
			last = itemRE.FindStringSubmatch(t)[1]
		case orphanLabelRE.MatchString(t):
			k = r.attachLabels(starts, k, &last)
		default:
			if m := garbledLabelRE.FindStringSubmatch(t); m != nil && last != "" {
				if want := expectedLabel(last, m[1]); want != "" && m[1] != want {
					l.Text = "(" + want + ") " + m[2]
					last = want
					r.changed = true
				}
			}
		}
	}
}

// attachLabels handles the run of orphan labels starting at starts[k] and
// returns the index of the run's last label.
func (r *ocrRepair) attachLabels(starts []lineRef, k int, last *string) int {
	var labels []string
	prev := *last
	end := k
	for ; end < len(starts); end++ {
		m := orphanLabelRE.FindStringSubmatch(r.line(starts[end]).Text)
		if m == nil {
			break
		}
		want := ""
		if prev == "" {
			if m[1] == "a" || m[1] == "1" || m[1] == "i" {
				want = m[1]
			}
		} else {
			want = expectedLabel(prev, m[1])
		}
		if want == "" {
			return end
		}
		labels = append(labels, want)
		prev = want
	}
	var targets []lineRef
	// the texts follow their labels closely (on the same page, after at
	// most a few blocks that continue the item before)
	limit := min(len(starts), end+2*len(labels)+8)
	for j := end; j < limit && len(targets) < len(labels); j++ {
		t := r.line(starts[j]).Text
		if startsBodyBlock(t) || headingLike(r.blockText(starts[j])) {
			return end - 1
		}
		if startsUpper(t) {
			targets = append(targets, starts[j])
		}
	}
	if len(targets) < len(labels) {
		return end - 1
	}
	for i, ref := range targets {
		l := r.line(ref)
		l.Text = "(" + labels[i] + ") " + l.Text
		r.pages[starts[k+i].page].drop[starts[k+i].line] = true
	}
	*last = labels[len(labels)-1]
	r.changed = true
	return end - 1
}

// ---- output ----

func (r *ocrRepair) content(c *Content) *Content {
	out := &Content{Format: c.Format}
	seen := map[string]bool{}
	for _, f := range append(append([]string(nil), c.Furniture...), r.furniture...) {
		if !seen[f] {
			seen[f] = true
			out.Furniture = append(out.Furniture, f)
		}
	}
	var prevSrc *Page
	for _, p := range r.pages {
		var lines []Line
		var text strings.Builder
		for i, l := range p.lines {
			if p.drop != nil && p.drop[i] {
				continue
			}
			lines = append(lines, l)
			text.WriteString(l.Text + "\n")
		}
		var notes []Note
		if p.src != prevSrc {
			// notes the extractor had already found stay first
			notes = append(notes, p.src.Notes...)
		}
		for _, n := range p.notes {
			notes = append(notes, Note{Number: n.number, Label: n.label, Text: n.text})
			text.WriteString(n.label + " " + n.text + "\n")
		}
		hasText := len(notes) > 0
		for _, l := range lines {
			hasText = hasText || !l.Blank
		}
		if !hasText && p.src == prevSrc {
			continue
		}
		pg := Page{Number: len(out.Pages) + 1, Lines: lines, Notes: notes, Quality: Quality(text.String())}
		if p.src != prevSrc {
			pg.Err = p.src.Err
		}
		prevSrc = p.src
		out.Pages = append(out.Pages, pg)
	}
	return out
}
