package indexer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Symbol is a parsed document symbol.
type Symbol struct {
	// Kind is RefGB, RefUN or RefILOInstrument.
	Kind string `json:"kind"`
	// Canonical is the normalised form: "GB.319/POL/2", "A/RES/67/219",
	// "C189".
	Canonical string `json:"canonical"`

	// GB symbols only.
	Session      int      `json:"session,omitempty"`
	SessionLabel string   `json:"session_label,omitempty"` // "350bis" for a bis session
	Bis          bool     `json:"bis,omitempty"`
	Section      string   `json:"section,omitempty"` // "POL", "INS", "PV", "Agenda"
	Item         string   `json:"item,omitempty"`    // "2", "2/2", "INF/1"
	Suffixes     []string `json:"suffixes,omitempty"`

	// ILO instruments only.
	InstrumentType string `json:"instrument_type,omitempty"` // C, R or P
	Number         int    `json:"number,omitempty"`
}

// GB section codes and their names, as printed on the cover.
var sectionNames = map[string]string{
	"INS":  "Institutional Section",
	"POL":  "Policy Development Section",
	"LILS": "Legal Issues and International Labour Standards Section",
	"PFA":  "Programme, Financial and Administrative Section",
	"HL":   "High-Level Section",
	"MNE":  "Multinational Enterprises Subcommittee",
	"PV":   "Minutes",
}

// SectionName returns the printed name of a GB section code, or "".
func SectionName(code string) string { return sectionNames[strings.ToUpper(code)] }

var (
	// GB.319/POL/2, GB.350/INS/17(Add.1), GB.316/PV(&Corr.), GB.350bis/INS/1,
	// and the forms people type: "gb 319 pol 2", "GB319/POL/2", "319/POL/2".
	// Item parts are numbers or the INF of information documents, so that
	// "GB 319 POL 2 migration" is a symbol followed by a word.
	gbSymbolRE = regexp.MustCompile(`(?i)^(?:gb[\s.]*)?(\d{3})\s*(bis)?\s*[/\s]\s*([a-z]+)((?:\s*[/\s]\s*(?:\d+[a-z]?|inf))*)((?:\s*\(\s*&?\s*(?:rev|add|corr)\.?\s*\d*\s*\))*)$`)
	suffixRE   = regexp.MustCompile(`(?i)\(\s*(&?)\s*(rev|add|corr)\.?\s*(\d*)\s*\)`)
	// UN symbols: A/68/190, A/RES/67/219, A/68/L.5, E/CN.4/2005/L.10,
	// S/RES/1325(2000), A/RES/2200A(XXI).
	unSymbolRE = regexp.MustCompile(`^(A|E|S|ST|TD|UNEP|HRC|CEDAW|CRC|CERD|CCPR|CMW|DP|ECE|ESCAP|CEPAL|UNW)(/[A-Z0-9.\-()]+)+$`)
	// C189, C.189, c 189, R188, P029, "Convention No. 189", "Recommendation No 188".
	instrumentRE = regexp.MustCompile(`(?i)^(?:(c|r|p)\s*\.?\s*(\d{1,3})|(convention|recommendation|protocol)\s+no\.?\s*(\d{1,3}))$`)
)

// maxSymbolLen bounds a symbol, typed or canonical: real ones are short.
const maxSymbolLen = 80

