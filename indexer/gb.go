package indexer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Meta is what the librarian knows about a file before it is read (its
// manifest row). It fills what the file's own text lacks; the text wins
// where it speaks (a cover's date over a manifest's).
type Meta struct {
	Path     string
	Symbol   string
	Kind     string
	Language string // "en", or "en+nl" for English with Dutch mixed in
	Title    string
	Date     string
	// Source is where the librarian got the file (the manifest's source
	// column); a treaty database identifier in it becomes an alias.
	Source string
}

// PrimaryLanguage is the first language of "en+nl".
func (m Meta) PrimaryLanguage() string {
	l, _, _ := strings.Cut(m.Language, "+")
	return l
}

var (
	numberedParaRE = lineShape(numberedPara)
	itemRE         = lineShape(gbItem)
	sessionLineRE  = regexp.MustCompile(`^(\d{3})(?:th|st|nd|rd)(\s*bis)?\s+[Ss]ession,\s*([^,]+),\s*(.+)$`)
	dateLineRE     = regexp.MustCompile(`^Date:\s*(.+)$`)
	originalLineRE = regexp.MustCompile(`^Original:\s*(.+)$`)
	// the footer's job code: GB319-POL_2_[MIGRA-131016-1]-En.docx
	jobCodeRE    = regexp.MustCompile(`GB(\d{3})(bis)?-([A-Z]+)(?:_([0-9A-Za-z_-]+?))?_\[([A-Z]+)-(\d{6})-\d+\]-(En|Fr|Sp|Es)\b`)
	authorUnitRE = regexp.MustCompile(`^(.*?)\s*\(([A-Z][A-Z0-9/&-]+)\)\.?$`)
)

// cover field labels, in the order GB covers print them
var coverFields = []struct{ label, field string }{
	{"Relevant strategic objective", "objective"},
	{"Policy implications", "policy"},
	{"Legal implications", "legal"},
	{"Financial implications", "financial"},
	{"Follow-up action required", "followup"},
	{"Author unit", "author"},
	{"Author units", "author"},
	{"Related documents", "related"},
}

var languageNames = map[string]string{"english": "en", "french": "fr", "spanish": "es", "anglais": "en", "français": "fr", "espagnol": "es", "inglés": "en", "francés": "fr", "español": "es"}

// block is a run of lines that belong together: a numbered paragraph, an
// item, a heading, a cover field.
type block struct {
	text string
	// lines are the lines the block was joined from: a plain-text cover
	// may print its masthead and title without a blank line between them
	lines   []string
	heading bool
	bold    bool
	page    int
}

// ParseGB builds a GB document from extracted content. It finds the cover
// (masthead, title, purpose, metadata block), the executive summary, the
// section headings, the numbered paragraphs with their lettered or numbered
// items, the footnotes with the paragraph holding each callout, and the draft
// decision. What the content lacks comes from meta.
func ParseGB(c *Content, meta Meta) *Document {
	d := &Document{Kind: "gb-document", Language: meta.PrimaryLanguage()}
	blocks := toBlocks(c)
	gbFromFurniture(d, c.Furniture)

	// 1. the cover: masthead lines up to the title, then title up to "Purpose of the document"
	isCoverEnd := func(t string) bool {
		return strings.HasPrefix(t, "Purpose of the document") || isCoverField(t) != "" || t == "Executive summary" || numberedParaRE.MatchString(t)
	}
	// A cover prints its title after the "Original:" line: what comes
	// before that line is masthead, whether each line of it is known here
	// or not (a session line in French, a section name in Spanish).
	original := -1
	for k, b := range blocks {
		if isCoverEnd(b.text) {
			break
		}
		if originalLineRE.MatchString(b.lines[0]) {
			original = k
			break
		}
	}
	i := 0
	var titleLines []string
	inMasthead := true
	for ; i < len(blocks); i++ {
		t := blocks[i].text
		if isCoverEnd(t) {
			break
		}
		if i < original {
			for _, l := range blocks[i].lines {
				parseMastheadLine(d, l)
			}
			continue
		}
		if i == original {
			// the "Original:" line, and the title when no blank line
			// parts them
			lines := blocks[i].lines
			parseMastheadLine(d, lines[0])
			inMasthead = false
			if len(lines) == 1 {
				continue
			}
			t = joinLines(lines[1:])
		}
		if inMasthead && (parseMastheadLine(d, t) || isMastheadText(t)) {
			continue
		}
		if inMasthead {
			// masthead lines joined with what follows them (plain text
			// without blank lines): take them one by one, and what is left
			// starts the title
			rest := blocks[i].lines
			for len(rest) > 0 && (parseMastheadLine(d, rest[0]) || isMastheadText(rest[0])) {
				rest = rest[1:]
			}
			if len(rest) == 0 {
				continue
			}
			if len(rest) < len(blocks[i].lines) {
				t = joinLines(rest)
			}
		}
		inMasthead = false
		if d.Symbol != "" { // after the masthead: the title
			titleLines = append(titleLines, t)
		}
	}
	if len(titleLines) > 0 && len(titleLines) <= 4 {
		d.Title = strings.Join(titleLines, " ")
	}

	// 2. purpose and the metadata block
	var field string
	fields := map[string]string{}
	for ; i < len(blocks); i++ {
		t := blocks[i].text
		if strings.HasPrefix(t, "Purpose of the document") {
			field = "purpose"
			rest := strings.TrimSpace(strings.TrimPrefix(t, "Purpose of the document"))
			fields[field] = rest
			continue
		}
		if f, rest := splitCoverField(t); f != "" {
			field = f
			fields[field] = rest
			continue
		}
		if strings.HasPrefix(t, "This GB document is printed in limited numbers") || strings.HasPrefix(t, "Le présent document est tiré") {
			field = "printing"
			continue
		}
		if t == "Executive summary" || t == "Résumé" || t == "Resumen" || numberedParaRE.MatchString(t) || (blocks[i].heading && field != "") {
			break
		}
		if field == "" {
			// not a cover (e.g. a later page of a scan whose cover is lost)
			break
		}
		if field != "printing" {
			fields[field] = joinText(fields[field], t)
		}
	}
	d.Purpose = fields["purpose"]
	if obj := fields["objective"]; obj != "" {
		d.StrategicObjective, d.Outcome = splitObjective(obj)
	}
	d.PolicyImplications = fields["policy"]
	d.LegalImplications = fields["legal"]
	d.FinancialImplications = fields["financial"]
	d.FollowUp = fields["followup"]
	d.AuthorUnits = parseAuthorUnits(fields["author"])
	if rd := fields["related"]; rd != "" {
		d.RelatedDocuments = ParseRelatedDocuments(rd)
	}

	// 3. the body: executive summary, headings, numbered paragraphs, items
	var (
		heading    string
		cur        *Paragraph
		curItem    *Item
		summary    []string
		inSumm     bool
		decision   bool
		unnumbered []string
	)
	flush := func() {
		if cur != nil {
			d.Paragraphs = append(d.Paragraphs, *cur)
			cur, curItem = nil, nil
		}
	}
	for ; i < len(blocks); i++ {
		b := blocks[i]
		t := b.text
		if t == "Executive summary" || t == "Résumé" || t == "Resumen" {
			inSumm = true
			continue
		}
		if m := numberedParaRE.FindStringSubmatch(t); m != nil {
			inSumm = false
			flush()
			cur = &Paragraph{Number: m[1], Heading: heading, Text: m[2], Bold: b.bold}
			if len(d.Headings) > 0 && d.Headings[len(d.Headings)-1].FirstParagraph == "" {
				d.Headings[len(d.Headings)-1].FirstParagraph = m[1]
			}
			continue
		}
		if m := itemRE.FindStringSubmatch(t); m != nil && cur != nil {
			if cur.ItemStyle == "" {
				cur.ItemStyle = "(" + styleOf(m[1]) + ")"
			}
			cur.Items = append(cur.Items, Item{Label: m[1], Text: m[2]})
			curItem = &cur.Items[len(cur.Items)-1]
			continue
		}
		if isHeading(blocks, i) {
			inSumm = false
			flush()
			heading = t
			if strings.EqualFold(t, "Draft decision") || strings.EqualFold(t, "Projet de décision") || strings.EqualFold(t, "Proyecto de decisión") {
				decision = true
			}
			d.Headings = append(d.Headings, Heading{Text: t})
			continue
		}
		switch {
		case inSumm:
			summary = append(summary, t)
		case curItem != nil:
			curItem.Text = joinText(curItem.Text, t)
		case cur != nil:
			cur.Text = joinText(cur.Text, t)
		default:
			unnumbered = append(unnumbered, t)
		}
	}
	flush()
	d.ExecutiveSummary = strings.Join(summary, " ")
	if decision {
		for _, p := range d.Paragraphs {
			if strings.EqualFold(p.Heading, "Draft decision") || strings.EqualFold(p.Heading, "Projet de décision") || strings.EqualFold(p.Heading, "Proyecto de decisión") {
				d.DraftDecision = joinText(d.DraftDecision, StripMarkers(p.Text))
			}
		}
	}
	if len(unnumbered) > 0 && len(d.Paragraphs) == 0 {
		d.Warnings = append(d.Warnings, "no numbered paragraphs found")
	}
	for j := range d.Paragraphs {
		for k := range d.Paragraphs[j].Items {
			it := &d.Paragraphs[j].Items[k]
			it.LeadIn = leadIn(it.Text)
		}
	}

	attachFootnotes(d, collectNotes(c))
	fillFromMeta(d, meta)
	finishGB(d)
	return d
}

// StripMarkers removes callout markers from s.
func StripMarkers(s string) string {
	t, _ := StripCallouts(s)
	return t
}

func styleOf(label string) string {
	if _, err := strconv.Atoi(label); err == nil {
		return "1"
	}
	if strings.Trim(label, "ivx") == "" && len(label) > 1 {
		return "i"
	}
	return "a"
}

// leadIn returns an item's run-in heading ("Effective protection of migrant
// workers:"), a short clause without commas ended by a colon.
func leadIn(text string) string {
	t := StripMarkers(text)
	i := strings.Index(t, ":")
	if i <= 0 || i > 120 {
		return ""
	}
	head := t[:i]
	if strings.ContainsAny(head, ",;.") || len(strings.Fields(head)) > 12 {
		return ""
	}
	return head + ":"
}

// isHeading decides whether block i is a section heading: marked as one by
// the extractor, or a short unnumbered line without closing punctuation
// followed by a numbered paragraph.
func isHeading(blocks []block, i int) bool {
	t := blocks[i].text
	if len(t) > 120 || strings.ContainsRune(t, CalloutStart) {
		return false
	}
	if r := []rune(t); len(r) == 0 || !unicode.IsUpper(r[0]) {
		return false
	}
	if strings.HasSuffix(t, ".") || strings.HasSuffix(t, ",") || strings.HasSuffix(t, ";") || strings.HasSuffix(t, ":") {
		return false
	}
	if blocks[i].heading {
		return true
	}
	if i+1 < len(blocks) && numberedParaRE.MatchString(blocks[i+1].text) {
		return len(strings.Fields(t)) <= 14
	}
	return false
}

func isCoverField(t string) string {
	f, _ := splitCoverField(t)
	return f
}

func splitCoverField(t string) (string, string) {
	for _, cf := range coverFields {
		if strings.HasPrefix(t, cf.label+":") {
			return cf.field, strings.TrimSpace(t[len(cf.label)+1:])
		}
	}
	return "", ""
}

// parseMastheadLine fills what a masthead line says and reports whether it
// was one.
func parseMastheadLine(d *Document, t string) bool {
	if sym, err := ParseSymbol(t); err == nil && sym.Kind == RefGB && strings.HasPrefix(t, "GB.") {
		setSymbol(d, sym)
		return true
	}
	// the masthead is a two-column table: a PDF reads its rows as one line,
	// "Governing Body GB.319/POL/2", "Policy Development Section POL"
	if i := strings.LastIndexByte(t, ' '); i > 0 {
		left, right := strings.TrimSpace(t[:i]), t[i+1:]
		if sym, err := ParseSymbol(right); err == nil && sym.Kind == RefGB && strings.HasPrefix(right, "GB.") && isMastheadText(left) {
			setSymbol(d, sym)
			return true
		}
		if code := sectionCodeFor(left); code != "" && code == strings.ToUpper(right) {
			d.SectionName = left
			return true
		}
	}
	if m := sessionLineRE.FindStringSubmatch(t); m != nil {
		d.SessionDates = parseDateRange(m[4])
		return true
	}
	if m := dateLineRE.FindStringSubmatch(t); m != nil {
		if dt, ok := parseDate(m[1]); ok {
			d.Date = dt
		}
		return true
	}
	if m := originalLineRE.FindStringSubmatch(t); m != nil {
		d.OriginalLanguage = strings.TrimSpace(m[1])
		return true
	}
	if code := sectionCodeFor(t); code != "" {
		d.SectionName = t
		return true
	}
	if d.Section != "" && t == d.Section {
		return true
	}
	return false
}

func isMastheadText(t string) bool {
	switch t {
	case "INTERNATIONAL LABOUR OFFICE", "Governing Body", "BUREAU INTERNATIONAL DU TRAVAIL", "Conseil d’administration",
		"Consejo de Administración", "OFICINA INTERNACIONAL DEL TRABAJO":
		return true
	}
	return false
}

func sectionCodeFor(name string) string {
	for code, n := range sectionNames {
		if n == name {
			return code
		}
	}
	return ""
}

func setSymbol(d *Document, sym Symbol) {
	d.Symbol = sym.Canonical
	d.Session = sym.Session
	d.SessionLabel = sym.SessionLabel
	d.Section = sym.Section
	d.Item = sym.Item
	d.Suffixes = sym.Suffixes
}

// gbFromFurniture reads the symbol, date and language from the footer's
// job code ("GB319-POL_2_[MIGRA-131016-1]-En.docx"): a scan without its
// cover still carries it on every page.
func gbFromFurniture(d *Document, furniture []string) {
	for _, f := range furniture {
		m := jobCodeRE.FindStringSubmatch(f)
		if m == nil {
			continue
		}
		s := "GB." + m[1] + m[2] + "/" + m[3]
		if m[4] != "" {
			s += "/" + strings.ReplaceAll(m[4], "_", "/")
		}
		if sym, err := ParseSymbol(s); err == nil && d.Symbol == "" {
			setSymbol(d, sym)
		}
		if t, err := time.Parse("060102", m[6]); err == nil && d.Date == "" {
			d.Date = t.Format(time.DateOnly)
		}
		if d.Language == "" {
			d.Language = map[string]string{"En": "en", "Fr": "fr", "Sp": "es", "Es": "es"}[m[7]]
		}
		return
	}
}

func fillFromMeta(d *Document, meta Meta) {
	if d.Symbol == "" && meta.Symbol != "" {
		if sym, err := ParseSymbol(meta.Symbol); err == nil && sym.Kind == RefGB {
			setSymbol(d, sym)
		} else {
			d.Symbol = meta.Symbol
		}
	}
	if d.Title == "" {
		d.Title = meta.Title
	}
	if d.Date == "" {
		d.Date = meta.Date
	}
	if d.Language == "" {
		d.Language = meta.PrimaryLanguage()
	}
	if d.Language == "" {
		d.Language = "en"
	}
	if meta.Kind != "" {
		d.Kind = meta.Kind
	}
	if d.SectionName == "" {
		d.SectionName = SectionName(d.Section)
	}
	if d.OriginalLanguage != "" {
		if l := languageNames[strings.ToLower(d.OriginalLanguage)]; l != "" && d.Language == "" {
			d.Language = l
		}
	}
}

func splitObjective(s string) (objective, outcome string) {
	i := strings.Index(s, "(Outcome")
	if i < 0 {
		i = strings.Index(s, "(Résultat")
	}
	if i < 0 {
		return strings.TrimSuffix(s, "."), ""
	}
	objective = strings.TrimSpace(s[:i])
	outcome = strings.TrimSpace(s[i+1:])
	outcome = strings.TrimSuffix(outcome, ".")
	outcome = strings.TrimSuffix(outcome, ")")
	return objective, outcome
}

func parseAuthorUnits(s string) []AuthorUnit {
	var out []AuthorUnit
	for _, part := range splitOutsideParens(s, ';') {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if m := authorUnitRE.FindStringSubmatch(part); m != nil {
			out = append(out, AuthorUnit{Code: m[2], Name: strings.TrimSpace(m[1])})
		} else {
			out = append(out, AuthorUnit{Name: strings.TrimSuffix(part, ".")})
		}
	}
	return out
}

var monthsEN = map[string]time.Month{"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"janvier": 1, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
	"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12}

var dayMonthYearRE = regexp.MustCompile(`(\d{1,2})(?:er)?\s+(?:de\s+)?([A-Za-zéû]+)\s+(?:de\s+)?(\d{4})`)

// parseDate reads "16 October 2013" (and the French and Spanish forms).
func parseDate(s string) (string, bool) {
	m := dayMonthYearRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	mon, ok := monthsEN[strings.ToLower(m[2])]
	if !ok {
		return "", false
	}
	day, _ := strconv.Atoi(m[1])
	year, _ := strconv.Atoi(m[3])
	t := time.Date(year, mon, day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

var dateRangeRE = regexp.MustCompile(`^(\d{1,2})(?:\s+([A-Za-zéû]+))?\s*[–-]\s*(\d{1,2})\s+([A-Za-zéû]+)\s+(\d{4})$`)

// parseDateRange reads "16–31 October 2013" or "28 October–7 November 2013".
func parseDateRange(s string) []string {
	s = strings.TrimSpace(s)
	m := dateRangeRE.FindStringSubmatch(s)
	if m == nil {
		if d, ok := parseDate(s); ok {
			return []string{d}
		}
		return nil
	}
	m1 := m[2]
	if m1 == "" {
		m1 = m[4]
	}
	from, ok1 := parseDate(m[1] + " " + m1 + " " + m[5])
	to, ok2 := parseDate(m[3] + " " + m[4] + " " + m[5])
	if !ok1 || !ok2 {
		return nil
	}
	return []string{from, to}
}

// joinText joins two pieces of running text: a line-end hyphen that the
// extractor kept joins without a space only when it broke a word.
func joinText(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// toBlocks turns content lines into blocks: each numbered paragraph, item,
// heading or cover field becomes one block; other lines join the block
// before them unless a blank line or the extractor's block mark separates
// them. A block that starts with a lower-case letter continues the previous
// one even across a page break.
func toBlocks(c *Content) []block {
	var out []block
	startNew := true
	for _, p := range c.Pages {
		for j, l := range p.Lines {
			if l.Blank {
				startNew = true
				continue
			}
			t := strings.TrimSpace(l.Text)
			if t == "" {
				continue
			}
			item := itemRE.MatchString(t) && (startNew || l.Block || !inlineEnumeration(p.Lines, j))
			newBlock := startNew || l.Block || l.Heading || numberedParaRE.MatchString(t) || item ||
				isCoverField(t) != "" || strings.HasPrefix(t, "Purpose of the document") ||
				dateLineRE.MatchString(t) || originalLineRE.MatchString(t)
			if len(out) > 0 && out[len(out)-1].heading && l.Heading && !l.Block && !startNew {
				// a heading printed on two lines
				out[len(out)-1].text += " " + t
				out[len(out)-1].lines = append(out[len(out)-1].lines, t)
				startNew = false
				continue
			}
			if newBlock && len(out) > 0 && startsLower(t) && !l.Heading {
				newBlock = false
			}
			if newBlock || len(out) == 0 {
				out = append(out, block{text: t, lines: []string{t}, heading: l.Heading, bold: l.Bold, page: p.Number})
			} else {
				last := &out[len(out)-1]
				last.text = joinLine(last.text, t)
				last.lines = append(last.lines, t)
				last.bold = last.bold && l.Bold
			}
			startNew = false
		}
		startNew = true
	}
	return out
}

// inlineEnumeration reports whether the item label that starts line i
// only happens to start a wrapped line of running text ("... the following
// themes:" / "(1) assessing ...; (2) measures ..."): the next label of its
// series follows inline in the same block, after a semicolon or comma. Line
// based input (PDF, plain text) wraps such enumerations anywhere.
func inlineEnumeration(lines []Line, i int) bool {
	m := itemRE.FindStringSubmatch(strings.TrimSpace(lines[i].Text))
	if m == nil {
		return false
	}
	text := m[2]
	for k := i + 1; k < len(lines); k++ {
		l := lines[k]
		t := strings.TrimSpace(l.Text)
		if l.Blank || l.Block || l.Heading || numberedParaRE.MatchString(t) || itemRE.MatchString(t) {
			break
		}
		text += " " + t
	}
	for _, next := range nextLabel(m[1]) {
		label := "(" + next + ")"
		for off := 0; ; {
			at := strings.Index(text[off:], label)
			if at < 0 {
				break
			}
			before := strings.TrimSpace(text[:off+at])
			before = strings.TrimSuffix(strings.TrimSuffix(before, " and"), " or")
			if strings.HasSuffix(before, ";") || strings.HasSuffix(before, ",") {
				return true
			}
			off += at + len(label)
		}
	}
	return false
}

// nextLabel is the label after l in its series: b after a, 3 after 2, ii
// after i (and j, since "(i)" after "(h)" is a letter).
func nextLabel(l string) []string {
	if n, err := strconv.Atoi(l); err == nil {
		return []string{strconv.Itoa(n + 1)}
	}
	romans := []string{"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"}
	var out []string
	if len(l) == 1 && l[0] >= 'a' && l[0] < 'z' {
		out = append(out, string(l[0]+1))
	}
	for i := 0; i+1 < len(romans); i++ {
		if romans[i] == l {
			out = append(out, romans[i+1])
		}
	}
	return out
}

func startsLower(t string) bool {
	r := []rune(t)
	return len(r) > 0 && unicode.IsLower(r[0])
}

// joinLines joins lines as toBlocks joins the lines of a block.
func joinLines(lines []string) string {
	t := lines[0]
	for _, l := range lines[1:] {
		t = joinLine(t, l)
	}
	return t
}

// joinLine joins two physical lines of one block.
func joinLine(a, b string) string {
	if strings.HasSuffix(a, "-") && len(a) > 1 && unicode.IsLetter(rune(a[len(a)-2])) {
		// a hyphen kept at a line end belongs to a compound ("follow-up",
		// "post-2015"): extractors drop break-only hyphens themselves
		return a + b
	}
	return a + " " + b
}

// collectNotes gathers the footnotes of all pages, numbering those whose
// number could not be read from their place in the sequence.
func collectNotes(c *Content) []Note {
	var out []Note
	last := 0
	for _, p := range c.Pages {
		for _, n := range p.Notes {
			if n.Number <= 0 || n.Number <= last && last > 0 {
				n.Number = last + 1
			}
			last = n.Number
			out = append(out, n)
		}
	}
	return out
}

// attachFootnotes links footnotes to their callouts: it strips the markers
// from paragraph and item texts, numbering unread callouts by order, and
// records for each footnote the paragraph (and item) holding its callout.
func attachFootnotes(d *Document, notes []Note) {
	byNum := map[int]*Footnote{}
	for _, n := range notes {
		d.Footnotes = append(d.Footnotes, Footnote{Number: n.Number, Text: strings.Join(strings.Fields(n.Text), " ")})
	}
	for i := range d.Footnotes {
		byNum[d.Footnotes[i].Number] = &d.Footnotes[i]
	}
	next := 1
	place := func(text string, para string, item *string) (string, []int) {
		clean, calls := StripCallouts(text)
		var nums []int
		rs := []rune(clean)
		for _, c := range calls {
			n := c.Number
			if n <= 0 {
				n = next
			}
			next = n + 1
			nums = append(nums, n)
			if f := byNum[n]; f != nil {
				f.Callout = &Callout{Paragraph: para, Item: item, Offset: c.Offset, PrecedingText: textBefore(rs, c.Offset)}
			} else {
				d.Warnings = append(d.Warnings, fmt.Sprintf("callout %d in paragraph %s has no footnote", n, para))
			}
		}
		return clean, nums
	}
	d.Purpose, _ = place(d.Purpose, "purpose", nil)
	for i := range d.Paragraphs {
		p := &d.Paragraphs[i]
		p.Text, p.Footnotes = place(p.Text, p.Number, nil)
		for j := range p.Items {
			it := &p.Items[j]
			label := it.Label
			it.Text, it.Footnotes = place(it.Text, p.Number, &label)
			p.Footnotes = append(p.Footnotes, it.Footnotes...)
			it.LeadIn = leadIn(it.Text)
		}
		if p.Footnotes == nil {
			p.Footnotes = []int{}
		}
	}
	for _, f := range d.Footnotes {
		if f.Callout == nil {
			d.Warnings = append(d.Warnings, fmt.Sprintf("footnote %d has no callout in the text", f.Number))
		}
	}
}

// finishGB finds the references of every paragraph, item and footnote,
// resolves op. cit., and lists everything the document cites.
func finishGB(d *Document) {
	for i := range d.Paragraphs {
		p := &d.Paragraphs[i]
		p.References = nonNil(FindReferences(p.Text))
		for j := range p.Items {
			it := &p.Items[j]
			it.References = nonNil(FindReferences(it.Text))
			for _, r := range it.References {
				p.References = appendRef(p.References, r)
			}
			if it.Footnotes == nil {
				it.Footnotes = []int{}
			}
		}
	}
	for i := range d.Footnotes {
		d.Footnotes[i].References = nonNil(dropParagraphRefs(FindReferences(d.Footnotes[i].Text)))
	}
	ResolveOpCit(d.Footnotes)
	// a footnote's UN document takes the title the text gives it where the
	// footnote itself gives none ("... adopted as a Declaration of the HLD.")
	d.Cited = collectCitations(d)
}

func nonNil(r []Reference) []Reference {
	if r == nil {
		return []Reference{}
	}
	return r
}

func dropParagraphRefs(rs []Reference) []Reference {
	out := rs[:0]
	for _, r := range rs {
		if r.Kind != RefParagraph {
			out = append(out, r)
		}
	}
	return out
}

func appendRef(rs []Reference, r Reference) []Reference {
	for _, x := range rs {
		if x.Kind == r.Kind && x.Value == r.Value {
			return rs
		}
	}
	return append(rs, r)
}

// collectCitations lists every document, instrument and URL the document
// cites with the places that cite it, in the order of first citation.
func collectCitations(d *Document) []Citation {
	var out []Citation
	idx := map[string]int{}
	add := func(kind, value, where string) {
		if kind == RefParagraph || kind == RefOpCit || value == "" {
			return
		}
		key := kind + "\x00" + value
		i, ok := idx[key]
		if !ok {
			i = len(out)
			idx[key] = i
			out = append(out, Citation{Kind: kind, Value: value})
		}
		for _, w := range out[i].CitedIn {
			if w == where {
				return
			}
		}
		out[i].CitedIn = append(out[i].CitedIn, where)
	}
	for _, rd := range d.RelatedDocuments {
		add(rd.Kind, rd.Symbol, "related_documents")
	}
	for _, p := range d.Paragraphs {
		for _, r := range p.References {
			add(r.Kind, r.Value, "paragraph "+p.Number)
		}
	}
	for _, f := range d.Footnotes {
		where := "footnote " + strconv.Itoa(f.Number)
		for _, r := range f.References {
			add(r.Kind, r.Value, where)
			for _, rr := range r.ResolvesTo {
				add(rr.Kind, rr.Value, where)
			}
		}
	}
	return out
}
