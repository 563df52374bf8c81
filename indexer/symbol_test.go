package indexer_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"gbsearch/indexer"
)

func gbSym(canonical string, session int, label, section, item string, suffixes ...string) indexer.Symbol {
	return indexer.Symbol{Kind: indexer.RefGB, Canonical: canonical, Session: session, SessionLabel: label,
		Bis: strings.HasSuffix(label, "bis"), Section: section, Item: item, Suffixes: suffixes}
}

func unSym(canonical string) indexer.Symbol {
	return indexer.Symbol{Kind: indexer.RefUN, Canonical: canonical}
}

func instSym(t string, n int, canonical string) indexer.Symbol {
	return indexer.Symbol{Kind: indexer.RefILOInstrument, Canonical: canonical, InstrumentType: t, Number: n}
}

func TestParseSymbol(t *testing.T) {
	tests := []struct {
		in   string
		want indexer.Symbol
	}{
		// GB symbols as printed
		{"GB.319/POL/2", gbSym("GB.319/POL/2", 319, "319", "POL", "2")},
		{"GB.350/INS/2/2", gbSym("GB.350/INS/2/2", 350, "350", "INS", "2/2")},
		{"GB.350/POL/3(Rev.1)", gbSym("GB.350/POL/3(Rev.1)", 350, "350", "POL", "3", "Rev.1")},
		{"GB.350/INS/17(Add.1)", gbSym("GB.350/INS/17(Add.1)", 350, "350", "INS", "17", "Add.1")},
		{"GB.316/PV(&Corr.)", gbSym("GB.316/PV(&Corr.)", 316, "316", "PV", "", "&Corr.")},
		{"GB.350/PFA/INF/1", gbSym("GB.350/PFA/INF/1", 350, "350", "PFA", "INF/1")},
		{"GB.316/PV", gbSym("GB.316/PV", 316, "316", "PV", "")},
		{"GB.350/Agenda(Rev.2)", gbSym("GB.350/Agenda(Rev.2)", 350, "350", "Agenda", "", "Rev.2")},
		{"GB.350/INS/2/2(Rev.1)(Add.1)", gbSym("GB.350/INS/2/2(Rev.1)(Add.1)", 350, "350", "INS", "2/2", "Rev.1", "Add.1")},
		{"GB.350bis/INS/1", gbSym("GB.350bis/INS/1", 350, "350bis", "INS", "1")},
		// GB symbols as people type them
		{"gb 319 pol 2", gbSym("GB.319/POL/2", 319, "319", "POL", "2")},
		{"319/POL/2", gbSym("GB.319/POL/2", 319, "319", "POL", "2")},
		{"GB319/POL/2", gbSym("GB.319/POL/2", 319, "319", "POL", "2")},
		{"GB.319/pol/2", gbSym("GB.319/POL/2", 319, "319", "POL", "2")},
		{"gb 350 bis ins 1", gbSym("GB.350bis/INS/1", 350, "350bis", "INS", "1")},
		{"GB.316/PV (& corr)", gbSym("GB.316/PV(&Corr.)", 316, "316", "PV", "", "&Corr.")},
		{"  GB.319/POL/2.  ", gbSym("GB.319/POL/2", 319, "319", "POL", "2")},
		{"gb.350/agenda", gbSym("GB.350/Agenda", 350, "350", "Agenda", "")},
		// UN symbols
		{"A/68/190", unSym("A/68/190")},
		{"A/RES/67/219", unSym("A/RES/67/219")},
		{"A/68/L.5", unSym("A/68/L.5")},
		{"A/72/L.68/Add.1", unSym("A/72/L.68/Add.1")},
		{"S/RES/1325(2000)", unSym("S/RES/1325(2000)")},
		{"E/CN.4/2005/L.10", unSym("E/CN.4/2005/L.10")},
		{"A/RES/2200A(XXI)", unSym("A/RES/2200A(XXI)")},
		{"a/res/67/219", unSym("A/RES/67/219")},
		// OCR damage repaired by NormaliseUNSymbol
		{"AJRES/67/219", unSym("A/RES/67/219")},
		{"A/B8/L5", unSym("A/68/L.5")},
		// ILO instruments
		{"C189", instSym("C", 189, "C189")},
		{"C.189", instSym("C", 189, "C189")},
		{"c 189", instSym("C", 189, "C189")},
		{"R188", instSym("R", 188, "R188")},
		{"P029", instSym("P", 29, "P029")},
		{"P29", instSym("P", 29, "P029")},
		{"Convention No. 189", instSym("C", 189, "C189")},
		{"Recommendation No. 188", instSym("R", 188, "R188")},
		{"convention no 29", instSym("C", 29, "C029")},
		{"Protocol No. 29", instSym("P", 29, "P029")},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := indexer.ParseSymbol(tt.in)
			if err != nil {
				t.Fatalf("ParseSymbol(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseSymbol(%q) (-want +got):\n%s", tt.in, diff)
			}
			if c := indexer.CanonicalSymbol(tt.in); c != tt.want.Canonical {
				t.Errorf("CanonicalSymbol(%q) = %q, want %q", tt.in, c, tt.want.Canonical)
			}
		})
	}
}

func TestParseSymbolRejects(t *testing.T) {
	for _, in := range []string{
		"", "   ", ".,;", "GB.319", "hello", "A/", "C0", "R000", "C1000", "GB.099/POL/2", "GB.319/POL/2/",
		"GB.319/POL/2(Rev.1", "19/POL/2", "Convention", "Convention No.", "No. 189", "A/B/C", "X/68/190",
		"A//190", "C 1 8 9", strings.Repeat("GB.319/POL/", 10),
	} {
		t.Run(in, func(t *testing.T) {
			if got, err := indexer.ParseSymbol(in); err == nil {
				t.Errorf("ParseSymbol(%q) = %+v, want an error", in, got)
			}
			if c := indexer.CanonicalSymbol(in); c != strings.TrimSpace(in) {
				t.Errorf("CanonicalSymbol(%q) = %q, want the input back", in, c)
			}
		})
	}
}

