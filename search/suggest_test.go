package search

import (
	"errors"
	"slices"
	"testing"
)

func suggestSymbols(s []Suggestion) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.Symbol+":"+x.Match)
	}
	return out
}

func TestSuggest(t *testing.T) {
	ix := languageIndex(t)
	tests := []struct {
		text string
		want []string
	}{
		{"GB.350/", []string{"GB.350/INS/2/2:symbol", "GB.350/POL/1:symbol"}},
		// typed in lower case, and in full: the exact one first
		{"gb.350/pol/1", []string{"GB.350/POL/1:symbol"}},
		{"gb.350/i", []string{"GB.350/INS/2/2:symbol"}},
		// title words, the last one cut short, in any language
		{"domestic wor", []string{"GB.350/INS/2/2:title"}},
		{"care", []string{"GB.350/INS/2/2:title"}},
		{"migrations de", []string{"GB.350/POL/1:title"}},
		{"économie des so", []string{"GB.350/INS/2/2:title"}},
		{"zzz", nil},
		{"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			got, err := ix.Suggest(t.Context(), tc.text, 0)
			if err != nil {
				t.Fatal(err)
			}
			if g := suggestSymbols(got); !slices.Equal(g, tc.want) {
				t.Errorf("Suggest(%q) = %v, want %v", tc.text, g, tc.want)
			}
		})
	}
	got, err := ix.Suggest(t.Context(), "GB", 1)
	if err != nil || len(got) != 1 {
		t.Errorf("size 1: %v %v", got, err)
	}
	if _, err := ix.Suggest(t.Context(), "GB", MaxSuggest+1); !errors.Is(err, ErrBadQuery) {
		t.Errorf("size too big: %v", err)
	}
}

func TestFacetValues(t *testing.T) {
	ix := languageIndex(t)
	values := func(vs []FacetValue) []string {
		var out []string
		for _, v := range vs {
			s := v.Value + "=" + string(rune('0'+v.Count))
			if v.Selected {
				s += "*"
			}
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		name string
		r    FacetRequest
		want []string
	}{
		{"all sections", FacetRequest{Name: "section"}, []string{"INS=1", "POL=1"}},
		{"prefix, any case", FacetRequest{Name: "section", Prefix: "po"}, []string{"POL=1"}},
		{"prefix and query", FacetRequest{Name: "section", Prefix: "i", Query: "migrants"}, []string{}},
		{"query", FacetRequest{Name: "lang", Query: "soins"}, []string{"en=1", "es=1", "fr=1"}},
		// the facet's own selection does not narrow its counts
		{"selected", FacetRequest{Name: "section", Filters: map[string][]string{"section": {"POL"}}}, []string{"INS=1", "POL=1*"}},
		{"other filter", FacetRequest{Name: "section", Filters: map[string][]string{"lang": {"es"}}}, []string{"INS=1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ix.FacetValues(t.Context(), tc.r)
			if err != nil {
				t.Fatal(err)
			}
			g := values(got)
			slices.Sort(g)
			if g == nil {
				g = []string{}
			}
			if !slices.Equal(g, tc.want) {
				t.Errorf("got %v, want %v", g, tc.want)
			}
		})
	}
	if _, err := ix.FacetValues(t.Context(), FacetRequest{Name: "nope"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown facet: %v", err)
	}
	if _, err := ix.FacetValues(t.Context(), FacetRequest{Name: "kind", Query: "(a"}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("bad query: %v", err)
	}
}
