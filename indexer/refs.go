package indexer

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// UNInstrument is a UN treaty that GB documents and ILO instruments cite by
// name. Value is the full title (the canonical value of the reference);
// Symbol is the short name a treaty is filed under in the corpus.
type UNInstrument struct {
	Value  string
	Symbol string
	Kind   string // RefUNInstrument unless set
}

// unInstruments lists UN instruments cited by name, longest first so that a
// longer title wins over a title it contains.
var unInstruments = []UNInstrument{
	{"International Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families", "ICRMW", ""},
	{"International Convention on the Elimination of All Forms of Racial Discrimination", "ICERD", ""},
	{"International Covenant on Economic, Social and Cultural Rights", "ICESCR", ""},
	{"Convention on the Elimination of All Forms of Discrimination against Women", "CEDAW", ""},
	{"Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children", "Trafficking Protocol", ""},
	{"Protocol against the Smuggling of Migrants by Land, Sea and Air", "Smuggling of Migrants Protocol", ""},
	{"United Nations Convention against Transnational Organized Crime", "UNTOC", ""},
	{"International Covenant on Civil and Political Rights", "ICCPR", ""},
	{"Universal Declaration of Human Rights", "UDHR", ""},
	{"Convention on the Rights of the Child", "CRC", ""},
	{"Charter of the United Nations", "UN Charter", ""},
	{"Constitution of the International Labour Organisation", "ILO_Constitution", RefILOInstrument},
	{"Constitution of the International Labour Organization", "ILO_Constitution", RefILOInstrument},
}

// UNInstrumentSymbol returns the short symbol of a UN instrument cited by its
// title ("Convention on the Rights of the Child" → "CRC"), or "".
func UNInstrumentSymbol(title string) string {
	for _, u := range unInstruments {
		if strings.EqualFold(u.Value, title) {
			return u.Symbol
		}
	}
	return ""
}

var (
	urlRE = regexp.MustCompile(`https?://[^\s<>"“”]+`)
	gbRE  = regexp.MustCompile(`\bGB\.\d{3}(?:bis)?/[A-Za-z]+(?:/[A-Za-z0-9]+)*(?:\s?\((?:&\s*)?(?:Rev|Add|Corr)\.?\s*\d*\))*`)
	// A/RES/67/219, A/68/190, A/68/L.5, S/RES/1325(2000), and the OCR forms
	// AJRES/67/219 and A/B8/L5.
	unRE = regexp.MustCompile(`\b(?:AJRES|A|E|S|ST|HRC)(?:/(?:(?:Add|Rev|Corr)\.\d+|[A-Z0-9]+(?:\.[A-Z0-9]+)*)(?:\((?:[IVXLC]+|\d{4})\))?)+`)
	// "General Assembly resolution 67/219", "UNGA resolution 67/219"
	gaResolutionRE = regexp.MustCompile(`\b(?:General Assembly|UNGA|GA)\s+[Rr]esolutions?\s+(\d{2,3})/(\d{1,3})\b`)
	// "Domestic Workers Convention, 2011 (No. 189)" — the name is found by
	// walking back from the match (see instrumentName).
	namedInstrumentRE = regexp.MustCompile(`\b(Convention|Recommendation)(\s*\((?:Revised)\))?,\s*(\d{4}),?\s*\(No\.\s*(\d{1,3})\)`)
	numberedRE        = regexp.MustCompile(`\b(Convention|Recommendation|Protocol)\s+No\.?\s*(\d{1,3})\b`)
	shortInstrumentRE = regexp.MustCompile(`\b([CRP])\.?(\d{2,3})\b`)
	iloDocRE          = regexp.MustCompile(`\b[Dd]ocuments?\s+([A-Z]{2,}[A-Z0-9]*(?:\.[A-Z0-9]+)*/\d{4}(?:[/-][A-Z0-9]+(?:\.[A-Z0-9]+)*)*)`)
	// another organisation named before a document symbol makes it theirs
	otherOrgRE     = regexp.MustCompile(`World Health Organization|UNESCO|UNICEF|World Bank|International Monetary Fund|OECD|FAO|WHO\b`)
	paragraphRefRE = regexp.MustCompile(`\bparagraphs?\s+(\d+(?:\s*[-–]\s*\d+)?)`)
	pinpointRE     = regexp.MustCompile(`^\s*(?:\([^)]{0,40}\))?,\s*(paras?\.?\s*\d+(?:\([a-z]\))?(?:\s*(?:,|and|-|–)\s*\d+(?:\([a-z]\))?)*)`)
	dateParenRE    = regexp.MustCompile(`^\s*\((\d{1,2} [A-Z][a-z]+ \d{4})\)`)
)

