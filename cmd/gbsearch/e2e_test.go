package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"gbsearch/corpus"
	"gbsearch/indexer"
	"gbsearch/indexer/sandbox"
	"gbsearch/internal/testutil"
	"gbsearch/search"
	"gbsearch/server"
)

func TestMain(m *testing.M) {
	// the test binary is also the extraction worker of the sandbox
	sandbox.Main()
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// shared is one index of the real corpus (bundled + sources), built once
// for the tests of this package through the same path as `gbsearch index`.
var shared struct {
	once  sync.Once
	dir   string
	stats *indexer.Stats
	err   error
}

func sourcesDir(t testing.TB) string { return testutil.SharedDir(t, "corpus/sources") }

func realIndex(t *testing.T) (string, *indexer.Stats) {
	t.Helper()
	src := sourcesDir(t)
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "gbsearch-e2e-")
		if shared.err != nil {
			return
		}
		var out bytes.Buffer
		b, err := newBuilder(filepath.Join(shared.dir, "index"), []string{"../../corpus", src}, slog.New(slog.DiscardHandler))
		if err != nil {
			shared.err = err
			return
		}
		b.extract, err = isolatedExtract(60*time.Second, 512<<20)
		if err != nil {
			shared.err = err
			return
		}
		shared.stats, shared.err = indexOnce(context.Background(), b, false, &out)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return filepath.Join(shared.dir, "index"), shared.stats
}

// startServer serves the index in dir on a real loopback listener.
func startServer(t *testing.T, dir string) (string, *search.Served) {
	t.Helper()
	ix, err := search.Dir{Root: dir}.OpenCurrent()
	if err != nil {
		t.Fatal(err)
	}
	served := search.NewServed(ix)
	reg := prometheus.NewRegistry()
	srv := server.New(server.Config{RequestTimeout: 10 * time.Second}, served, slog.New(slog.DiscardHandler), reg, server.WithReady(served.Ready))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		if old := served.Swap(nil); old != nil {
			old.Close()
		}
	})
	return "http://" + ln.Addr().String(), served
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil && len(body) > 0 {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v in %s", url, err, body)
		}
	}
	return resp.StatusCode
}

type searchJSON struct {
	Total  int                            `json:"total"`
	Hits   []search.Hit                   `json:"hits"`
	Facets map[string][]search.FacetValue `json:"facets"`
}

// TestEndToEnd is the foundation's acceptance: the real server on a real
// listener over an index built from the bundled corpus and the cited sources.
func TestEndToEnd(t *testing.T) {
	dir, _ := realIndex(t)
	base, _ := startServer(t, dir)

	t.Run("domestic workers", func(t *testing.T) {
		var res searchJSON
		if code := getJSON(t, base+"/api/v1/search?q=domestic+workers", &res); code != 200 {
			t.Fatalf("status %d", code)
		}
		pos := -1
		for i, h := range res.Hits {
			if h.Symbol == "GB.319/POL/2" {
				pos = i
				break
			}
		}
		if pos < 0 || pos > 2 {
			t.Fatalf("GB.319/POL/2 at position %d in %v", pos, symbols(res.Hits))
		}
		h := res.Hits[pos]
		if len(h.Passages) == 0 || !strings.Contains(h.Passages[0].Highlight, "<mark>") {
			t.Errorf("no highlighted snippet: %+v", h.Passages)
		}
	})
	t.Run("malaria", func(t *testing.T) {
		var res searchJSON
		getJSON(t, base+"/api/v1/search?q=malaria", &res)
		if len(res.Hits) == 0 || res.Hits[0].Symbol != "A/RES/72/309" {
			t.Fatalf("q=malaria gives %v", symbols(res.Hits))
		}
	})
	t.Run("facets count every document", func(t *testing.T) {
		var res searchJSON
		getJSON(t, base+"/api/v1/search?size=1&facet_size=100", &res)
		sum := 0
		for _, v := range res.Facets["kind"] {
			sum += v.Count
		}
		if sum != res.Total || res.Total != 103 {
			t.Errorf("kind facet counts %d documents, total %d, want 103", sum, res.Total)
		}
		langs := map[string]int{}
		for _, v := range res.Facets["lang"] {
			langs[v.Value] = v.Count
		}
		// every document has English text; the 98 treaty sources also Dutch
		if langs["en"] != res.Total || langs["nl"] != 98 {
			t.Errorf("language facet %v, want en=%d nl=98", langs, res.Total)
		}
	})
	t.Run("document", func(t *testing.T) {
		var doc search.DocumentView
		if code := getJSON(t, base+"/api/v1/documents/GB.319/POL/2", &doc); code != 200 {
			t.Fatalf("status %d", code)
		}
		if len(doc.Versions) != 1 {
			t.Fatalf("%d versions", len(doc.Versions))
		}
		v := doc.Versions[0]
		if v.Symbol != "GB.319/POL/2" || v.Session != 319 || v.Section != "POL" {
			t.Errorf("got symbol %q session %d section %q", v.Symbol, v.Session, v.Section)
		}
	})
	t.Run("bad query is a 400 with JSON", func(t *testing.T) {
		var e struct{ Error, Detail string }
		if code := getJSON(t, base+"/api/v1/search?q=(forced+OR+labour", &e); code != 400 || e.Error == "" || !strings.Contains(e.Detail, "parenthes") {
			t.Errorf("status %d, body %+v", code, e)
		}
		if code := getJSON(t, base+"/api/v1/search?q=x&size=abc", &e); code != 400 || !strings.Contains(e.Detail, "size") {
			t.Errorf("size=abc: status %d, body %+v", code, e)
		}
	})
	t.Run("metrics", func(t *testing.T) {
		before := scrape(t, base, `gbsearch_http_requests_total{code="200",route="search"}`)
		getJSON(t, base+"/api/v1/search?q=labour", nil)
		after := scrape(t, base, `gbsearch_http_requests_total{code="200",route="search"}`)
		if after != before+1 {
			t.Errorf("search counter went from %v to %v", before, after)
		}
		nf := scrape(t, base, `gbsearch_http_requests_total{code="404",route="unmatched"}`)
		if code := getJSON(t, base+"/no/such/path", nil); code != 404 {
			t.Errorf("unknown path: status %d", code)
		}
		if got := scrape(t, base, `gbsearch_http_requests_total{code="404",route="unmatched"}`); got != nf+1 {
			t.Errorf("404 counter went from %v to %v", nf, got)
		}
		if docs := scrape(t, base, `gbsearch_index_documents{kind="gb-document"}`); docs != 1 {
			t.Errorf("gbsearch_index_documents{kind=gb-document} = %v", docs)
		}
	})
}

