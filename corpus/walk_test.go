package corpus

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

const manifestHeader = "path\tsymbol\tkind\tlanguage\ttitle\tdate\tsource\tnotes\n"

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// testCorpus is a corpus with a manifest at its root and another in a
// subdirectory, files of every kind the walker must tell apart, and the
// source-tree clutter it must not visit.
func testCorpus() fstest.MapFS {
	return fstest.MapFS{
		"MANIFEST.tsv": file(manifestHeader +
			"gb/a.pdf\tGB.319/POL/2\tgb-document\ten\tRoot title\t2013-10-16\t\t\n" + // line 2
			"gb/gone.pdf\tGB.319/POL/9\tgb-document\ten\tMissing\t\t\t\n" + // line 3
			"gb/a.truth.json\tGB.319/POL/2\tground-truth\ten\t\t\t\t\n" + // line 4
			"gb/a.fodt\tGB.319/POL/2\tgb-document\ten\t\t\t\tnot a corpus input\n" + // line 5
			"un/x.pdf\tA/1\tun-document\ten\tShadowed by un/MANIFEST.tsv\t\t\t\n" + // line 6
			".hidden.pdf\tA/3\tun-document\ten\t\t\t\t\n" + // line 7
			"un/deep\tA/4\tun-document\ten\t\t\t\t\n"), // line 8
		"gb/a.pdf":        file("%PDF-1.4"),
		"gb/a.truth.json": file("{}"),
		"gb/a.fodt":       file("<xml/>"),
		"gb/notes.xlsx":   file("PK"),
		"gb/README":       file("read me"),
		"gb/B.DOCX":       file("PK"),
		"un/MANIFEST.tsv": file(manifestHeader +
			"x.pdf\tA/68/190\tun-document\ten\tSub title\t2013-07-25\t\t\n" + // line 2
			"deep/y.md\tA/RES/67/219\tun-document\ten\t\t\t\t\n" + // line 3
			"lost.md\tA/2\tun-document\ten\t\t\t\t\n"), // line 4
		"un/x.pdf":         file("%PDF-1.4"),
		"un/deep/y.md":     file("# y"),
		"un/deep/z.txt":    file("z"),
		"loose.html":       file("<html>"),
		"walk.go":          file("package corpus"),
		"go.mod":           file("module x"),
		"testdata/t.pdf":   file("%PDF-1.4"),
		"gb/testdata/u.md": file("# u"),
		".git/config":      file("[core]"),
		".hidden.pdf":      file("%PDF-1.4"),
		"gb/.DS_Store":     file(""),
		"un/.cache/v.pdf":  file("%PDF-1.4"),
	}
}

// walked is what a test keeps of a File.
type walked struct {
	Path       string
	Symbol     string
	Title      string
	InManifest bool
	Missing    bool
	Skip       string
}

func walkAll(t *testing.T, ctx context.Context, fsys fs.FS) ([]walked, error) {
	t.Helper()
	var got []walked
	err := Walk(ctx, fsys, func(f File) error {
		if f.Entry.Path != f.Path {
			t.Errorf("%s: Entry.Path = %q, want the walked path", f.Path, f.Entry.Path)
		}
		got = append(got, walked{f.Path, f.Entry.Symbol, f.Entry.Title, f.InManifest, f.Missing, f.Skip})
		return nil
	})
	return got, err
}

