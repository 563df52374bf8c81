package search

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestPassageMapRoundTrip: a passage map decodes to the passages it was
// encoded from, with the separators the map uses blanked in their texts.
func TestPassageMapRoundTrip(t *testing.T) {
	ps := []passageRef{
		{Lang: "en", Version: "GB.319/POL/2@1", ID: "GB.319/POL/2@1#p1", Kind: "paragraph", Number: "1", Heading: "Introduction",
			Paragraph: "1", Footnotes: []int{1, 12}, Refs: []string{"A/RES/67/219", "C189"}, Start: 0, End: 412},
		{Lang: "fr", Version: "v", ID: "v#fn1", Kind: "footnote", Number: "1", Start: 412, End: 500},
		{Lang: "en", Version: "v", ID: "odd\x1fid", Kind: "summary", Number: "purpose", Heading: "a\x1eb\x1dc", Start: 7, End: 9},
	}
	want := append([]passageRef(nil), ps...)
	want[2].ID, want[2].Heading = "odd id", "a b c"
	got := decodePassages(encodePassages(ps))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := decodePassages(""); got != nil {
		t.Errorf("empty map: %v", got)
	}
}

// FuzzDecodePassages: any stored string decodes without panicking, as the
// map was decoded before it was cut in place (splitPassages), and what it
// decodes to encodes and decodes to the same passages.
func FuzzDecodePassages(f *testing.F) {
	f.Add(encodePassages([]passageRef{{Lang: "en", Version: "v", ID: "v#p1", Kind: "paragraph", Number: "1", Footnotes: []int{2, 3}, Refs: []string{"C189"}, Start: 1, End: 2}}))
	f.Add("en\x1fv\x1fid\x1fk\x1fn\x1fh\x1fp\x1f1,,x,2\x1f\x1f3\x1f4\x1een\x1ftoo few")
	f.Add("\x1e\x1e\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f")
	f.Fuzz(func(t *testing.T, s string) {
		got := decodePassages(s)
		if diff := cmp.Diff(splitPassages(s), got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%q: (-split +cut):\n%s", s, diff)
		}
		// encoding blanks separators found in a field; once blanked, a
		// map encodes and decodes to itself
		once := decodePassages(encodePassages(got))
		if len(once) != len(got) {
			t.Fatalf("%q: %d passages, %d once encoded again", s, len(got), len(once))
		}
		if twice := decodePassages(encodePassages(once)); !cmp.Equal(once, twice, cmpopts.EquateEmpty()) {
			t.Fatalf("%q: encodes and decodes to %v, then to %v", s, once, twice)
		}
	})
}

// splitPassages is the decoder as it was, by strings.Split.
func splitPassages(s string) []passageRef {
	if s == "" {
		return nil
	}
	var out []passageRef
	for _, rec := range strings.Split(s, pmapRecord) {
		f := strings.Split(rec, pmapField)
		if len(f) != 11 {
			continue
		}
		p := passageRef{Lang: f[0], Version: f[1], ID: f[2], Kind: f[3], Number: f[4], Heading: f[5], Paragraph: f[6]}
		if f[7] != "" {
			for _, n := range strings.Split(f[7], ",") {
				if v, err := strconv.Atoi(n); err == nil {
					p.Footnotes = append(p.Footnotes, v)
				}
			}
		}
		if f[8] != "" {
			p.Refs = strings.Split(f[8], pmapList)
		}
		p.Start, _ = strconv.Atoi(f[9])
		p.End, _ = strconv.Atoi(f[10])
		out = append(out, p)
	}
	return out
}

// BenchmarkDecodePassages decodes the passage map of a version of ~85
// passages, as a result page does for each hit.
func BenchmarkDecodePassages(b *testing.B) {
	var ps []passageRef
	for i := range 85 {
		ps = append(ps, passageRef{Lang: "en", Version: "GB.319/POL/2@1", ID: "GB.319/POL/2@1#p" + strconv.Itoa(i), Kind: "paragraph",
			Number: strconv.Itoa(i), Heading: "Decent work for domestic workers", Paragraph: strconv.Itoa(i),
			Footnotes: []int{i, i + 1}, Refs: []string{"A/RES/67/219"}, Start: i * 300, End: i*300 + 290})
	}
	s := encodePassages(ps)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		decodePassages(s)
	}
}
