package indexer

import (
	"sort"
	"strings"
)

// Document is one document version (a symbol in one language) as parsed.
// JSON names follow the ground-truth file of the bundled corpus
// (corpus/gb/GB.319_POL_2.en.truth.json), so an extraction can be compared
// with it field by field.
type Document struct {
	// ID is Symbol + "@" + Language, e.g. "GB.350/INS/2/2@fr".
	ID               string `json:"id"`
	Symbol           string `json:"symbol"`
	Kind             string `json:"kind"`
	Language         string `json:"language"`
	OriginalLanguage string `json:"original_language,omitempty"`
	Title            string `json:"title"`
	Date             string `json:"date,omitempty"` // YYYY-MM-DD
	// Aliases are other names the document is known by: the short name of
	// a treaty ("CRC"), its database identifier in the source it came from.
	Aliases []string `json:"aliases,omitempty"`

	// GB documents: the parts of the symbol and the session.
	Session      int      `json:"session,omitempty"`
	SessionLabel string   `json:"session_label,omitempty"` // "319", "350bis"
	SessionDates []string `json:"session_dates,omitempty"`
	Section      string   `json:"section,omitempty"`
	SectionName  string   `json:"section_name,omitempty"`
	Item         string   `json:"item,omitempty"`
	Suffixes     []string `json:"suffixes,omitempty"`

	// The cover's metadata block of a GB document.
	Purpose               string             `json:"purpose,omitempty"`
	StrategicObjective    string             `json:"strategic_objective,omitempty"`
	Outcome               string             `json:"outcome,omitempty"`
	PolicyImplications    string             `json:"policy_implications,omitempty"`
	LegalImplications     string             `json:"legal_implications,omitempty"`
	FinancialImplications string             `json:"financial_implications,omitempty"`
	FollowUp              string             `json:"follow_up,omitempty"`
	AuthorUnits           []AuthorUnit       `json:"author_units,omitempty"`
	RelatedDocuments      []RelatedDocument  `json:"related_documents,omitempty"`
	ExecutiveSummary      string             `json:"executive_summary,omitempty"`
	Headings              []Heading          `json:"headings,omitempty"`
	Paragraphs            []Paragraph        `json:"paragraphs,omitempty"`
	Footnotes             []Footnote         `json:"footnotes,omitempty"`
	DraftDecision         string             `json:"draft_decision,omitempty"`
	Cited                 []Citation         `json:"cited,omitempty"`
	Instrument            *InstrumentDetails `json:"instrument,omitempty"`
	UN                    *UNDetails         `json:"un,omitempty"`

	// Other holds text in another language found inside the document
	// (the Dutch translations mixed into the treaty sources), keyed by
	// language. It is indexed under that language only, so it never
	// pollutes search in the document's own language.
	Other map[string]string `json:"other_text,omitempty"`

	// Source describes the file(s) the document came from.
	Source Source `json:"source"`
	// Warnings are problems the parser met but worked around.
	Warnings []string `json:"warnings,omitempty"`
}

