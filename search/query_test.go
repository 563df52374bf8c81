package search

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// show renders a parsed query compactly for comparison.
func show(n Node) string {
	switch x := n.(type) {
	case nil:
		return "<all>"
	case And:
		var p []string
		for _, c := range x.Children {
			p = append(p, show(c))
		}
		return "AND(" + strings.Join(p, " ") + ")"
	case Or:
		var p []string
		for _, c := range x.Children {
			p = append(p, show(c))
		}
		return "OR(" + strings.Join(p, " ") + ")"
	case Not:
		return "NOT(" + show(x.Child) + ")"
	case Term:
		s := x.Text
		if x.Field != "" {
			s = x.Field + ":" + s
		}
		if x.Prefix {
			s += "*"
		}
		if x.Wildcard {
			s += "?w"
		}
		if x.Fuzzy > 0 {
			s += fmt.Sprintf("~%d", x.Fuzzy)
		}
		return s
	case Phrase:
		s := `"` + x.Text + `"`
		if x.Field != "" {
			s = x.Field + ":" + s
		}
		return s
	case Range:
		lo, hi := "*", "*"
		if x.Lo != nil {
			lo = fmt.Sprint(*x.Lo)
		}
		if x.Hi != nil {
			hi = fmt.Sprint(*x.Hi)
		}
		return x.Field + ":[" + lo + ".." + hi + "]"
	case Symbol:
		return "SYM(" + x.Canonical + ")"
	}
	return fmt.Sprintf("?%T", n)
}

func TestParseQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "<all>"},
		{"labour", "labour"},
		{"forced labour", "AND(forced labour)"},
		{"forced AND labour", "AND(forced labour)"},
		{"forced OR labour", "OR(forced labour)"},
		{"a OR b AND c", "OR(a AND(b c))"},
		{"(migrant OR domestic) AND workers NOT agriculture", "AND(OR(migrant domestic) workers NOT(agriculture))"},
		{"workers -agriculture +migrant", "AND(workers NOT(agriculture) migrant)"},
		{"NOT agriculture", "NOT(agriculture)"},
		{`"domestic workers" AND section:POL`, `AND("domestic workers" section:POL)`},
		{`title:"forced labour"`, `title:"forced labour"`},
		{"title:(migration OR mobility)", "OR(title:migration title:mobility)"},
		{"year:2012..2014", "year:[2012..2014]"},
		{"session:[310 TO 320]", "session:[310..320]"},
		{"session:[310 TO *]", "session:[310..*]"},
		{"year:>=2012", "year:[2012..*]"},
		{"year:<2014", "year:[*..2013]"},
		{"migra*", "migra*"},
		{"mig?ant", "mig?ant?w"},
		{"recruitmnt~", "recruitmnt~1"},
		{"recruitmnt~2", "recruitmnt~2"},
		{"post-2015", "post-2015"},
		{"GB.319/POL/2", "SYM(GB.319/POL/2)"},
		{"gb 319 pol 2", "SYM(GB.319/POL/2)"},
		{"GB 319 POL 2 migration", "AND(SYM(GB.319/POL/2) migration)"},
		{"319/POL/2", "SYM(GB.319/POL/2)"},
		{"GB.316/PV(&Corr.)", "SYM(GB.316/PV(&Corr.))"},
		{"GB.350/POL/3(Rev.1) budget", "AND(SYM(GB.350/POL/3(Rev.1)) budget)"},
		{"A/RES/67/219", "SYM(A/RES/67/219)"},
		{"A/68/L.5", "SYM(A/68/L.5)"},
		{"C189", "SYM(C189)"},
		{"C.189", "SYM(C189)"},
		{"Convention No. 189", "SYM(C189)"},
		{"domestic Convention No. 189", "AND(domestic SYM(C189))"},
		{"319 migrant workers", "AND(319 migrant workers)"},
		{"symbol:GB.319/POL/2", "symbol:GB.319/POL/2"},
		{"symbol:GB.319/*", "symbol:GB.319/*"},
		{"cites:C189", "cites:C189"},
		{"citedby:GB.319/POL/2", "citedby:GB.319/POL/2"},
		{"lang:fr travailleurs", "AND(lang:fr travailleurs)"},
		{"http://www.ilo.org/migrant", "http://www.ilo.org/migrant"},
		{`“domestic workers”`, `"domestic workers"`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			n, err := ParseQuery(tc.in)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tc.in, err)
			}
			if got := show(n); got != tc.want {
				t.Errorf("ParseQuery(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		in      string
		pos     int
		message string
	}{
		{"(forced OR labour", 0, "'(' is never closed"},
		{"forced OR labour)", 16, "')' without '('"},
		{"forced AND", 7, "AND needs something on its right"},
		{"AND labour", 0, "AND needs something on its left"},
		{"forced OR", 7, "OR needs something on its right"},
		{"NOT", 0, "NOT needs something to exclude"},
		{`"domestic workers`, 0, "unterminated phrase"},
		{`"domestic workers"~3`, 18, "proximity"},
		{"colour:red", 0, `unknown field "colour"`},
		{"section:", 0, "needs a value"},
		{"year:abc", 5, "not a year"},
		{"year:2014..2012", 5, "lower bound is above the upper"},
		{"session:[310 320]", 13, "TO"},
		{"title:[1 TO 2]", 0, "does not take a range"},
		{"a*", 0, "too short"},
		{"*", 0, "too short"},
		{"*?*", 0, "too broad"},
		{"work~5", 4, "more than 2"},
		{"()", 0, "empty parentheses"},
		{`""`, 0, "empty phrase"},
		{strings.Repeat("(", 20) + "a" + strings.Repeat(")", 20), 16, "nested deeper"},
		{strings.Repeat("a ", 70), 128, "more than 64"},
		{strings.Repeat("x", MaxQueryLength+1), MaxQueryLength, "longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseQuery(tc.in)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseQuery(%q) = %v, want a ParseError", tc.in, err)
			}
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("error does not match ErrBadQuery")
			}
			if pe.Pos != tc.pos || !strings.Contains(pe.Msg, tc.message) {
				t.Errorf("ParseQuery(%q) error %q at %d, want %q at %d", tc.in, pe.Msg, pe.Pos, tc.message, tc.pos)
			}
		})
	}
}

// FuzzParseQuery: no input panics, and every error is a positioned
// ParseError within the query.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"forced AND labour", "(migrant OR domestic) AND workers NOT agriculture", `"domestic workers" AND section:POL`,
		"gb 319 pol 2", "A/RES/67/219", "Convention No. 189", "year:2012..2014", "session:[310 TO 320]", "migra* recruitmnt~2",
		"GB.316/PV(&Corr.)", "title:(a OR b)", `"a`, "((a)", "-a +b NOT c", "citedby:GB.319/POL/2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := ParseQuery(q)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseQuery(%q): %v is not a ParseError", q, err)
			}
			if pe.Pos < 0 || pe.Pos > len([]rune(q)) {
				t.Fatalf("ParseQuery(%q): position %d outside the query", q, pe.Pos)
			}
			return
		}
		_ = show(n)
	})
}
