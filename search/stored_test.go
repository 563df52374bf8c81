package search

import (
	"bytes"
	stdflate "compress/flate"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"gbsearch/indexer"
)

// TestStoredVersionsRoundTrip reads back every version of the real corpus
// and checks it is the document that was put, texts and all, and that the
// stored versions hold their texts as spans into the stored text rather
// than a second time.
func TestStoredVersionsRoundTrip(t *testing.T) {
	ix, docs := realIndex(t)
	ctx := context.Background()
	bySymbol := map[string][]*indexer.Document{}
	for _, d := range docs {
		bySymbol[d.Symbol] = append(bySymbol[d.Symbol], d)
	}
	var textBytes, spanned int
	for sym, want := range bySymbol {
		SortVersions(want)
		got, err := ix.Versions(ctx, sym)
		if err != nil {
			t.Fatalf("%s: %v", sym, err)
		}
		// JSON keeps no difference between an empty list and none
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s read back differs (-put +read):\n%s", sym, diff)
		}
		_, texts, _ := docFields(want)
		for _, d := range want {
			checkPrecedingDropped(t, d, texts)
			n, s := spannedBytes(d, texts)
			textBytes += n
			spanned += s
		}
	}
	share := float64(spanned) / float64(textBytes)
	t.Logf("%d symbols read back; %d of %d bytes of their texts (%.4f) stored as spans", len(bySymbol), spanned, textBytes, share)
	if share < 0.99 {
		t.Errorf("only %.4f of the text bytes are stored as spans, want ≥ 0.99", share)
	}
}

// checkPrecedingDropped checks that the stored form of d keeps none of the
// texts before its footnote callouts that the paragraphs give back.
func checkPrecedingDropped(t *testing.T, d *indexer.Document, texts map[string]string) {
	t.Helper()
	packed, err := packVersion(d, texts)
	if err != nil {
		t.Fatal(err)
	}
	src, err := unpack(packed)
	if err != nil {
		t.Fatal(err)
	}
	var sv storedVersion
	if err := json.Unmarshal([]byte(src), &sv); err != nil {
		t.Fatal(err)
	}
	callouts := 0
	for _, f := range d.Footnotes {
		if f.Callout != nil && f.Callout.PrecedingText != "" {
			callouts++
		}
	}
	if len(sv.Preceding) != callouts {
		t.Errorf("%s: the text before %d of %d callouts is stored again", d.ID, callouts-len(sv.Preceding), callouts)
	}
}

// spannedBytes counts the bytes of d's texts and how many of them packVersion
// finds in texts (and so does not store again).
func spannedBytes(d *indexer.Document, texts map[string]string) (total, spanned int) {
	c := cloneTexts(d)
	cursor := map[string]int{}
	eachText(c, func(lang string, s *string) {
		total += len(*s)
		if *s == "" {
			return
		}
		t := texts[lang]
		if i := indexFrom(t, *s, cursor[lang]); i >= 0 {
			spanned += len(*s)
			cursor[lang] = i + len(*s)
		}
	})
	return total, spanned
}

func indexFrom(t, s string, at int) int {
	for i := at; i+len(s) <= len(t); i++ {
		if t[i:i+len(s)] == s {
			return i
		}
	}
	return -1
}