// AuthorUnit is an ILO office unit that wrote a GB document.
type AuthorUnit struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// RelatedDocument is an entry of a GB document's "Related documents" line.
type RelatedDocument struct {
	Kind        string `json:"kind"`
	Symbol      string `json:"symbol"`
	Author      string `json:"author,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// Heading is a section heading and the number of the paragraph it opens.
type Heading struct {
	Text           string `json:"text"`
	FirstParagraph string `json:"first_paragraph"`
}

// Paragraph is a numbered paragraph of the body.
type Paragraph struct {
	Number     string      `json:"number"`
	Heading    string      `json:"heading,omitempty"`
	Text       string      `json:"text"`
	ItemStyle  string      `json:"item_style,omitempty"` // "(a)" or "(1)"
	Items      []Item      `json:"items,omitempty"`
	Bold       bool        `json:"bold,omitempty"`
	Footnotes  []int       `json:"footnotes"`
	References []Reference `json:"references"`
}

// FullText is the paragraph's text followed by its items' texts.
func (p Paragraph) FullText() string {
	if len(p.Items) == 0 {
		return p.Text
	}
	var b strings.Builder
	b.WriteString(p.Text)
	for _, it := range p.Items {
		b.WriteString("\n(" + it.Label + ") " + it.Text)
	}
	return b.String()
}

// Item is a lettered or numbered sub-item of a paragraph.
type Item struct {
	Label      string      `json:"label"`
	Text       string      `json:"text"`
	LeadIn     string      `json:"lead_in,omitempty"`
	Footnotes  []int       `json:"footnotes"`
	References []Reference `json:"references"`
}

// Footnote is a footnote with the place of its callout.
type Footnote struct {
	Number     int         `json:"number"`
	Text       string      `json:"text"`
	Callout    *Callout    `json:"callout,omitempty"`
	References []Reference `json:"references"`
}

// calloutContext is how many characters before a footnote callout its
// Callout.PrecedingText keeps.
const calloutContext = 40

// textBefore is the calloutContext characters of rs before offset.
func textBefore(rs []rune, offset int) string {
	return string(rs[max(0, offset-calloutContext):offset])
}

// PrecedingText is what c.PrecedingText holds for a callout of d as
// parsed: the characters before c.Offset in the text of the paragraph (or
// item) that calls it. ok is false when the paragraph, item or offset is
// not in d.
func (d *Document) PrecedingText(c *Callout) (s string, ok bool) {
	for _, p := range d.Paragraphs {
		if p.Number != c.Paragraph {
			continue
		}
		text := p.Text
		if c.Item != nil {
			text = ""
			for _, it := range p.Items {
				if it.Label == *c.Item {
					text = it.Text
					break
				}
			}
		}
		rs := []rune(text)
		if c.Offset < 0 || c.Offset > len(rs) {
			return "", false
		}
		return textBefore(rs, c.Offset), true
	}
	return "", false
}

// Callout locates a footnote callout in the body.
type Callout struct {
	Paragraph     string  `json:"paragraph"`
	Item          *string `json:"item"`
	Offset        int     `json:"offset"` // code points into the paragraph's or item's text
	PrecedingText string  `json:"preceding_text"`
}

// Reference kinds.
const (
	RefGB            = "gb"
	RefUN            = "un"
	RefILOInstrument = "ilo-instrument"
	RefUNInstrument  = "un-instrument"
	RefILODoc        = "ilo-doc"
	RefDocument      = "document" // another organisation's document
	RefURL           = "url"
	RefOpCit         = "op-cit"
	RefParagraph     = "paragraph"
)

// Reference is a cited reference, normalised: Value is the canonical form
// ("GB.316/POL/1", "A/RES/67/219", "C189", a URL).
type Reference struct {
	Kind       string      `json:"kind"`
	Value      string      `json:"value"`
	Text       string      `json:"text,omitempty"` // the words as printed, when they differ
	Pinpoint   string      `json:"pinpoint,omitempty"`
	Title      string      `json:"title,omitempty"`
	Date       string      `json:"date,omitempty"`
	Footnote   int         `json:"footnote,omitempty"` // op. cit.: the footnote it points back to
	ResolvesTo []Reference `json:"resolves_to,omitempty"`
}

// Citation is a cited reference with every place that cites it.
type Citation struct {
	Kind    string   `json:"kind"`
	Value   string   `json:"value"`
	CitedIn []string `json:"cited_in"` // "footnote 5", "paragraph 8", "related_documents"
}

// InstrumentDetails describes an ILO instrument or UN treaty.
type InstrumentDetails struct {
	Number int    `json:"number,omitempty"` // 189 for C189
	Type   string `json:"type,omitempty"`   // Convention, Protocol, Recommendation, Constitution, Treaty
	Year   int    `json:"year,omitempty"`
}

// UNDetails is the header block of a UN document.
type UNDetails struct {
	Distribution string `json:"distribution,omitempty"`
	Session      string `json:"session,omitempty"`
	AgendaItem   string `json:"agenda_item,omitempty"`
}

// Source describes where a document came from.
type Source struct {
	Path       string        `json:"path"`
	Format     string        `json:"format"`
	SHA256     string        `json:"sha256,omitempty"`
	Size       int64         `json:"size,omitempty"`
	Corpus     string        `json:"corpus,omitempty"` // the corpus root the path is relative to
	Manual     bool          `json:"manual,omitempty"` // true when uploaded over HTTP
	Renditions []Rendition   `json:"renditions,omitempty"`
	Pages      []PageQuality `json:"pages,omitempty"`
}

// Rendition is one file of a document version: the same document as OCR
// text, PDF and DOCX, say. The document is parsed from the best of them.
type Rendition struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	SHA256 string `json:"sha256,omitempty"`
}

// Year returns the year of the document's date, or 0.
func (d *Document) Year() int {
	if len(d.Date) < 4 {
		return 0
	}
	y := 0
	for _, c := range d.Date[:4] {
		if c < '0' || c > '9' {
			return 0
		}
		y = y*10 + int(c-'0')
	}
	return y
}

// Passage is a unit of text that search returns inside a document hit: a
// paragraph (with its items) or a footnote.
type Passage struct {
	// ID is the document ID + "#p" + paragraph number, or + "#fn" + footnote
	// number, or + "#s" + section index for unnumbered text.
	ID     string `json:"id"`
	Kind   string `json:"kind"` // "paragraph", "footnote", "summary", "text"
	Number string `json:"number"`
	// Heading is the heading the passage falls under.
	Heading string `json:"heading,omitempty"`
	Text    string `json:"text"`
	// Footnotes a paragraph calls; Paragraph is the paragraph holding a
	// footnote's callout.
	Footnotes []int  `json:"footnotes,omitempty"`
	Paragraph string `json:"paragraph,omitempty"`
	// References cited in the passage (canonical values).
	References []string `json:"references,omitempty"`
	// Language of the passage's text (usually the document's).
	Language string `json:"language"`
}

// Passages splits a document into its search passages.
func (d *Document) Passages() []Passage {
	var out []Passage
	add := func(p Passage) {
		if strings.TrimSpace(p.Text) == "" {
			return
		}
		if p.Language == "" {
			p.Language = d.Language
		}
		out = append(out, p)
	}
	if d.Purpose != "" {
		add(Passage{ID: d.ID + "#purpose", Kind: "summary", Number: "purpose", Heading: "Purpose of the document", Text: d.Purpose})
	}
	if d.ExecutiveSummary != "" {
		add(Passage{ID: d.ID + "#summary", Kind: "summary", Number: "summary", Heading: "Executive summary", Text: d.ExecutiveSummary})
	}
	for _, p := range d.Paragraphs {
		var refs []string
		seen := map[string]bool{}
		addRefs := func(rs []Reference) {
			for _, r := range rs {
				if r.Kind != RefParagraph && !seen[r.Value] {
					seen[r.Value] = true
					refs = append(refs, r.Value)
				}
			}
		}
		addRefs(p.References)
		for _, it := range p.Items {
			addRefs(it.References)
		}
		add(Passage{ID: d.ID + "#p" + p.Number, Kind: "paragraph", Number: p.Number, Heading: p.Heading,
			Text: p.FullText(), Footnotes: p.Footnotes, References: refs})
	}
	for _, f := range d.Footnotes {
		var refs []string
		for _, r := range f.References {
			refs = append(refs, r.Value)
			for _, rr := range r.ResolvesTo {
				refs = append(refs, rr.Value)
			}
		}
		para := ""
		if f.Callout != nil {
			para = f.Callout.Paragraph
		}
		add(Passage{ID: d.ID + "#fn" + itoa(f.Number), Kind: "footnote", Number: itoa(f.Number),
			Text: f.Text, Paragraph: para, References: refs})
	}
	if d.DraftDecision != "" && !hasParagraphText(d.Paragraphs, d.DraftDecision) {
		add(Passage{ID: d.ID + "#decision", Kind: "summary", Number: "decision", Heading: "Draft decision", Text: d.DraftDecision})
	}
	return out
}

func hasParagraphText(ps []Paragraph, text string) bool {
	for _, p := range ps {
		if p.Text == text {
			return true
		}
	}
	return false
}

// CitedValues returns the canonical values of every reference the document
// cites (not paragraph cross-references), sorted, without duplicates.
func (d *Document) CitedValues() []string {
	var out []string
	for _, c := range d.Cited {
		out = append(out, c.Value)
	}
	sort.Strings(out)
	return out
}

// Text returns the whole searchable text of the document in its own
// language: title, summaries, paragraphs and footnotes.
func (d *Document) Text() string {
	var b strings.Builder
	for _, p := range d.Passages() {
		if p.Language != d.Language {
			continue
		}
		if p.Heading != "" && p.Kind == "paragraph" {
			b.WriteString(p.Heading)
			b.WriteString("\n")
		}
		b.WriteString(p.Text)
		b.WriteString("\n\n")
	}
	return b.String()
}
