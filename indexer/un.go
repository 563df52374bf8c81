package indexer

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	unHeaderSymbolRE = regexp.MustCompile(`^(?:United Nations|Nations Unies|Naciones Unidas)\s+(\S+)$`)
	unDistrRE        = regexp.MustCompile(`^Distr\.:\s*(\w+)(?:\s+(.*))?$`)
	unSessionRE      = regexp.MustCompile(`(?i)^([A-Za-z-]+(?:-[a-z]+)?) session$`)
	unAgendaRE       = regexp.MustCompile(`^Agenda items?\s+(.+)$`)
	unAdoptedRE      = regexp.MustCompile(`^(?:Resolution adopted by the General Assembly)\s*(?:on\s+(.+))?$`)
	unTitleRE        = regexp.MustCompile(`^(\d{1,3}/\d{1,4})\.\s+(.+)$`)
	unJobRE          = regexp.MustCompile(`^\d{2}-\d{5}\s*\([A-Z]\)|^\*\d{6,}\*$`)
	unOperativeRE    = lineShape(numberedPara)
	unItemRE         = lineShape(unItem)
	// "its resolution 71/325", "resolutions 70/1 and": General Assembly
	// resolutions cited by number inside a resolution; ECOSOC's carry a year.
	bareResolutionRE = regexp.MustCompile(`\b[Rr]esolutions?\s+(\d{2,4})/(\d{1,3})\b`)
)

// ParseUN parses a UN document as issued: the header block (symbol,
// distribution, session, agenda item, adoption), the title, the
// preambular paragraphs (numbered pp1, pp2, ...) and the operative ones
// with their lettered items, and the footnotes with their callouts.
func ParseUN(c *Content, meta Meta) *Document {
	d := &Document{Kind: "un-document", Language: meta.PrimaryLanguage(), UN: &UNDetails{}}
	if meta.Kind != "" {
		d.Kind = meta.Kind
	}
	blocks := toBlocks(c)
	i := 0
	var titleParts []string
	// the header block, up to the title or the first paragraph
	for ; i < len(blocks); i++ {
		t := StripMarkers(blocks[i].text)
		if m := unHeaderSymbolRE.FindStringSubmatch(t); m != nil {
			if s := NormaliseUNSymbol(m[1]); s != "" {
				d.Symbol = s
			}
			continue
		}
		if t == "General Assembly" || t == "Security Council" || t == "Economic and Social Council" || unJobRE.MatchString(t) {
			continue
		}
		if m := unDistrRE.FindStringSubmatch(t); m != nil {
			d.UN.Distribution = m[1]
			if dt, ok := parseDate(m[2]); ok {
				d.Date = dt
			}
			continue
		}
		if m := unSessionRE.FindStringSubmatch(t); m != nil {
			d.UN.Session = m[1]
			continue
		}
		if m := unAgendaRE.FindStringSubmatch(t); m != nil {
			d.UN.AgendaItem = m[1]
			continue
		}
		if strings.HasPrefix(t, "Seventy-") || strings.HasPrefix(t, "Sixty-") {
			// "Seventy-second session Agenda item 13" on one line
			if s, a, ok := strings.Cut(t, " session"); ok {
				d.UN.Session = s
				if m := unAgendaRE.FindStringSubmatch(strings.TrimSpace(a)); m != nil {
					d.UN.AgendaItem = m[1]
				}
				continue
			}
		}
		if m := unAdoptedRE.FindStringSubmatch(t); m != nil {
			if dt, ok := parseDate(m[1]); ok && d.Date == "" {
				d.Date = dt
			}
			continue
		}
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			for _, r := range FindReferences(t) {
				if r.Kind == RefUN {
					d.RelatedDocuments = append(d.RelatedDocuments, RelatedDocument{Kind: RefUN, Symbol: r.Value})
				}
			}
			continue
		}
		if m := unTitleRE.FindStringSubmatch(t); m != nil {
			titleParts = append(titleParts, m[2])
			i++
			break
		}
		if strings.HasPrefix(t, "The General Assembly") {
			break
		}
	}
	if len(titleParts) > 0 {
		d.Title = strings.TrimSpace(strings.Join(titleParts, " "))
	}
	// the body
	var cur *Paragraph
	pp := 0
	flush := func() {
		if cur != nil {
			d.Paragraphs = append(d.Paragraphs, *cur)
			cur = nil
		}
	}
	heading := "Preamble"
	for ; i < len(blocks); i++ {
		b := blocks[i]
		t := b.text
		plain := StripMarkers(t)
		if unJobRE.MatchString(plain) {
			continue
		}
		if strings.HasPrefix(plain, "The General Assembly") && len(plain) < 40 {
			continue
		}
		if m := unOperativeRE.FindStringSubmatch(t); m != nil {
			flush()
			heading = ""
			cur = &Paragraph{Number: m[1], Text: m[2]}
			continue
		}
		if m := unItemRE.FindStringSubmatch(t); m != nil && cur != nil {
			if cur.ItemStyle == "" {
				cur.ItemStyle = "(a)"
			}
			cur.Items = append(cur.Items, Item{Label: m[1], Text: m[2]})
			continue
		}
		if b.heading && len(plain) < 120 && !strings.HasSuffix(plain, ",") {
			flush()
			heading = plain
			continue
		}
		if heading == "Preamble" {
			// each preambular paragraph is a block of its own
			flush()
			pp++
			cur = &Paragraph{Number: "pp" + strconv.Itoa(pp), Heading: "Preamble", Text: t}
			continue
		}
		switch {
		case cur != nil && len(cur.Items) > 0:
			it := &cur.Items[len(cur.Items)-1]
			it.Text = joinText(it.Text, t)
		case cur != nil:
			cur.Text = joinText(cur.Text, t)
		default:
			pp++
			cur = &Paragraph{Number: "s" + strconv.Itoa(pp), Heading: heading, Text: t}
		}
	}
	flush()
	if d.Title == "" {
		d.Title = meta.Title
	}
	if d.Symbol == "" && meta.Symbol != "" {
		d.Symbol = CanonicalSymbol(meta.Symbol)
	}
	if d.Date == "" {
		d.Date = meta.Date
	}
	if d.Language == "" {
		d.Language = "en"
	}
	attachFootnotes(d, collectNotes(c))
	finishGB(d)
	addBareResolutions(d)
	return d
}

