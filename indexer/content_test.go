package indexer

import "testing"

func TestPageText(t *testing.T) {
	p := Page{
		Lines: []Line{{Text: "1. Heading", Heading: true}, {Blank: true}, {Text: "Body text" + CalloutMarker(1) + "."}},
		Notes: []Note{{Number: 1, Text: "A footnote."}},
		// furniture is extracted but is not the page's text
		Furniture: []string{"GB.319/POL/2"},
	}
	want := "1. Heading\nBody text" + CalloutMarker(1) + ".\nA footnote.\n"
	if got := p.Text(); got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
}