// TestStoredVersionsAcrossCommits changes the versions of one symbol over
// several commits: the spans of the versions a commit does not touch must
// still point at their texts after the symbol's text was rebuilt.
func TestStoredVersionsAcrossCommits(t *testing.T) {
	ix, err := Create(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	version := func(lang, words string) *indexer.Document {
		return &indexer.Document{
			ID: "GB.400/POL/1@" + lang, Symbol: "GB.400/POL/1", Kind: "gb", Language: lang,
			Title: "Title " + words, Purpose: "Purpose " + words, ExecutiveSummary: "   ",
			Paragraphs: []indexer.Paragraph{
				{Number: "1", Heading: "Introduction", Text: "Decent work " + words, Footnotes: []int{1}},
				{Number: "2", Text: "Decent work " + words, ItemStyle: "(a)", Items: []indexer.Item{
					{Label: "a", Text: "first " + words}, {Label: "b", Text: "second " + words},
				}},
				{Number: "3", Text: "The Governing Body decides " + words},
			},
			Footnotes: []indexer.Footnote{
				{Number: 1, Text: "See GB.319/POL/2 " + words, References: []indexer.Reference{{Kind: "gb", Value: "GB.319/POL/2"}}},
				{Number: 2, Text: "Ibid."},
			},
			DraftDecision: "The Governing Body decides " + words,
			Other:         map[string]string{"nl": "Nederlandse tekst " + words},
		}
	}
	steps := []struct {
		name   string
		put    []*indexer.Document
		remove []string
		want   []*indexer.Document
	}{
		{"english", []*indexer.Document{version("en", "one")}, nil,
			[]*indexer.Document{version("en", "one")}},
		{"french added", []*indexer.Document{version("fr", "deux")}, nil,
			[]*indexer.Document{version("en", "one"), version("fr", "deux")}},
		{"english replaced by a longer text", []*indexer.Document{version("en", "one, and now a much longer text than before")}, nil,
			[]*indexer.Document{version("en", "one, and now a much longer text than before"), version("fr", "deux")}},
		{"dutch version besides the dutch text of the others", []*indexer.Document{version("nl", "drie")}, nil,
			[]*indexer.Document{version("en", "one, and now a much longer text than before"), version("fr", "deux"), version("nl", "drie")}},
		{"english removed", nil, []string{"GB.400/POL/1@en"},
			[]*indexer.Document{version("fr", "deux"), version("nl", "drie")}},
	}
	for _, st := range steps {
		w := NewWriter(ix)
		for _, d := range st.put {
			if err := w.Put(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range st.remove {
			if err := w.Remove(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := ix.Versions(ctx, "GB.400/POL/1")
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("%s: versions read back differ (-want +got):\n%s", st.name, diff)
		}
	}
}

// TestUnpackVersionRefusesBadSpans: spans that do not fit the text are an
// error, never a panic or a wrong text.
func TestUnpackVersionRefusesBadSpans(t *testing.T) {
	d := &indexer.Document{ID: "X@en", Symbol: "X", Language: "en",
		Paragraphs: []indexer.Paragraph{{Number: "1", Text: "decent work for domestic workers"}}}
	_, texts, _ := docFields([]*indexer.Document{d})
	packed, err := packVersion(d, texts)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		texts map[string]string
	}{
		{"no text", nil},
		{"shorter text", map[string]string{"en": "decent"}},
		{"text of another language", map[string]string{"fr": texts["en"]}},
	}
	for _, tt := range tests {
		if _, err := unpackVersion(packed, tt.texts); !errors.Is(err, errSpans) {
			t.Errorf("%s: got %v, want %v", tt.name, err, errSpans)
		}
	}
	got, err := unpackVersion(packed, texts)
	if err != nil || got.Paragraphs[0].Text != d.Paragraphs[0].Text {
		t.Errorf("with its text: %v, %+v", err, got)
	}
}

// TestUnpackVersion4: an index built by mapping version 4 stored each
// version whole; it is served, document pages included, while the server
// rebuilds it in the new form.
func TestUnpackVersion4(t *testing.T) {
	d := &indexer.Document{ID: "X@en", Symbol: "X", Language: "en",
		Paragraphs: []indexer.Paragraph{{Number: "1", Text: "decent work for domestic workers"}}}
	src, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for name, stored := range map[string]string{"deflated": pack(src), "as it is": string(src)} {
		got, err := unpackVersion(stored, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(d, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: (-stored +read)\n%s", name, diff)
		}
	}
}

// FuzzUnpackVersion feeds the stored-version decoder arbitrary stored
// values and texts: it returns a document or an error, never panics.
func FuzzUnpackVersion(f *testing.F) {
	d := &indexer.Document{ID: "X@en", Symbol: "X", Language: "en", Purpose: "purpose",
		Paragraphs: []indexer.Paragraph{{Number: "1", Text: "decent work", Items: []indexer.Item{{Label: "a", Text: "item"}}}},
		Footnotes:  []indexer.Footnote{{Number: 1, Text: "note"}}, Other: map[string]string{"nl": "tekst"}}
	_, texts, _ := docFields([]*indexer.Document{d})
	packed, err := packVersion(d, texts)
	if err != nil {
		f.Fatal(err)
	}
	src, err := unpack(packed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(packed, texts["en"])
	f.Add(src, texts["en"])
	f.Add(`{"doc":{"paragraphs":[{"text":""}]},"spans":[-1,5,-7]}`, "short")
	f.Add("\x00garbage", "")
	f.Fuzz(func(t *testing.T, stored, text string) {
		got, err := unpackVersion(stored, map[string]string{"en": text, "nl": text})
		if err == nil && got == nil {
			t.Fatal("no document and no error")
		}
	})
}

// TestUnpackPrefix: a prefix of the stored text inflates to the text's own
// prefix, at least as long as asked, whether the text was deflated or kept
// as it is.
func TestUnpackPrefix(t *testing.T) {
	text := strings.Repeat("The Governing Body requests the Office to report. ", 400) + "end"
	for name, stored := range map[string]string{"deflated": pack([]byte(text)), "as it is": text} {
		for _, n := range []int{0, 1, 100, 5000, len(text) - 1, len(text), len(text) + 10} {
			got, err := unpackPrefix(stored, n)
			if err != nil {
				t.Fatalf("%s, %d: %v", name, n, err)
			}
			if len(got) < min(n, len(text)) || !strings.HasPrefix(text, got) {
				t.Errorf("%s, %d bytes: got %d bytes, not a prefix at least that long", name, n, len(got))
			}
		}
		if all, err := unpack(stored); err != nil || all != text {
			t.Errorf("%s: unpack gives %d bytes, %v", name, len(all), err)
		}
	}
}

// Indexes written before packLevel's deflater changed hold the standard
// library's deflate; they must read back the same, whole or cut short.
func TestUnpackStandardDeflate(t *testing.T) {
	text := strings.Repeat("The Governing Body requests the Office to report on decent work. ", 200)
	var b bytes.Buffer
	b.WriteByte(0)
	zw, err := stdflate.NewWriter(&b, 4)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write([]byte(text))
	zw.Close()
	got, err := unpack(b.String())
	if err != nil || got != text {
		t.Fatalf("unpack of the standard library's deflate: %d bytes, err %v; want %d bytes", len(got), err, len(text))
	}
	if got, err := unpackPrefix(b.String(), 100); err != nil || got != text[:100] {
		t.Fatalf("unpackPrefix(100) = %q, %v", got, err)
	}
	if got, err := unpack(pack([]byte(text))); err != nil || got != text {
		t.Fatalf("unpack(pack(text)): %d bytes, err %v", len(got), err)
	}
}
