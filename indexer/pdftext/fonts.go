package pdftext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Limits that keep a hostile font dictionary from costing more than a page's
// worth of work: a /W array can describe every code in a 2-byte space.
const (
	maxCIDWidths  = 1 << 16
	maxDecodeMemo = 1 << 14
)

// fontInfo is what the interpreter needs from a font: how to cut a string
// into character codes, what text and advance width each code has, and
// whether it is bold (for headings).
type fontInfo struct {
	name    string // BaseFont without the subset prefix
	enc     pdf.TextEncoding
	twoByte bool // composite (Type0) font: 2-byte codes

	first  int
	widths []float64 // glyph-space widths from /Widths
	cidW   map[int]float64
	dw     float64 // default width (/DW, /MissingWidth)
	scale  float64 // glyph space → text space (1/1000, or FontMatrix for Type3)
	// approx marks a font without usable widths (the standard 14 fonts may
	// omit them): gaps between its glyphs say nothing about word breaks.
	approx bool

	bold bool

	memo map[int]string
}

// newFontInfo reads the parts of a font dictionary the layout needs. Missing
// parts get defaults; the library panics on a malformed one, which the
// caller recovers (interp.font).
func newFontInfo(v pdf.Value) *fontInfo {
	f := &fontInfo{scale: 0.001, dw: 1000, memo: map[int]string{}}
	base := v.Key("BaseFont").Name()
	if i := strings.IndexByte(base, '+'); i >= 0 {
		base = base[i+1:]
	}
	f.name = base
	pf := pdf.Font{V: v}
	f.enc = pf.Encoder()
	if f.enc == nil {
		f.enc = rawEncoding{}
	}
	desc := v.Key("FontDescriptor")
	switch v.Key("Subtype").Name() {
	case "Type0":
		f.twoByte = true
		d := v.Key("DescendantFonts").Index(0)
		desc = d.Key("FontDescriptor")
		if dw := d.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.dw = dw.Float64()
		}
		f.cidW = readCIDWidths(d.Key("W"))
	case "Type3":
		if m := v.Key("FontMatrix"); m.Len() == 6 && m.Index(0).Float64() != 0 {
			f.scale = m.Index(0).Float64()
		}
		fallthrough
	default:
		f.first = int(v.Key("FirstChar").Int64())
		w := v.Key("Widths")
		n := w.Len()
		if n > 256 {
			n = 256
		}
		for i := 0; i < n; i++ {
			f.widths = append(f.widths, w.Index(i).Float64())
		}
		f.dw = desc.Key("MissingWidth").Float64()
		if n == 0 {
			f.approx = true
			f.dw = 500
			if strings.Contains(strings.ToLower(base), "courier") {
				f.dw = 600
			}
		}
	}
	lname := strings.ToLower(f.name)
	flags := desc.Key("Flags").Int64()
	weight := desc.Key("FontWeight").Float64()
	f.bold = strings.Contains(lname, "bold") || strings.Contains(lname, "black") ||
		strings.Contains(lname, "heavy") || strings.Contains(lname, "semibold") ||
		strings.Contains(lname, "demi") || flags&(1<<18) != 0 || weight >= 600
	return f
}

// readCIDWidths parses a CIDFont /W array: runs "c [w1 w2 ...]" and ranges
// "cfirst clast w".
func readCIDWidths(w pdf.Value) map[int]float64 {
	out := map[int]float64{}
	n := w.Len()
	for i := 0; i < n && len(out) < maxCIDWidths; {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(out) < maxCIDWidths; j++ {
				out[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= n {
			break
		}
		last := int(next.Int64())
		width := w.Index(i + 2).Float64()
		for cid := c; cid <= last && len(out) < maxCIDWidths; cid++ {
			out[cid] = width
		}
		i += 3
	}
	return out
}

// codes cuts a shown string into character codes.
func (f *fontInfo) codes(s string, fn func(code int, raw string)) {
	if f.twoByte {
		for i := 0; i+1 < len(s); i += 2 {
			fn(int(s[i])<<8|int(s[i+1]), s[i:i+2])
		}
		return
	}
	for i := 0; i < len(s); i++ {
		fn(int(s[i]), s[i:i+1])
	}
}

// width is the advance of code in text space for a 1-point font.
func (f *fontInfo) width(code int) float64 {
	if f.twoByte {
		if w, ok := f.cidW[code]; ok {
			return w * f.scale
		}
		return f.dw * f.scale
	}
	if i := code - f.first; i >= 0 && i < len(f.widths) {
		if w := f.widths[i]; w > 0 {
			return w * f.scale
		}
	}
	return f.dw * f.scale
}

// decode returns the text of one character code, normalised: ligatures
// expanded, control characters and U+FFFD dropped.
func (f *fontInfo) decode(code int, raw string) string {
	if s, ok := f.memo[code]; ok {
		return s
	}
	s := normalizeGlyph(f.enc.Decode(raw))
	if len(f.memo) < maxDecodeMemo {
		f.memo[code] = s
	}
	return s
}

// rawEncoding stands in for a font the interpreter could not find: bytes
// pass through as Latin-1 so that at least ASCII text survives.
type rawEncoding struct{}

func (rawEncoding) Decode(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		b.WriteRune(rune(raw[i]))
	}
	return b.String()
}

// ligatures maps presentation forms to their letters: search needs
// "official", not "o\uFB03cial".
var ligatures = map[rune]string{
	'\uFB00': "ff", '\uFB01': "fi", '\uFB02': "fl", '\uFB03': "ffi",
	'\uFB04': "ffl", '\uFB05': "st", '\uFB06': "st",
}

// normalizeGlyph cleans the text of one glyph.
func normalizeGlyph(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == utf8.RuneError || r == 0x7f || (r >= 0xFB00 && r <= 0xFB06) || r == '\u00A0' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\u00A0':
			b.WriteByte(' ')
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20, r == 0x7f, r == utf8.RuneError:
		default:
			if l, ok := ligatures[r]; ok {
				b.WriteString(l)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// isSpaceText reports whether a glyph is a blank.
func isSpaceText(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}