func TestWalk(t *testing.T) {
	got, err := walkAll(t, t.Context(), testCorpus())
	if err != nil {
		t.Fatal(err)
	}
	want := []walked{
		// listed, but the walk passes dot files by: not missing
		{Path: ".hidden.pdf", Symbol: "A/3", InManifest: true,
			Skip: "listed in MANIFEST.tsv line 7 but it is not corpus material (a dot file, Go source or test fixture)"},
		{Path: "gb/B.DOCX"}, // extensions are case-insensitive
		{Path: "gb/README", Skip: `unsupported file type: no extension`},
		{Path: "gb/a.fodt", Symbol: "GB.319/POL/2", InManifest: true, Skip: "manifest marks it as not a corpus input"},
		{Path: "gb/a.pdf", Symbol: "GB.319/POL/2", Title: "Root title", InManifest: true},
		{Path: "gb/a.truth.json", Symbol: "GB.319/POL/2", InManifest: true, Skip: "ground truth, not a corpus input"},
		{Path: "gb/gone.pdf", Symbol: "GB.319/POL/9", Title: "Missing", InManifest: true, Missing: true,
			Skip: "listed in MANIFEST.tsv line 3 but the file is missing"},
		{Path: "gb/notes.xlsx", Skip: `unsupported file type ".xlsx"`},
		{Path: "loose.html"},
		// the deepest manifest governs: un/MANIFEST.tsv, not the root's row
		{Path: "un/deep", Symbol: "A/4", InManifest: true, Skip: "listed in MANIFEST.tsv line 8 but it is a directory"},
		{Path: "un/deep/y.md", Symbol: "A/RES/67/219", InManifest: true},
		{Path: "un/deep/z.txt"},
		{Path: "un/lost.md", Symbol: "A/2", InManifest: true, Missing: true,
			Skip: "listed in un/MANIFEST.tsv line 4 but the file is missing"},
		{Path: "un/x.pdf", Symbol: "A/68/190", Title: "Sub title", InManifest: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("walk (-want +got):\n%s", diff)
	}
}

// TestWalkMissingOnce: a missing file listed both by a manifest and by a
// deeper one is reported once, with the deeper manifest's row (the one that
// governs it), so the report neither repeats it nor depends on map order.
func TestWalkMissingOnce(t *testing.T) {
	fsys := fstest.MapFS{
		"MANIFEST.tsv": file(manifestHeader + "s/gone.pdf\tA/1\tun-document\ten\tRoot\t\t\t\n" +
			"s/only-root.pdf\tA/3\tun-document\ten\tRoot\t\t\t\n"),
		"s/MANIFEST.tsv": file(manifestHeader + "gone.pdf\tA/1\tun-document\ten\tSub\t\t\t\n"),
	}
	for range 20 { // map order varies between runs
		got, err := walkAll(t, t.Context(), fsys)
		if err != nil {
			t.Fatal(err)
		}
		want := []walked{{Path: "s/gone.pdf", Symbol: "A/1", Title: "Sub", InManifest: true, Missing: true,
			Skip: "listed in s/MANIFEST.tsv line 2 but the file is missing"},
			// a row that only an outer manifest has is still reported
			{Path: "s/only-root.pdf", Symbol: "A/3", Title: "Root", InManifest: true, Missing: true,
				Skip: "listed in MANIFEST.tsv line 3 but the file is missing"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("walk (-want +got):\n%s", diff)
		}
	}
}

func TestWalkBrokenManifest(t *testing.T) {
	fsys := testCorpus()
	fsys["un/deep/MANIFEST.tsv"] = file(manifestHeader + "y.md\tA/1\tun-doc\ten\t\tlast week\t\t\n")
	fsys["zz/MANIFEST.tsv"] = file("path\tsymbol\n")
	called := 0
	err := Walk(t.Context(), fsys, func(File) error { called++; return nil })
	if err == nil {
		t.Fatal("Walk succeeded over a broken manifest")
	}
	if called != 0 {
		t.Errorf("fn called %d times before the broken manifest stopped the walk", called)
	}
	for _, w := range []string{
		`manifest un/deep/MANIFEST.tsv: line 2: unknown kind "un-doc"`,
		`line 2: date "last week" is not YYYY-MM-DD`,
		"manifest zz/MANIFEST.tsv: line 1: header lacks column(s)",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

// A manifest inside a skipped directory is not read, so it cannot break
// the walk.
func TestWalkIgnoresManifestsInSkippedDirs(t *testing.T) {
	fsys := testCorpus()
	fsys["testdata/MANIFEST.tsv"] = file("garbage")
	fsys[".git/MANIFEST.tsv"] = file("garbage")
	if _, err := walkAll(t, t.Context(), fsys); err != nil {
		t.Fatal(err)
	}
}

func TestWalkContext(t *testing.T) {
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		called := 0
		err := Walk(ctx, testCorpus(), func(File) error { called++; return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if called != 0 {
			t.Errorf("fn called %d times", called)
		}
	})
	t.Run("cancelled by fn", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		called := 0
		err := Walk(ctx, testCorpus(), func(File) error { called++; cancel(); return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if called != 1 {
			t.Errorf("fn called %d times after cancellation, want 1", called)
		}
	})
}

func TestWalkStopsOnFnError(t *testing.T) {
	stop := errors.New("stop")
	called := 0
	err := Walk(t.Context(), testCorpus(), func(File) error { called++; return stop })
	if !errors.Is(err, stop) || called != 1 {
		t.Errorf("err = %v after %d calls, want fn's error after 1", err, called)
	}
}

func TestWalkEmptyAndUnreadable(t *testing.T) {
	got, err := walkAll(t, t.Context(), fstest.MapFS{})
	if err != nil || len(got) != 0 {
		t.Errorf("empty corpus: %v, %v", got, err)
	}
	var pathErr *fs.PathError
	missing, err := fs.Sub(fstest.MapFS{"a.txt": file("a")}, "nope")
	if err != nil {
		t.Fatal(err)
	}
	if err := Walk(t.Context(), missing, func(File) error { return nil }); !errors.As(err, &pathErr) {
		t.Errorf("walking a missing root: err = %v, want a *fs.PathError", err)
	}
}

func TestSupported(t *testing.T) {
	for name, want := range map[string]bool{
		"a.pdf": true, "a.PDF": true, "a.docx": true, "a.md": true, "a.txt": true, "a.html": true, "a.htm": true,
		"a.doc": false, "a.xlsx": false, "a": false, "a.pdf.zip": false, "dir.pdf/a": false,
	} {
		if got := Supported(name); got != want {
			t.Errorf("Supported(%q) = %v, want %v", name, got, want)
		}
	}
}
