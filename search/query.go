package search

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gbsearch/indexer"
)

// The query language. Researchers type
//
//	forced AND labour
//	(migrant OR domestic) AND workers NOT agriculture
//	"domestic workers" AND section:POL
//	GB.319/POL/2    gb 319 pol 2    A/RES/67/219    C.189    Convention No. 189
//	year:2012..2014    session:[310 TO 320]    migra*    recruitmnt~
//
// Grammar (AND binds tighter than OR; juxtaposition means AND):
//
//	query   = or
//	or      = and { "OR" and }
//	and     = unary { ["AND"] unary }        ("a NOT b" is "a AND NOT b")
//	unary   = ("NOT" | "-" | "+") unary | primary
//	primary = "(" or ")" | field ":" value | phrase | word
//	value   = phrase | range | word | "(" or ")"
//	range   = "[" word "TO" word "]" | word ".." word
//
// A malformed query is an error naming the problem and its position; it is
// never silently reinterpreted, unlike bleve's own query string, which
// takes AND, OR and parentheses as words.

// Node is a parsed query.
type Node interface{ node() }

// And requires all its children; Or any of them.
type (
	And struct{ Children []Node }
	Or  struct{ Children []Node }
	// Not excludes documents that match its child.
	Not struct{ Child Node }
	// Term is a word, optionally a prefix ("migra*"), a wildcard ("mig?ant")
	// or fuzzy ("recruitmnt~", "~2"), searched in Field or in the text.
	Term struct {
		Field    string
		Text     string
		Prefix   bool
		Wildcard bool
		Fuzzy    int
		Pos      int
	}
	// Phrase is a quoted run of words.
	Phrase struct {
		Field string
		Text  string
		Pos   int
	}
	// Range is a numeric range over session or year; a missing bound is open.
	Range struct {
		Field  string
		Lo, Hi *float64
		Pos    int
	}
	// Symbol is a document symbol recognised in the query, in any of the
	// forms people type; it matches the document itself first, then the
	// documents that cite it.
	Symbol struct {
		Raw       string
		Canonical string
		Kind      string
		Pos       int
	}
)

func (And) node()    {}
func (Or) node()     {}
func (Not) node()    {}
func (Term) node()   {}
func (Phrase) node() {}
func (Range) node()  {}
func (Symbol) node() {}

// Fields a query may scope a term to.
var queryFields = map[string]string{
	"symbol":  "the document symbol (exact; symbol:GB.319/* for a prefix)",
	"title":   "words of the title",
	"text":    "words of the text",
	"section": "GB section code: INS, POL, LILS, PFA, HL",
	"session": "GB session: 319, or a range [310 TO 320] or 310..320",
	"year":    "year of the document: 2013, or a range 2012..2014",
	"lang":    "language: en, fr, es (nl for the Dutch texts of the treaty sources)",
	"kind":    "gb-document, un-document, ilo-instrument, un-treaty, web-page, other",
	"author":  "author unit code: MIGRANT, WORKQUALITY",
	"outcome": "strategic outcome: \"Outcome 7\"",
	"cites":   "documents that cite this symbol or instrument: cites:C189",
	"citedby": "documents cited by this document: citedby:GB.319/POL/2",
}

// Limits on what one query may ask.
const (
	MaxQueryLength = 1000
	maxQueryNodes  = 64
	maxDepth       = 16
)

