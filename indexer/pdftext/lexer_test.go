package pdftext

import (
	"fmt"
	"strings"
	"testing"
)

// ops lexes a content stream into "op(operands)" strings.
func ops(src string) string {
	lx := &lexer{b: []byte(src)}
	var out []string
	var args []operand
	for {
		op, a, ok := lx.next(args)
		if !ok {
			return strings.Join(out, " ")
		}
		args = a
		out = append(out, op+"("+fmtOperands(a)+")")
	}
}

func fmtOperands(a []operand) string {
	var parts []string
	for _, o := range a {
		switch o.kind {
		case 'n':
			parts = append(parts, fmt.Sprint(o.num))
		case 's':
			parts = append(parts, fmt.Sprintf("%q", o.str))
		case '/':
			parts = append(parts, "/"+o.str)
		case '[':
			parts = append(parts, "["+fmtOperands(o.arr)+"]")
		default:
			parts = append(parts, string(o.kind))
		}
	}
	return strings.Join(parts, ",")
}

func TestLexer(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"BT /F1 12 Tf 72 700 Td (Hi) Tj ET", `BT() Tf(/F1,12) Td(72,700) Tj("Hi") ET()`},
		{`(a\(b\)c\\d\101\n) Tj`, `Tj("a(b)c\\dA\n")`},
		{"(nested (parens) ok) Tj", `Tj("nested (parens) ok")`},
		{"<48 65 6C6C 6f7> Tj", `Tj("Hellop")`}, // an odd digit counts as d0
		{"[(A) -120.5 (B)] TJ", `TJ(["A",-120.5,"B"])`},
		{"/Na#6De 1 .5 -.5 +2 x", `x(/Name,1,0.5,-0.5,2)`},
		{"% comment\nq 1 0 0 1 0 0 cm Q", `q() cm(1,0,0,1,0,0) Q()`},
		{"/P << /MCID 0 /Nested << /A [1 2] >> >> BDC EMC", `BDC(/P,d) EMC()`},
		{"BI /W 1 /H 1 ID \x01EI)\xffEIx EI\n(after) Tj", `Tj("after")`},
		{") ] > } (ok) Tj", `Tj("ok")`},
		{"[(unterminated) Tj", `Tj(["unterminated"])`},
		{"(unterminated", ``},
	} {
		if got := ops(tc.src); got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}
