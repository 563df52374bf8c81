package server

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// checkNoActiveContent parses a page as a browser would and fails on any
// script that is not ours, any on* event attribute and any javascript:
// URL: what text from a document could smuggle in if it were ever
// rendered unescaped. It returns the page's text, for further checks.
func checkNoActiveContent(t *testing.T, what, page string) string {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	var text strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return text.String()
		case html.TextToken:
			text.Write(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("%s: <%s> has an event attribute %s=%q", what, tok.Data, a.Key, a.Val)
				}
				if (a.Key == "href" || a.Key == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					t.Errorf("%s: <%s %s=%q>", what, tok.Data, a.Key, a.Val)
				}
			}
			switch tok.Data {
			case "script":
				src := ""
				for _, a := range tok.Attr {
					if a.Key == "src" {
						src = a.Val
					}
				}
				if !strings.HasPrefix(src, "/static/app.js") {
					t.Errorf("%s: a script that is not ours: %v", what, tok)
				}
			case "img", "iframe", "object", "embed":
				t.Errorf("%s: unexpected <%s>: %v", what, tok.Data, tok)
			}
		}
	}
}

func TestSearchPageEscapesEverything(t *testing.T) {
	ts, _, _ := newTestServer(t)
	code, h, body := get(t, ts.URL+"/?q=domestic+workers")
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	text := checkNoActiveContent(t, "search page", body)
	// the markup of the document is there, as text
	contains(t, "search page text", text, evilScript, "GB.350/INS/9", "C189")
	// highlights are real <mark> elements, and the text around them escaped
	contains(t, "search page", body, "<mark>", "&lt;script&gt;")
	// facets: counts and links that add the value to the URL
	contains(t, "search page", body, `data-facet="kind" data-value="gb-document"`, `href="/?kind=gb-document&amp;q=domestic&#43;workers"`)
	// a paragraph passage links to its place; its footnote is shown under it
	contains(t, "search page", body, `href="/documents/GB.350/INS/9#para-1"`, `href="/documents/GB.350/INS/9#fn-1"`)
}

func TestSearchPageFacetsAndPaging(t *testing.T) {
	ts, _, _ := newTestServer(t)
	_, _, body := get(t, ts.URL+"/?q=domestic&kind=gb-document&kind=ilo-instrument&sort=date")
	// both selected values are marked, each links to the search without it
	contains(t, "selected facets", body,
		`class="facet-value selected" data-facet="kind" data-value="gb-document" aria-current="true"`,
		`class="facet-value selected" data-facet="kind" data-value="ilo-instrument" aria-current="true"`,
		`href="/?kind=ilo-instrument&amp;q=domestic&amp;sort=date"`,
		`id="clear-filters" href="/?q=domestic&amp;sort=date"`,
		// the filters ride along when the form is submitted
		`<input type="hidden" name="kind" value="gb-document">`,
		`<option value="date" selected>`)

	_, _, body = get(t, ts.URL+"/?size=1")
	contains(t, "first page", body, "Results 1–1 of 3", `rel="next" href="/?from=1&amp;size=1"`)
	_, _, body = get(t, ts.URL+"/?size=1&from=1")
	contains(t, "second page", body, "Results 2–2 of 3", `rel="prev" href="/?size=1"`, `rel="next" href="/?from=2&amp;size=1"`)
	// exports of the page keep its parameters
	contains(t, "exports", body, `href="/api/v1/search?format=bibtex&amp;from=1&amp;size=1"`)
}

func TestSearchPageErrors(t *testing.T) {
	ts, _, _ := newTestServer(t)
	code, h, body := get(t, ts.URL+"/?q="+url.QueryEscape(`"domestic workers`))
	if code != 400 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("malformed query: status %d, %s", code, h.Get("Content-Type"))
	}
	contains(t, "malformed query", body, "The query could not be read", "at character 1", `<mark class="at">&#34;</mark>domestic workers`)
	checkNoActiveContent(t, "error page", body)

	code, _, body = get(t, ts.URL+"/?q=x&bogus=1")
	if code != 400 || !strings.Contains(body, "unknown parameter") {
		t.Errorf("unknown parameter: %d %s", code, body)
	}
	// a query the user wrote is shown escaped on the error page too
	code, _, body = get(t, ts.URL+"/?q="+url.QueryEscape(`(<script>alert(1)</script>`))
	if code != 400 {
		t.Errorf("status %d", code)
	}
	checkNoActiveContent(t, "error page with markup", body)
}