// ParseError is a malformed query: what is wrong and where (a 0-based
// character offset into the query).
type ParseError struct {
	Pos int
	Msg string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s (at character %d)", e.Msg, e.Pos) }

// Is makes every ParseError an ErrBadQuery.
func (e *ParseError) Is(target error) bool { return target == ErrBadQuery }

type tokKind int

const (
	tWord tokKind = iota
	tPhrase
	tLParen
	tRParen
	tAnd
	tOr
	tNot
	tPlus
	tMinus
	tField // word followed by ':' (text holds the field name)
	tLBracket
	tRBracket
	tTo
	tEOF
)

type token struct {
	kind tokKind
	text string
	pos  int // rune offset
	// fuzzy suffix on phrases is rejected; kept for the message
}

// lex splits a query into tokens. Positions are in characters.
func lex(q string) ([]token, error) {
	var toks []token
	rs := []rune(q)
	i := 0
	atStart := func() bool { return i == 0 || unicode.IsSpace(rs[i-1]) || rs[i-1] == '(' }
	for i < len(rs) {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			toks = append(toks, token{tLParen, "(", i})
			i++
		case r == ')':
			toks = append(toks, token{tRParen, ")", i})
			i++
		case r == '[':
			toks = append(toks, token{tLBracket, "[", i})
			i++
		case r == ']':
			toks = append(toks, token{tRBracket, "]", i})
			i++
		case r == '"' || r == '“' || r == '”':
			start := i
			i++
			var b strings.Builder
			for i < len(rs) && rs[i] != '"' && rs[i] != '”' && rs[i] != '“' {
				b.WriteRune(rs[i])
				i++
			}
			if i >= len(rs) {
				return nil, &ParseError{start, "unterminated phrase: a quote is not closed"}
			}
			i++
			if i < len(rs) && rs[i] == '~' {
				return nil, &ParseError{i, `proximity search ("…"~N) is not supported; combine the words with AND instead`}
			}
			toks = append(toks, token{tPhrase, b.String(), start})
		case (r == '+' || r == '-') && atStart() && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]):
			if r == '+' {
				toks = append(toks, token{tPlus, "+", i})
			} else {
				toks = append(toks, token{tMinus, "-", i})
			}
			i++
		default:
			start := i
			var b strings.Builder
			for i < len(rs) && !unicode.IsSpace(rs[i]) && !strings.ContainsRune(`()"“”[]`, rs[i]) {
				// a field name ends at ':' (but "http://" does not make a field)
				if rs[i] == ':' && b.Len() > 0 {
					name := strings.ToLower(b.String())
					if _, ok := queryFields[name]; ok {
						break
					}
				}
				b.WriteRune(rs[i])
				i++
			}
			// parentheses inside a symbol: GB.316/PV(&Corr.), GB.350/POL/3(Rev.1)
			for i < len(rs) && rs[i] == '(' && strings.Contains(b.String(), "/") {
				j := i
				for j < len(rs) && rs[j] != ')' && !unicode.IsSpace(rs[j]) {
					j++
				}
				if j >= len(rs) || rs[j] != ')' {
					break
				}
				inner := strings.ToLower(string(rs[i+1 : j]))
				if !strings.Contains(inner, "rev") && !strings.Contains(inner, "add") && !strings.Contains(inner, "corr") {
					break
				}
				b.WriteString(string(rs[i : j+1]))
				i = j + 1
			}
			w := b.String()
			if name, _, ok := strings.Cut(w, ":"); ok && fieldLike(name) {
				return nil, &ParseError{start, fmt.Sprintf("unknown field %q; fields are %s", name, fieldList())}
			}
			if i < len(rs) && rs[i] == ':' {
				name := strings.ToLower(w)
				if _, ok := queryFields[name]; !ok {
					return nil, &ParseError{start, fmt.Sprintf("unknown field %q; fields are %s", w, fieldList())}
				}
				toks = append(toks, token{tField, name, start})
				i++
				continue
			}
			switch w {
			case "AND", "&&":
				toks = append(toks, token{tAnd, w, start})
			case "OR", "||":
				toks = append(toks, token{tOr, w, start})
			case "NOT":
				toks = append(toks, token{tNot, w, start})
			case "TO":
				toks = append(toks, token{tTo, w, start})
			default:
				toks = append(toks, token{tWord, w, start})
			}
		}
	}
	return append(toks, token{tEOF, "", len(rs)}), nil
}

// fieldLike tells a mistyped field name ("colour:red") from a URL scheme or
// a symbol that happens to hold a colon.
func fieldLike(name string) bool {
	if name == "" || len(name) > 20 {
		return false
	}
	switch strings.ToLower(name) {
	case "http", "https", "ftp", "mailto", "urn", "doi", "file":
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && r != '_' {
			return false
		}
	}
	return true
}

func fieldList() string {
	names := make([]string, 0, len(queryFields))
	for k := range queryFields {
		names = append(names, k)
	}
	sortStrings(names)
	return strings.Join(names, ", ")
}

type parser struct {
	toks  []token
	i     int
	nodes int
	depth int
}

