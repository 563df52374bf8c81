package pdftext

import (
	"bytes"
	"strconv"
)

// The content stream lexer is our own because pdf.Interpret panics on the
// binary data of inline images (BI … ID … EI), losing every glyph after
// the image, and on any stray delimiter. This one skips inline images and
// steps over what it cannot read: a content stream is the page, and the
// words after a glitch are worth keeping.

// maxNesting bounds arrays and dictionaries in operands.
const maxNesting = 32

// operand is an operand of a content stream operator.
type operand struct {
	kind byte // 'n' number, 's' string, '/' name, '[' array, 'd' dictionary, 'k' keyword (true, null…)
	num  float64
	str  string // string bytes, name
	arr  []operand
}

func (o operand) float() float64 {
	if o.kind == 'n' {
		return o.num
	}
	return 0
}

// lexer reads the tokens of a content stream.
type lexer struct {
	b   []byte
	pos int
	// arrays holds the elements of the top-level arrays of the current
	// operator (TJ's), reused from one operator to the next.
	arrays []operand
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (lx *lexer) skipSpace() {
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		switch {
		case isSpace(c):
			lx.pos++
		case c == '%':
			for lx.pos < len(lx.b) && lx.b[lx.pos] != '\n' && lx.b[lx.pos] != '\r' {
				lx.pos++
			}
		default:
			return
		}
	}
}

// next returns the next operator with its operands, or ok false at the
// end of the stream.
func (lx *lexer) next(args []operand) (op string, operands []operand, ok bool) {
	operands = args[:0]
	lx.arrays = lx.arrays[:0]
	for {
		lx.skipSpace()
		if lx.pos >= len(lx.b) {
			return "", operands, false
		}
		c := lx.b[lx.pos]
		if isDelim(c) || c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
			if v, ok := lx.operand(0); ok {
				if len(operands) < 64 { // no operator takes more
					operands = append(operands, v)
				}
			}
			continue
		}
		word := lx.word()
		switch word {
		case "true", "false", "null":
			operands = append(operands, operand{kind: 'k', str: word})
			continue
		case "BI":
			lx.skipInlineImage()
			continue
		}
		return word, operands, true
	}
}

// word reads a run of regular characters.
func (lx *lexer) word() string {
	start := lx.pos
	for lx.pos < len(lx.b) && !isSpace(lx.b[lx.pos]) && !isDelim(lx.b[lx.pos]) {
		lx.pos++
	}
	if lx.pos == start { // cannot happen for a regular character; be safe
		lx.pos++
	}
	return string(lx.b[start:lx.pos])
}

// operand reads one operand; ok is false for a stray delimiter, which is
// skipped.
func (lx *lexer) operand(depth int) (operand, bool) {
	c := lx.b[lx.pos]
	switch {
	case c == '(':
		return operand{kind: 's', str: lx.literal()}, true
	case c == '<':
		if lx.pos+1 < len(lx.b) && lx.b[lx.pos+1] == '<' {
			lx.pos += 2
			lx.skipDict(depth + 1)
			return operand{kind: 'd'}, true
		}
		return operand{kind: 's', str: lx.hex()}, true
	case c == '/':
		return operand{kind: '/', str: lx.name()}, true
	case c == '[':
		lx.pos++
		var arr []operand
		room := 0
		if depth == 0 {
			arr = lx.arrays[len(lx.arrays):]
			room = cap(arr)
		}
		for {
			lx.skipSpace()
			if lx.pos >= len(lx.b) {
				break
			}
			if lx.b[lx.pos] == ']' {
				lx.pos++
				break
			}
			if depth >= maxNesting {
				lx.pos++
				continue
			}
			c := lx.b[lx.pos]
			if isDelim(c) || c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
				if v, ok := lx.operand(depth + 1); ok && len(arr) < 1<<16 {
					arr = append(arr, v)
				}
				continue
			}
			// an operator inside an array: the array is broken; end it
			// here and let the operator run
			break
		}
		switch {
		case depth > 0:
		case cap(arr) == room: // built in place
			lx.arrays = lx.arrays[:len(lx.arrays)+len(arr)]
		default: // outgrew the buffer: its new home is the buffer now
			lx.arrays = arr
		}
		return operand{kind: '[', arr: arr}, true
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		start := lx.pos
		lx.pos++
		for lx.pos < len(lx.b) && (lx.b[lx.pos] == '.' || (lx.b[lx.pos] >= '0' && lx.b[lx.pos] <= '9')) {
			lx.pos++
		}
		f, err := strconv.ParseFloat(string(lx.b[start:lx.pos]), 64)
		if err != nil {
			f = 0
		}
		return operand{kind: 'n', num: f}, true
	}
	lx.pos++ // ) > ] { } or anything else out of place
	return operand{}, false
}