func TestDocumentPage(t *testing.T) {
	ts, _, _ := newTestServer(t)
	code, _, body := get(t, ts.URL+"/documents/GB.350/INS/9")
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	text := checkNoActiveContent(t, "document page", body)
	contains(t, "document text", text, evilScript, evilImg, evilLink, "350th Session (2024-03-11 to 2024-03-21)",
		"Institutional Section (INS)", "Rights at work", "Outcome 7", "Labour Migration Branch <i>x</i> (MIGRANT)",
		"Summary about domestic workers")
	contains(t, "document page", body,
		// deep links to paragraphs and items
		`id="para-1"`, `href="#para-1"`, `id="para-2-a"`,
		// the callout right after "workérs", linking down; the note links back
		`Domestic — workérs<sup id="fnref-1" class="callout"><a href="#fn-1">1</a></sup> are protected`,
		`(No. 189)<sup id="fnref-2" class="callout"><a href="#fn-2">2</a></sup> by members`,
		`<li id="fn-1" value="1">`, `href="#fnref-1"`, `↩ paragraph 1`, `↩ paragraph 2(a)`,
		// cites, with where; related documents as links when indexed
		`<a href="/documents/C189">C189</a>`, `href="#fn-2">footnote 2</a>`, `href="#para-2">paragraph 2</a>`,
		// language switcher and exports
		`href="/documents/GB.350/INS/9?lang=fr">Français</a>`, `href="/api/v1/documents/GB.350/INS/9?format=bibtex"`)
	// a cited javascript: URL is not made a link
	if strings.Contains(body, `href="javascript:`) {
		t.Error("javascript: URL rendered as a link")
	}

	_, _, body = get(t, ts.URL+"/documents/GB.350/INS/9?lang=fr")
	contains(t, "French version", body, `lang="fr"`, "Travailleurs domestiques &lt;script&gt;", `<strong aria-current="page">Français</strong>`)
	checkNoActiveContent(t, "French version", body)

	// the Convention lists who cites it, with the place, linking on
	_, _, body = get(t, ts.URL+"/documents/C189")
	contains(t, "cited by", body, `<a class="citing" href="/documents/GB.350/INS/9">GB.350/INS/9</a>`,
		`href="/documents/GB.350/INS/9#fn-2">footnote 2</a>`, `href="/documents/GB.350/INS/9#para-2">paragraph 2</a>`,
		"Convention 189")

	for _, p := range []string{"/documents/GB.999/XXX/1", "/documents/GB.350/INS/9?lang=de"} {
		code, h, body := get(t, ts.URL+p)
		if code != 404 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			t.Errorf("%s: status %d, %s", p, code, h.Get("Content-Type"))
		}
		checkNoActiveContent(t, p, body)
	}
}

func TestDocumentPageRedirectsAliases(t *testing.T) {
	ts, _, _ := newTestServer(t)
	resp, err := noRedirect.Get(ts.URL + "/documents/" + url.PathEscape("gb 350 ins 9"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 301 || loc != "/documents/GB.350/INS/9" {
		t.Errorf("status %d, Location %q", resp.StatusCode, loc)
	}
}

func TestSyntaxAndStatic(t *testing.T) {
	ts, _, _ := newTestServer(t)
	code, _, body := get(t, ts.URL+"/syntax")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	contains(t, "syntax page", body, "citedby:", "forced AND labour", "Grammar")
	for _, f := range []struct{ path, ctype string }{{"/static/style.css", "text/css"}, {"/static/app.js", "text/javascript"}, {"/static/favicon.svg", "image/svg+xml"}} {
		code, h, _ := get(t, ts.URL+f.path)
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), f.ctype) {
			t.Errorf("%s: %d %s", f.path, code, h.Get("Content-Type"))
		}
	}
	if code, _, _ := get(t, ts.URL+"/static/nope.css"); code != 404 {
		t.Errorf("missing static file: %d", code)
	}
}

func TestSplitCallouts(t *testing.T) {
	tests := []struct {
		text string
		cs   []calloutAt
		want string
	}{
		{"abc", nil, "abc"},
		{"abc", []calloutAt{{1, 1}}, "a[1]bc"},
		{"abc", []calloutAt{{3, 2}, {0, 1}}, "[1]abc[2]"},
		{"éé", []calloutAt{{1, 1}}, "é[1]é"},
		// out of range, and "at the end"
		{"ab", []calloutAt{{99, 1}, {-1, 2}}, "ab[1][2]"},
		{"ab", []calloutAt{{1, 3}, {1, 2}}, "a[2][3]b"},
	}
	for _, tc := range tests {
		var b strings.Builder
		for _, s := range splitCallouts(tc.text, tc.cs) {
			if s.Footnote > 0 {
				b.WriteString("[" + string(rune('0'+s.Footnote)) + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		if b.String() != tc.want {
			t.Errorf("splitCallouts(%q, %v) = %q, want %q", tc.text, tc.cs, b.String(), tc.want)
		}
	}
}

func TestFacetValueLabel(t *testing.T) {
	tests := []struct{ facet, value, want string }{
		{"cites", "ILO_Constitution", "ILO Constitution"},
		{"cites", "C189", "C189"},
		{"lang", "fr", "Français"},
		{"kind", "gb-document", "GB document"},
		{"author", "WORK_QUALITY", "WORK_QUALITY"},
	}
	for _, tc := range tests {
		if got := facetValueLabel(tc.facet, tc.value); got != tc.want {
			t.Errorf("facetValueLabel(%q, %q) = %q, want %q", tc.facet, tc.value, got, tc.want)
		}
	}
}
