package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"gbsearch/indexer"
)

// watch follows a corpus folder with fsnotify (inotify on Linux: changes
// arrive in milliseconds, with no polling of a large tree) and runs the
// incremental pipeline over that folder after each burst of changes. New,
// changed and removed files go through the same extraction and checks as
// any other run.
func (a *app) watch(ctx context.Context, dir string, settle time.Duration) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	addTree := func(root string) {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") && p != root {
					return filepath.SkipDir
				}
				if err := w.Add(p); err != nil {
					a.logger.Warn("watching", "path", p, "err", err)
				}
			}
			return nil
		})
	}
	addTree(dir)
	c := indexer.Corpus{Root: filepath.Clean(dir), FS: os.DirFS(dir)}
	a.logger.Info("watching for changes", "path", dir)
	// index what changed while the server was down
	if _, err := a.update(ctx, []indexer.Corpus{c}, nil); err != nil {
		a.logger.Error("indexing the watched folder", "path", dir, "err", err)
	}
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					addTree(ev.Name)
				}
			}
			if strings.HasSuffix(ev.Name, ".tmp") || strings.HasPrefix(filepath.Base(ev.Name), ".") {
				continue
			}
			// wait for the burst to settle: an editor writes a file in
			// several steps, a copy of a folder is many events
			timer = time.After(settle)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			a.logger.Warn("watcher", "err", err)
		case <-timer:
			timer = nil
			st, err := a.update(ctx, []indexer.Corpus{c}, nil)
			if err != nil {
				a.logger.Error("indexing changes", "path", dir, "err", err)
				continue
			}
			a.logger.Info("indexed changes", "path", dir, "indexed", st.Indexed, "removed", st.Removed, "failed", st.Failed)
		}
	}
}
