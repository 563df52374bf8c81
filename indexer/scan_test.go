package indexer

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// The patterns the scanners replace, kept here as their reference.
var (
	refAlnumRE   = regexp.MustCompile(`[A-Za-z0-9]+`)
	refLetterRE  = regexp.MustCompile(`\pL+`)
	refAcronymRE = regexp.MustCompile(`\b[A-Z]{2,}\b`)

	refShapes = []struct {
		name  string
		shape lineShape
		re    *regexp.Regexp
	}{
		{"numberedPara", numberedPara, regexp.MustCompile(`^(\d{1,3})\.\s+(.*)$`)},
		{"gbItem", gbItem, regexp.MustCompile(`^\(([a-z]{1,2}|\d{1,2}|[ivx]{1,5})\)\s+(.*)$`)},
		{"unItem", unItem, regexp.MustCompile(`^\(([a-z]{1,2}|[ivx]{1,5})\)\s+(.*)$`)},
	}
)

func spanPairs(spans []tokSpan) [][]int {
	var out [][]int
	for _, s := range spans {
		out = append(out, []int{s.s, s.e})
	}
	return out
}

func acronymsOf(t string) []string {
	var out []string
	eachAcronym(t, func(a string) { out = append(out, a) })
	return out
}

// checkScanners fails when a scanner finds other than its pattern does.
func checkScanners(t *testing.T, s string) {
	t.Helper()
	if got, want := spanPairs(asciiAlnumSpans(s)), refAlnumRE.FindAllStringIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("asciiAlnumSpans(%q) = %v, regexp %v", s, got, want)
	}
	if got, want := spanPairs(letterSpans(s)), refLetterRE.FindAllStringIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("letterSpans(%q) = %v, regexp %v", s, got, want)
	}
	var fields []string
	for _, sp := range fieldSpans(s) {
		fields = append(fields, s[sp.s:sp.e])
	}
	if want := strings.Fields(s); !slices.Equal(fields, want) && len(fields)+len(want) > 0 {
		t.Errorf("fieldSpans(%q) = %q, strings.Fields %q", s, fields, want)
	}
	if got, want := acronymsOf(s), refAcronymRE.FindAllString(s, -1); !slices.Equal(got, want) {
		t.Errorf("eachAcronym(%q) = %q, regexp %q", s, got, want)
	}
	for _, r := range refShapes {
		if got, want := r.shape.FindStringSubmatch(s), r.re.FindStringSubmatch(s); !slices.Equal(got, want) {
			t.Errorf("%s(%q) = %q, regexp %q", r.name, s, got, want)
		}
		if got, want := r.shape.MatchString(s), r.re.MatchString(s); got != want {
			t.Errorf("%s.MatchString(%q) = %v, regexp %v", r.name, s, got, want)
		}
	}
}

func TestScanners(t *testing.T) {
	for _, s := range []string{
		"",
		"ILO",
		"the ILO and 1LO (GMG) – UNESCO’s",
		"ABc _AB AB_ AB1 1AB ÉAB ABé A-B AB-CD",
		"lssues lnternational éte naïve Straße 東京 x",
		"bad \xff\xfeUTF-8\xc3 AB\xffCD",
		"GB.319/POL/2 A/68/190 No. 189 para. 12(a)",
		"A", "AB", "a1", "\u00a0ÀB\u0301CD",
		"12. The Office", "1.\vx", "1.  ", "123.\tx", "1234. x", "12.x", "12. a\nb", "1.\n\nb", "3.\u00a0x", ".5 x", "7.",
		"(a) text", "(ii) text", "(12) text", "(iiv) x", "(vvvvv) x", "(xxxxxx) x", "(ab) x", "(abc) x",
		"(1)x", "(a)  ", "(a)\n", "() x", "(a)(b) x", "(A) x", "(\xff) x", "(i) \xff",
	} {
		checkScanners(t, s)
	}
}

func FuzzScanners(f *testing.F) {
	f.Add("the ILO and 1LO (GMG) – UNESCO’s")
	f.Add("ABc _AB ÉAB \xffAB")
	f.Add("lssues lnternational Straße 東京")
	f.Add("12. The Office")
	f.Add("(iv) the rest")
	f.Fuzz(func(t *testing.T, s string) {
		checkScanners(t, s)
	})
}

func BenchmarkScanners(b *testing.B) {
	line := "1. The Office has worked with the 1LO's constituents (GMG) in lnternational labour migration, see A/68/190 and Convention No. 189, in Straße and naïve text. "
	for b.Loop() {
		asciiAlnumSpans(line)
		letterSpans(line)
		eachAcronym(line, func(string) {})
	}
}

// FuzzQuality holds Quality's single pass to its definition: the words
// strings.Fields finds, each judged by LooksGlued.
func FuzzQuality(f *testing.F) {
	f.Add("Forcedlabourconvention theConvention Convention12 a4 wwwexampleorgwwwexampleorgwww")
	f.Add("abcdefghijklmnopqrstuvwxyz\u00a0é\u2028 ab\x85cd")
	f.Fuzz(func(t *testing.T, s string) {
		var want PageQuality
		for _, r := range s {
			if !unicode.IsSpace(r) && r != CalloutStart && r != CalloutEnd {
				want.Chars++
			}
		}
		for _, w := range strings.Fields(s) {
			want.Words++
			if LooksGlued(w) {
				want.GluedWords++
			}
		}
		if want.Words > 0 {
			want.GluedRatio = float64(want.GluedWords) / float64(want.Words)
		}
		want.NeedsOCR = want.Chars < 20
		if got := Quality(s); got != want {
			t.Errorf("Quality(%q) = %+v, want %+v", s, got, want)
		}
	})
}

func TestLooksGlued(t *testing.T) {
	for _, c := range []struct {
		w    string
		want bool
	}{
		{"theConvention", true},
		{"Convention12", true},
		{"COVID19", false},
		{"McDonald", false},
		{"labour", false},
		{"abcdefghijklmnopqrstuvwx", false}, // 24 lower-case letters
		{"abcdefghijklmnopqrstuvwxy", true}, // 25
		{"wwwabcdefghijklmnopqrstuvwxy", false},
		{"httpabcdefghijklmnopqrstuvwxy", false},
		{"abcdefghijklmnopqrstuvwxy.", true}, // trimmed, then the same rule
		{"abcdefghijkl-mnopqrstuvwxyz", false},
	} {
		if got := LooksGlued(c.w); got != c.want {
			t.Errorf("LooksGlued(%q) = %v, want %v", c.w, got, c.want)
		}
	}
}

// FuzzLooksGlued holds LooksGlued's shortcut for lower-case words to the
// general rule.
func FuzzLooksGlued(f *testing.F) {
	f.Add("abcdefghijklmnopqrstuvwxy")
	f.Add("wwwabcdefghijklmnopqrstuvwxy")
	f.Add("the")
	f.Fuzz(func(t *testing.T, w string) {
		if isLowerASCIIWord(w) {
			if got, want := LooksGlued(w), looksGlued(w); got != want {
				t.Errorf("LooksGlued(%q) = %v, the general rule says %v", w, got, want)
			}
		}
	})
}
