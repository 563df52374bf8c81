package pdftext

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sync/atomic"

	"github.com/ledongthuc/pdf"
)

// The interpreter is our own rather than pdf.Page.Content because Content
// reads one byte per character code (composite fonts, which Word uses for
// most text, come out with zero widths), ignores word spacing and form
// XObjects, and appends a phantom character decoded from "\n" to the end of
// every TJ array. It uses the library for the object graph, stream
// decoding and font encodings, and its own lexer (lexer.go).

// Budgets per page. They bound the work a crafted content stream can cause
// inside our own code; hangs inside the library are the process sandbox's
// business.
const (
	maxOps       = 2_000_000
	maxGlyphs    = 400_000
	maxFormDepth = 8
	maxForms     = 500
	maxGStack    = 256
	maxRules     = 10_000
)

// errAbandoned stops work that its caller has given up on (a timeout, a
// cancelled context, an Extract that has returned), so that an abandoned
// goroutine does not keep burning CPU.
var errAbandoned = errors.New("page abandoned")

// limitError reports a budget overrun; the glyphs read so far are kept.
type limitError string

func (e limitError) Error() string { return string(e) }

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m×n: the transformation m followed by n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

func translate(tx, ty float64) matrix { return matrix{1, 0, 0, 1, tx, ty} }

// glyph is one character as painted.
type glyph struct {
	s     string
	x, y  float64 // origin on the baseline
	w     float64 // painted advance, without character and word spacing
	size  float64 // font size in user space
	font  *fontInfo
	dir   int  // quarter turns of the writing direction
	space bool // a blank
	// brk is set on the first glyph after BT, T*, ' or ": where the
	// library's GetPlainText starts a new line.
	brk bool
}

// rule is a horizontal stroke (or thin filled rectangle) in user space:
// footnote separators are drawn as such.
type rule struct{ x0, y0, x1, y1 float64 }

type gstate struct {
	ctm                        matrix
	tc, tw, th, tl, tfs, trise float64
	font                       *fontInfo
}

// interp runs the content stream of one page.
type interp struct {
	stop     *atomic.Bool
	ops      int
	forms    int
	glyphs   []glyph
	rules    []rule
	fonts    map[string]*fontInfo
	fallback *fontInfo
	brk      bool
}

func newInterp(stop *atomic.Bool) *interp {
	return &interp{
		stop:     stop,
		fonts:    map[string]*fontInfo{},
		fallback: &fontInfo{enc: rawEncoding{}, scale: 0.001, dw: 500, approx: true, memo: map[int]string{}},
	}
}

// font returns the font named in a Tf operator, parsed once per scope
// (the page or a form XObject, whose resources are its own).
func (in *interp) font(res pdf.Value, scope, name string) *fontInfo {
	key := scope + "\x00" + name
	if f, ok := in.fonts[key]; ok {
		return f
	}
	f := in.fallback
	func() {
		// a broken font (its ToUnicode map, its widths) costs its
		// text's quality, not the page
		defer func() {
			if p := recover(); p != nil {
				if p == errAbandoned {
					panic(p)
				}
				f = in.fallback
			}
		}()
		if v := res.Key("Font").Key(name); v.Kind() == pdf.Dict {
			f = newFontInfo(v)
		}
	}()
	in.fonts[key] = f
	return f
}

func num(args []operand, i int) float64 {
	if i < len(args) {
		return args[i].float()
	}
	return 0
}

func matArgs(args []operand) (matrix, bool) {
	if len(args) != 6 {
		return identity, false
	}
	var m matrix
	for i := range m {
		m[i] = args[i].float()
	}
	return m, true
}

// valueMatrix reads a matrix stored in the file (a form's /Matrix).
func valueMatrix(v pdf.Value) matrix {
	if v.Kind() != pdf.Array || v.Len() != 6 {
		return identity
	}
	var m matrix
	for i := range m {
		m[i] = v.Index(i).Float64()
	}
	return m
}

// maxStreamBytes bounds the decoded size of one content stream: a small
// compressed stream can inflate to gigabytes.
const maxStreamBytes = 32 << 20

// streamData reads and decodes a content stream (or an array of them,
// which form one stream). What could be read before an error is kept with
// the error: the glyphs before a corrupt byte are worth having.
func streamData(v pdf.Value) (data []byte, err error) {
	if v.Kind() == pdf.Array {
		for i := 0; i < v.Len() && i < 10_000; i++ {
			d, e := streamData(v.Index(i))
			data = append(data, d...)
			data = append(data, '\n')
			if e != nil && err == nil {
				err = e
			}
			if len(data) > maxStreamBytes {
				return data, limitError("content stream too large")
			}
		}
		return data, err
	}
	defer func() {
		if p := recover(); p != nil {
			if p == errAbandoned {
				panic(p)
			}
			err = panicError(p)
		}
	}()
	rc := v.Reader() // panics on a filter the library lacks
	defer rc.Close()
	data, err = io.ReadAll(io.LimitReader(rc, maxStreamBytes+1))
	if len(data) > maxStreamBytes {
		return data[:maxStreamBytes], limitError("content stream too large")
	}
	if err != nil {
		err = fmt.Errorf("reading content stream: %w", err)
	}
	return data, err
}

