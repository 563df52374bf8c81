// Package testutil holds helpers shared by gbsearch's tests: golden files,
// digests of file trees, and the location of the shared test corpora that
// are never committed.
package testutil

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// Golden compares got with testdata/golden/<name>, or rewrites the file when
// the test runs with -update. Run -update per package
// (go test ./indexer -update), since only packages that import testutil
// define the flag.
func Golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// SharedDir returns the path of a folder of ../shared (relative to the
// repository root), e.g. SharedDir(t, "corpus/sources"), or skips the test
// with a clear message when it is absent: the shared corpora are test data
// from public repositories and are never committed into this project.
func SharedDir(t testing.TB, rel string) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "..", "shared", filepath.FromSlash(rel))
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Skipf("shared test data %s is absent (expected at %s): skipping", rel, dir)
	}
	return dir
}

// RepoRoot finds the module root (the directory holding go.mod) above the
// test's working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
