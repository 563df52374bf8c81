package indexer

import (
	"context"
	"io"
	"regexp"
	"strings"
)

var (
	// one to six #, then text that does not start with another #
	mdHeadingRE = regexp.MustCompile(`^(#{1,6})([^#].*?)?\s*#*\s*$`)
	// link targets may hold balanced parentheses: .../(herzien)/1949/...
	mdLinkRE  = regexp.MustCompile(`\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)(?:\s+"[^"]*")?\)`)
	mdImageRE = regexp.MustCompile(`!\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)(?:\s+"[^"]*")?\)`)
	// <https://...>: a URL that is its own link text
	mdAutolinkRE = regexp.MustCompile(`<(https?://[^\s<>]+)>`)
	// emphasis opens before and closes after a non-space: "2 * 3 * 4" is
	// arithmetic
	mdEmphRE = regexp.MustCompile(`(\*\*|\*)([^*\s](?:[^*\n]*?[^*\s])?)(\*\*|\*)`)
	// an HTML tag starts with a letter (or /letter, or !--): "x < 5 and
	// y > 3" is prose
	htmlTagRE = regexp.MustCompile(`<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,500})?/?|!--[^>]{0,500}--)>`)
	// a backslash escapes ASCII punctuation: \* is a star, not emphasis
	mdEscapeRE = regexp.MustCompile(`\\([!-/:-@\[-` + "`" + `{-~])`)
)

// ExtractMarkdown reads a Markdown file line by line. It is deliberately
// lenient rather than CommonMark-exact: the treaty sources write headings
// without the space CommonMark requires ("##Verdrag ..."), mix in raw HTML
// and end lines with two spaces for breaks. Headings are marked, links keep
// their text in the line and their targets in [Line.Links], emphasis marks
// and HTML tags are dropped, blank lines separate blocks.
func ExtractMarkdown(ctx context.Context, r io.ReaderAt, size int64) (*Content, error) {
	s, err := readText(ctx, r, size)
	if err != nil {
		return nil, err
	}
	p := Page{Number: 1}
	inFence := false
	for _, raw := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(raw)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			continue
		}
		if !inFence {
			t = mdAutolinkRE.ReplaceAllString(t, "[$1]($1)")
			t = htmlTagRE.ReplaceAllString(t, "")
		}
		t = strings.TrimSpace(t)
		if t == "" {
			p.Lines = append(p.Lines, Line{Blank: true})
			continue
		}
		line := Line{}
		if m := mdHeadingRE.FindStringSubmatch(t); m != nil && !inFence {
			line.Heading, line.Block = true, true
			t = strings.TrimSpace(m[2])
		}
		t = strings.TrimPrefix(t, "> ")
		t = mdImageRE.ReplaceAllString(t, "$1") // an image is no citation: its alt text stays
		for _, m := range mdLinkRE.FindAllStringSubmatch(t, -1) {
			if m[2] != "" { // "[text]()" links nowhere
				line.Links = append(line.Links, Link{Text: cleanInline(m[1]), Target: m[2]})
			}
		}
		t = mdLinkRE.ReplaceAllString(t, "$1")
		t = cleanInline(t)
		if t == "" {
			continue
		}
		line.Text = t
		p.Lines = append(p.Lines, line)
	}
	p.Quality = Quality(p.Text())
	return &Content{Format: "md", Pages: []Page{p}}, nil
}

// cleanInline drops Markdown emphasis and backslash escapes and collapses
// spaces.
func cleanInline(s string) string {
	// escaped stars are set aside so that emphasis cannot take them
	const star = "\uE004"
	s = strings.ReplaceAll(s, star, "")
	s = strings.ReplaceAll(s, `\*`, star)
	for i := 0; i < 3; i++ {
		n := mdEmphRE.ReplaceAllString(s, "$2")
		if n == s {
			break
		}
		s = n
	}
	s = mdEscapeRE.ReplaceAllString(s, "$1")
	s = strings.ReplaceAll(s, star, "*")
	return strings.Join(strings.Fields(s), " ")
}
