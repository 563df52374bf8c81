package indexer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	articleHeadingRE = regexp.MustCompile(`^(?:Article|Artikel|Art\.)\s+(\d+[A-Za-z]?|[IVXLC]+)\b`)
	annexHeadingRE   = regexp.MustCompile(`^(?i:annex|annexe|anexo|bijlage)\s+([IVXLC]+|\d+|[A-Z])\b`)
	partHeadingRE    = regexp.MustCompile(`^(?:PART|Part|DEEL|Deel|Chapter|CHAPTER|Hoofdstuk|HOOFDSTUK)\s+([IVXLC]+|\d+)\b`)
	instrParaRE      = lineShape(numberedPara)
	instrItemRE      = regexp.MustCompile(`^\(?([a-z]{1,2}|[ivx]{1,5})\)\s+(.*)$`)
	bwbvRE           = regexp.MustCompile(`BWBV\d{7}`)
	titleYearRE      = regexp.MustCompile(`,\s*(\d{4})\b`)
)

func looksInstrument(c *Content) bool {
	n := 0
	for _, p := range c.Pages {
		for _, l := range p.Lines {
			if l.Heading && articleHeadingRE.MatchString(l.Text) {
				n++
			}
		}
	}
	return n >= 2
}

// ParseInstrument parses an ILO instrument or a UN treaty: its articles and
// their numbered paragraphs (numbered "article.paragraph": "2.3" is
// Article 2, paragraph 3) with lettered items, the preamble, and the
// instruments it cites. Text in another language mixed in (the Dutch
// translations and status lines of the treaty database the sources come
// from) is recognised paragraph by paragraph and kept apart in
// Document.Other, so English search stays clean. Relative links between
// instruments become citations.
func ParseInstrument(c *Content, meta Meta) *Document {
	lang := meta.PrimaryLanguage()
	if lang == "" {
		lang = "en"
	}
	d := &Document{Kind: meta.Kind, Language: lang, Title: meta.Title, Date: meta.Date, Other: map[string]string{}}
	if d.Kind == "" {
		d.Kind = "ilo-instrument"
	}
	if meta.Symbol != "" {
		d.Symbol = CanonicalSymbol(meta.Symbol)
	}
	var (
		article  string // current article number, "" in the preamble
		annex    string // "AI." inside Annex I: its articles are numbered afresh
		heading  string
		inOther  bool // inside a block of another language (until the next own-language heading)
		cur      *Paragraph
		counts   = map[string]int{}
		other    []string
		links    []Link
		contexts []string // the words that follow each link, where its reference is completed
		longName string
	)
	flush := func() {
		if cur != nil {
			d.Paragraphs = append(d.Paragraphs, *cur)
			cur = nil
		}
	}
	for _, p := range c.Pages {
		for _, l := range p.Lines {
			t := strings.TrimSpace(l.Text)
			if l.Blank || t == "" {
				continue
			}
			tl := DetectLanguage(t)
			if l.Heading {
				// headings are short: tell their language by their words
				isOther := tl != "" && tl != lang || strings.HasPrefix(t, "Artikel") || strings.HasPrefix(t, "Verdrag")
				if isOther {
					inOther = true
					other = append(other, t)
					continue
				}
				inOther = false
				flush()
				if m := annexHeadingRE.FindStringSubmatch(t); m != nil {
					annex = "A" + m[1] + "."
					heading = "Annex " + m[1]
					article = annex + "0"
					continue
				}
				if m := articleHeadingRE.FindStringSubmatch(t); m != nil {
					article = annex + m[1]
					heading = "Article " + m[1]
					if annex != "" {
						heading = "Annex " + strings.TrimSuffix(annex[1:], ".") + ", Article " + m[1]
					}
					continue
				}
				if partHeadingRE.MatchString(t) {
					continue
				}
				if longName == "" {
					longName = t
				}
				continue
			}
			if tl != "" && tl != lang || inOther && tl != lang || isStatusLine(t) {
				other = append(other, t)
				continue
			}
			inOther = false
			for _, lk := range l.Links {
				links = append(links, lk)
				contexts = append(contexts, linkContext(t, lk.Text))
			}
			switch {
			case article == "" && (t == "Preamble" || t == "Preambule"):
				continue
			case article == "":
				t = strings.TrimSpace(strings.TrimPrefix(t, "Preamble "))
				if cur == nil {
					cur = &Paragraph{Number: "preamble", Heading: "Preamble"}
				}
				cur.Text = joinText(cur.Text, t)
			default:
				if m := instrParaRE.FindStringSubmatch(t); m != nil {
					flush()
					cur = &Paragraph{Number: article + "." + m[1], Heading: heading, Text: m[2]}
					continue
				}
				if m := instrItemRE.FindStringSubmatch(t); m != nil && cur != nil {
					if cur.ItemStyle == "" {
						cur.ItemStyle = "(a)"
					}
					cur.Items = append(cur.Items, Item{Label: m[1], Text: m[2]})
					continue
				}
				if cur != nil && len(cur.Items) > 0 {
					it := &cur.Items[len(cur.Items)-1]
					it.Text = joinText(it.Text, t)
					continue
				}
				if cur == nil || !strings.HasPrefix(cur.Number, article) {
					flush()
					counts[article]++
					num := article
					if counts[article] > 1 {
						num = article + "-" + strconv.Itoa(counts[article])
					}
					cur = &Paragraph{Number: num, Heading: heading, Text: t}
					continue
				}
				cur.Text = joinText(cur.Text, t)
			}
		}
	}
	flush()
	uniqueNumbers(d.Paragraphs)
	if len(other) > 0 {
		otherLang := "nl"
		if l := DetectLanguage(strings.Join(other, " ")); l != "" && l != lang {
			otherLang = l
		}
		d.Other[otherLang] = strings.Join(other, "\n")
	} else {
		d.Other = nil
	}
	if d.Title == "" {
		d.Title = longName
	}
	if d.Symbol == "" {
		d.Symbol = symbolFromPath(meta.Path)
	}
	d.Instrument = instrumentDetails(d.Symbol, d.Title)
	if m := bwbvRE.FindString(meta.Source); m != "" {
		d.Aliases = append(d.Aliases, m)
	}
	if d.Kind == "un-treaty" && longName != "" {
		d.Aliases = append(d.Aliases, longName)
	}
	// an instrument as a PDF has footnotes, and its callouts are marked
	attachFootnotes(d, collectNotes(c))
	finishGB(d)
	// an instrument naming itself ("this Charter of the United Nations") does not cite itself
	self := map[string]bool{d.Symbol: true}
	for _, a := range append(d.Aliases, longName) {
		if a != "" {
			self[a] = true
		}
	}
	kept := d.Cited[:0]
	for _, ci := range d.Cited {
		if !self[ci.Value] && !self[UNInstrumentSymbol(ci.Value)] {
			kept = append(kept, ci)
		}
	}
	d.Cited = kept
	// links to other instruments whose text does not already name them
	cited := map[string]bool{}
	for _, ci := range d.Cited {
		cited[ci.Value] = true
	}
	// A link names an instrument the text cites when the reference found
	// where the link stands starts with the link's words; its database id
	// then stands for that instrument, and a later link to the same id
	// ("[Charter](...)") is the same citation.
	known := map[string]bool{}
	for i, l := range links {
		id := bwbvRE.FindString(l.Target)
		for _, r := range FindReferences(contexts[i]) {
			if cited[r.Value] && (strings.HasPrefix(r.Text, l.Text) || strings.Contains(l.Text, r.Value) || r.Text != "" && strings.Contains(l.Text, r.Text)) {
				known[id] = true
			}
		}
	}
	for _, l := range links {
		if id := bwbvRE.FindString(l.Target); id != "" && !known[id] && !cited[id] && !self[id] {
			cited[id] = true
			d.Cited = append(d.Cited, Citation{Kind: "treaty-db", Value: id, CitedIn: []string{"link: " + l.Text}})
		}
	}
	return d
}