// ParseQuery parses a query in the gbsearch query language. An empty query
// returns (nil, nil): match everything (with the request's filters).
func ParseQuery(q string) (Node, error) {
	if utf8.RuneCountInString(q) > MaxQueryLength {
		return nil, &ParseError{MaxQueryLength, fmt.Sprintf("query is longer than %d characters", MaxQueryLength)}
	}
	if strings.TrimSpace(q) == "" {
		return nil, nil
	}
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	toks = mergeSymbols(toks)
	p := &parser{toks: toks}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return nil, &ParseError{t.pos, "unbalanced parentheses: ')' without '('"}
		}
		return nil, &ParseError{t.pos, fmt.Sprintf("unexpected %q", t.text)}
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) count(pos int) error {
	p.nodes++
	if p.nodes > maxQueryNodes {
		return &ParseError{pos, fmt.Sprintf("query has more than %d terms and operators", maxQueryNodes)}
	}
	return nil
}

func (p *parser) parseOr() (Node, error) {
	first, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	children := []Node{first}
	for p.peek().kind == tOr {
		op := p.next()
		if k := p.peek().kind; k == tEOF || k == tRParen || k == tOr || k == tAnd {
			return nil, &ParseError{op.pos, "OR needs something on its right"}
		}
		n, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		children = append(children, n)
	}
	if len(children) == 1 {
		return first, nil
	}
	return Or{children}, nil
}

func (p *parser) parseAnd() (Node, error) {
	if t := p.peek(); t.kind == tAnd || t.kind == tOr {
		return nil, &ParseError{t.pos, t.text + " needs something on its left"}
	}
	first, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	children := []Node{first}
	for {
		t := p.peek()
		switch t.kind {
		case tEOF, tRParen, tOr, tRBracket:
			if len(children) == 1 {
				return first, nil
			}
			return And{children}, nil
		case tAnd:
			p.next()
			if k := p.peek().kind; k == tEOF || k == tRParen || k == tOr || k == tAnd {
				return nil, &ParseError{t.pos, "AND needs something on its right"}
			}
		}
		n, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		children = append(children, n)
	}
}

func (p *parser) parseUnary() (Node, error) {
	t := p.peek()
	switch t.kind {
	case tNot, tMinus:
		p.next()
		if k := p.peek().kind; k == tEOF || k == tRParen || k == tAnd || k == tOr {
			return nil, &ParseError{t.pos, t.text + " needs something to exclude"}
		}
		child, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		if err := p.count(t.pos); err != nil {
			return nil, err
		}
		return Not{child}, nil
	case tPlus:
		p.next()
		return p.parseUnary()
	}
	return p.parsePrimary("")
}

func (p *parser) parsePrimary(field string) (Node, error) {
	t := p.next()
	if err := p.count(t.pos); err != nil {
		return nil, err
	}
	switch t.kind {
	case tLParen:
		p.depth++
		if p.depth > maxDepth {
			return nil, &ParseError{t.pos, fmt.Sprintf("parentheses nested deeper than %d", maxDepth)}
		}
		if p.peek().kind == tRParen {
			return nil, &ParseError{t.pos, "empty parentheses"}
		}
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.peek().kind != tRParen {
			return nil, &ParseError{t.pos, "unbalanced parentheses: '(' is never closed"}
		}
		p.next()
		p.depth--
		if field != "" {
			return scopeField(n, field), nil
		}
		return n, nil
	case tField:
		if field != "" {
			return nil, &ParseError{t.pos, "a field inside a field"}
		}
		v := p.peek()
		switch v.kind {
		case tEOF, tRParen, tAnd, tOr:
			return nil, &ParseError{t.pos, fmt.Sprintf("field %s: needs a value", t.text)}
		case tLBracket:
			return p.parseBracketRange(t.text, t.pos)
		}
		return p.parsePrimary(t.text)
	case tPhrase:
		if strings.TrimSpace(t.text) == "" {
			return nil, &ParseError{t.pos, "empty phrase"}
		}
		if field != "" && !textField(field) {
			return fieldValue(field, t.text, t.pos)
		}
		return Phrase{Field: field, Text: t.text, Pos: t.pos}, nil
	case tWord:
		return wordNode(field, t)
	case tSymbolTok:
		if field != "" && !textField(field) {
			return fieldValue(field, t.text, t.pos)
		}
		sym, _ := indexer.ParseSymbol(t.text)
		return Symbol{Raw: t.text, Canonical: sym.Canonical, Kind: sym.Kind, Pos: t.pos}, nil
	case tRParen:
		return nil, &ParseError{t.pos, "unbalanced parentheses: ')' without '('"}
	case tEOF:
		return nil, &ParseError{t.pos, "query ends too early"}
	case tLBracket, tRBracket, tTo:
		return nil, &ParseError{t.pos, fmt.Sprintf("%q outside a range (ranges are field:[a TO b])", t.text)}
	}
	return nil, &ParseError{t.pos, fmt.Sprintf("unexpected %q", t.text)}
}