// run interprets the content stream data with resources res. ctm is the
// initial transformation; scope names the resources for the font cache.
// It returns the first error met reading a form XObject, which costs
// that form only.
func (in *interp) run(data []byte, res pdf.Value, ctm matrix, scope string, depth int) error {
	g := gstate{ctm: ctm, th: 1}
	var stack []gstate
	tm, tlm := identity, identity
	var cx, cy float64 // current point of the path, for separator rules
	var ferr error

	nextLine := func() {
		tlm = translate(0, -g.tl).mul(tlm)
		tm = tlm
		in.brk = true
	}
	lx := &lexer{b: data}
	var args []operand
	for {
		op, a, ok := lx.next(args)
		if !ok {
			return ferr
		}
		args = a
		if in.stop != nil && in.stop.Load() {
			panic(errAbandoned)
		}
		in.ops++
		if in.ops > maxOps {
			panic(limitError("content stream too long"))
		}
		switch op {
		case "q":
			if len(stack) < maxGStack {
				stack = append(stack, g)
			}
		case "Q":
			if n := len(stack); n > 0 {
				g = stack[n-1]
				stack = stack[:n-1]
			}
		case "cm":
			if m, ok := matArgs(args); ok {
				g.ctm = m.mul(g.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
			in.brk = true
		case "Tc":
			g.tc = num(args, 0)
		case "Tw":
			g.tw = num(args, 0)
		case "Tz":
			g.th = num(args, 0) / 100
		case "TL":
			g.tl = num(args, 0)
		case "Ts":
			g.trise = num(args, 0)
		case "Tf":
			if len(args) == 2 && args[0].kind == '/' {
				g.font = in.font(res, scope, args[0].str)
				g.tfs = args[1].float()
			}
		case "Td", "TD":
			if len(args) == 2 {
				if op == "TD" {
					g.tl = -args[1].float()
				}
				tlm = translate(args[0].float(), args[1].float()).mul(tlm)
				tm = tlm
			}
		case "Tm":
			if m, ok := matArgs(args); ok {
				tm, tlm = m, m
			}
		case "T*":
			nextLine()
		case "Tj", "'", "\"":
			if len(args) == 0 || args[len(args)-1].kind != 's' {
				continue
			}
			if op != "Tj" {
				if op == "\"" && len(args) == 3 {
					g.tw, g.tc = args[0].float(), args[1].float()
				}
				nextLine()
			}
			in.show(args[len(args)-1].str, &g, &tm)
		case "TJ":
			if len(args) == 0 || args[0].kind != '[' {
				continue
			}
			for _, v := range args[0].arr {
				switch v.kind {
				case 's':
					in.show(v.str, &g, &tm)
				case 'n':
					tm = translate(-v.num/1000*g.tfs*g.th, 0).mul(tm)
				}
			}
		case "re":
			if len(args) == 4 {
				x, y, w, h := args[0].float(), args[1].float(), args[2].float(), args[3].float()
				if math.Abs(h) <= 3 && math.Abs(w) >= 15 {
					in.addRule(g.ctm, x, y+h/2, x+w, y+h/2)
				}
			}
		case "m":
			cx, cy = num(args, 0), num(args, 1)
		case "l":
			x, y := num(args, 0), num(args, 1)
			in.addRule(g.ctm, cx, cy, x, y)
			cx, cy = x, y
		case "Do":
			if len(args) != 1 || args[0].kind != '/' || depth >= maxFormDepth || in.forms >= maxForms {
				continue
			}
			name := args[0].str
			xo := res.Key("XObject").Key(name)
			if xo.Kind() != pdf.Stream || xo.Key("Subtype").Name() != "Form" {
				continue
			}
			in.forms++
			fres := xo.Key("Resources")
			fscope := scope + "/" + name
			if fres.Kind() != pdf.Dict {
				fres, fscope = res, scope
			}
			fdata, err := streamData(xo)
			if e := in.run(fdata, fres, valueMatrix(xo.Key("Matrix")).mul(g.ctm), fscope, depth+1); err == nil {
				err = e
			}
			if err != nil && ferr == nil {
				ferr = fmt.Errorf("form %s: %w", name, err)
			}
		}
	}
}

// addRule keeps a horizontal segment long enough to be a separator.
func (in *interp) addRule(ctm matrix, x0, y0, x1, y1 float64) {
	if len(in.rules) >= maxRules {
		return
	}
	ax, ay := ctm.apply(x0, y0)
	bx, by := ctm.apply(x1, y1)
	if math.Abs(bx-ax) < 15 && math.Abs(by-ay) < 15 {
		return
	}
	in.rules = append(in.rules, rule{ax, ay, bx, by})
}

// show paints a string: one glyph per character code.
func (in *interp) show(s string, g *gstate, tm *matrix) {
	f := g.font
	if f == nil {
		f = in.fallback
	}
	f.codes(s, func(code int, raw string) {
		w0 := f.width(code)
		trm := matrix{g.tfs * g.th, 0, 0, g.tfs, 0, g.trise}.mul(*tm).mul(g.ctm)
		if txt := f.decode(code, raw); txt != "" {
			size := math.Hypot(trm[2], trm[3])
			if size >= 0.5 && size < 2000 {
				if len(in.glyphs) >= maxGlyphs {
					panic(limitError("too many glyphs"))
				}
				dir := int(math.Round(math.Atan2(trm[1], trm[0])/(math.Pi/2))) & 3
				in.glyphs = append(in.glyphs, glyph{
					s:     txt,
					x:     trm[4],
					y:     trm[5],
					w:     w0 * math.Hypot(trm[0], trm[1]),
					size:  size,
					font:  f,
					dir:   dir,
					space: isSpaceText(txt),
					brk:   in.brk,
				})
				in.brk = false
			}
		}
		adv := w0*g.tfs + g.tc
		if !f.twoByte && code == 32 {
			adv += g.tw
		}
		*tm = translate(adv*g.th, 0).mul(*tm)
	})
}