// span is a reference found at a byte range of a text.
type span struct {
	start, end int
	ref        Reference
}

// FindReferences returns the references cited in text, normalised and in
// order of appearance, without duplicates (same kind and value). Paragraph
// cross-references ("see paragraph 14") are included with kind "paragraph".
func FindReferences(text string) []Reference {
	var spans []span
	taken := make([]bool, len(text))
	claim := func(s, e int) bool {
		for i := s; i < e; i++ {
			if taken[i] {
				return false
			}
		}
		for i := s; i < e; i++ {
			taken[i] = true
		}
		return true
	}
	// URLs first: symbols inside a URL belong to the URL.
	for _, m := range findAllIndex(urlRE, text, "://") {
		u := trimURL(text[m[0]:m[1]])
		end := m[0] + len(u)
		if claim(m[0], end) {
			spans = append(spans, span{m[0], end, Reference{Kind: RefURL, Value: u}})
		}
	}
	for _, m := range findAllIndex(gbRE, text, "GB.") {
		raw := text[m[0]:m[1]]
		sym, err := ParseSymbol(raw)
		if err != nil || !claim(m[0], m[1]) {
			continue
		}
		r := Reference{Kind: RefGB, Value: sym.Canonical}
		r.Pinpoint = pinpointAfter(text[m[1]:])
		spans = append(spans, span{m[0], m[1], r})
	}
	for _, m := range findAllIndex(unRE, text, "/") {
		raw := text[m[0]:m[1]]
		v := NormaliseUNSymbol(raw)
		if v == "" || !claim(m[0], m[1]) {
			continue
		}
		r := Reference{Kind: RefUN, Value: v}
		if v != raw {
			r.Text = raw
		}
		rest := text[m[1]:]
		if dm := dateParenRE.FindStringSubmatch(rest); dm != nil {
			if t, err := time.Parse("2 January 2006", dm[1]); err == nil {
				r.Date = t.Format(time.DateOnly)
			}
		}
		r.Pinpoint = pinpointAfter(rest)
		r.Title = unTitleBefore(text[:m[0]])
		spans = append(spans, span{m[0], m[1], r})
	}
	for _, m := range findAllSubmatch(gaResolutionRE, text, "esolution") {
		v := "A/RES/" + text[m[2]:m[3]] + "/" + text[m[4]:m[5]]
		if claim(m[0], m[1]) {
			spans = append(spans, span{m[0], m[1], Reference{Kind: RefUN, Value: v, Text: text[m[0]:m[1]]}})
		}
	}
	for _, m := range findAllSubmatch(namedInstrumentRE, text, "(No") {
		kind := text[m[2]:m[3]]
		n, _ := strconv.Atoi(text[m[8]:m[9]])
		start := instrumentNameStart(text, m[0])
		if n == 0 || !claim(m[0], m[1]) {
			continue
		}
		spans = append(spans, span{start, m[1], Reference{Kind: RefILOInstrument,
			Value: fmt.Sprintf("%s%03d", kind[:1], n), Text: strings.Join(strings.Fields(text[start:m[1]]), " ")}})
	}
	for _, m := range findAllSubmatch(numberedRE, text, "No") {
		kind := text[m[2]:m[3]]
		n, _ := strconv.Atoi(text[m[4]:m[5]])
		if n == 0 || !claim(m[0], m[1]) {
			continue
		}
		spans = append(spans, span{m[0], m[1], Reference{Kind: RefILOInstrument, Value: fmt.Sprintf("%s%03d", kind[:1], n), Text: text[m[0]:m[1]]}})
	}
	for _, m := range shortInstruments(text) {
		// "C189" must stand alone: not inside "WCMS_222188", "A/C.3" or "S&P500".
		if m[0] > 0 && (isWordByte(text[m[0]-1]) || text[m[0]-1] == '/' || text[m[0]-1] == '.' || text[m[0]-1] == '&') {
			continue
		}
		n, _ := strconv.Atoi(text[m[4]:m[5]])
		if n == 0 || !claim(m[0], m[1]) {
			continue
		}
		spans = append(spans, span{m[0], m[1], Reference{Kind: RefILOInstrument, Value: fmt.Sprintf("%s%03d", text[m[2]:m[3]], n)}})
	}
	for _, u := range unInstruments {
		for off := 0; ; {
			i := strings.Index(text[off:], u.Value)
			if i < 0 {
				break
			}
			s, e := off+i, off+i+len(u.Value)
			off = e
			if claim(s, e) {
				ref := Reference{Kind: RefUNInstrument, Value: u.Value}
				if u.Kind == RefILOInstrument {
					// ILO instruments are cited by symbol, whatever their name
					ref = Reference{Kind: RefILOInstrument, Value: u.Symbol, Text: u.Value}
				}
				spans = append(spans, span{s, e, ref})
			}
		}
	}
	for _, m := range findAllSubmatch(iloDocRE, text, "ocument") {
		if !claim(m[2], m[3]) {
			continue
		}
		r := Reference{Kind: RefILODoc, Value: text[m[2]:m[3]]}
		sentenceStart := max(strings.LastIndex(text[:m[0]], ". "), 0)
		if otherOrgRE.MatchString(text[sentenceStart:m[0]]) {
			r.Kind = RefDocument
		}
		rest := text[m[3]:]
		if strings.HasPrefix(rest, ":") {
			r.Title = sentence(strings.TrimSpace(rest[1:]))
		}
		spans = append(spans, span{m[2], m[3], r})
	}
	for _, m := range findAllSubmatch(paragraphRefRE, text, "paragraph") {
		if claim(m[0], m[1]) {
			v := strings.Join(strings.Fields(strings.ReplaceAll(text[m[2]:m[3]], "–", "-")), "")
			spans = append(spans, span{m[0], m[1], Reference{Kind: RefParagraph, Value: v}})
		}
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var out []Reference
	seen := map[string]int{}
	for _, s := range spans {
		key := s.ref.Kind + "\x00" + s.ref.Value
		i, dup := seen[key]
		if !dup {
			seen[key] = len(out)
			out = append(out, s.ref)
			continue
		}
		// the same reference cited twice ("UNGA resolution 67/219 ... UN doc.
		// A/RES/67/219 (26 March 2013), para. 16"): keep one, with what each
		// mention tells
		r := &out[i]
		if s.ref.Text == "" {
			r.Text = ""
		}
		r.Pinpoint = cmpOr(r.Pinpoint, s.ref.Pinpoint)
		r.Date = cmpOr(r.Date, s.ref.Date)
		r.Title = cmpOr(r.Title, s.ref.Title)
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// findAllIndex runs re only over texts that hold must, a substring every
// match contains: Go's regexps scan the whole text whatever its content,
// and most paragraphs cite nothing, so the cheap test saves most of the
// time reference finding used to take in indexing profiles.
func findAllIndex(re *regexp.Regexp, text, must string) [][]int {
	if !strings.Contains(text, must) {
		return nil
	}
	return re.FindAllStringIndex(text, -1)
}

func findAllSubmatch(re *regexp.Regexp, text, must string) [][]int {
	if !strings.Contains(text, must) {
		return nil
	}
	return re.FindAllStringSubmatchIndex(text, -1)
}

// shortInstruments finds "C189", "R.188", "P029" only where an upper-case
// C, R or P is followed by a digit or a dot and a digit.
func shortInstruments(text string) [][]int {
	for i := 0; i+1 < len(text); i++ {
		c := text[i]
		if c != 'C' && c != 'R' && c != 'P' {
			continue
		}
		n := text[i+1]
		if n >= '0' && n <= '9' || n == '.' && i+2 < len(text) && text[i+2] >= '0' && text[i+2] <= '9' {
			return shortInstrumentRE.FindAllStringSubmatchIndex(text, -1)
		}
	}
	return nil
}

func isWordByte(b byte) bool {
	return b == '_' || b == '-' || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

// trimURL drops the sentence punctuation that follows a URL in running text.
func trimURL(u string) string {
	for {
		n := len(u)
		u = strings.TrimRight(u, ".,;:!?'’”")
		if strings.HasSuffix(u, ")") && strings.Count(u, "(") < strings.Count(u, ")") {
			u = u[:len(u)-1]
		}
		if strings.HasSuffix(u, "]") && strings.Count(u, "[") < strings.Count(u, "]") {
			u = u[:len(u)-1]
		}
		if len(u) == n {
			return u
		}
	}
}

func pinpointAfter(rest string) string {
	if m := pinpointRE.FindStringSubmatch(rest); m != nil {
		return strings.TrimRight(m[1], " ,")
	}
	return ""
}

// unTitleBefore finds the title a footnote gives a UN document just before
// its symbol: "See International Migration and Development, Report of the
// Secretary-General, UN, General Assembly, 68th Session, UN doc. A/68/190".
func unTitleBefore(before string) string {
	i := strings.LastIndex(before, "UN doc.")
	if i < 0 {
		return ""
	}
	t := strings.TrimSpace(before[:i])
	if !strings.HasSuffix(t, ",") {
		// a title is set off from "UN doc." by a comma; "Is it UN doc. ..."
		// or a sentence ending before it has none
		return ""
	}
	t = strings.TrimRight(t, ", ")
	if j := strings.LastIndexAny(t, ".;"); j >= 0 && !strings.HasSuffix(t[:j], " op") {
		t = strings.TrimSpace(t[j+1:])
	}
	t = strings.TrimPrefix(t, "See ")
	// drop the issuing body that follows the title: ", UN, General Assembly, 68th Session"
	if j := strings.Index(t, ", UN,"); j > 0 {
		t = t[:j]
	}
	return strings.TrimSpace(t)
}

// instrumentNameStart walks back from "Convention, 2011 (No. 189)" over the
// capitalised words of the instrument's name ("Domestic Workers").
func instrumentNameStart(text string, at int) int {
	connectors := map[string]bool{"of": true, "for": true, "and": true, "the": true, "in": true, "on": true, "to": true, "with": true}
	start, pos := at, at
	for {
		before := strings.TrimRightFunc(text[:pos], unicode.IsSpace)
		if before == "" {
			break
		}
		j := strings.LastIndexFunc(before, unicode.IsSpace)
		w := strings.TrimLeft(before[j+1:], "[(")
		if w == "" || w == "ILO" || w == "The" {
			break
		}
		capital := unicode.IsUpper([]rune(w)[0])
		if !capital && !connectors[w] {
			break
		}
		pos = j + 1
		if capital {
			start = pos
		}
		if j < 0 {
			break
		}
	}
	for start < at && (text[start] == '[' || text[start] == '(') {
		start++
	}
	return start
}

// sentence returns s up to the end of its first sentence.
func sentence(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] == ' ' && i+2 < len(s) && unicode.IsUpper(rune(s[i+2])) {
			return s[:i]
		}
	}
	return strings.TrimRight(s, ".")
}

// opCitRE finds "Short title, op. cit." in a footnote.
var opCitRE = regexp.MustCompile(`(?:^|\.\s+|See\s+)([A-Z][^.;]*?),\s*op\.\s*cit\.(?:,\s*(paras?\.\s*[\d, ]*\d(?:\([a-z]\))?))?`)

// ResolveOpCit adds an op-cit reference to every footnote that says
// "op. cit." and resolves it to the earlier footnote that gave the full
// citation: the one whose text names the short title in title case (a
// citation's title), else the one whose callout follows words that contain
// the short title's words ("... adopted as a Declaration of the HLD." for
// "HLD Declaration"). The resolved footnote's document references become
// the op. cit.'s ResolvesTo.
func ResolveOpCit(fns []Footnote) {
	for i := range fns {
		m := opCitRE.FindStringSubmatch(fns[i].Text)
		if m == nil {
			continue
		}
		short := strings.TrimSpace(strings.TrimPrefix(m[1], "See "))
		r := Reference{Kind: RefOpCit, Value: short, Pinpoint: strings.TrimSpace(m[2])}
		if t := opCitTarget(fns[:i], short); t >= 0 {
			r.Footnote = fns[t].Number
			for _, tr := range fns[t].References {
				if tr.Kind == RefUN || tr.Kind == RefGB || tr.Kind == RefILODoc || tr.Kind == RefILOInstrument {
					r.ResolvesTo = append(r.ResolvesTo, Reference{Kind: tr.Kind, Value: tr.Value})
				}
			}
		}
		fns[i].References = append([]Reference{r}, fns[i].References...)
	}
}

func opCitTarget(earlier []Footnote, short string) int {
	words := significantWords(short)
	if len(words) == 0 {
		return -1
	}
	// 1. the short title printed as a title (same capitalisation, standing
	// as a title: at the start, after "See" or a comma) in an earlier footnote
	for i := len(earlier) - 1; i >= 0; i-- {
		if isOpCit(earlier[i].Text) {
			continue
		}
		if titleCaseContains(earlier[i].Text, short) {
			return i
		}
	}
	// 2. every word of the short title in the sentence that carries the callout
	for i := len(earlier) - 1; i >= 0; i-- {
		// an earlier op. cit. is no full citation, whatever its callout
		// says: its own target is found the same way
		if earlier[i].Callout == nil || isOpCit(earlier[i].Text) {
			continue
		}
		ctx := strings.ToLower(earlier[i].Callout.PrecedingText)
		all := true
		for _, w := range words {
			if !strings.Contains(ctx, w) {
				all = false
				break
			}
		}
		if all {
			return i
		}
	}
	// 3. the words anywhere in an earlier footnote that is not itself an op. cit.
	for i := len(earlier) - 1; i >= 0; i-- {
		if !isOpCit(earlier[i].Text) && strings.Contains(strings.ToLower(earlier[i].Text), strings.ToLower(short)) {
			return i
		}
	}
	return -1
}

func isOpCit(s string) bool { return strings.Contains(s, "op. cit.") }

func significantWords(s string) []string {
	stop := map[string]bool{"the": true, "of": true, "and": true, "on": true, "in": true, "for": true, "a": true, "to": true}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !stop[w] {
			out = append(out, w)
		}
	}
	return out
}

// titleCaseContains reports whether text contains title (case-insensitively)
// with its significant words capitalised, as a cited title is printed.
func titleCaseContains(text, title string) bool {
	if title == "" {
		return false
	}
	// Offsets are taken in text itself: lower-casing may change a string's
	// length in bytes ("İ", "K", invalid UTF-8), so offsets found in a
	// lower-cased copy do not fit the original.
	for i := 0; i < len(text); {
		_, size := utf8.DecodeRuneInString(text[i:])
		n, match := prefixFold(text[i:], title)
		if !match {
			i += size
			continue
		}
		found := text[i : i+n]
		before := strings.TrimRight(text[:i], " ")
		after := text[i+n:]
		ok := (before == "" || strings.HasSuffix(before, "See") || strings.HasSuffix(before, "see") ||
			strings.HasSuffix(before, ",") || strings.HasSuffix(before, ":") || strings.HasSuffix(before, ".")) &&
			(after == "" || strings.HasPrefix(after, ",") || strings.HasPrefix(after, ".") || strings.HasPrefix(after, " ("))
		for _, w := range strings.Fields(found) {
			if len(significantWords(w)) > 0 && !unicode.IsUpper([]rune(w)[0]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
		i += size
	}
	return false
}

// prefixFold reports whether s starts with prefix under Unicode case
// folding, and how many bytes of s the match takes.
func prefixFold(s, prefix string) (int, bool) {
	n := 0
	for prefix != "" {
		if s == "" {
			return 0, false
		}
		r1, s1 := utf8.DecodeRuneInString(s)
		r2, s2 := utf8.DecodeRuneInString(prefix)
		same := s[:s1] == prefix[:s2] ||
			(r1 != utf8.RuneError && r2 != utf8.RuneError && strings.EqualFold(s[:s1], prefix[:s2]))
		if !same {
			return 0, false
		}
		s, prefix = s[s1:], prefix[s2:]
		n += s1
	}
	return n, true
}

// ParseRelatedDocuments splits a cover's "Related documents" line:
// "GB.316/POL/1; GB.316/PV(&Corr.); ILO: Title, Description (document X)."
func ParseRelatedDocuments(s string) []RelatedDocument {
	var out []RelatedDocument
	for _, part := range splitOutsideParens(s, ';') {
		part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), "."))
		if part == "" {
			continue
		}
		if sym, err := ParseSymbol(part); err == nil {
			out = append(out, RelatedDocument{Kind: sym.Kind, Symbol: sym.Canonical})
			continue
		}
		rd := RelatedDocument{Kind: RefILODoc}
		if m := regexp.MustCompile(`\(document ([^)]+)\)$`).FindStringSubmatchIndex(part); m != nil {
			rd.Symbol = part[m[2]:m[3]]
			part = strings.TrimSpace(part[:m[0]])
		}
		if author, rest, ok := strings.Cut(part, ": "); ok && !strings.Contains(author, " ") {
			rd.Author = author
			part = rest
		}
		if title, desc, ok := strings.Cut(part, ", "); ok {
			rd.Title, rd.Description = title, desc
		} else {
			rd.Title = part
		}
		if rd.Symbol == "" {
			rd.Symbol = rd.Title
		}
		out = append(out, rd)
	}
	return out
}

// splitOutsideParens splits s at sep where sep is not inside parentheses.
func splitOutsideParens(s string, sep rune) []string {
	var out []string
	depth, last := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case sep:
			if depth == 0 {
				out = append(out, s[last:i])
				last = i + len(string(r))
			}
		}
	}
	return append(out, s[last:])
}
