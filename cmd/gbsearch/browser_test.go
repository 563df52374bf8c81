package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium; scripts/ensure-chromium.sh installs
// it and `make test` runs that script first.
const chromiumPath = "/usr/bin/chromium"

// screenshotDir is where the browser test leaves its screenshots:
// $GBSEARCH_SCREENSHOT_DIR, or gbsearch-browser in the temporary directory
// (t.TempDir() would be deleted with the test).
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("GBSEARCH_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "gbsearch-browser")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser starts a headless Chromium with a fresh profile and returns a
// tab's context.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing on CI: `make test` installs it with scripts/ensure-chromium.sh before the tests", chromiumPath)
		}
		t.Skipf("%s is not installed, so the browser test cannot run; install it with scripts/ensure-chromium.sh (make test does)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-default-browser-check", true),
		// containers give /dev/shm 64 MB, too little for a renderer
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 1000),
	}
	// Chromium sometimes exits before it announces its DevTools port when
	// the machine is busy (CI once saw it fail after 0.6 s under the race
	// detector's parallel packages, and start at once when run again): a
	// start is tried three times, and the test fails with the last error
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		// a fresh profile each time: a browser that died may leave its lock
		withProfile := append(slices.Clip(opts), chromedp.UserDataDir(t.TempDir()))
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), withProfile...)
		ctx, cancelTab := chromedp.NewContext(actx)
		// the first run starts the browser: no timeout on it, or the
		// timeout would stop the browser with it
		if err = chromedp.Do(ctx); err == nil {
			t.Cleanup(func() { cancelTab(); cancelAlloc() })
			return ctx
		}
		cancelTab()
		cancelAlloc()
		t.Logf("starting %s, attempt %d: %v", chromiumPath, attempt, err)
		time.Sleep(time.Duration(attempt) * time.Second)
	}
	t.Fatalf("starting %s: %v", chromiumPath, err)
	return nil
}

// step runs actions with a deadline of their own and fails the test with
// what was being done.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates JavaScript in the page and returns its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

func screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(screenshotDir(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// TestBrowser is the researcher's path through the web page in a real
// browser, on the real corpus (bundled + cited sources): type a query,
// narrow by a facet, open a document, follow a footnote callout and back,
// and follow a "cited by" link from a Convention to the GB document that
// cites it.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	dir, _ := realIndex(t)
	base, _ := startServer(t, dir)

	// 1. type a query in the search box and submit it
	step(t, ctx, "searching",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "domestic workers"),
		chromedp.Click(chromedp.CSS("form.search button[type=submit]")),
	)
	// the landing page lists documents too: wait for the page of this
	// search, not for any result
	waitFor(t, ctx, "the results of the query", `document.readyState === "complete" && location.search.includes("q=domestic+workers") &&
		document.querySelectorAll("li.hit .passage mark").length > 0`)
	if loc := eval[string](t, ctx, `location.search`); !strings.Contains(loc, "q=domestic+workers") {
		t.Errorf("the query is not in the URL: %q", loc)
	}
	hits := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("li.hit")).map(h => h.dataset.symbol)`)
	if !slices.Contains(hits, "GB.319/POL/2") || !slices.Contains(hits, "C189") {
		t.Errorf("results %v lack GB.319/POL/2 or C189", hits)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("li.hit .passage mark").length`); n < 5 {
		t.Errorf("%d highlighted words in the passages", n)
	}
	marked := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("li.hit .passage mark")).map(m => m.textContent.toLowerCase())`)
	for _, m := range marked {
		if !strings.HasPrefix(m, "domestic") && !strings.HasPrefix(m, "worker") {
			t.Errorf("highlighted %q, which the query does not ask for", m)
		}
	}
	facets := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("section.facet")).map(f => f.dataset.facet)`)
	if !slices.Contains(facets, "kind") || !slices.Contains(facets, "section") || len(facets) < 5 {
		t.Errorf("facets shown: %v", facets)
	}
	shot := screenshot(t, ctx, "search-results.png")

	// 2. click a facet value: the results narrow, the value is marked, the
	// URL says so
	step(t, ctx, "clicking the facet kind=gb-document",
		chromedp.Click(chromedp.CSS(`a.facet-value[data-facet="kind"][data-value="gb-document"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.facet-value.selected[data-facet="kind"][data-value="gb-document"]`)),
	)
	if loc := eval[string](t, ctx, `location.search`); !strings.Contains(loc, "kind=gb-document") || !strings.Contains(loc, "q=domestic+workers") {
		t.Errorf("URL after the facet click: %q", loc)
	}
	hits = eval[[]string](t, ctx, `Array.from(document.querySelectorAll("li.hit")).map(h => h.dataset.symbol)`)
	if !slices.Equal(hits, []string{"GB.319/POL/2"}) {
		t.Errorf("with kind=gb-document the results are %v", hits)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#clear-filters").length`); n != 1 {
		t.Error("no 'clear filters' link")
	}
	// a paragraph passage shows the footnotes it calls
	if n := eval[int](t, ctx, `document.querySelectorAll("li.hit .passage.paragraph ul.footnotes li").length`); n == 0 {
		t.Error("no footnote under the paragraph passages")
	}

	// 3. open the document from the result
	step(t, ctx, "opening GB.319/POL/2",
		chromedp.Click(chromedp.CSS(`li.hit[data-symbol="GB.319/POL/2"] a.symbol`)),
		chromedp.WaitVisible(chromedp.CSS("article.document")),
	)
	if p := eval[string](t, ctx, `location.pathname`); p != "/documents/GB.319/POL/2" {
		t.Errorf("document URL %q", p)
	}
	title := eval[string](t, ctx, `document.querySelector("article.document h1").textContent`)
	meta := eval[string](t, ctx, `document.querySelector("section.metadata").innerText`)
	if !strings.Contains(title, "High-level Dialogue on International Migration") || !strings.Contains(meta, "319th Session") ||
		!strings.Contains(meta, "Policy Development Section (POL)") || !strings.Contains(meta, "Labour Migration Branch (MIGRANT)") {
		t.Errorf("document page: title %q, metadata %q", title, meta)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("div.para[id^=para-]").length`); n != 14 {
		t.Errorf("%d numbered paragraphs, want 14", n)
	}

	// 4. follow the callout of footnote 5 (in paragraph 4(a)) and back
	step(t, ctx, "following the callout of footnote 5",
		chromedp.Click(chromedp.CSS("#fnref-5 a")),
	)
	waitHash(t, ctx, "#fn-5")
	note := eval[string](t, ctx, `document.querySelector("#fn-5").innerText`)
	if !strings.Contains(note, "A/RES/67/219") {
		t.Errorf("footnote 5 reads %q", note)
	}
	if !eval[bool](t, ctx, `document.querySelector("#fn-5").matches(":target")`) {
		t.Error("footnote 5 is not the target")
	}
	screenshot(t, ctx, "document-footnote.png")
	step(t, ctx, "following footnote 5 back to its callout", chromedp.Click(chromedp.CSS("#fn-5 a.back")))
	waitHash(t, ctx, "#fnref-5")
	if where := eval[string](t, ctx, `document.querySelector("#fnref-5").closest("li").id`); where != "para-4-a" {
		t.Errorf("the callout of footnote 5 is in %q, want para-4-a", where)
	}

	// 5. from the Convention, follow "cited by" to the paragraph that cites it
	step(t, ctx, "opening C189",
		chromedp.Navigate(base+"/documents/C189"),
		chromedp.WaitVisible(chromedp.CSS("section.cited-by")),
	)
	citing := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("section.cited-by a.citing")).map(a => a.textContent)`)
	if !slices.Contains(citing, "GB.319/POL/2") {
		t.Fatalf("C189 cited by %v", citing)
	}
	step(t, ctx, "following 'cited by' to GB.319/POL/2, paragraph 8",
		chromedp.Click(chromedp.CSS(`section.cited-by a[href="/documents/GB.319/POL/2#para-8"]`)),
		chromedp.WaitVisible(chromedp.ID("fnref-5")),
	)
	waitHash(t, ctx, "#para-8")
	if p := eval[string](t, ctx, `location.pathname`); p != "/documents/GB.319/POL/2" {
		t.Errorf("cited-by link led to %q", p)
	}
	if para := eval[string](t, ctx, `document.querySelector("#para-8").innerText`); !strings.Contains(para, "Domestic Workers Convention, 2011 (No. 189)") {
		t.Errorf("paragraph 8 reads %q", para)
	}

	// 6. a malformed query is explained, not an error dump
	step(t, ctx, "searching with a malformed query",
		chromedp.Navigate(base+"/?q="+"%28forced+OR+labour"),
		chromedp.WaitVisible(chromedp.CSS("section.error")),
	)
	if msg := eval[string](t, ctx, `document.querySelector("section.error").innerText`); !strings.Contains(msg, "The query could not be read") || !strings.Contains(msg, "character") {
		t.Errorf("error page reads %q", msg)
	}
	t.Logf("results screenshot (highlighted passages and facets): %s", shot)
}

// waitFor polls a JavaScript condition until it holds.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		// while a page is replaced, evaluating fails: that is "not yet"
		ectx, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(ectx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %s never held (last error: %v)", what, js, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitHash waits for the URL's fragment: a click on an in-page link
// changes it without loading a page.
func waitHash(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := eval[string](t, ctx, `location.hash`)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("URL fragment %q, want %q", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
