package sandbox

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"gbsearch/indexer"
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

func TestStoppedAtMemoryLimit(t *testing.T) {
	data, err := os.ReadFile("../../corpus/gb/GB.319_POL_2.en.pdf")
	if err != nil {
		t.Fatal(err)
	}
	// far too little heap for the extractor: the child dies, not us
	r := newSandbox(t, Limits{Timeout: 10 * time.Second, MemoryBytes: 4 << 20}).Run(t.Context(), indexer.FormatPDF, data)
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