// Near symbols never collapse: every one of these is a different document.
func TestParseSymbolNearSymbolsDistinct(t *testing.T) {
	groups := [][]string{
		{"GB.319/POL/2", "GB.319/POL/3", "GB.319/POL/2/2", "GB.319/INS/2", "GB.318/POL/2", "GB.319bis/POL/2",
			"GB.319/POL/2(Rev.1)", "GB.319/POL/2(Rev.2)", "GB.319/POL/2(Add.1)", "GB.319/POL/2(&Corr.)", "GB.319/POL/2(Corr.)"},
		{"A/68/190", "A/68/191", "A/67/190", "A/RES/68/190", "A/68/L.5", "A/68/L.50", "A/68/L.5/Add.1", "A/68/L.5/Rev.1", "S/68/190"},
		{"C189", "R189", "P189", "C188", "C018"},
	}
	for _, g := range groups {
		seen := map[string]string{}
		for _, in := range g {
			sym, err := indexer.ParseSymbol(in)
			if err != nil {
				t.Errorf("ParseSymbol(%q): %v", in, err)
				continue
			}
			if prev, ok := seen[sym.Canonical]; ok {
				t.Errorf("%q and %q both parse as %q", prev, in, sym.Canonical)
			}
			seen[sym.Canonical] = in
		}
	}
}

func TestNormaliseUNSymbol(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A/68/190", "A/68/190"},
		{"A / 68 / 190", "A/68/190"},
		{"AJRES/67/219", "A/RES/67/219"},
		{"A/B8/L5", "A/68/L.5"},
		{"A/68/L5", "A/68/L.5"},
		{"A/72/L.68/ADD.1", "A/72/L.68/Add.1"},
		{"A/RES/67/219.", "A/RES/67/219"},
		{"A/HRC/RES", ""}, // no numeric part
		{"GB.319/POL/2", ""},
		{"TTMLM/2013", ""},
		{"A", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := indexer.NormaliseUNSymbol(tt.in); got != tt.want {
				t.Errorf("NormaliseUNSymbol(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSectionName(t *testing.T) {
	for code, want := range map[string]string{"POL": "Policy Development Section", "ins": "Institutional Section", "XYZ": ""} {
		if got := indexer.SectionName(code); got != want {
			t.Errorf("SectionName(%q) = %q, want %q", code, got, want)
		}
	}
}

// FuzzParseSymbol: ParseSymbol never panics; what it accepts has a kind and
// a canonical form that is a fixed point (parsing it again gives the same
// symbol), and GB symbols keep their session in their canonical form.
func FuzzParseSymbol(f *testing.F) {
	for _, s := range []string{
		"GB.319/POL/2", "GB.350/INS/2/2", "GB.350/POL/3(Rev.1)", "GB.316/PV(&Corr.)", "GB.350bis/INS/1",
		"gb 319 pol 2", "319/POL/2", "A/68/190", "A/RES/67/219", "A/68/L.5", "A/72/L.68/Add.1",
		"S/RES/1325(2000)", "AJRES/67/219", "A/B8/L5", "C189", "c 189", "P029", "Convention No. 189",
		"GB.319", "hello", "A/", "C0", "",
	} {
		f.Add(s)
	}
	f.Fuzz(checkCanonicalFixedPoint)
}

// checkCanonicalFixedPoint checks that what ParseSymbol accepts has a kind
// and a canonical form that parses again to the same symbol, and that
// NormaliseUNSymbol is idempotent.
func checkCanonicalFixedPoint(t *testing.T, s string) {
	if u := indexer.NormaliseUNSymbol(s); u != "" {
		if again := indexer.NormaliseUNSymbol(u); again != u {
			t.Fatalf("NormaliseUNSymbol(%q) = %q, but NormaliseUNSymbol(%q) = %q", s, u, u, again)
		}
	}
	sym, err := indexer.ParseSymbol(s)
	if err != nil {
		return
	}
	if sym.Kind == "" || sym.Canonical == "" {
		t.Fatalf("ParseSymbol(%q) = %+v: empty kind or canonical form", s, sym)
	}
	again, err := indexer.ParseSymbol(sym.Canonical)
	if err != nil {
		t.Fatalf("ParseSymbol(%q) = %q, which does not parse again: %v", s, sym.Canonical, err)
	}
	if diff := cmp.Diff(sym, again, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("canonical form of %q is not a fixed point (-first +again):\n%s", s, diff)
	}
	if !utf8.ValidString(sym.Canonical) {
		t.Fatalf("canonical form %q is not valid UTF-8", sym.Canonical)
	}
	if sym.Kind == indexer.RefGB && !strings.HasPrefix(sym.Canonical, "GB."+sym.SessionLabel+"/") {
		t.Fatalf("GB canonical form %q does not start with its session %q", sym.Canonical, sym.SessionLabel)
	}
}

// The fixed points the fuzzer broke: a form feed between item parts, and
// canonical forms longer than the longest input ParseSymbol reads.
func TestParseSymbolCanonicalParsesAgain(t *testing.T) {
	for _, s := range []string{
		"100 A\f 0",
		"gb 319 pol 2 (rev)(add)(corr)(rev)(add)(corr)(rev)(add)(corr)(rev)(add)(corr)",
		"A/" + strings.Repeat("L1/", 25) + "L12",
		"GB.319/POL/2\t(Rev.1)",
	} {
		t.Run(s, func(t *testing.T) { checkCanonicalFixedPoint(t, s) })
	}
}
