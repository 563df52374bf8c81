package indexer_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"gbsearch/indexer"
)

type R = indexer.Reference

// TestFindReferences runs FindReferences over sentences of GB.319/POL/2
// (footnotes and paragraphs as in corpus/gb/GB.319_POL_2.en.truth.json) and
// over the other forms GB documents cite their sources in.
func TestFindReferences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []R
	}{
		{"fn1 two URLs ending sentences",
			"See http://www.un.org/en/ga/68/meetings/migration/. The first High-level Dialogue also took place in New York in September 2006. See http://www.un.org/esa/population/migration/hld/.",
			[]R{{Kind: "url", Value: "http://www.un.org/en/ga/68/meetings/migration/"}, {Kind: "url", Value: "http://www.un.org/esa/population/migration/hld/"}}},
		{"fn2 GB symbols with pinpoints",
			"Documents GB.316/POL/1, para. 20 and GB.316/PV(&Corr.), para. 352.",
			[]R{{Kind: "gb", Value: "GB.316/POL/1", Pinpoint: "para. 20"}, {Kind: "gb", Value: "GB.316/PV(&Corr.)", Pinpoint: "para. 352"}}},
		{"fn3 pinpoint with a sub-item",
			"GB.316/PV(&Corr.), para. 352(c).",
			[]R{{Kind: "gb", Value: "GB.316/PV(&Corr.)", Pinpoint: "para. 352(c)"}}},
		{"fn4 bare GB symbol", "GB.317/INS/13/2.", []R{{Kind: "gb", Value: "GB.317/INS/13/2"}}},
		{"fn5 resolution cited twice, with date, title and pinpoint",
			"UNGA resolution 67/219 of 21 December 2012 on international migration and development, UN doc. A/RES/67/219 (26 March 2013), para. 16.",
			[]R{{Kind: "un", Value: "A/RES/67/219", Pinpoint: "para. 16", Date: "2013-03-26",
				Title: "UNGA resolution 67/219 of 21 December 2012 on international migration and development"}}},
		{"fn6 report with title and issuing body",
			"See International Migration and Development, Report of the Secretary-General, UN, General Assembly, 68th Session, UN doc. A/68/190 (25 July 2013).",
			[]R{{Kind: "un", Value: "A/68/190", Date: "2013-07-25", Title: "International Migration and Development, Report of the Secretary-General"}}},
		{"fn8 job number in a URL is no instrument",
			"See http://www.ilo.org/migrant/events-and-meetings/WCMS_222188/lang--en/index.htm.",
			[]R{{Kind: "url", Value: "http://www.ilo.org/migrant/events-and-meetings/WCMS_222188/lang--en/index.htm"}}},
		{"fn9 URL with a query", "See http://www.un.org/esa/population/meetings/HLD2013/mainhld2013.html?programm.",
			[]R{{Kind: "url", Value: "http://www.un.org/esa/population/meetings/HLD2013/mainhld2013.html?programm"}}},
		{"fn10 symbol inside a URL belongs to the URL",
			"UN doc. A/68/L.5 (1 October 2013), available from the website of the UN General Assembly at http://www.un.org/ga/search/view_doc.asp?symbol=A/68/L.5.",
			[]R{{Kind: "un", Value: "A/68/L.5", Date: "2013-10-01"}, {Kind: "url", Value: "http://www.un.org/ga/search/view_doc.asp?symbol=A/68/L.5"}}},
		{"fn17 ILO document with its title",
			"Document TTMLM/2013: Labour migration and development: ILO moving forward. See http://www.ilo.org/migrant/WCMS_222548/lang--en/index.htm.",
			[]R{{Kind: "ilo-doc", Value: "TTMLM/2013", Title: "Labour migration and development: ILO moving forward"}, {Kind: "url", Value: "http://www.ilo.org/migrant/WCMS_222548/lang--en/index.htm"}}},
		{"para 8 named Convention",
			"the ratification and implementation of the ILO Domestic Workers Convention, 2011 (No. 189), most notably",
			[]R{{Kind: "ilo-instrument", Value: "C189", Text: "Domestic Workers Convention, 2011 (No. 189)"}}},
		{"para 13 named Convention (No. 181)",
			"the Private Employment Agencies Convention, 1997 (No. 181); supporting member States",
			[]R{{Kind: "ilo-instrument", Value: "C181", Text: "Private Employment Agencies Convention, 1997 (No. 181)"}}},
		{"named Convention with a parenthesis in its name",
			"to ratify the Migrant Workers (Supplementary Provisions) Convention, 1975 (No. 143), and",
			[]R{{Kind: "ilo-instrument", Value: "C143", Text: "Migrant Workers (Supplementary Provisions) Convention, 1975 (No. 143)"}}},
		{"revised Convention",
			"the Migration for Employment Convention (Revised), 1949 (No. 97)",
			[]R{{Kind: "ilo-instrument", Value: "C097", Text: "Migration for Employment Convention (Revised), 1949 (No. 97)"}}},
		{"named Recommendation", "and the Domestic Workers Recommendation, 2011 (No. 201).",
			[]R{{Kind: "ilo-instrument", Value: "R201", Text: "Domestic Workers Recommendation, 2011 (No. 201)"}}},
		{"numbered Recommendation and Convention",
			"as set out in Recommendation No. 188 and Convention No. 181.",
			[]R{{Kind: "ilo-instrument", Value: "R188", Text: "Recommendation No. 188"}, {Kind: "ilo-instrument", Value: "C181", Text: "Convention No. 181"}}},
		{"short instrument forms, duplicates merged",
			"Ratified C189, C.189 and R188; also P029.",
			[]R{{Kind: "ilo-instrument", Value: "C189"}, {Kind: "ilo-instrument", Value: "R188"}, {Kind: "ilo-instrument", Value: "P029"}}},
		{"para 6 UN instrument by name",
			"the International Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families (1990)",
			[]R{{Kind: "un-instrument", Value: "International Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families"}}},
		{"ILO Constitution is an ILO instrument, CEDAW a UN one",
			"the Constitution of the International Labour Organization and the Convention on the Elimination of All Forms of Discrimination against Women (CEDAW).",
			[]R{{Kind: "ilo-instrument", Value: "ILO_Constitution", Text: "Constitution of the International Labour Organization"},
				{Kind: "un-instrument", Value: "Convention on the Elimination of All Forms of Discrimination against Women"}}},
		{"General Assembly resolution by number", "General Assembly resolution 67/219 calls",
			[]R{{Kind: "un", Value: "A/RES/67/219", Text: "General Assembly resolution 67/219"}}},
		{"UN symbols of other forms", "S/RES/1325(2000), A/72/L.68/Add.1, E/2013/1, ST/SGB/2003/13 and A/C.3/68/L.1.",
			[]R{{Kind: "un", Value: "S/RES/1325(2000)"}, {Kind: "un", Value: "A/72/L.68/Add.1"}, {Kind: "un", Value: "E/2013/1"},
				{Kind: "un", Value: "ST/SGB/2003/13"}, {Kind: "un", Value: "A/C.3/68/L.1"}}},
		{"OCR-damaged UN symbols", "AJRES/67/219 and A/B8/L5",
			[]R{{Kind: "un", Value: "A/RES/67/219", Text: "AJRES/67/219"}, {Kind: "un", Value: "A/68/L.5", Text: "A/B8/L5"}}},
		{"near GB symbols stay apart", "GB.319/POL/3 and GB.319/POL/2 and GB.319/POL/2(Rev.1)",
			[]R{{Kind: "gb", Value: "GB.319/POL/3"}, {Kind: "gb", Value: "GB.319/POL/2"}, {Kind: "gb", Value: "GB.319/POL/2(Rev.1)"}}},
		{"a spaced revision is still a revision",
			"See GB.312/INS/3, para. 5 and GB.312/INS/3 (Rev.), para. 7.",
			[]R{{Kind: "gb", Value: "GB.312/INS/3", Pinpoint: "para. 5"}, {Kind: "gb", Value: "GB.312/INS/3(Rev.)", Pinpoint: "para. 7"}}},
		{"pinpoint without the abbreviation's dot", "GB.312/INS/3, paras 5 and 6.",
			[]R{{Kind: "gb", Value: "GB.312/INS/3", Pinpoint: "paras 5 and 6"}}},
		{"bis session", "(GB.350bis/INS/1)", []R{{Kind: "gb", Value: "GB.350bis/INS/1"}}},
		{"URL in parentheses with its own parentheses", "(see http://en.wikipedia.org/wiki/Migration_(human)).",
			[]R{{Kind: "url", Value: "http://en.wikipedia.org/wiki/Migration_(human)"}}},
		{"URL closing a parenthesis then a comma", "(at http://example.org/x), and",
			[]R{{Kind: "url", Value: "http://example.org/x"}}},
		{"URL in angle brackets", "<http://example.org/x>", []R{{Kind: "url", Value: "http://example.org/x"}}},
		{"URL in brackets", "[http://example.org/x]", []R{{Kind: "url", Value: "http://example.org/x"}}},
		{"URL before a semicolon", "http://x.org/a.pdf; and", []R{{Kind: "url", Value: "http://x.org/a.pdf"}}},
		{"URL in curly quotes", "“https://x.org/”", []R{{Kind: "url", Value: "https://x.org/"}}},
		{"paragraph cross-reference", "as described in paragraph 14 above", []R{{Kind: "paragraph", Value: "14"}}},
		{"paragraph ranges", "see paragraphs 5-10 and paragraphs 11 – 12",
			[]R{{Kind: "paragraph", Value: "5-10"}, {Kind: "paragraph", Value: "11-12"}}},
		{"another organisation's document", "World Health Organization, document WHA/2010/63.16: Global code.",
			[]R{{Kind: "document", Value: "WHA/2010/63.16", Title: "Global code"}}},
		{"UN doc. without a title before it", "Is it UN doc. A/68/190?", []R{{Kind: "un", Value: "A/68/190"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := indexer.FindReferences(tt.text)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("FindReferences(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// Ordinary prose holds no references.
func TestFindReferencesNoFalsePositives(t *testing.T) {
	for _, text := range []string{
		"Article C 5 of the plan",
		"the budget for 2013/14 and FY2013/14",
		"we ran A/B testing on the A/C units",
		"job number WCMS_222188 and item 222188",
		"S/he said that E/S transitions matter",
		"the ST/SGB bulletins and the UN doc. series",
		"the S&P500 index, CO2 emissions and C++ code",
		"see paragraph above and the paragraphs below",
		"Section 5, Protocol, Convention and Recommendation",
		"P.S. C.V. R.I.P. 100",
		"the 1st and 2nd sessions in 2013 and 2014",
		"ftp://example.org and www.example.org",
		"the document was adopted in 2013/2014",
		"",
	} {
		t.Run(text, func(t *testing.T) {
			if got := indexer.FindReferences(text); len(got) > 0 {
				t.Errorf("FindReferences(%q) = %+v, want none", text, got)
			}
		})
	}
}

// ResolveOpCit resolves "Short title, op. cit." to the footnote that gave
// the full citation.
func TestResolveOpCit(t *testing.T) {
	type fn struct {
		n       int
		text    string
		context string // the words before the footnote's callout
	}
	build := func(in []fn) []indexer.Footnote {
		var out []indexer.Footnote
		for _, f := range in {
			nf := indexer.Footnote{Number: f.n, Text: f.text, References: indexer.FindReferences(f.text)}
			if f.context != "" {
				nf.Callout = &indexer.Callout{PrecedingText: f.context}
			}
			out = append(out, nf)
		}
		return out
	}
	// footnotes 6, 10, 12, 13 and 16 of GB.319/POL/2
	pol2 := []fn{
		{6, "See International Migration and Development, Report of the Secretary-General, UN, General Assembly, 68th Session, UN doc. A/68/190 (25 July 2013).", " international migration and development"},
		{10, "UN doc. A/68/L.5 (1 October 2013), available from the website of the UN General Assembly at http://www.un.org/ga/search/view_doc.asp?symbol=A/68/L.5.", "lly adopted as a Declaration of the HLD."},
		{12, "HLD Declaration, op. cit., paras. 10, 12, 14, 15, 18.", "operation on labour mobility programmes."},
		{13, "See International migration and development, op. cit.", "nd in its eight point agenda for action."},
		{16, "HLD Declaration, op. cit., para. 20.", "essing migration and development issues,"},
	}
	tests := []struct {
		name string
		fns  []fn
		want map[int]R // footnote number → its op-cit reference
	}{
		{"GB.319/POL/2", pol2, map[int]R{
			12: {Kind: "op-cit", Value: "HLD Declaration", Pinpoint: "paras. 10, 12, 14, 15, 18", Footnote: 10, ResolvesTo: []R{{Kind: "un", Value: "A/68/L.5"}}},
			13: {Kind: "op-cit", Value: "International migration and development", Footnote: 6, ResolvesTo: []R{{Kind: "un", Value: "A/68/190"}}},
			16: {Kind: "op-cit", Value: "HLD Declaration", Pinpoint: "para. 20", Footnote: 10, ResolvesTo: []R{{Kind: "un", Value: "A/68/L.5"}}},
		}},
		{"title case beats a later lower-case mention", []fn{
			{1, "See World Migration Report, UN doc. A/68/190 (25 July 2013).", ""},
			{2, "The world migration report was discussed in GB.319/POL/1.", ""},
			{3, "World Migration Report, op. cit., para. 4.", ""},
		}, map[int]R{
			3: {Kind: "op-cit", Value: "World Migration Report", Pinpoint: "para. 4", Footnote: 1, ResolvesTo: []R{{Kind: "un", Value: "A/68/190"}}},
		}},
		{"chained op. cit. whose callout carries the title", []fn{
			{10, "UN doc. A/68/L.5 (1 October 2013).", "adopted as a Declaration of the HLD."},
			{12, "HLD Declaration, op. cit., para. 10.", "as the HLD Declaration recalls,"},
			{16, "HLD Declaration, op. cit., para. 20.", "as the HLD Declaration also recalls,"},
		}, map[int]R{
			12: {Kind: "op-cit", Value: "HLD Declaration", Pinpoint: "para. 10", Footnote: 10, ResolvesTo: []R{{Kind: "un", Value: "A/68/L.5"}}},
			16: {Kind: "op-cit", Value: "HLD Declaration", Pinpoint: "para. 20", Footnote: 10, ResolvesTo: []R{{Kind: "un", Value: "A/68/L.5"}}},
		}},
		// lower-casing changes lengths ("İ" → "i" loses a byte, "Ⱥ" → "ⱥ"
		// gains one): offsets found in a lower-cased copy missed the title
		// here, and ran past the end of the text when the title ended it
		{"non-ASCII letters before the title", []fn{
			{1, "İstanbul meeting, World Migration Report, UN doc. A/68/190.", ""},
			{2, "The world migration report was discussed in GB.319/POL/1.", ""},
			{3, "World Migration Report, op. cit.", ""},
		}, map[int]R{
			3: {Kind: "op-cit", Value: "World Migration Report", Footnote: 1, ResolvesTo: []R{{Kind: "un", Value: "A/68/190"}}},
		}},
		{"title ending a text with non-ASCII letters", []fn{
			{1, "ȺȺȺ, World Migration Report", ""},
			{2, "World Migration Report, op. cit.", ""},
		}, map[int]R{
			2: {Kind: "op-cit", Value: "World Migration Report", Footnote: 1},
		}},
		{"nothing to resolve to", []fn{
			{1, "See http://example.org/.", "the example"},
			{2, "Unknown Report, op. cit., para. 3.", ""},
		}, map[int]R{
			2: {Kind: "op-cit", Value: "Unknown Report", Pinpoint: "para. 3"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fns := build(tt.fns)
			before := make([]int, len(fns))
			for i, f := range fns {
				before[i] = len(f.References)
			}
			indexer.ResolveOpCit(fns)
			for i, f := range fns {
				want, isOpCit := tt.want[f.Number]
				if !isOpCit {
					if len(f.References) != before[i] {
						t.Errorf("footnote %d gained references: %+v", f.Number, f.References)
					}
					continue
				}
				if len(f.References) == 0 {
					t.Errorf("footnote %d: no references", f.Number)
					continue
				}
				if diff := cmp.Diff(want, f.References[0], cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("footnote %d: op-cit reference (-want +got):\n%s", f.Number, diff)
				}
			}
		})
	}
}

func TestParseRelatedDocuments(t *testing.T) {
	// the cover line of GB.319/POL/2 against its truth file
	b, err := os.ReadFile("../corpus/gb/GB.319_POL_2.en.truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var tr struct {
		Text    string                    `json:"related_documents_text"`
		Related []indexer.RelatedDocument `json:"related_documents"`
	}
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		want []indexer.RelatedDocument
	}{
		{"GB.319/POL/2 cover", tr.Text, tr.Related},
		{"empty", "", nil},
		{"only separators", " ; ;. ", nil},
		{"symbols of every kind", "C189; A/68/190; gb 319 pol 2.", []indexer.RelatedDocument{
			{Kind: "ilo-instrument", Symbol: "C189"}, {Kind: "un", Symbol: "A/68/190"}, {Kind: "gb", Symbol: "GB.319/POL/2"}}},
		{"semicolon inside parentheses", "ILO: Report (2013; revised), Draft (document X/2013)", []indexer.RelatedDocument{
			{Kind: "ilo-doc", Symbol: "X/2013", Author: "ILO", Title: "Report (2013; revised)", Description: "Draft"}}},
		{"a title with no symbol stands for itself", "Some report", []indexer.RelatedDocument{
			{Kind: "ilo-doc", Symbol: "Some report", Title: "Some report"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, indexer.ParseRelatedDocuments(tt.in), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseRelatedDocuments(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// FuzzFindReferences: FindReferences never panics, every reference has a
// kind and a value, values are valid UTF-8 when the text is, and there are
// no duplicates.
func FuzzFindReferences(f *testing.F) {
	b, err := os.ReadFile("../corpus/gb/GB.319_POL_2.en.truth.json")
	if err != nil {
		f.Fatal(err)
	}
	var tr struct {
		Paragraphs []struct {
			Text string `json:"text"`
		} `json:"paragraphs"`
		Footnotes []struct {
			Text string `json:"text"`
		} `json:"footnotes"`
	}
	if err := json.Unmarshal(b, &tr); err != nil {
		f.Fatal(err)
	}
	for _, p := range tr.Paragraphs {
		f.Add(p.Text)
	}
	for _, n := range tr.Footnotes {
		f.Add(n.Text)
	}
	f.Add("AJRES/67/219 and A/B8/L5, Convention No. 189, (No. 181), paragraphs 5-10, Document TTMLM/2013: T.")
	f.Fuzz(func(t *testing.T, text string) {
		refs := indexer.FindReferences(text)
		seen := map[string]bool{}
		for _, r := range refs {
			if r.Kind == "" || r.Value == "" {
				t.Fatalf("FindReferences(%q): reference with an empty kind or value: %+v", text, r)
			}
			key := r.Kind + "\x00" + r.Value
			if seen[key] {
				t.Fatalf("FindReferences(%q): %s %q twice", text, r.Kind, r.Value)
			}
			seen[key] = true
			if utf8.ValidString(text) && !utf8.ValidString(r.Value+r.Text+r.Title+r.Pinpoint) {
				t.Fatalf("FindReferences(%q): invalid UTF-8 in %+v", text, r)
			}
			if r.Kind == indexer.RefURL && !strings.Contains(text, r.Value) {
				t.Fatalf("FindReferences(%q): URL %q is not in the text", text, r.Value)
			}
		}
		// op. cit. resolution over footnotes made of the text never panics
		fns := []indexer.Footnote{
			{Number: 1, Text: text, References: refs, Callout: &indexer.Callout{PrecedingText: text}},
			{Number: 2, Text: text + ", op. cit."},
			{Number: 3, Text: "See " + text + ", op. cit., para. 2."},
		}
		indexer.ResolveOpCit(fns)
		indexer.ParseRelatedDocuments(text)
	})
}
