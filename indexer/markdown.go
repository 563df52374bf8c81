package indexer

import (
	"context"
	"io"
	"regexp"
	"strings"
)

var (
	mdHeadingRE = regexp.MustCompile(`^(#{1,6})\s*(.*?)\s*#*\s*$`)
	// link targets may hold balanced parentheses: .../(herzien)/1949/...
	mdLinkRE  = regexp.MustCompile(`\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)(?:\s+"[^"]*")?\)`)
	mdEmphRE  = regexp.MustCompile(`(\*\*|\*)([^*\n]+?)(\*\*|\*)`)
	htmlTagRE = regexp.MustCompile(`<[^>]{0,500}>`)
)

// ExtractMarkdown reads a Markdown file line by line. It is deliberately
// lenient rather than CommonMark-exact: the treaty sources write headings
// without the space CommonMark requires ("##Verdrag ..."), mix in raw HTML
// and end lines with two spaces for breaks. Headings are marked, links keep
// their text in the line and their targets in [Line.Links], emphasis marks
// and HTML tags are dropped, blank lines separate blocks.
func ExtractMarkdown(ctx context.Context, r io.ReaderAt, size int64) (*Content, error) {
	b, err := readAllAt(r, size, maxTextFile)
	if err != nil {
		return nil, err
	}
	s, err := decodeText(b)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := Page{Number: 1}
	var all strings.Builder
	inFence := false
	for _, raw := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(raw)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			continue
		}
		if !inFence {
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
			t = m[2]
		}
		t = strings.TrimPrefix(t, "> ")
		for _, m := range mdLinkRE.FindAllStringSubmatch(t, -1) {
			line.Links = append(line.Links, Link{Text: cleanInline(m[1]), Target: m[2]})
		}
		t = mdLinkRE.ReplaceAllString(t, "$1")
		t = cleanInline(t)
		if t == "" {
			continue
		}
		line.Text = t
		p.Lines = append(p.Lines, line)
		all.WriteString(t + "\n")
	}
	p.Quality = Quality(all.String())
	return &Content{Format: "md", Pages: []Page{p}}, nil
}

// cleanInline drops Markdown emphasis and collapses spaces.
func cleanInline(s string) string {
	for i := 0; i < 3; i++ {
		n := mdEmphRE.ReplaceAllString(s, "$2")
		if n == s {
			break
		}
		s = n
	}
	s = strings.ReplaceAll(s, `\*`, "*")
	return strings.Join(strings.Fields(s), " ")
}
