package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gbsearch/corpus"
	"gbsearch/corpus/gen"
	"gbsearch/search"
	"gbsearch/server"
)

const testToken = "s3cret-token-for-tests"

// testApp is the serving side as `gbsearch serve` wires it, on a loopback
// listener, over its own index directory.
type testApp struct {
	*app
	base string
}

func startApp(t *testing.T, indexDir string, corpora []string, watchDir string) *testApp {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	if watchDir != "" {
		corpora = append(corpora, watchDir)
	}
	b, err := newBuilder(indexDir, corpora, logger)
	if err != nil {
		t.Fatal(err)
	}
	if b.extract, err = isolatedExtract(60*time.Second, 512<<20); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := search.NewServed(nil)
	a := &app{dir: b.dir, builder: b, served: served, logger: logger, ctx: ctx}
	a.ensureUploadsCorpus()
	srv := server.New(server.Config{RequestTimeout: 30 * time.Second}, served, logger, prometheus.NewRegistry(),
		server.WithReady(served.Ready), server.WithAdmin(a, testToken))
	a.metrics = srv.Metrics()
	if err := a.start(ctx); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var wg sync.WaitGroup
	if watchDir != "" {
		wg.Add(1)
		go func() { defer wg.Done(); _ = a.watch(ctx, watchDir, 100*time.Millisecond) }()
	}
	t.Cleanup(func() {
		cancel()
		<-done
		wg.Wait()
		a.mu.Lock()
		if old := served.Swap(nil); old != nil {
			old.Close()
		}
		a.mu.Unlock()
	})
	return &testApp{app: a, base: "http://" + ln.Addr().String()}
}

func (ta *testApp) total(t *testing.T, q string) int {
	t.Helper()
	var res searchJSON
	if code := getJSON(t, ta.base+"/api/v1/search?facets=false&passages=0&q="+urlQuery(q), &res); code != 200 {
		t.Fatalf("search %q: status %d", q, code)
	}
	return res.Total
}

func urlQuery(q string) string {
	return strings.NewReplacer(" ", "+", "\"", "%22", "/", "%2F", ":", "%3A").Replace(q)
}

// TestSearchDuringRebuild runs searches in a loop while a full rebuild
// and swap happen underneath: no request fails, and no answer has fewer
// hits than the answers before and after.
func TestSearchDuringRebuild(t *testing.T) {
	ta := startApp(t, t.TempDir(), []string{"../../corpus", sourcesDir(t)}, "")
	queries := []string{"labour", "domestic workers", "GB.319/POL/2", "malaria", "seafarers"}
	before := map[string]int{}
	for _, q := range queries {
		before[q] = ta.total(t, q)
		if before[q] == 0 {
			t.Fatalf("%q finds nothing before the rebuild", q)
		}
	}
	oldPath := ta.current
	var failures, fewer, requests atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 20 * time.Second}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			deadline := time.Now().Add(3 * time.Minute)
			for i := 0; i < 100000 && time.Now().Before(deadline); i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := queries[i%len(queries)]
				resp, err := client.Get(ta.base + "/api/v1/search?facets=false&q=" + urlQuery(q))
				requests.Add(1)
				if err != nil {
					failures.Add(1)
					continue
				}
				var res searchJSON
				err = json.NewDecoder(resp.Body).Decode(&res)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					failures.Add(1)
					continue
				}
				if res.Total < before[q] {
					fewer.Add(1)
				}
			}
		}()
	}
	if err := ta.rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	// keep searching a little on the new index
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	if ta.current == oldPath {
		t.Fatalf("the rebuild did not swap in a new index")
	}
	for _, q := range queries {
		if after := ta.total(t, q); after != before[q] {
			t.Errorf("%q: %d hits before, %d after", q, before[q], after)
		}
	}
	t.Logf("%d searches during the rebuild and swap: %d failed, %d with fewer hits", requests.Load(), failures.Load(), fewer.Load())
	if failures.Load() != 0 || fewer.Load() != 0 || requests.Load() < 20 {
		t.Errorf("%d requests, %d failed, %d with fewer hits", requests.Load(), failures.Load(), fewer.Load())
	}
}

