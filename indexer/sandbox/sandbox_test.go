package sandbox

import (
	"bytes"
	"compress/zlib"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gbsearch/indexer"
	"gbsearch/internal/pdfbuild"
	"gbsearch/internal/testutil"
)

func TestMain(m *testing.M) {
	// this test binary is also the worker the sandbox starts
	Main()
	os.Exit(m.Run())
}

func newSandbox(t *testing.T, l Limits) *Sandbox {
	t.Helper()
	s, err := New(l)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestExtractsInAChild(t *testing.T) {
	data, err := os.ReadFile("../../corpus/gb/GB.319_POL_2.en.pdf")
	if err != nil {
		t.Fatal(err)
	}
	r := newSandbox(t, DefaultLimits).Run(t.Context(), indexer.FormatPDF, data)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(r.Content.Pages) != 8 || r.MaxRSS == 0 {
		t.Errorf("%d pages, max RSS %d", len(r.Content.Pages), r.MaxRSS)
	}
	d := indexer.Parse(r.Content, indexer.Meta{Kind: "gb-document", Language: "en"})
	if d.Symbol != "GB.319/POL/2" || len(d.Footnotes) != 17 {
		t.Errorf("parsed %s with %d footnotes", d.Symbol, len(d.Footnotes))
	}
}

func TestKilledOnDeadline(t *testing.T) {
	data, err := os.ReadFile("../../corpus/gb/GB.319_POL_2.en.pdf")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := newSandbox(t, Limits{Timeout: time.Millisecond, MemoryBytes: 512 << 20}).Run(t.Context(), indexer.FormatPDF, data)
	if r.Killed != "timeout" || !errors.Is(r.Err, indexer.ErrResourceLimit) {
		t.Fatalf("killed %q, err %v", r.Killed, r.Err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the kill took %s", d)
	}
}

// flateBomb is a one-page PDF whose content stream inflates to n bytes
// from a few hundred kilobytes: the memory blow-up of a hostile file.
func flateBomb(t *testing.T, n int) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	// one string operand as long as the stream: the lexer must hold it
	zw.Write([]byte("BT /F1 12 Tf 72 700 Td ("))
	chunk := bytes.Repeat([]byte("A"), 1<<16)
	for w := 0; w < n; w += len(chunk) {
		zw.Write(chunk)
	}
	zw.Write([]byte(") Tj ET"))
	zw.Close()
	f := pdfbuild.New()
	f.Object("<< /Type /Catalog /Pages 2 0 R >>")
	f.Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	f.Object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
	f.Stream(" /Filter /FlateDecode", z.Bytes())
	f.Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	return f.Bytes()
}

// TestFlateBomb: a small PDF that inflates to 900 MB is read without the
// child's memory following it (the extractor bounds what it holds).
func TestFlateBomb(t *testing.T) {
	if raceEnabled {
		t.Skip("under -race the child's shadow memory does not fit a memory limit")
	}
	bomb := flateBomb(t, 900<<20)
	r := newSandbox(t, Limits{Timeout: 20 * time.Second, MemoryBytes: 256 << 20}).Run(t.Context(), indexer.FormatPDF, bomb)
	t.Logf("a %d KB PDF inflating to 900 MB: %s, %d MiB, killed %q, err %v", len(bomb)>>10, r.Duration.Round(time.Millisecond), r.MaxRSS>>20, r.Killed, r.Err)
	if r.Killed == "crash" {
		t.Errorf("the child crashed: %v", r.Err)
	}
	if r.MaxRSS > 256<<20 {
		t.Errorf("the child reached %d MiB under a 256 MiB limit", r.MaxRSS>>20)
	}
}

// TestStoppedAtMemoryLimit: a file that needs more memory than allowed
// stops its child, not this process, and says so.
func TestStoppedAtMemoryLimit(t *testing.T) {
	if raceEnabled {
		t.Skip("under -race the child's shadow memory does not fit a memory limit")
	}
	dir := testutil.SharedDir(t, "pdf-robustness")
	data, err := os.ReadFile(filepath.Join(dir, "py-pdf-sample-files", "009-pdflatex-geotopo", "GeoTopo-komprimiert.pdf"))
	if err != nil {
		t.Skipf("the sample file is not there: %v", err)
	}
	r := newSandbox(t, Limits{Timeout: 20 * time.Second, MemoryBytes: 32 << 20}).Run(t.Context(), indexer.FormatPDF, data)
	if r.Killed != "memory" || !errors.Is(r.Err, indexer.ErrResourceLimit) {
		t.Fatalf("killed %q, err %v", r.Killed, r.Err)
	}
}

func TestCorruptFileIsAnError(t *testing.T) {
	r := newSandbox(t, DefaultLimits).Run(t.Context(), indexer.FormatPDF, []byte("%PDF-1.4\nnot really\n"))
	if r.Err == nil || !errors.Is(r.Err, indexer.ErrExtract) || r.Killed != "" {
		t.Fatalf("err %v, killed %q", r.Err, r.Killed)
	}
}

// TestRobustnessSample runs a sample of ../shared/pdf-robustness (every
// 15th file, across all its suites) through the sandbox: each file is
// extracted or rejected with a reason within 10 s and 512 MiB. `make
// robustness` runs the whole suite.
func TestRobustnessSample(t *testing.T) {
	dir := testutil.SharedDir(t, "pdf-robustness")
	files, err := SuiteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var sample []string
	for i := 0; i < len(files); i += 15 {
		sample = append(sample, files[i])
	}
	limits := Limits{Timeout: 9500 * time.Millisecond, MemoryBytes: 480 << 20}
	results := newSandbox(t, limits).RunSuite(t.Context(), sample, 2, nil)
	var table strings.Builder
	PrintSuite(&table, results, limits)
	t.Logf("%d of %d files:\n%s", len(sample), len(files), table.String())
	for _, r := range results {
		switch r.Outcome {
		case "extracted", "timeout", "memory":
		case "rejected":
			if r.Reason == "" || r.Detail == "" {
				t.Errorf("%s rejected without a reason", r.Path)
			}
		default:
			t.Errorf("%s: outcome %q", r.Path, r.Outcome)
		}
		if r.Duration > 10*time.Second || r.MaxRSS > 512<<20 {
			t.Errorf("%s took %s and %d MiB", r.Path, r.Duration, r.MaxRSS>>20)
		}
	}
}