// isStatusLine recognises the treaty database's status notes ("Treedt in
// werking op ...", "Geldend van ... t/m ..."), which are not the text.
func isStatusLine(t string) bool {
	for _, p := range []string{"Treedt in werking", "Geldend van", "Vervallen", "In werking getreden"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// instrumentDetails reads type, number and year from an instrument's
// symbol and title: C189 "Domestic Workers Convention, 2011 (No. 189)".
func instrumentDetails(symbol, title string) *InstrumentDetails {
	det := &InstrumentDetails{}
	if sym, err := ParseSymbol(symbol); err == nil && sym.Kind == RefILOInstrument {
		det.Number = sym.Number
		det.Type = map[string]string{"C": "Convention", "R": "Recommendation", "P": "Protocol"}[sym.InstrumentType]
	}
	if m := titleYearRE.FindStringSubmatch(title); m != nil {
		det.Year, _ = strconv.Atoi(m[1])
	} else if m := regexp.MustCompile(`\b(1[89]\d\d|20\d\d)\b`).FindString(title); m != "" {
		det.Year, _ = strconv.Atoi(m)
	}
	if det.Type == "" {
		switch {
		case strings.Contains(title, "Constitution"):
			det.Type = "Constitution"
		case strings.Contains(title, "Protocol"):
			det.Type = "Protocol"
		case strings.Contains(title, "Declaration"):
			det.Type = "Declaration"
		case strings.Contains(title, "Covenant"), strings.Contains(title, "Convention"), strings.Contains(title, "Charter"):
			det.Type = "Treaty"
		}
	}
	if det.Number == 0 && det.Type == "" && det.Year == 0 {
		return nil
	}
	return det
}

// linkContext returns the link's text as it stands in line and the words
// after it: "Workers with Family Responsibilities Convention, 1981 (No. 156)".
func linkContext(line, linkText string) string {
	i := strings.Index(line, linkText)
	if i < 0 || linkText == "" {
		return linkText
	}
	end := min(len(line), i+len(linkText)+40)
	for end < len(line) && !utf8.RuneStart(line[end]) {
		end++
	}
	return line[i:end]
}

// uniqueNumbers makes paragraph numbers unique within a document (they
// name passages and deep links): a repeated number gets a suffix.
func uniqueNumbers(ps []Paragraph) {
	seen := map[string]int{}
	for i := range ps {
		n := ps[i].Number
		seen[n]++
		if seen[n] > 1 {
			ps[i].Number = n + "-" + strconv.Itoa(seen[n])
			for seen[ps[i].Number] > 0 {
				ps[i].Number += "'"
			}
			seen[ps[i].Number]++
		}
	}
}