// TestRefusedRebuild: a rebuild whose checks fail (a corpus folder emptied
// by mistake) is refused and the old index keeps serving.
func TestRefusedRebuild(t *testing.T) {
	corpusDir := t.TempDir()
	copyTree(t, "../../corpus/gb", filepath.Join(corpusDir, "gb"))
	for i := 0; i < 5; i++ {
		writeFile(t, filepath.Join(corpusDir, fmt.Sprintf("note%d.md", i)), fmt.Sprintf("# Note %d\n\nLabour migration note number %d.\n", i, i))
	}
	ta := startApp(t, t.TempDir(), []string{corpusDir}, "")
	served := ta.current
	n := ta.total(t, "")
	if n != 6 {
		t.Fatalf("%d documents served, want 6", n)
	}
	// the librarian empties the folder by mistake
	entries, _ := os.ReadDir(corpusDir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(corpusDir, e.Name()))
	}
	err := ta.rebuild(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("rebuild of an empty corpus: %v", err)
	}
	t.Logf("refused: %v", err)
	if ta.current != served {
		t.Errorf("the served index changed")
	}
	if got := ta.total(t, ""); got != n {
		t.Errorf("%d documents served after the refused rebuild, want %d", got, n)
	}
	if cur, _ := ta.dir.CurrentPath(); cur != served {
		t.Errorf("CURRENT points to %s, want %s", cur, served)
	}
}

func multipartUpload(t *testing.T, name string, data []byte, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return &body, mw.FormDataContentType()
}