// addBareResolutions adds the resolutions a UN resolution cites by number
// alone ("its resolution 71/325", footnote "Resolution 70/1."): inside a
// General Assembly resolution they are General Assembly resolutions, or
// ECOSOC's when the number starts with a year ("resolution 1998/36").
func addBareResolutions(d *Document) {
	symbolFor := func(a, b string) string {
		if len(a) == 4 {
			return "E/RES/" + a + "/" + b
		}
		return "A/RES/" + a + "/" + b
	}
	add := func(refs []Reference, text string) []Reference {
		for _, m := range bareResolutionRE.FindAllStringSubmatch(text, -1) {
			refs = appendRef(refs, Reference{Kind: RefUN, Value: symbolFor(m[1], m[2]), Text: m[0]})
		}
		return refs
	}
	for i := range d.Paragraphs {
		p := &d.Paragraphs[i]
		p.References = add(p.References, p.Text)
		for j := range p.Items {
			p.Items[j].References = add(p.Items[j].References, p.Items[j].Text)
			for _, r := range p.Items[j].References {
				p.References = appendRef(p.References, r)
			}
		}
	}
	for i := range d.Footnotes {
		d.Footnotes[i].References = add(d.Footnotes[i].References, d.Footnotes[i].Text)
	}
	d.Cited = collectCitations(d)
	// a resolution does not cite itself
	kept := d.Cited[:0]
	for _, c := range d.Cited {
		if c.Value != d.Symbol {
			kept = append(kept, c)
		}
	}
	d.Cited = kept
}
