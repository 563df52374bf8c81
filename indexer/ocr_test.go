package indexer

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

func plainContent(t testing.TB, s string) *Content {
	t.Helper()
	c, err := ExtractPlainText(context.Background(), strings.NewReader(s), int64(len(s)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// marked shows callout markers as [n] for readable comparisons.
func marked(s string) string {
	return strings.NewReplacer(string(CalloutStart), "[", string(CalloutEnd), "]").Replace(s)
}

func bodyLines(c *Content) []string {
	var out []string
	for _, p := range c.Pages {
		for _, l := range p.Lines {
			if !l.Blank {
				out = append(out, marked(l.Text))
			}
		}
	}
	return out
}

func TestRepairOCRLeavesCleanTextAlone(t *testing.T) {
	texts := map[string]string{
		"prose": "The committee noted that 5 * 3 is 15, and asked: why not?\n" +
			"It also noted (see http://www.example.org/lists/reports) that the\n" +
			"International Labour Organization (ILO) and the G20 met twice.\n\n" +
			"A llama weighs more than 5 lb. Why? Nobody knows.\n",
		"list": "1. The Governing Body decided to:\n\n" +
			"(a) request the Office to report;\n\n(b) postpone the item; and\n\n(c) close the session.\n\n" +
			"2. It chose options (a) (b) (c) in that order, or (a), (b) and (c) together.\n",
		"list without blank lines": "1. The Governing Body decided to:\n" +
			"(a) request the Office to report;\n(b) postpone the item; and\n(c) close the session.\n",
		"numbers and headings": "Introduction\n\n1. The first paragraph.\n\n2. The second paragraph, with a\nquestion mark ? set apart.\n\n" +
			"Budget\n\n3. The budget is 10 million.\n\n10 countries replied.\n",
		"form feeds": "1. Page one text, see GB.319/POL/2.\n\f2. Page two text.\n",
	}
	for name, s := range texts {
		t.Run(name, func(t *testing.T) {
			c := plainContent(t, s)
			got := RepairOCR(c)
			if !reflect.DeepEqual(got, plainContent(t, s)) {
				t.Errorf("clean text changed:\n%q", bodyLines(got))
			}
		})
	}
}

func TestOCRNoteLabel(t *testing.T) {
	tests := []struct {
		line, label, rest string
		ok                bool
	}{
		{"12 See the report.", "12", "See the report.", true},
		{"! See http://www.example.org/.", "!", "See http://www.example.org/.", true},
		{"1> This was decided.", "1>", "This was decided.", true},
		{"® See the Declaration.", "®", "See the Declaration.", true},
		{"\" These documents are online.", "\"", "These documents are online.", true},
		{"14", "14", "", true},
		{"2013.pdf.", "", "", false},
		{"“Quoted” text", "", "", false},
		{"* (see below)", "", "", false},
		{"1000 delegates came.", "", "", false},
		{"(b) Contribution", "", "", false},
		{"*", "", "", false},
	}
	for _, tt := range tests {
		label, rest, ok := noteLabel(tt.line)
		if label != tt.label || rest != tt.rest || ok != tt.ok {
			t.Errorf("noteLabel(%q) = %q, %q, %v; want %q, %q, %v", tt.line, label, rest, ok, tt.label, tt.rest, tt.ok)
		}
	}
}

func TestOCRFindCallouts(t *testing.T) {
	tests := []struct {
		line string
		want []string // the text each candidate replaces, with its hint
	}{
		{"during its 51st Session. * It was", []string{" *"}},
		{"on migration and development.” ? The Body", []string{" ?"}},
		{"on the modalities,® namely: events", []string{"®"}},
		{"for the development agenda.™*", []string{"™*"}},
		{"as well as civil society. 8", []string{" 8=8"}},
		{"among others. o", []string{" o"}},
		{"adopted as a Declaration. *°", []string{" *°"}},
		{"in development issues, ® employers", []string{" ®"}},
		{"for the report on development © and to", []string{" ©"}},
		{"for the meeting). *’", []string{" *’"}},
		{"in the Session.² It", []string{"²=2"}},
		// ordinary text
		{"5 * 3 is 15", nil},
		{"Why not? Nobody knows.", nil},
		{"Pourquoi ? Parce que.", nil},
		{"in 2013, 8 countries", nil},
		{"Article 8 applies", nil},
		{"a Microsoft® product", nil},
		{"the workers’ rights", nil},
		{"options (a) (b) (c)", nil},
		{"50 % of them", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range findCallouts(tt.line) {
			s := tt.line[c.start:c.end]
			if c.hint > 0 {
				s += fmt.Sprintf("=%d", c.hint)
			}
			got = append(got, s)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("findCallouts(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestOCRAlignCallouts(t *testing.T) {
	c := func(hint, weight int) calloutCand { return calloutCand{hint: hint, weight: weight} }
	tests := []struct {
		name  string
		cands []calloutCand
		nums  []int
		want  []int
	}{
		{"one each", []calloutCand{c(0, 2), c(0, 1), c(8, 3)}, []int{6, 7, 8}, []int{6, 7, 8}},
		{"a weak extra is left", []calloutCand{c(0, 2), c(0, 1), c(0, 2)}, []int{4, 5}, []int{4, 0, 5}},
		{"a number pairs only with itself", []calloutCand{c(3, 3), c(0, 2)}, []int{2, 3}, []int{3, 0}},
		{"no footnotes", []calloutCand{c(0, 2)}, nil, []int{0}},
	}
	for _, tt := range tests {
		if got := alignCallouts(tt.cands, tt.nums); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: alignCallouts = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestOCRNumberNotes(t *testing.T) {
	tests := []struct {
		labels []string
		want   []int
	}{
		{[]string{"!", "2", "%", "*", ">", "®"}, []int{1, 2, 3, 4, 5, 6}},
		// garbled numbers are outvoted by the order
		{[]string{"8", "%", "9", "11", "2", "13", "14", "1>", "'", "7"}, []int{8, 9, 10, 11, 12, 13, 14, 15, 16, 17}},
		// an excerpt starting at footnote 5
		{[]string{"5", "®", "7"}, []int{5, 6, 7}},
		{[]string{"*", "?"}, []int{1, 2}},
	}
	for _, tt := range tests {
		r := &ocrRepair{pages: []*ocrPage{{}}}
		for _, l := range tt.labels {
			r.pages[0].notes = append(r.pages[0].notes, ocrNote{label: l, lines: []string{"x"}})
		}
		r.numberNotes()
		var got []int
		for _, n := range r.pages[0].notes {
			got = append(got, n.number)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("labels %q numbered %v, want %v", tt.labels, got, tt.want)
		}
	}
}

func TestOCRPlausibleNoteNumber(t *testing.T) {
	for _, tt := range []struct {
		n, expected int
		want        bool
	}{
		{10, 10, true}, {9, 10, true}, {7, 17, true}, {2, 12, true}, {1, 15, true}, {3, 17, false}, {40, 12, false}, {0, 1, false},
	} {
		if got := plausibleNoteNumber(tt.n, tt.expected); got != tt.want {
			t.Errorf("plausibleNoteNumber(%d, %d) = %v", tt.n, tt.expected, got)
		}
	}
}

func TestOCRWordRepairs(t *testing.T) {
	tests := []struct {
		name, vocab, text, before, want string
	}{
		{"UN resolution, J for slash", "", "UN doc. AJRES/70/1 (21 October 2015)", "", "UN doc. A/RES/70/1 (21 October 2015)"},
		{"UN draft, B for 6 and a lost dot", "", "UN doc. A/B9/L12 (1 October 2014)", "", "UN doc. A/69/L.12 (1 October 2014)"},
		{"UN symbol inside a URL stays", "", "http://www.un.org/doc.asp?symbol=A/B9/L12", "", "http://www.un.org/doc.asp?symbol=A/B9/L12"},
		{"digit for a letter in a known acronym", "the OECD and the OECD", "See 0ECD, Employment Outlook", "", "See OECD, Employment Outlook"},
		{"digit acronym unknown to the document", "", "See 1LO, the G20 and C189", "", "See 1LO, the G20 and C189"},
		{"digits in codes stay", "the BB and the BB", "WCMS_B8 and X/B8", "", "WCMS_B8 and X/B8"},
		{"stray letters in a parenthesised acronym", "the WHO said; the WHO agreed", "the World Health Organization (WHOQ) and", "", "the World Health Organization (WHO) and"},
		{"acronym at a line start", "the WHO said; the WHO agreed", "(WHOQG), including", "members of the World Health Organization", "(WHO), including"},
		{"initials must spell the acronym", "the WHO said; the WHO agreed", "the health body (WHOQ) and", "", "the health body (WHOQ) and"},
		{"a known acronym is left alone", "the IOM and the IOM", "Organization for Migration (IOM)", "", "Organization for Migration (IOM)"},
		{"l for I", "", "7. lssues central to the debate; the lnternational Conference", "", "7. Issues central to the debate; the International Conference"},
		{"short l words only at a sentence start", "", "ln 2010, it weighed 5 lb and lt was fine.", "", "In 2010, it weighed 5 lb and lt was fine."},
		{"English words starting with l stay", "", "a llama, lymph and labour", "", "a llama, lymph and labour"},
		{"l inside a URL stays", "", "http://www.example.org/lssues", "", "http://www.example.org/lssues"},
		{"URL host with one misread letter", "http://www.example.org/a", "See http://Aww.example.org/b.", "", "See http://www.example.org/b."},
		{"two real hosts stay apart", "http://mail.example.org/a", "See http://maik.example.org/b.", "", "See http://maik.example.org/b."},
	}
	for _, tt := range tests {
		r := &ocrRepair{pages: []*ocrPage{{lines: []Line{{Text: tt.vocab}, {Text: tt.before}, {Text: tt.text}}}}}
		if got := r.vocabulary().repair(tt.text, tt.before); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestOCRJoinNoteLines(t *testing.T) {
	tests := []struct {
		lines []string
		want  string
	}{
		{[]string{"available at http://www.example.org/publications/specialized-", "publications/WCMS_1/index.htm."},
			"available at http://www.example.org/publications/specialized-publications/WCMS_1/index.htm."},
		{[]string{"at http://www.example.org/uploads/", "report-2013.pdf."}, "at http://www.example.org/uploads/report-2013.pdf."},
		{[]string{"See http://www.example.org/a.htm and", "the report."}, "See http://www.example.org/a.htm and the report."},
		{[]string{"See", "http://www.example.org/a."}, "See http://www.example.org/a."},
		{[]string{"the Co-", "chair decided."}, "the Co-chair decided."},
	}
	for _, tt := range tests {
		if got := joinNoteLines(tt.lines); got != tt.want {
			t.Errorf("joinNoteLines(%q) = %q, want %q", tt.lines, got, tt.want)
		}
	}
}

func TestOCRIsFooterAndHeader(t *testing.T) {
	for _, tt := range []struct {
		line           string
		footer, header bool
	}{
		{"GB319-POL_2_[MIGRA-131016-1]-En.docx 3", true, false},
		{"4 GB335-INS_4_[RELME-190301-1]-En.docx", true, false},
		{"GB335-INS_4_[RELME-190301-1]-En.docx", true, false},
		{"see GB319-POL_2_[MIGRA-131016-1]-En.docx for details", false, false},
		{"GB.319/POL/2", false, true},
		{"GB.319/POL/2 and more", false, false},
		{"A/RES/67/219", false, false},
	} {
		if got := isFooterLine(tt.line); got != tt.footer {
			t.Errorf("isFooterLine(%q) = %v", tt.line, got)
		}
		if got := isRunningHeader(tt.line); got != tt.header {
			t.Errorf("isRunningHeader(%q) = %v", tt.line, got)
		}
	}
}

// ocrSample is a short GB paper as OCR leaves it: a heading run into the
// page before, garbled callouts and footnote labels, footnotes running
// into the next page, item labels printed apart from their texts, a lost
// and a moved paragraph number, and page furniture.
const ocrSample = `Executive summary

This paper reviews the pilot programme.
Introduction

1. The Council met in Vienna in March 2019 to review the programme. * It
agreed on its priorities.

2. The delegates welcomed the plan.” ? The Office was asked to report on:

(a) Training for the staff of ministries of labour in the

! See the report of the Council on its first session.

2 Ibid., para. 7.
(b)

(©)

five pilot countries;

Research on wages and working time in the same countries; and

Outreach to employers’ organizations. ®

. The Office will report on the results in 2020.

® GB.335/INS/4, para. 3.

GB335-INS_4_[RELME-190301-1]-En.docx 2

GB.335/INS/4

4.

Finance and administration

The costs are covered by the regular budget.
`

func TestRepairOCRSample(t *testing.T) {
	c := RepairOCR(plainContent(t, ocrSample))
	got := strings.Join(bodyLines(c), "\n")
	for _, want := range []string{
		"This paper reviews the pilot programme.\nIntroduction\n1. The Council",
		"to review the programme.[1] It",
		"welcomed the plan.”[2] The Office",
		"(a) Training for the staff of ministries of labour in the\nfive pilot countries;",
		"(b) Research on wages",
		"(c) Outreach to employers’ organizations.[3]\n3. The Office will report",
		"Finance and administration\n4. The costs are covered",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("repaired text lacks %q:\n%s", want, got)
		}
	}
	for _, gone := range []string{"(b)\n", "(©)", "GB335-INS", "GB.335/INS/4\n", "\n4.\n"} {
		if strings.Contains(got+"\n", gone) {
			t.Errorf("repaired text still has %q:\n%s", gone, got)
		}
	}
	var notes []string
	for _, p := range c.Pages {
		for _, n := range p.Notes {
			notes = append(notes, fmt.Sprintf("p%d %d %s", p.Number, n.Number, n.Text))
		}
	}
	wantNotes := []string{"p1 1 See the report of the Council on its first session.", "p1 2 Ibid., para. 7.", "p2 3 GB.335/INS/4, para. 3."}
	if !reflect.DeepEqual(notes, wantNotes) {
		t.Errorf("notes = %q\nwant %q", notes, wantNotes)
	}
	if want := []string{"GB335-INS_4_[RELME-190301-1]-En.docx 2", "GB.335/INS/4"}; !reflect.DeepEqual(c.Furniture, want) {
		t.Errorf("furniture = %q, want %q", c.Furniture, want)
	}
	// the "Introduction" heading must be a block of its own
	if !strings.Contains(strings.Join(blockTexts(c), "|"), "|Introduction|") {
		t.Errorf("heading not set apart: %q", blockTexts(c))
	}

	// and the parser reads it as the structure it was printed with
	d := ParseGB(c, Meta{Kind: "gb-document", Language: "en"})
	if d.Symbol != "GB.335/INS/4" || d.Date != "2019-03-01" {
		t.Errorf("symbol %q, date %q from the footer", d.Symbol, d.Date)
	}
	var paras []string
	for _, p := range d.Paragraphs {
		var labels []string
		for _, it := range p.Items {
			labels = append(labels, it.Label)
		}
		paras = append(paras, fmt.Sprintf("%s%v%v", p.Number, labels, p.Footnotes))
	}
	if want := "1[][1] 2[a b c][2 3] 3[][] 4[][]"; strings.Join(paras, " ") != want {
		t.Errorf("paragraphs %s, want %s", strings.Join(paras, " "), want)
	}
}

func blockTexts(c *Content) []string {
	var out []string
	for _, b := range toBlocks(c) {
		out = append(out, b.text)
	}
	return out
}

func TestRepairOCRBundledText(t *testing.T) {
	b, err := os.ReadFile("../corpus/gb/GB.319_POL_2.en.txt")
	if err != nil {
		t.Fatal(err)
	}
	c := RepairOCR(plainContent(t, string(b)))
	var numbers, callouts []int
	for _, p := range c.Pages {
		for _, n := range p.Notes {
			numbers = append(numbers, n.Number)
		}
		for _, l := range p.Lines {
			_, calls := StripCallouts(l.Text)
			for _, cl := range calls {
				callouts = append(callouts, cl.Number)
			}
		}
	}
	var want []int
	for i := 1; i <= 17; i++ {
		want = append(want, i)
	}
	if !reflect.DeepEqual(numbers, want) || !reflect.DeepEqual(callouts, want) {
		t.Errorf("footnotes %v and callouts %v, want 1..17 each", numbers, callouts)
	}
}

func TestOCRInlineEnumeration(t *testing.T) {
	lines := func(s ...string) *Content {
		c := &Content{Pages: []Page{{Number: 1}}}
		for _, l := range s {
			c.Pages[0].Lines = append(c.Pages[0].Lines, Line{Text: l, Blank: l == ""})
		}
		return c
	}
	tests := []struct {
		name string
		c    *Content
		want int // blocks
	}{
		{"wrapped inline enumeration", lines("1. The meeting had two themes:", "(1) assessing the effects; (2) measures to", "ensure respect; and (3) partnerships."), 1},
		{"next label on the next line", lines("1. It covered:", "(1) assessing the effects of migration on", "development; and (2) measures to ensure respect."), 1},
		{"a list without blank lines", lines("1. The Body decided to:", "(a) request a report;", "(b) postpone the item."), 3},
		{"a label cited inside an item", lines("1. The Body decided to:", "(a) apply the rule set out in (b) below;", "(b) postpone the item."), 3},
		{"after a blank line", lines("1. The Body decided to:", "", "(a) request a report; (b) postpone."), 2},
	}
	for _, tt := range tests {
		if got := toBlocks(tt.c); len(got) != tt.want {
			t.Errorf("%s: %d blocks, want %d: %q", tt.name, len(got), tt.want, blockTexts(tt.c))
		}
	}
}

// structureToken is a paragraph number or item label: structure that
// RepairOCR may restore by sequence, like callout markers, not text.
var structureToken = regexp.MustCompile(`^(?:\d{1,3}\.|\([^()\s]{0,3}\))$`)

// textChars counts the letters and digits of the content outside callout
// markers, paragraph numbers and item labels. Tokens are cut at spaces and
// at the characters a line may break after (a footnote's lines are joined
// there), so that a label counts the same wherever it ends up.
func textChars(c *Content) int {
	n := 0
	count := func(s string) {
		for _, tok := range strings.FieldsFunc(StripMarkers(s), func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("-/_=?&", r)
		}) {
			if structureToken.MatchString(tok) {
				continue
			}
			for _, r := range tok {
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					n++
				}
			}
		}
	}
	for _, p := range c.Pages {
		for _, l := range p.Lines {
			count(l.Text)
		}
		for _, nt := range p.Notes {
			count(nt.Text)
		}
	}
	for _, f := range c.Furniture {
		count(f)
	}
	return n
}

func FuzzRepairOCR(f *testing.F) {
	if b, err := os.ReadFile("../corpus/gb/GB.319_POL_2.en.txt"); err == nil {
		f.Add(string(b))
	}
	f.Add(ocrSample)
	for _, s := range []string{
		"1. The Session. * It was.\n\n! See http://www.example.org/a-\nb/c.\n(b)\n",
		"5 * 3 = 15. Why? Because.\n",
		"(a) One;\n\n(b)\n\n(©)\n\n()\n\nTwo.\n\nThree.\n\nFour.\n",
		"7. Text.\n\n10.\n\n. The lost one.\n\n. Another.\n\nNotwithstanding.\n",
		"the World Health Organization (WHOQ) and the WHO and the WHO; 1LO lssues A/B8/L5 AJRES/1/2\n",
		"GB319-POL_2_[MIGRA-131016-1]-En.docx 3\n\nGB.319/POL/2\n\f14\nGB.1/X.\n",
		"a. * b\n\n* c\n\n14\n",
		// a label line swallowed by a footnote whose URL breaks at a line end
		"1. Session. * It was.\n\n! See http:/.www.example.org/a-\nb//\n(b)\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, string(CalloutStart)+string(CalloutEnd)) {
			return // private-use markers never occur in real text
		}
		c, err := ExtractPlainText(context.Background(), bytes.NewReader([]byte(s)), int64(len(s)))
		if err != nil {
			return
		}
		before := textChars(c)
		out := RepairOCR(c)
		if after := textChars(out); after > before {
			t.Errorf("repair invented text: %d letters and digits, from %d", after, before)
		}
		for _, p := range out.Pages {
			for _, l := range p.Lines {
				if strings.Count(l.Text, string(CalloutStart)) != strings.Count(l.Text, string(CalloutEnd)) {
					t.Errorf("broken callout marker in %q", l.Text)
				}
			}
		}
	})
}
