package indexer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// ExtractHTML reads a web page: the text of its block elements in order,
// headings marked, links kept, scripts, styles, navigation and forms
// dropped. The page title becomes the first heading line. It uses
// golang.org/x/net/html, the HTML5 parsing algorithm browsers use, because
// real pages are rarely well-formed and a hand-written tag scanner gets
// them wrong.
func ExtractHTML(ctx context.Context, r io.ReaderAt, size int64) (*Content, error) {
	b, err := readAllAt(r, size, maxTextFile)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	root, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		// e.g. elements nested more than 512 deep
		return nil, fmt.Errorf("%w: html: %w", ErrExtract, err)
	}
	p := Page{Number: 1}
	var cur strings.Builder
	var curLinks []Link
	headings := 0 // h1-h6 elements open: text read now is heading text
	flush := func() {
		t := strings.Join(strings.Fields(cur.String()), " ")
		if t != "" {
			p.Lines = append(p.Lines, Line{Text: t, Block: true, Heading: headings > 0, Links: curLinks})
		}
		cur.Reset()
		curLinks = nil
	}
	skip := map[string]bool{"script": true, "style": true, "noscript": true, "nav": true, "form": true, "template": true, "svg": true, "head": true, "title": true}
	blockTags := map[string]bool{"p": true, "div": true, "li": true, "td": true, "th": true, "tr": true, "section": true, "article": true,
		"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true, "br": true, "dd": true, "dt": true, "table": true, "ul": true, "ol": true}
	// Inline elements do not separate words: <b>Dom</b>estic is one word.
	// Any other element does, even one that starts no block of its own.
	inline := map[string]bool{"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true, "data": true,
		"dfn": true, "em": true, "font": true, "i": true, "ins": true, "kbd": true, "mark": true, "q": true, "s": true, "samp": true,
		"small": true, "span": true, "strong": true, "sub": true, "sup": true, "time": true, "u": true, "var": true, "wbr": true}
	isHeading := func(n *html.Node) bool {
		return n.Type == html.ElementNode && len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6'
	}
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > 500 {
			return
		}
		if n.Type == html.ElementNode {
			if skip[n.Data] {
				return
			}
			if blockTags[n.Data] {
				flush()
			} else if !inline[n.Data] {
				cur.WriteString(" ")
			}
			if isHeading(n) {
				headings++
			}
		}
		if n.Type == html.TextNode {
			cur.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
		if n.Type == html.ElementNode {
			if !blockTags[n.Data] && !inline[n.Data] {
				cur.WriteString(" ")
			}
			if n.Data == "a" {
				for _, a := range n.Attr {
					if a.Key == "href" && a.Val != "" && !strings.HasPrefix(a.Val, "#") && !strings.HasPrefix(a.Val, "javascript:") {
						curLinks = append(curLinks, Link{Text: strings.Join(strings.Fields(textOf(n)), " "), Target: a.Val})
					}
				}
			}
			if blockTags[n.Data] {
				flush()
			}
			if isHeading(n) {
				headings--
			}
		}
	}
	walk(root, 0)
	flush()
	if title := strings.Join(strings.Fields(titleOf(root)), " "); title != "" {
		p.Lines = append([]Line{{Text: title, Heading: true, Block: true}}, p.Lines...)
	}
	p.Quality = Quality(p.Text())
	return &Content{Format: "html", Pages: []Page{p}}, nil
}

// titleOf returns the text of the page's first <title> (the head's), or "".
func titleOf(n *html.Node) string {
	if n.Type == html.ElementNode && n.Data == "title" {
		return textOf(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if t := titleOf(c); t != "" {
			return t
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
