package search

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gbsearch/indexer"
)

// A document in three languages and a French-only one, written by hand:
// the real corpus has only English (and the Dutch of the sources).
func languageIndex(t *testing.T) *Index {
	t.Helper()
	ix, err := Create(filepath.Join(t.TempDir(), "idx-lang"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	doc := func(lang, title, para string) *indexer.Document {
		return &indexer.Document{ID: "GB.350/INS/2/2@" + lang, Symbol: "GB.350/INS/2/2", Kind: "gb-document", Language: lang,
			Title: title, Date: "2024-03-01", Session: 350, SessionLabel: "350", Section: "INS", Item: "2/2",
			Paragraphs: []indexer.Paragraph{{Number: "1", Text: para}}}
	}
	w := NewWriter(ix)
	for _, d := range []*indexer.Document{
		doc("en", "Domestic workers and the care economy", "The Office supports domestic workers in the care economy."),
		doc("fr", "Les travailleuses et travailleurs domestiques et l’économie des soins", "Le Bureau soutient les travailleuses domestiques dans l’économie des soins."),
		doc("es", "Las trabajadoras y los trabajadores domésticos y la economía del cuidado", "La Oficina apoya a las trabajadoras domésticas en la economía del cuidado."),
		{ID: "GB.350/POL/1@fr", Symbol: "GB.350/POL/1", Kind: "gb-document", Language: "fr", Title: "Migrations de main-d’œuvre",
			Date: "2024-03-02", Session: 350, SessionLabel: "350", Section: "POL", Item: "1",
			Paragraphs: []indexer.Paragraph{{Number: "1", Text: "Les conventions relatives aux travailleurs migrants sont ratifiées."}}},
	} {
		if err := w.Put(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestLanguages(t *testing.T) {
	ix := languageIndex(t)
	tests := []struct {
		q       string
		filters map[string][]string
		want    []string
	}{
		// French stemming: the query is analysed as French for the French field
		{"soin", nil, []string{"GB.350/INS/2/2"}},
		// the French stemmer joins the feminine and masculine forms
		{"travailleuse", nil, []string{"GB.350/INS/2/2", "GB.350/POL/1"}},
		{"travailleurs", nil, []string{"GB.350/INS/2/2", "GB.350/POL/1"}},
		{"ratifiée", nil, []string{"GB.350/POL/1"}},
		// Spanish stemming
		{"trabajadora", nil, []string{"GB.350/INS/2/2"}},
		// English
		{"worker", nil, []string{"GB.350/INS/2/2"}},
		// a French stop word asks nothing of French documents, and is an
		// ordinary (absent) word for the others
		{"les travailleurs", map[string][]string{"lang": {"fr"}}, []string{"GB.350/INS/2/2", "GB.350/POL/1"}},
		{"travailleurs", map[string][]string{"lang": {"es"}}, nil},
		{`"économie des soins"`, nil, []string{"GB.350/INS/2/2"}},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			res, err := ix.Search(t.Context(), Request{Query: tc.q, Filters: tc.filters})
			if err != nil {
				t.Fatal(err)
			}
			got := hitSymbols(res.Hits)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%q: %v, want %v", tc.q, got, tc.want)
			}
		})
	}

	// the three language versions are one result with its languages, and
	// the passage shown is in the language that matched
	res, err := ix.Search(t.Context(), Request{Query: "soins"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || !slices.Equal(res.Hits[0].Languages, []string{"en", "es", "fr"}) || res.Total != 1 {
		t.Fatalf("grouping: total %d, hits %+v", res.Total, res.Hits)
	}
	p := res.Hits[0].Passages
	if len(p) == 0 || p[0].Language != "fr" || !strings.Contains(p[0].Highlight, "<mark>soins</mark>") {
		t.Errorf("passage: %+v", p)
	}
	langs := map[string]int{}
	for _, v := range res.Facets["lang"] {
		langs[v.Value] = v.Count
	}
	if langs["fr"] != 1 || langs["en"] != 1 || langs["es"] != 1 {
		t.Errorf("language facet %v", langs)
	}
}
