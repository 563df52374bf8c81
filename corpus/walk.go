package corpus

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Extensions the indexer can read. Anything else found in a corpus is
// reported as skipped, never dropped silently.
var supported = map[string]bool{".txt": true, ".md": true, ".pdf": true, ".docx": true, ".html": true, ".htm": true}

// Supported reports whether a file name has an extension the indexer reads.
func Supported(name string) bool {
	return supported[strings.ToLower(path.Ext(name))]
}

// File is one file met by [Walk].
type File struct {
	// Path is slash-separated and relative to the walked root.
	Path string
	// Entry is the manifest row for the file; InManifest tells whether
	// there was one (otherwise Entry is zero apart from Path).
	Entry      Entry
	InManifest bool
	// Skip, when not empty, says why the file is not indexed.
	Skip string
	// Missing is set for a manifest row whose file does not exist.
	Missing bool
}

// Walk visits every file of the corpus rooted at fsys in path order and calls
// fn for each, including the ones that are not inputs (with Skip set) and the
// manifest rows whose files are missing, so that callers can report them.
// Source code and test fixtures that live beside the bundled corpus (.go
// files, testdata directories, dot files) are not corpus material and are
// not visited. A manifest that fails to parse stops the walk before fn is
// called for anything: indexing half a corpus with wrong metadata is worse
// than indexing none.
func Walk(ctx context.Context, fsys fs.FS, fn func(File) error) error {
	manifests := map[string]*Manifest{} // directory → manifest
	var files []string
	var errs []error
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walking %s: %w", p, err)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(name, ".") || name == "testdata") {
				return fs.SkipDir
			}
			b, err := fs.ReadFile(fsys, path.Join(p, ManifestName))
			switch {
			case errors.Is(err, fs.ErrNotExist):
			case err != nil:
				errs = append(errs, fmt.Errorf("reading %s: %w", path.Join(p, ManifestName), err))
			default:
				m, err := ParseManifestBytes(b)
				if err != nil {
					errs = append(errs, fmt.Errorf("manifest %s: %w", path.Join(p, ManifestName), err))
				} else {
					manifests[p] = m
				}
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || name == ManifestName || strings.HasSuffix(name, ".go") ||
			name == "go.mod" || name == "go.sum" {
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}

	seen := map[string]bool{}
	out := make([]File, 0, len(files))
	for _, p := range files {
		seen[p] = true
		f := File{Path: p}
		if dir, m := governing(manifests, p); m != nil {
			rel := strings.TrimPrefix(p, dir+"/")
			if dir == "." {
				rel = p
			}
			if e, ok := m.Lookup(rel); ok {
				f.Entry, f.InManifest = e, true
			}
		}
		f.Entry.Path = p
		switch {
		case f.InManifest && f.Entry.NotInput() != "":
			f.Skip = f.Entry.NotInput()
		case !Supported(p) && path.Ext(p) == "":
			f.Skip = "unsupported file type: no extension"
		case !Supported(p):
			f.Skip = fmt.Sprintf("unsupported file type %q", path.Ext(p))
		}
		out = append(out, f)
	}
	// A row whose file was not visited is reported once, with the row of the
	// deepest manifest listing it, as an existing file would be. Missing
	// means the file does not exist, not that the walk passed it by.
	missing := map[string]File{}
	missingDir := map[string]string{}
	for dir, m := range manifests {
		for _, e := range m.Entries {
			p := path.Join(dir, e.Path)
			if seen[p] {
				continue
			}
			if prev, ok := missingDir[p]; ok && depth(prev) > depth(dir) {
				continue
			}
			e.Path = p
			missingDir[p] = dir
			f := File{Path: p, Entry: e, InManifest: true, Missing: true}
			why := "the file is missing"
			if st, err := fs.Stat(fsys, p); err == nil {
				f.Missing = false
				why = "it is not corpus material (a dot file, Go source or test fixture)"
				if st.IsDir() {
					why = "it is a directory"
				}
			}
			f.Skip = fmt.Sprintf("listed in %s line %d but %s", path.Join(dir, ManifestName), e.Line, why)
			missing[p] = f
		}
	}
	for _, f := range missing {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	for _, f := range out {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// depth is the number of path elements of a directory, 0 for the root.
func depth(dir string) int {
	if dir == "." {
		return 0
	}
	return strings.Count(dir, "/") + 1
}

// governing returns the manifest of the deepest directory above p that has one.
func governing(manifests map[string]*Manifest, p string) (string, *Manifest) {
	for dir := path.Dir(p); ; dir = path.Dir(dir) {
		if m, ok := manifests[dir]; ok {
			return dir, m
		}
		if dir == "." || dir == "/" {
			return "", nil
		}
	}
}