// scrape returns the value of one series of /metrics (0 when absent).
func scrape(t *testing.T, base, series string) float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, series+" ") {
			var v float64
			fmt.Sscan(strings.TrimPrefix(line, series+" "), &v)
			return v
		}
	}
	return 0
}

func symbols(hits []search.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Symbol)
	}
	return out
}

// TestEveryFileAccountedFor checks that every file of both corpora is
// indexed or reported with a reason: none is silently dropped.
func TestEveryFileAccountedFor(t *testing.T) {
	_, st := realIndex(t)
	want := 0
	for _, root := range []string{"../../corpus", sourcesDir(t)} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if !d.IsDir() && !strings.HasSuffix(p, ".go") && d.Name() != corpus.ManifestName {
				want++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	got := st.Indexed + st.Unchanged + len(st.Skipped)
	if got != want {
		t.Errorf("%d files on disk, but %d indexed + %d unchanged + %d skipped", want, st.Indexed, st.Unchanged, len(st.Skipped))
	}
	if st.Failed != 0 {
		t.Errorf("%d files failed: %+v", st.Failed, st.Failures)
	}
	for _, s := range st.Skipped {
		if s.Reason == "" {
			t.Errorf("%s skipped without a reason", s.Path)
		}
	}
}

// TestExtractCommand runs `gbsearch extract` on the bundled PDF.
func TestExtractCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"extract", "../../corpus/gb/GB.319_POL_2.en.pdf"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var d indexer.Document
	if err := json.Unmarshal(stdout.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if d.Symbol != "GB.319/POL/2" {
		t.Errorf("symbol %q", d.Symbol)
	}
	if len(d.Source.Pages) != 8 {
		t.Errorf("%d pages of quality figures, want 8", len(d.Source.Pages))
	}
}

// TestNoPathFromRequest: symbols that look like paths out of the index
// (../) find nothing and touch nothing: a 404 JSON answer, never a file.
func TestNoPathFromRequest(t *testing.T) {
	dir, _ := realIndex(t)
	base, _ := startServer(t, dir)
	for _, p := range []string{
		"/api/v1/documents/../../../../etc/passwd",
		"/api/v1/documents/..%2F..%2F..%2Fetc%2Fpasswd",
		"/api/v1/documents/GB.319/POL/2/../../../../CURRENT",
		"/api/v1/documents/%2e%2e/%2e%2e/CURRENT/citations",
		"/documents/..%2F..%2Fetc%2Fpasswd",
		"/api/v1/search?q=symbol:../../etc/passwd",
	} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "root:") || strings.Contains(string(body), "idx-") {
			t.Errorf("%s leaks a file: %.200s", p, body)
		}
		if resp.StatusCode == 500 {
			t.Errorf("%s: 500", p)
		}
	}
}

// TestGenCommandAnywhere: `gbsearch gen` needs no repository around it
// (its seed text is built in), and the built-in seed generates the corpus
// that the bundled file does.
func TestGenCommandAnywhere(t *testing.T) {
	seedFile, err := filepath.Abs("../../corpus/gb/GB.319_POL_2.en.txt")
	if err != nil {
		t.Fatal(err)
	}
	fromFile := filepath.Join(t.TempDir(), "from-file")
	builtIn := filepath.Join(t.TempDir(), "built-in")
	t.Chdir(t.TempDir())
	for _, args := range [][]string{
		{"gen", "-n", "30", "-seed", "3", "-out", builtIn},
		{"gen", "-n", "30", "-seed", "3", "-out", fromFile, "-seed-text", seedFile},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), args, &stdout, &stderr); err != nil {
			t.Fatalf("%v: %v: %s", args, err, stderr.String())
		}
	}
	a, b := testutil.TreeDigest(t, builtIn), testutil.TreeDigest(t, fromFile)
	if len(a) < 30 {
		t.Fatalf("%d files generated", len(a))
	}
	if diff := cmp.Diff(b, a); diff != "" {
		t.Errorf("built-in seed generates another corpus (-from file +built in):\n%s", diff)
	}
}
