package indexer

import (
	"strconv"
	"strings"
)

// Parse turns extracted content into a document, choosing the parser by the
// kind of document: GB documents get their full structure, ILO instruments
// and UN treaties their articles, UN documents their header block; anything
// else becomes a titled run of passages.
func Parse(c *Content, meta Meta) *Document {
	var d *Document
	switch {
	case meta.Kind == "gb-document" || (meta.Kind == "" && looksGB(c, meta)):
		d = ParseGB(c, meta)
	case meta.Kind == "ilo-instrument" || meta.Kind == "un-treaty" || (meta.Kind == "" && c.Format == "md" && looksInstrument(c)):
		d = ParseInstrument(c, meta)
	case meta.Kind == "un-document" || (meta.Kind == "" && looksUN(c, meta)):
		d = ParseUN(c, meta)
	default:
		d = ParseGeneric(c, meta)
	}
	if d.Language == "" {
		d.Language = "en"
	}
	if d.Symbol == "" {
		d.Symbol = symbolFromPath(meta.Path)
		d.Warnings = append(d.Warnings, "no symbol in the text or the manifest: using the file name")
	}
	uniqueNumbers(d.Paragraphs)
	d.ID = d.Symbol + "@" + d.Language
	d.Source.Format = c.Format
	d.Source.Path = meta.Path
	for _, p := range c.Pages {
		d.Source.Pages = append(d.Source.Pages, p.Quality)
		if p.Err != "" {
			d.Warnings = append(d.Warnings, "page "+strconv.Itoa(p.Number)+": "+p.Err)
		}
	}
	return d
}

func looksGB(c *Content, meta Meta) bool {
	if sym, err := ParseSymbol(meta.Symbol); err == nil && sym.Kind == RefGB {
		return true
	}
	for _, f := range c.Furniture {
		if jobCodeRE.MatchString(f) {
			return true
		}
	}
	if len(c.Pages) == 0 {
		return false
	}
	for i, l := range c.Pages[0].Lines {
		if i > 15 {
			break
		}
		if l.Text == "Governing Body" || l.Text == "Conseil d’administration" || l.Text == "Consejo de Administración" {
			return true
		}
	}
	return false
}

func looksUN(c *Content, meta Meta) bool {
	if sym, err := ParseSymbol(meta.Symbol); err == nil && sym.Kind == RefUN {
		return true
	}
	if len(c.Pages) == 0 {
		return false
	}
	for i, l := range c.Pages[0].Lines {
		if i > 12 {
			break
		}
		if strings.Contains(l.Text, "General Assembly") || NormaliseUNSymbol(l.Text) != "" {
			return true
		}
	}
	return false
}

// symbolFromPath makes a stand-in symbol from a file name for a document
// that names none: "reports/some_report.pdf" → "some_report".
func symbolFromPath(p string) string {
	base := p
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	if i := strings.IndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	if base == "" {
		return "untitled"
	}
	return base
}

// ParseGeneric makes a document of any text: numbered paragraphs where the
// text numbers them, otherwise one passage per block.
func ParseGeneric(c *Content, meta Meta) *Document {
	d := &Document{Kind: meta.Kind, Language: meta.PrimaryLanguage(), Title: meta.Title, Date: meta.Date}
	if d.Kind == "" {
		d.Kind = "other"
	}
	if meta.Symbol != "" {
		if sym, err := ParseSymbol(meta.Symbol); err == nil {
			d.Symbol = sym.Canonical
		} else {
			d.Symbol = meta.Symbol
		}
	}
	blocks := toBlocks(c)
	var heading string
	n := 0
	for i, b := range blocks {
		if d.Title == "" && i == 0 && len(b.text) < 200 {
			d.Title = StripMarkers(b.text)
			continue
		}
		if b.heading && len(b.text) < 200 {
			heading = StripMarkers(b.text)
			d.Headings = append(d.Headings, Heading{Text: heading})
			continue
		}
		n++
		num := "s" + strconv.Itoa(n)
		text := b.text
		if m := numberedParaRE.FindStringSubmatch(text); m != nil {
			num, text = m[1], m[2]
		}
		d.Paragraphs = append(d.Paragraphs, Paragraph{Number: num, Heading: heading, Text: text})
		if len(d.Headings) > 0 && d.Headings[len(d.Headings)-1].FirstParagraph == "" {
			d.Headings[len(d.Headings)-1].FirstParagraph = num
		}
	}
	attachFootnotes(d, collectNotes(c))
	finishGB(d)
	return d
}