func doRequest(t *testing.T, method, url, token string, body io.Reader, ctype string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestUploadAndDelete: a document uploaded over HTTP is found by search
// within 2 seconds; deleted, it is gone; a wrong token gets 401 and
// changes nothing; a file that is not a document is refused by content.
func TestUploadAndDelete(t *testing.T) {
	ta := startApp(t, t.TempDir(), []string{"../../corpus"}, "")
	doc := []byte("# Quarantine rules for tea plantations\n\n1. The zymurgical inspection of tea plantations is described here.\n")
	fields := map[string]string{"symbol": "GB.999/INS/7", "kind": "gb-document", "language": "en", "date": "2026-11-27"}

	body, ctype := multipartUpload(t, "note.md", doc, fields)
	if code, b := doRequest(t, http.MethodPost, ta.base+"/api/v1/admin/documents", "wrong-token", body, ctype); code != 401 {
		t.Fatalf("wrong token: %d %s", code, b)
	}
	if n := ta.total(t, "zymurgical"); n != 0 {
		t.Fatalf("the refused upload is searchable")
	}
	if entries, _ := os.ReadDir(ta.uploadsRoot()); len(entries) != 0 {
		t.Fatalf("the refused upload left files: %v", entries)
	}

	start := time.Now()
	body, ctype = multipartUpload(t, "note.md", doc, fields)
	code, b := doRequest(t, http.MethodPost, ta.base+"/api/v1/admin/documents", testToken, body, ctype)
	if code != 201 {
		t.Fatalf("upload: %d %s", code, b)
	}
	var res server.UploadResult
	json.Unmarshal(b, &res)
	if res.Symbol != "GB.999/INS/7" {
		t.Errorf("upload result %+v", res)
	}
	for ta.total(t, "zymurgical") == 0 {
		if time.Since(start) > 2*time.Second {
			t.Fatalf("the upload is not searchable after 2 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("uploaded document searchable after %s", time.Since(start).Round(time.Millisecond))
	if ta.total(t, "GB.999/INS/7") != 1 {
		t.Errorf("the uploaded symbol is not found")
	}

	if code, _ := doRequest(t, http.MethodDelete, ta.base+"/api/v1/admin/documents/GB.999/INS/7", "", nil, ""); code != 401 {
		t.Errorf("delete without token: %d", code)
	}
	if ta.total(t, "zymurgical") != 1 {
		t.Fatalf("a refused delete removed the document")
	}
	code, b = doRequest(t, http.MethodDelete, ta.base+"/api/v1/admin/documents/GB.999/INS/7", testToken, nil, "")
	if code != 200 {
		t.Fatalf("delete: %d %s", code, b)
	}
	if n := ta.total(t, "zymurgical"); n != 0 {
		t.Errorf("deleted document still found (%d)", n)
	}
	if entries, _ := os.ReadDir(ta.uploadsRoot()); len(entries) != 1 { // the manifest alone
		t.Errorf("uploads folder after delete: %v", entries)
	}

	// type-checked by content, not by name
	body, ctype = multipartUpload(t, "report.pdf", []byte("PK\x03\x04 this is a zip, not a PDF"), nil)
	if code, b := doRequest(t, http.MethodPost, ta.base+"/api/v1/admin/documents", testToken, body, ctype); code != 415 {
		t.Errorf("a zip named .pdf: %d %s", code, b)
	}
	body, ctype = multipartUpload(t, "x.txt", []byte{0, 1, 2, 3, 0, 0, 7}, nil)
	if code, b := doRequest(t, http.MethodPost, ta.base+"/api/v1/admin/documents", testToken, body, ctype); code != 415 {
		t.Errorf("binary named .txt: %d %s", code, b)
	}
	// a symbol with ../ never becomes a path
	if code, _ := doRequest(t, http.MethodDelete, ta.base+"/api/v1/admin/documents/../../etc/passwd", testToken, nil, ""); code != 404 {
		t.Errorf("delete ../../etc/passwd: %d", code)
	}
}

// TestUpdateCompactsSmallSegments: a `gbsearch index` run exits soon
// after its commit, before bleve's background merging gets to the small
// segments it added: a corpus updated run after run was searched in more
// and more of them (six after five runs adding a session of 40 generated
// files each) until a full rebuild. An update compacts them once they are
// more than a few.
func TestUpdateCompactsSmallSegments(t *testing.T) {
	generated := t.TempDir()
	g, err := gen.New(gen.Options{N: 120, Seed: 5, Out: generated, SeedText: corpus.SeedText})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Generate(t.Context()); err != nil {
		t.Fatal(err)
	}
	sessions, err := filepath.Glob(filepath.Join(generated, "[0-9]*"))
	if err != nil || len(sessions) == 0 {
		t.Fatalf("the generator wrote no session folders: %v", err)
	}
	corpusDir := t.TempDir()
	b, err := newBuilder(filepath.Join(t.TempDir(), "data"), []string{corpusDir}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Create(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := t.Context()
	// updates without the compaction, a session each, until they have
	// left more small segments than an update lets be
	for _, s := range sessions {
		copyTree(t, s, filepath.Join(corpusDir, filepath.Base(s)))
		if _, err := b.pipeline(search.NewWriter(ix), false).Run(ctx, b.corpora); err != nil {
			t.Fatal(err)
		}
		if ix.SmallSegments() > 4 {
			break
		}
	}
	before := ix.SmallSegments()
	if before <= 3 {
		t.Fatalf("%d sessions' updates left %d small segments: the test needs more than 3", len(sessions), before)
	}
	if _, err := b.update(ctx, ix); err != nil {
		t.Fatal(err)
	}
	// at most search's maxSmallSegments: compacted into one, or fewer
	// than that left by bleve's own merging, which may have got there
	// first
	if n := ix.SmallSegments(); n > 3 {
		t.Errorf("%d small segments after an update of an index with %d, want at most 3", n, before)
	}
}

// TestAdminDisabled: without a token the admin routes say they are off.
func TestAdminDisabled(t *testing.T) {
	dir, _ := realIndex(t)
	base, _ := startServer(t, dir)
	code, b := doRequest(t, http.MethodPost, base+"/api/v1/admin/reindex", "anything", nil, "")
	if code != 403 || !strings.Contains(string(b), "GBSEARCH_ADMIN_TOKEN") {
		t.Errorf("admin without token: %d %s", code, b)
	}
}

// TestReindexJob: POST /admin/reindex starts a job whose progress and
// counts can be followed.
func TestReindexJob(t *testing.T) {
	corpusDir := t.TempDir()
	copyTree(t, "../../corpus/gb", filepath.Join(corpusDir, "gb"))
	ta := startApp(t, t.TempDir(), []string{corpusDir}, "")
	writeFile(t, filepath.Join(corpusDir, "extra.md"), "# Extra\n\nA note on xylophone workers.\n")
	code, b := doRequest(t, http.MethodPost, ta.base+"/api/v1/admin/reindex", testToken, nil, "")
	if code != 202 {
		t.Fatalf("reindex: %d %s", code, b)
	}
	var started struct{ ID string }
	json.Unmarshal(b, &started)
	var job server.Job
	deadline := time.Now().Add(60 * time.Second)
	for {
		code, b = doRequest(t, http.MethodGet, ta.base+"/api/v1/admin/jobs/"+started.ID, testToken, nil, "")
		if code != 200 {
			t.Fatalf("job: %d %s", code, b)
		}
		json.Unmarshal(b, &job)
		if job.State != server.JobRunning || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if job.State != server.JobDone || job.Indexed != 1 || job.Unchanged != 3 {
		t.Errorf("job %+v", job)
	}
	if ta.total(t, "xylophone") != 1 {
		t.Errorf("the reindexed file is not found")
	}
}

// TestWatch: files added, edited and removed under a watched folder are
// searchable (or gone) within 5 seconds.
func TestWatch(t *testing.T) {
	watched := t.TempDir()
	ta := startApp(t, t.TempDir(), []string{"../../corpus"}, watched)
	within := func(what string, cond func() bool) {
		t.Helper()
		start := time.Now()
		for !cond() {
			if time.Since(start) > 5*time.Second {
				t.Fatalf("%s: not seen within 5 s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("%s: seen after %s", what, time.Since(start).Round(time.Millisecond))
	}
	file := filepath.Join(watched, "memo.md")
	writeFile(t, file, "# Memo\n\nThe quokka programme for rural workers.\n")
	within("new file", func() bool { return ta.total(t, "quokka") == 1 })
	writeFile(t, file, "# Memo\n\nThe wombat programme for rural workers.\n")
	within("edited file", func() bool { return ta.total(t, "wombat") == 1 && ta.total(t, "quokka") == 0 })
	sub := filepath.Join(watched, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(sub, "deep.md"), "# Deep\n\nA numbat in a new folder.\n")
	within("file in a new folder", func() bool { return ta.total(t, "numbat") == 1 })
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	within("removed file", func() bool { return ta.total(t, "wombat") == 0 })
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestIndexCommand: `gbsearch index` reports a corrupt file with its
// reason in the summary, exits non-zero past -max-failures, is incremental
// on a second run, and `gbsearch report` lists the failure.
func TestIndexCommand(t *testing.T) {
	corpusDir := t.TempDir()
	copyTree(t, "../../corpus/gb", filepath.Join(corpusDir, "gb"))
	writeFile(t, filepath.Join(corpusDir, "broken.pdf"), "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n")
	indexDir := filepath.Join(t.TempDir(), "data")
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"index", "-index", indexDir, "-corpus", corpusDir, "-max-failures", "0", "-progress", "log"}, &out, &errOut)
	var exit exitError
	if !errors.As(err, &exit) || exit.code != 3 {
		t.Fatalf("index with a corrupt file and -max-failures 0: %v\n%s", err, out.String())
	}
	summary := out.String()
	for _, want := range []string{"indexed", "failed", "corrupt", "broken.pdf", "unchanged"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if !strings.Contains(errOut.String(), `"msg":"indexing"`) {
		t.Errorf("no progress log lines on a non-terminal:\n%s", errOut.String())
	}
	out.Reset()
	if err := run(t.Context(), []string{"index", "-index", indexDir, "-corpus", corpusDir, "-json"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var st struct{ Indexed, Unchanged, Failed int }
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if st.Indexed != 0 || st.Unchanged != 4 || st.Failed != 1 {
		t.Errorf("second run: %+v, want 0 indexed, 4 unchanged, 1 failed", st)
	}
	out.Reset()
	if err := run(t.Context(), []string{"report", "-index", indexDir}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Files that failed (1)", "broken.pdf", "Symbols claimed by more than one file (1)", "GB.319/POL/2@en", "A/68/190"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestServeCorpora(t *testing.T) {
	tmp := t.TempDir()
	withIndex := filepath.Join(tmp, "with-index")
	if err := os.MkdirAll(withIndex, 0o755); err != nil {
		t.Fatal(err)
	}
	// a pointer to a served index is what makes an index "there"
	if err := os.WriteFile(filepath.Join(withIndex, "CURRENT"), []byte("idx-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	corpusDir := filepath.Join(tmp, "corpus")
	if err := os.Mkdir(corpusDir, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(tmp, "no-corpus")
	tests := []struct {
		name       string
		given      multiFlag
		defaultDir string
		indexDir   string
		want       multiFlag
		wantErr    string
	}{
		{"given corpora win", multiFlag{"a", "b"}, corpusDir, withIndex, multiFlag{"a", "b"}, ""},
		{"default folder when it is there", nil, corpusDir, filepath.Join(tmp, "empty"), multiFlag{corpusDir}, ""},
		{"an existing index needs no corpus", nil, missing, withIndex, nil, ""},
		{"no index and no corpus", nil, missing, filepath.Join(tmp, "empty"), nil, "give -corpus DIR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := serveCorpora(tc.given, tc.defaultDir, tc.indexDir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("corpora = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestFollowPointerNeverUndoesASwap: the server follows the index
// directory's pointer (moved by `gbsearch index -full` or -rollback in
// another process), but never back to an index that a run of its own has
// replaced while the follower waited for it. Before the pointer was read
// under the run's lock, a follower that read it before a rebuild finished
// swapped the old index in again once the rebuild let go.
func TestFollowPointerNeverUndoesASwap(t *testing.T) {
	dir := search.Dir{Root: t.TempDir()}
	build := func() *search.Index {
		ix, err := dir.NewBuild()
		if err != nil {
			t.Fatal(err)
		}
		return ix
	}
	old := build()
	if err := dir.Activate(old.Path()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := search.NewServed(nil)
	a := &app{dir: dir, served: served, logger: slog.New(slog.DiscardHandler), ctx: ctx}
	a.swapIn(old)
	done := make(chan struct{})
	go func() { defer close(done); a.followPointer(ctx, 5*time.Millisecond) }()

	// a rebuild holds the lock across several of the follower's ticks,
	// then makes its index current and serves it
	a.mu.Lock()
	time.Sleep(50 * time.Millisecond)
	time.Sleep(2 * time.Millisecond) // distinct build names
	rebuilt := build()
	if err := dir.Activate(rebuilt.Path()); err != nil {
		t.Fatal(err)
	}
	a.swapIn(rebuilt)
	a.mu.Unlock()
	time.Sleep(50 * time.Millisecond)
	// the very index the rebuild swapped in: a follower that swapped the
	// old one in and then followed the pointer back would serve another
	// *Index of the same path
	var servedNow *search.Index
	_ = served.With(func(ix *search.Index) error { servedNow = ix; return nil })
	if servedNow != rebuilt {
		t.Errorf("the index the rebuild swapped in was swapped out again (now serving %s)", filepath.Base(servedNow.Path()))
	}
	var current string

	// another process moves the pointer: followed
	time.Sleep(2 * time.Millisecond)
	other := build()
	otherPath := other.Path()
	other.Close()
	if err := dir.Activate(otherPath); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		a.mu.Lock()
		current = a.current
		a.mu.Unlock()
		if current == otherPath || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if current != otherPath {
		t.Errorf("the pointer moved to %s by another process was not followed (serving %s)", filepath.Base(otherPath), filepath.Base(current))
	}
	cancel()
	<-done
	if ix := served.Swap(nil); ix != nil {
		ix.Close()
	}
}