func textField(f string) bool { return f == "title" || f == "text" }

// scopeField applies a field to every term of a parenthesised group:
// title:(migration OR mobility).
func scopeField(n Node, field string) Node {
	switch x := n.(type) {
	case And:
		for i := range x.Children {
			x.Children[i] = scopeField(x.Children[i], field)
		}
		return x
	case Or:
		for i := range x.Children {
			x.Children[i] = scopeField(x.Children[i], field)
		}
		return x
	case Not:
		return Not{scopeField(x.Child, field)}
	case Term:
		if x.Field == "" {
			x.Field = field
		}
		return x
	case Phrase:
		if x.Field == "" {
			x.Field = field
		}
		return x
	}
	return n
}

func wordNode(field string, t token) (Node, error) {
	w := t.text
	if field != "" && !textField(field) {
		if strings.Contains(w, "..") && (field == "year" || field == "session") {
			lo, hi, _ := strings.Cut(w, "..")
			return makeRange(field, lo, hi, t.pos)
		}
		if strings.HasSuffix(w, "*") && field == "symbol" {
			return Term{Field: field, Text: strings.TrimSuffix(w, "*"), Prefix: true, Pos: t.pos}, nil
		}
		return fieldValue(field, w, t.pos)
	}
	n := Term{Field: field, Text: w, Pos: t.pos}
	if i := strings.LastIndexByte(w, '~'); i > 0 {
		n.Text = w[:i]
		n.Fuzzy = 1
		if d := w[i+1:]; d != "" {
			f, err := strconv.Atoi(d)
			if err != nil || f < 0 {
				return nil, &ParseError{t.pos + i, fmt.Sprintf("fuzzy term %q: ~ takes an edit distance of 1 or 2", w)}
			}
			if f > 2 {
				return nil, &ParseError{t.pos + i, fmt.Sprintf("fuzzy term %q: edit distance %d is more than 2", w, f)}
			}
			n.Fuzzy = f
		}
	}
	if strings.HasSuffix(n.Text, "*") && !strings.ContainsAny(strings.TrimSuffix(n.Text, "*"), "*?") {
		n.Text = strings.TrimSuffix(n.Text, "*")
		n.Prefix = true
		if utf8.RuneCountInString(n.Text) < 2 {
			return nil, &ParseError{t.pos, fmt.Sprintf("prefix %q is too short: give at least 2 letters before *", w)}
		}
	} else if strings.ContainsAny(n.Text, "*?") {
		n.Wildcard = true
		if utf8.RuneCountInString(strings.NewReplacer("*", "", "?", "").Replace(n.Text)) < 2 {
			return nil, &ParseError{t.pos, fmt.Sprintf("wildcard %q is too broad: give at least 2 letters", w)}
		}
	}
	if n.Fuzzy > 0 && (n.Prefix || n.Wildcard) {
		return nil, &ParseError{t.pos, fmt.Sprintf("%q: a term cannot be both fuzzy and a prefix or wildcard", w)}
	}
	if n.Text == "" {
		return nil, &ParseError{t.pos, fmt.Sprintf("%q has no word in it", w)}
	}
	return n, nil
}

