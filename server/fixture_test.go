package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"gbsearch/indexer"
	"gbsearch/search"
)

// The hostile strings a document may carry: the page must show them as
// text, never run or render them.
const (
	evilScript = `<script>alert("pwned")</script>`
	evilImg    = `<img src=x onerror="alert(1)">`
	evilLink   = `<a href="javascript:alert(2)">click</a>`
)

func strPtr(s string) *string { return &s }

// fixtureDocs are written by hand: a GB document in two languages whose
// text is full of markup, with footnote callouts, headings, items and
// related documents, and the Convention it cites.
func fixtureDocs() []*indexer.Document {
	gb := func(lang, title, p1 string) *indexer.Document {
		return &indexer.Document{
			ID: "GB.350/INS/9@" + lang, Symbol: "GB.350/INS/9", Kind: "gb-document", Language: lang,
			OriginalLanguage: "English", Title: title, Date: "2024-03-14",
			Session: 350, SessionLabel: "350", SessionDates: []string{"2024-03-11", "2024-03-21"},
			Section: "INS", SectionName: "Institutional Section", Item: "9",
			Purpose:            "For decision " + evilImg,
			StrategicObjective: "Rights at work " + evilLink,
			Outcome:            "Outcome 7: Protection " + evilScript,
			PolicyImplications: "See paragraphs 1-2.", LegalImplications: "None.", FinancialImplications: "None.",
			FollowUp:         "None.",
			AuthorUnits:      []indexer.AuthorUnit{{Code: "MIGRANT", Name: "Labour Migration Branch <i>x</i>"}},
			RelatedDocuments: []indexer.RelatedDocument{{Kind: "ilo-instrument", Symbol: "C189"}, {Kind: "gb", Symbol: "GB.349/INS/1", Title: "Older <b>report</b>"}},
			ExecutiveSummary: "Summary about domestic workers " + evilScript,
			Headings:         []indexer.Heading{{Text: "Introduction " + evilImg, FirstParagraph: "1"}},
			Paragraphs: []indexer.Paragraph{
				{Number: "1", Heading: "Introduction", Text: p1, Footnotes: []int{1}},
				{Number: "2", Text: "The Office lists:", ItemStyle: "(a)", Footnotes: []int{2},
					Items: []indexer.Item{{Label: "a", Text: "ratification of the Domestic Workers Convention, 2011 (No. 189) by members", Footnotes: []int{2},
						References: []indexer.Reference{{Kind: "ilo-instrument", Value: "C189"}}}},
					References: []indexer.Reference{{Kind: "ilo-instrument", Value: "C189"}}},
			},
			Footnotes: []indexer.Footnote{
				// the callout follows "workers" (code points, with an em dash
				// and a non-ASCII letter before it)
				{Number: 1, Text: "See the note on domestic workers " + evilScript,
					Callout: &indexer.Callout{Paragraph: "1", Offset: len([]rune("Domestic — workérs")), PrecedingText: "workérs"}},
				{Number: 2, Text: "Convention No. 189 " + evilLink,
					Callout:    &indexer.Callout{Paragraph: "2", Item: strPtr("a"), Offset: len([]rune("ratification of the Domestic Workers Convention, 2011 (No. 189)"))},
					References: []indexer.Reference{{Kind: "ilo-instrument", Value: "C189"}}},
			},
			Cited: []indexer.Citation{{Kind: "ilo-instrument", Value: "C189", CitedIn: []string{"related_documents", "footnote 2", "paragraph 2"}},
				{Kind: "url", Value: "javascript:alert(3)", CitedIn: []string{"footnote 1"}}},
		}
	}
	return []*indexer.Document{
		gb("en", "Domestic workers "+evilScript, "Domestic — workérs are protected "+evilScript+" and "+evilImg+" everywhere."),
		gb("fr", "Travailleurs domestiques "+evilScript, "Domestic — workérs sont protégés "+evilScript+"."),
		{ID: "C189@en", Symbol: "C189", Kind: "ilo-instrument", Language: "en", Title: "Domestic Workers Convention, 2011 (No. 189)",
			Instrument: &indexer.InstrumentDetails{Number: 189, Type: "Convention", Year: 2011},
			Paragraphs: []indexer.Paragraph{{Number: "1", Text: "For the purpose of this Convention: domestic work means work performed in a household."}}},
		{ID: "GB.349/INS/1@en", Symbol: "GB.349/INS/1", Kind: "gb-document", Language: "en", Title: "Agenda {of} the 349th Session & 100% more_stuff #1 ~ ^ $ \\ \"quoted\"",
			Date: "2023-10-30", Session: 349, SessionLabel: "349", Section: "INS", Item: "1",
			Paragraphs: []indexer.Paragraph{{Number: "1", Text: "Migration and the care economy."}}},
	}
}

// fixtureIndex builds a small real index of fixtureDocs.
func fixtureIndex(t *testing.T) *search.Served {
	t.Helper()
	ix, err := search.Create(filepath.Join(t.TempDir(), "idx-fixture"))
	if err != nil {
		t.Fatal(err)
	}
	w := search.NewWriter(ix)
	for _, d := range fixtureDocs() {
		if err := w.Put(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	served := search.NewServed(ix)
	t.Cleanup(func() {
		if old := served.Swap(nil); old != nil {
			old.Close()
		}
	})
	return served
}

// newTestServer serves the fixture index over httptest.
func newTestServer(t *testing.T) (*httptest.Server, *Server, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	srv := New(Config{}, fixtureIndex(t), slog.New(slog.DiscardHandler), reg)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, srv, reg
}

// get fetches a URL and returns its status, headers and body.
func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func contains(t *testing.T, what, body string, needles ...string) {
	t.Helper()
	for _, n := range needles {
		if !strings.Contains(body, n) {
			t.Errorf("%s: %q not found", what, n)
		}
	}
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
