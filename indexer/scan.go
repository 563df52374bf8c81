package indexer

import (
	"unicode"
	"unicode/utf8"
)

// The OCR repair walks every line of a document several times looking for
// runs of one class of characters. Go's regexp backtracks even on a
// pattern as simple as `\pL+`: in the profile of a rebuild these scans
// were two thirds of the repair and a third of a text's extraction. The
// scanners below find exactly what the patterns they replace found (the
// tests hold them to those patterns).

// asciiAlnumSpans returns the maximal runs of ASCII letters and digits,
// as `[A-Za-z0-9]+` would.
func asciiAlnumSpans(t string) []tokSpan {
	var out []tokSpan
	start := -1
	for i := 0; i < len(t); i++ {
		c := t[i]
		if isASCIIAlnum(c) {
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

// letterSpans returns the maximal runs of letters of any script, as
// `\pL+` would. Invalid UTF-8 ends a run, since it decodes to U+FFFD.
func letterSpans(t string) []tokSpan {
	var out []tokSpan
	start := -1
	for i := 0; i < len(t); {
		c := t[i]
		var letter bool
		size := 1
		if c < utf8.RuneSelf {
			letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(t[i:])
			letter = unicode.IsLetter(r)
		}
		if letter {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			out = append(out, tokSpan{start, i})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		out = append(out, tokSpan{start, len(t)})
	}
	return out
}

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