// fieldValue builds the node for a keyword field's value.
func fieldValue(field, v string, pos int) (Node, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, &ParseError{pos, fmt.Sprintf("field %s: needs a value", field)}
	}
	switch field {
	case "year", "session":
		if strings.HasPrefix(v, ">=") || strings.HasPrefix(v, "<=") || strings.HasPrefix(v, ">") || strings.HasPrefix(v, "<") {
			op := strings.TrimRight(v[:2], "0123456789")
			num := strings.TrimPrefix(v, op)
			switch op {
			case ">=", ">":
				if op == ">" {
					return makeRangeExclusive(field, num, "", pos, true)
				}
				return makeRange(field, num, "", pos)
			default:
				if op == "<" {
					return makeRangeExclusive(field, "", num, pos, false)
				}
				return makeRange(field, "", num, pos)
			}
		}
		if field == "year" {
			if _, err := strconv.Atoi(v); err != nil || len(v) != 4 {
				return nil, &ParseError{pos, fmt.Sprintf("year:%s is not a year (write year:2013 or year:2012..2014)", v)}
			}
		} else if _, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(v), "bis")); err != nil {
			return nil, &ParseError{pos, fmt.Sprintf("session:%s is not a session number (write session:319 or session:[310 TO 320])", v)}
		}
	}
	return Term{Field: field, Text: v, Pos: pos}, nil
}

func (p *parser) parseBracketRange(field string, pos int) (Node, error) {
	if field != "year" && field != "session" {
		return nil, &ParseError{pos, fmt.Sprintf("field %s does not take a range (only year and session do)", field)}
	}
	open := p.next()
	lo := p.next()
	if lo.kind != tWord {
		return nil, &ParseError{open.pos, "range: expected [from TO to]"}
	}
	if to := p.next(); to.kind != tTo {
		return nil, &ParseError{to.pos, "range: expected TO between the bounds"}
	}
	hi := p.next()
	if hi.kind != tWord {
		return nil, &ParseError{hi.pos, "range: expected [from TO to]"}
	}
	if cl := p.next(); cl.kind != tRBracket {
		return nil, &ParseError{cl.pos, "range: ']' expected"}
	}
	l, h := lo.text, hi.text
	if l == "*" {
		l = ""
	}
	if h == "*" {
		h = ""
	}
	return makeRange(field, l, h, pos)
}

func makeRange(field, lo, hi string, pos int) (Node, error) {
	r := Range{Field: field, Pos: pos}
	for i, s := range []string{lo, hi} {
		if s == "" {
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, &ParseError{pos, fmt.Sprintf("range bound %q of %s is not a number", s, field)}
		}
		if i == 0 {
			r.Lo = &f
		} else {
			r.Hi = &f
		}
	}
	if r.Lo == nil && r.Hi == nil {
		return nil, &ParseError{pos, "range needs at least one bound"}
	}
	if r.Lo != nil && r.Hi != nil && *r.Lo > *r.Hi {
		return nil, &ParseError{pos, fmt.Sprintf("range %s..%s is empty: the lower bound is above the upper", lo, hi)}
	}
	return r, nil
}

func makeRangeExclusive(field, lo, hi string, pos int, lower bool) (Node, error) {
	n, err := makeRange(field, lo, hi, pos)
	if err != nil {
		return nil, err
	}
	r := n.(Range)
	if lower {
		v := *r.Lo + 1
		r.Lo = &v
	} else {
		v := *r.Hi - 1
		r.Hi = &v
	}
	return r, nil
}

// tSymbolTok is a word (or run of words) recognised as a document symbol.
const tSymbolTok tokKind = 100

// mergeSymbols recognises document symbols among the words: a single word
// ("GB.319/POL/2", "A/68/L.5", "C.189", "C189") or a run of words ("gb 319
// pol 2", "Convention No. 189", "319 POL 2"). Field values are left alone
// (the field decides), as are words with wildcards.
func mergeSymbols(toks []token) []token {
	var out []token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tWord || (i > 0 && toks[i-1].kind == tField) || strings.ContainsAny(t.text, "*?~") {
			out = append(out, t)
			continue
		}
		merged := false
		for n := min(5, len(toks)-i); n >= 1; n-- {
			words := make([]string, 0, n)
			ok := true
			for k := 0; k < n; k++ {
				if toks[i+k].kind != tWord {
					ok = false
					break
				}
				words = append(words, toks[i+k].text)
			}
			if !ok {
				continue
			}
			raw := strings.Join(words, " ")
			if isQuerySymbol(raw, n) {
				out = append(out, token{tSymbolTok, raw, t.pos})
				i += n - 1
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, t)
		}
	}
	return out
}

