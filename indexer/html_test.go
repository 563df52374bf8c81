package indexer_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"gbsearch/indexer"
)

func TestExtractHTML(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []mdLine
	}{
		{"title first, from the head",
			`<!DOCTYPE html><html><head><title> Domestic  workers </title><meta charset="utf-8"></head><body><p>Body text.</p></body></html>`,
			[]mdLine{{Text: "Domestic workers", Heading: true}, {Text: "Body text."}}},
		{"scripts, styles, navigation and forms dropped",
			`<html><head><style>p{color:red}</style><script>var secret = 1;</script></head><body><nav><a href="/">Home</a></nav>` +
				`<script>document.write("injected")</script><p>Kept.</p><form><input value="x">Search</form><noscript>Enable JS</noscript>` +
				`<template>tpl</template><svg><text>svg text</text></svg></body></html>`,
			[]mdLine{{Text: "Kept."}}},
		{"escaped script in text stays text",
			`<p>Write &lt;script&gt;alert(1)&lt;/script&gt; to test.</p>`,
			[]mdLine{{Text: "Write <script>alert(1)</script> to test."}}},
		{"headings marked, across a line break",
			`<h1>Forced <br> labour</h1><h2></h2><p>after an empty heading</p><h3>Sub <em>heading</em></h3>`,
			[]mdLine{{Text: "Forced", Heading: true}, {Text: "labour", Heading: true}, {Text: "after an empty heading"}, {Text: "Sub heading", Heading: true}}},
		{"links kept, anchors and javascript dropped",
			`<p>See <a href="https://www.ilo.org/x">the <b>report</b></a>, <a href="#fn1">1</a> and <a href="javascript:void(0)">more</a>.</p>`,
			[]mdLine{{Text: "See the report, 1 and more.", Links: []indexer.Link{{Text: "the report", Target: "https://www.ilo.org/x"}}}}},
		{"inline markup does not split words",
			`<p><b>Dom</b>estic workers<sup>1</sup> and <span>ILO</span><i>’s</i> view</p>`,
			[]mdLine{{Text: "Domestic workers1 and ILO’s view"}}},
		{"other elements separate words",
			`<header>Title</header><main>Body<label>label</label></main><footer>Foot</footer>`,
			[]mdLine{{Text: "Title Body label Foot"}}},
		{"lists and tables are blocks",
			`<ul><li>one<li>two</ul><table><tr><td>c1<td>c2</table>`,
			[]mdLine{{Text: "one"}, {Text: "two"}, {Text: "c1"}, {Text: "c2"}}},
		{"a title in the body is not a second title",
			`<html><head><title>First</title></head><body><p>x</p><title>Second</title></body></html>`,
			[]mdLine{{Text: "First", Heading: true}, {Text: "x"}}},
		{"unclosed tags and stray text", `<p>one<p>two<div>three`,
			[]mdLine{{Text: "one"}, {Text: "two"}, {Text: "three"}}},
		{"empty page", ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := indexer.ExtractHTML(t.Context(), strings.NewReader(tt.in), int64(len(tt.in)))
			if err != nil {
				t.Fatal(err)
			}
			if c.Format != "html" || len(c.Pages) != 1 {
				t.Fatalf("format %q, %d pages", c.Format, len(c.Pages))
			}
			if diff := cmp.Diff(tt.want, lines(c), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractHTMLErrors(t *testing.T) {
	deep := "<p>" + strings.Repeat("<span>", 1000) + "deep"
	if _, err := indexer.ExtractHTML(t.Context(), strings.NewReader(deep), int64(len(deep))); !errors.Is(err, indexer.ErrExtract) {
		t.Errorf("1000 nested elements: err = %v, want ErrExtract", err)
	}
}

// FuzzExtractHTML: no panic, and every line is clean text with real links.
func FuzzExtractHTML(f *testing.F) {
	for _, s := range []string{
		`<!DOCTYPE html><html><head><title>T</title><script>x</script></head><body><h1>H<br>2</h1><p><b>a</b>b <a href="u">l</a></p></body></html>`,
		`<p>&lt;script&gt;<table><tr><td>c<svg><title>s</title></svg>`,
		"<div>" + strings.Repeat("<b>", 520),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := indexer.ExtractHTML(t.Context(), strings.NewReader(string(b)), int64(len(b)))
		if err != nil {
			if !errors.Is(err, indexer.ErrExtract) {
				t.Fatalf("error %v does not wrap ErrExtract", err)
			}
			return
		}
		checkMarkdownContent(t, c)
		for i, l := range c.Pages[0].Lines {
			if !l.Block {
				t.Fatalf("line %d %q is not a block", i, l.Text)
			}
			for _, k := range l.Links {
				if strings.HasPrefix(k.Target, "#") || strings.HasPrefix(k.Target, "javascript:") {
					t.Fatalf("link to %q kept", k.Target)
				}
			}
		}
	})
}