// literal reads a (string) with nested parentheses and escapes.
func (lx *lexer) literal() string {
	lx.pos++ // (
	var out []byte
	depth := 1
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		lx.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(out)
			}
		case '\\':
			if lx.pos >= len(lx.b) {
				return string(out)
			}
			e := lx.b[lx.pos]
			lx.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if lx.pos < len(lx.b) && lx.b[lx.pos] == '\n' {
					lx.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					n := int(e - '0')
					for k := 0; k < 2 && lx.pos < len(lx.b) && lx.b[lx.pos] >= '0' && lx.b[lx.pos] <= '7'; k++ {
						n = n*8 + int(lx.b[lx.pos]-'0')
						lx.pos++
					}
					c = byte(n)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return string(out)
}

// hex reads a <hex string>.
func (lx *lexer) hex() string {
	lx.pos++ // <
	var out []byte
	var hi byte
	half := false
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		lx.pos++
		var v byte
		switch {
		case c == '>':
			if half {
				out = append(out, hi<<4)
			}
			return string(out)
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return string(out)
}

// name reads a /Name, decoding #xx escapes.
func (lx *lexer) name() string {
	lx.pos++ // /
	start := lx.pos
	for lx.pos < len(lx.b) && !isSpace(lx.b[lx.pos]) && !isDelim(lx.b[lx.pos]) {
		lx.pos++
	}
	s := lx.b[start:lx.pos]
	if bytes.IndexByte(s, '#') < 0 {
		return string(s)
	}
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && i+2 < len(s) {
			if v, err := strconv.ParseUint(string(s[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return string(out)
}

// skipDict skips a << dictionary >> (marked-content properties).
func (lx *lexer) skipDict(depth int) {
	for {
		lx.skipSpace()
		if lx.pos >= len(lx.b) {
			return
		}
		if lx.b[lx.pos] == '>' && lx.pos+1 < len(lx.b) && lx.b[lx.pos+1] == '>' {
			lx.pos += 2
			return
		}
		c := lx.b[lx.pos]
		if depth < maxNesting && (isDelim(c) || c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9')) {
			lx.operand(depth)
			continue
		}
		lx.word()
	}
}

// skipInlineImage skips an inline image: its parameters up to ID, then
// the binary data up to an EI that stands alone between blanks.
func (lx *lexer) skipInlineImage() {
	for {
		lx.skipSpace()
		if lx.pos >= len(lx.b) {
			return
		}
		c := lx.b[lx.pos]
		if isDelim(c) || c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
			lx.operand(0)
			continue
		}
		if lx.word() == "ID" {
			break
		}
	}
	lx.pos++ // the single blank after ID
	for lx.pos < len(lx.b) {
		i := bytes.Index(lx.b[lx.pos:], []byte("EI"))
		if i < 0 {
			lx.pos = len(lx.b)
			return
		}
		at := lx.pos + i
		lx.pos = at + 2
		before := at == 0 || isSpace(lx.b[at-1])
		after := at+2 >= len(lx.b) || isSpace(lx.b[at+2]) || isDelim(lx.b[at+2])
		if before && after {
			return
		}
	}
}