// knownSections are the GB section codes a symbol typed without "GB" or
// slashes must use, so that "319 migrant workers" stays three words.
var knownSections = map[string]bool{"INS": true, "POL": true, "LILS": true, "PFA": true, "HL": true, "MNE": true, "PV": true, "AGENDA": true}

func isQuerySymbol(raw string, words int) bool {
	sym, err := indexer.ParseSymbol(raw)
	if err != nil {
		return false
	}
	lower := strings.ToLower(raw)
	switch sym.Kind {
	case indexer.RefGB:
		if strings.HasPrefix(lower, "gb") || strings.Contains(raw, "/") {
			return words == 1 || strings.HasPrefix(lower, "gb") || knownSections[strings.ToUpper(sym.Section)]
		}
		return knownSections[strings.ToUpper(sym.Section)]
	case indexer.RefILOInstrument:
		// "C189", "C.189", "R188", or "Convention No. 189"; not a bare "C 5"
		return words == 1 && len(raw) >= 3 || strings.Contains(lower, "no")
	case indexer.RefUN:
		return words == 1
	}
	return false
}

// Syntax documents the query language for the /api/v1/syntax endpoint and
// the web page's help.
type Syntax struct {
	Summary  string            `json:"summary"`
	Grammar  string            `json:"grammar"`
	Fields   map[string]string `json:"fields"`
	Examples []SyntaxExample   `json:"examples"`
	Limits   map[string]int    `json:"limits"`
	Notes    []string          `json:"notes"`
}

// SyntaxExample is a query with what it finds.
type SyntaxExample struct {
	Query   string `json:"query"`
	Meaning string `json:"meaning"`
}

// SyntaxHelp returns the documentation of the query language.
func SyntaxHelp() Syntax {
	return Syntax{
		Summary: "Words are ANDed; AND, OR, NOT (or +/-) and parentheses combine them; quotes make phrases; field:value scopes a term; symbols are recognised as typed.",
		Grammar: `query = or;  or = and {"OR" and};  and = unary {["AND"] unary};  unary = ("NOT"|"-"|"+") unary | primary;  primary = "(" or ")" | field ":" value | "phrase" | word;  value = "phrase" | word | range | "(" or ")";  range = "[" from "TO" to "]" | from ".." to | ">=" n | "<=" n`,
		Fields:  queryFields,
		Examples: []SyntaxExample{
			{"forced AND labour", "documents with both words (the same as: forced labour)"},
			{"(migrant OR domestic) AND workers NOT agriculture", "either word, and workers, but not agriculture"},
			{`"domestic workers" AND section:POL`, "the phrase, in documents of the Policy Development Section"},
			{"GB.319/POL/2", "that document first (also: gb 319 pol 2, 319/POL/2), then documents citing it"},
			{"C189", "the Domestic Workers Convention (also: C.189, Convention No. 189), then documents citing it"},
			{"A/RES/67/219", "a UN document: itself if indexed, and the footnotes that cite it"},
			{"cites:C181", "documents that cite the Private Employment Agencies Convention"},
			{"citedby:GB.319/POL/2", "the documents GB.319/POL/2 cites"},
			{"year:2012..2014 migration", "migration in documents of 2012 to 2014"},
			{"session:[310 TO 320]", "documents of the 310th to 320th sessions"},
			{"migra*", "words starting with migra"},
			{"recruitmnt~", "words within one edit of recruitmnt (~2: two edits); never applied to numbers"},
			{"lang:fr travailleurs", "French documents; the word is analysed as French"},
		},
		Limits: map[string]int{"query_characters": MaxQueryLength, "terms_and_operators": maxQueryNodes, "nesting_depth": maxDepth, "expansion_terms": maxClauses},
		Notes: []string{
			"A malformed query is answered with HTTP 400 and the position of the problem; it is never reinterpreted.",
			`Proximity ("a b"~3) is not supported.`,
			"Common words (the, of, and) are not indexed and are ignored inside AND.",
			"Fuzzy matching never applies to numbers: GB.319/POL/3 is never taken for GB.319/POL/2.",
		},
	}
}
