package indexer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The OCR repair walks every line of a document several times looking for
// runs of one class of characters. Go's regexp backtracks even on a
// pattern as simple as `\pL+`: in the profile of a rebuild these scans
// were two thirds of the repair and a third of a text's extraction. The
// scanners below find exactly what the patterns they replace found (the
// tests hold them to those patterns).

// spansOf returns the maximal runs of characters for which in is true,
// reading invalid UTF-8 as U+FFFD as regexp does.
func spansOf(t string, in func(rune) bool) []tokSpan {
	var out []tokSpan
	start := -1
	for i, r := range t {
		if in(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			out = append(out, tokSpan{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, tokSpan{start, len(t)})
	}
	return out
}

// asciiAlnumSpans returns the runs `[A-Za-z0-9]+` would find.
func asciiAlnumSpans(t string) []tokSpan {
	return spansOf(t, func(r rune) bool { return r < utf8.RuneSelf && isASCIIAlnum(byte(r)) })
}

// letterSpans returns the runs of letters of any script `\pL+` would find.
func letterSpans(t string) []tokSpan { return spansOf(t, unicode.IsLetter) }

// eachAcronym calls f with every run of two or more ASCII capitals that
// stands as a word of its own, as `\b[A-Z]{2,}\b` would: Go's \b is an
// ASCII word boundary, so a run touching a letter, digit or underscore is
// no acronym, while one touching "é" or "-" is.
func eachAcronym(t string, f func(string)) {
	for i := 0; i < len(t); {
		if t[i] < 'A' || t[i] > 'Z' {
			i++
			continue
		}
		j := i + 1
		for j < len(t) && t[j] >= 'A' && t[j] <= 'Z' {
			j++
		}
		if j-i >= 2 && (i == 0 || !isASCIIWord(t[i-1])) && (j == len(t) || !isASCIIWord(t[j])) {
			f(t[i:j])
		}
		i = j
	}
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isASCIIWord is regexp's \w.
func isASCIIWord(c byte) bool { return c == '_' || isASCIIAlnum(c) }

// lineShape recognises a whole line of the form "LABEL<sep> REST" and
// returns its label and rest. It stands in for an anchored pattern such
// as `^(\d{1,3})\.\s+(.*)$`, which the parsers test on every line and
// block: Go's regexp walks the whole of a long paragraph to match `(.*)$`.
type lineShape func(t string) (label, rest string, ok bool)

// MatchString reports whether t has the shape.
func (f lineShape) MatchString(t string) bool {
	_, _, ok := f(t)
	return ok
}

// FindStringSubmatch returns t, the label and the rest, or nil, as the
// pattern's submatches would be.
func (f lineShape) FindStringSubmatch(t string) []string {
	label, rest, ok := f(t)
	if !ok {
		return nil
	}
	return []string{t, label, rest}
}

// numberedPara is `^(\d{1,3})\.\s+(.*)$`: "12. The Office ...".
func numberedPara(t string) (num, rest string, ok bool) {
	n := 0
	for n < len(t) && n < 4 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n == 0 || n > 3 || n == len(t) || t[n] != '.' {
		return "", "", false
	}
	rest, ok = spacedRest(t[n+1:])
	return t[:n], rest, ok
}

// gbItem is `^\(([a-z]{1,2}|\d{1,2}|[ivx]{1,5})\)\s+(.*)$`: "(a) ...",
// "(12) ...", "(iv) ...".
func gbItem(t string) (label, rest string, ok bool) {
	return parenItem(t, true)
}

// unItem is gbItem without numeric labels, as UN resolutions number
// their sub-paragraphs.
func unItem(t string) (label, rest string, ok bool) {
	return parenItem(t, false)
}

func parenItem(t string, digits bool) (label, rest string, ok bool) {
	if len(t) < 2 || t[0] != '(' {
		return "", "", false
	}
	end := strings.IndexByte(t, ')')
	if end < 0 {
		return "", "", false
	}
	label = t[1:end]
	if !(runOf(label, 1, 2, isLowerASCII) || digits && runOf(label, 1, 2, isDigitASCII) || runOf(label, 1, 5, isRomanLower)) {
		return "", "", false
	}
	rest, ok = spacedRest(t[end+1:])
	return label, rest, ok
}

// spacedRest is `\s+(.*)$` on what follows a label: at least one ASCII
// space, then the rest of a single line.
func spacedRest(t string) (string, bool) {
	i := 0
	for i < len(t) && isRegexpSpace(t[i]) {
		i++
	}
	if i == 0 || strings.IndexByte(t[i:], '\n') >= 0 {
		return "", false
	}
	return t[i:], true
}

func runOf(s string, lo, hi int, in func(byte) bool) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !in(s[i]) {
			return false
		}
	}
	return true
}

func isLowerASCII(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigitASCII(c byte) bool { return c >= '0' && c <= '9' }
func isRomanLower(c byte) bool { return c == 'i' || c == 'v' || c == 'x' }

// isRegexpSpace is regexp's \s.
func isRegexpSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}
