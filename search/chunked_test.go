package search

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"

	"gbsearch/internal/testutil"
)

// textAnalysers are the analysers whose long texts a Writer analyses by chunks.
var textAnalysers = []string{"en", "fr", "es", "nl"}

// checkChunked fails when cache.analyse's tokens differ from the
// analyser's own on text, as cache is and once it has seen text.
func checkChunked(t *testing.T, cache *analysisCache, lang string, a analysis.Analyzer, text string) {
	t.Helper()
	want := a.Analyze([]byte(text)) // it may write to its input: a copy each
	for round := range 2 {
		got := cache.analyse(a, []byte(text))
		if len(got) != len(want) {
			t.Fatalf("%s, round %d, %.60q: %d tokens, the analyser gives %d", lang, round, text, len(got), len(want))
		}
		for i := range got {
			g, w := got[i], want[i]
			if string(g.Term) != string(w.Term) || g.Start != w.Start || g.End != w.End ||
				g.Position != w.Position || g.Type != w.Type || g.KeyWord != w.KeyWord {
				t.Fatalf("%s, round %d, %.60q: token %d is %v, the analyser gives %v", lang, round, text, i, g, w)
			}
		}
	}
}

func analyserNamed(t testing.TB, lang string) analysis.Analyzer {
	a := NewMapping().AnalyzerNamed(lang)
	if a == nil {
		t.Fatalf("no analyser %q", lang)
	}
	return a
}

func TestChunkedAnalysis(t *testing.T) {
	texts := []string{
		"",
		" ",
		"The Organization's work, l'Organisation internationale du Travail; la OIT y los niños.",
		"  leading\tand trailing  \n\n",
		"GB.319/POL/2 A/68/190 1 000 000 3.5% e.g. U.S. C189 (No. 189)",
		"a \u0301b \u200dc \u00adsoft \ufe0fvs \uff9ekana \U0001F3FBtone",
		"东京 大学 カタカナ ひらがな 한국어",
		"\xff \xfe\xfd bad \xc3 utf",
		"the the the of of and",
		"\v\f\r\n",
	}
	root, err := testutil.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bundled, err := os.ReadFile(filepath.Join(root, "corpus", "gb", "GB.319_POL_2.en.txt"))
	if err != nil {
		t.Fatal(err)
	}
	texts = append(texts, string(bundled))
	for _, d := range parsedCorpus(t, 30, 1) {
		texts = append(texts, d.Text())
	}
	sources := ""
	if _, err := os.Stat(filepath.Join(root, "..", "shared", "corpus", "sources")); err == nil {
		sources = testutil.SharedDir(t, "corpus/sources")
	}
	if sources != "" {
		filepath.WalkDir(sources, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".txt")) {
				if b, err := os.ReadFile(p); err == nil {
					texts = append(texts, string(b))
				}
			}
			return nil
		})
	} else {
		t.Log("../shared/corpus/sources is absent: the cited sources' texts are not compared")
	}
	for _, lang := range textAnalysers {
		a, cache := analyserNamed(t, lang), newAnalysisCache()
		for _, text := range texts {
			checkChunked(t, cache, lang, a, text)
		}
	}
}

func FuzzChunkedAnalysis(f *testing.F) {
	f.Add("The Organization's work, l'Organisation du Travail; los niños")
	f.Add("a \u0301b \u200dc 東京 \xff x")
	f.Add("GB.319/POL/2 1 000 e.g. U.S.")
	// the caches live across inputs, as a writer's do across documents
	analysers, caches := map[string]analysis.Analyzer{}, map[string]*analysisCache{}
	for _, lang := range textAnalysers {
		analysers[lang], caches[lang] = analyserNamed(f, lang), newAnalysisCache()
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, lang := range textAnalysers {
			checkChunked(t, caches[lang], lang, analysers[lang], text)
		}
	})
}