// ParseSymbol recognises a document symbol in any common form and returns it
// parsed and normalised. It is strict about numbers: "GB.319/POL/3" never
// parses as "GB.319/POL/2", and nothing is guessed from a near match.
func ParseSymbol(s string) (Symbol, error) {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, ".,;:")
	if s == "" || len(s) > maxSymbolLen {
		return Symbol{}, fmt.Errorf("not a symbol: %q", s)
	}
	if m := instrumentRE.FindStringSubmatch(s); m != nil {
		t, num := m[1], m[2]
		if t == "" {
			t, num = m[3][:1], m[4]
		}
		n, _ := strconv.Atoi(num)
		if n == 0 {
			return Symbol{}, fmt.Errorf("not a symbol: %q: instrument number 0", s)
		}
		t = strings.ToUpper(t)
		return Symbol{Kind: RefILOInstrument, Canonical: fmt.Sprintf("%s%03d", t, n), InstrumentType: t, Number: n}, nil
	}
	if m := gbSymbolRE.FindStringSubmatch(s); m != nil {
		// "319/POL/2" and "gb 319 pol 2" are GB symbols; "A/68/190" is not
		// (it does not start with three digits or "gb").
		session, _ := strconv.Atoi(m[1])
		sym := Symbol{Kind: RefGB, Session: session, SessionLabel: m[1], Bis: m[2] != ""}
		if sym.Bis {
			sym.SessionLabel += "bis"
		}
		sym.Section = normaliseSection(m[3])
		var items []string
		for _, part := range strings.FieldsFunc(m[4], func(r rune) bool { return r == '/' || unicode.IsSpace(r) }) {
			items = append(items, normaliseItemPart(part))
		}
		sym.Item = strings.Join(items, "/")
		for _, sm := range suffixRE.FindAllStringSubmatch(m[5], -1) {
			word := strings.ToUpper(sm[2][:1]) + strings.ToLower(sm[2][1:]) + "."
			sym.Suffixes = append(sym.Suffixes, sm[1]+word+sm[3])
		}
		var b strings.Builder
		b.WriteString("GB." + sym.SessionLabel + "/" + sym.Section)
		if sym.Item != "" {
			b.WriteString("/" + sym.Item)
		}
		for _, sf := range sym.Suffixes {
			b.WriteString("(" + sf + ")")
		}
		sym.Canonical = b.String()
		if session < 100 {
			return Symbol{}, fmt.Errorf("not a symbol: %q: session %d", s, session)
		}
		// the canonical form must parse again, and it may be longer than
		// the input: "gb 319 pol 2 (rev)" → "GB.319/POL/2(Rev.)"
		if len(sym.Canonical) > maxSymbolLen {
			return Symbol{}, fmt.Errorf("not a symbol: %q: too long", s)
		}
		return sym, nil
	}
	// likewise "A/68/L5" → "A/68/L.5"
	if u := NormaliseUNSymbol(s); u != "" && len(u) <= maxSymbolLen {
		return Symbol{Kind: RefUN, Canonical: u}, nil
	}
	return Symbol{}, fmt.Errorf("not a symbol: %q", s)
}

func normaliseSection(s string) string {
	u := strings.ToUpper(s)
	switch u {
	case "AGENDA":
		return "Agenda"
	}
	return u
}

func normaliseItemPart(s string) string {
	if _, err := strconv.Atoi(s); err == nil {
		return s
	}
	return strings.ToUpper(s)
}

// NormaliseUNSymbol returns the canonical form of a UN document symbol, or
// "" when s is not one. It repairs the OCR damage seen in GB documents:
// "AJRES/67/219" (J for /) and "A/B8/L5" (B for 6, a lost dot).
func NormaliseUNSymbol(s string) string {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	s = strings.TrimRight(s, ".,;:")
	s = strings.ReplaceAll(s, "AJRES/", "A/RES/")
	if !strings.Contains(s, "/") {
		return ""
	}
	parts := strings.Split(s, "/")
	for i := 1; i < len(parts); i++ {
		p := parts[i]
		// session numbers: "B8" is "68" misread
		if len(p) == 2 && (p[0] == 'B') && p[1] >= '0' && p[1] <= '9' && i == 1 {
			parts[i] = "6" + p[1:]
		}
		// "L5" is "L.5": limited-distribution drafts always carry the dot
		if len(p) >= 2 && p[0] == 'L' && p[1] >= '0' && p[1] <= '9' {
			parts[i] = "L." + p[1:]
		}
	}
	s = strings.Join(parts, "/")
	if !unSymbolRE.MatchString(s) {
		return ""
	}
	// addenda, revisions and corrigenda keep their printed case: A/72/L.68/Add.1
	s = strings.NewReplacer("/ADD.", "/Add.", "/REV.", "/Rev.", "/CORR.", "/Corr.").Replace(s)
	// a UN symbol has at least one numeric part
	if !strings.ContainsAny(s, "0123456789") {
		return ""
	}
	return s
}

// CanonicalSymbol returns the canonical form of s if it parses as a symbol,
// or s unchanged.
func CanonicalSymbol(s string) string {
	if sym, err := ParseSymbol(s); err == nil {
		return sym.Canonical
	}
	return strings.TrimSpace(s)
}

func itoa(n int) string { return strconv.Itoa(n) }
