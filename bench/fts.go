package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go)

	"gbsearch/indexer"
	"gbsearch/search"
)

type docT = indexer.Document

// The FTS5 side: one row per symbol, like gbsearch's searchable document,
// with the text of all its language versions; metadata columns are stored,
// not indexed (they are what facets count); the languages of a document,
// a facet of several values, are a table of their own.
const ftsSchema = `
CREATE VIRTUAL TABLE docs USING fts5(
	symbol UNINDEXED, section UNINDEXED, session UNINDEXED, year UNINDEXED, lang UNINDEXED, kind UNINDEXED,
	title, body,
	tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE langs(rid INTEGER NOT NULL, lang TEXT NOT NULL, PRIMARY KEY (rid, lang)) WITHOUT ROWID;
`

// ftsBuilder inserts rows in transactions of ftsTxRows.
type ftsBuilder struct {
	optimize bool
	db       *sql.DB
	tx       *sql.Tx
	ins      *sql.Stmt
	insLang  *sql.Stmt
	cur      []*docT
	seen     map[string]int64 // symbol → rowid
	rows     int
}

const ftsTxRows = 1000

func ftsPath(dir string) string { return filepath.Join(dir, "fts.db") }

func (f *ftsBuilder) open(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", ftsPath(dir))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	f.db, f.seen = db, map[string]int64{}
	for _, s := range []string{"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", ftsSchema} {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return f.begin()
}

func (f *ftsBuilder) begin() error {
	var err error
	if f.tx, err = f.db.Begin(); err != nil {
		return err
	}
	if f.ins, err = f.tx.Prepare(`INSERT INTO docs(symbol, section, session, year, lang, kind, title, body) VALUES (?,?,?,?,?,?,?,?)`); err != nil {
		return err
	}
	f.insLang, err = f.tx.Prepare(`INSERT OR IGNORE INTO langs(rid, lang) VALUES (?,?)`)
	return err
}

func (f *ftsBuilder) put(_ context.Context, d *docT) error {
	if len(f.cur) > 0 && f.cur[0].Symbol != d.Symbol {
		if err := f.flush(); err != nil {
			return err
		}
	}
	f.cur = append(f.cur, d)
	return nil
}

// flush writes the versions of one symbol as its row. A symbol met again
// later (its versions were not next to each other) gets its row rewritten
// with all the text, as gbsearch rebuilds its document.
func (f *ftsBuilder) flush() error {
	if len(f.cur) == 0 {
		return nil
	}
	vs := f.cur
	f.cur = nil
	search.SortVersions(vs)
	p := vs[0]
	langs := map[string]bool{}
	var titles, bodies []string
	for _, d := range vs {
		langs[d.Language] = true
		for l := range d.Other {
			langs[l] = true
		}
		titles = append(titles, d.Title)
		bodies = append(bodies, docText(d))
	}
	if rid, ok := f.seen[p.Symbol]; ok {
		var title, body, lang string
		if err := f.tx.QueryRow(`SELECT title, body, lang FROM docs WHERE rowid = ?`, rid).Scan(&title, &body, &lang); err != nil {
			return err
		}
		titles, bodies = append([]string{title}, titles...), append([]string{body}, bodies...)
		for _, l := range strings.Fields(lang) {
			langs[l] = true
		}
		if _, err := f.tx.Exec(`DELETE FROM docs WHERE rowid = ?`, rid); err != nil {
			return err
		}
	}
	ls := make([]string, 0, len(langs))
	for l := range langs {
		ls = append(ls, l)
	}
	sort.Strings(ls)
	year := ""
	if y := p.Year(); y > 0 {
		year = fmt.Sprint(y)
	}
	res, err := f.ins.Exec(p.Symbol, p.Section, p.SessionLabel, year, strings.Join(ls, " "), p.Kind,
		strings.Join(titles, "\n"), strings.Join(bodies, "\n\n"))
	if err != nil {
		return err
	}
	rid, err := res.LastInsertId()
	if err != nil {
		return err
	}
	f.seen[p.Symbol] = rid
	for _, l := range ls {
		if _, err := f.insLang.Exec(rid, l); err != nil {
			return err
		}
	}
	f.rows++
	if f.rows%ftsTxRows == 0 {
		if err := f.tx.Commit(); err != nil {
			return err
		}
		return f.begin()
	}
	return nil
}

func (f *ftsBuilder) close(context.Context) error {
	if err := f.flush(); err != nil {
		return err
	}
	if err := f.tx.Commit(); err != nil {
		return err
	}
	if f.optimize {
		if _, err := f.db.Exec(`INSERT INTO docs(docs) VALUES ('optimize')`); err != nil {
			return err
		}
	}
	if _, err := f.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	return f.db.Close()
}

// ftsQuerier runs the three kinds of query against the FTS5 index.
type ftsQuerier struct {
	db                        *sql.DB
	top, count, facets, snips *sql.Stmt
}

// ftsFacets counts five facets over the match set in one statement: the
// match set is materialised once, then grouped by each facet.
const ftsFacets = `
WITH m AS MATERIALIZED (SELECT rowid AS rid, section, session, year, kind FROM docs WHERE docs MATCH ?1)
SELECT 'total', '', count(*) FROM m
UNION ALL SELECT * FROM (SELECT 'section', section, count(*) AS c FROM m GROUP BY 2 ORDER BY c DESC LIMIT 10)
UNION ALL SELECT * FROM (SELECT 'session', session, count(*) AS c FROM m GROUP BY 2 ORDER BY c DESC LIMIT 10)
UNION ALL SELECT * FROM (SELECT 'year', year, count(*) AS c FROM m GROUP BY 2 ORDER BY c DESC LIMIT 10)
UNION ALL SELECT * FROM (SELECT 'kind', kind, count(*) AS c FROM m GROUP BY 2 ORDER BY c DESC LIMIT 10)
UNION ALL SELECT * FROM (SELECT 'lang', l.lang, count(*) AS c FROM m JOIN langs l ON l.rid = m.rid GROUP BY 2 ORDER BY c DESC LIMIT 10)`

func openFTS(dir string) (*ftsQuerier, error) {
	db, err := sql.Open("sqlite", "file:"+ftsPath(dir)+"?mode=ro")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	q := &ftsQuerier{db: db}
	for _, s := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&q.top, `SELECT symbol FROM docs WHERE docs MATCH ?1 ORDER BY rank LIMIT 10`},
		{&q.count, `SELECT count(*) FROM docs WHERE docs MATCH ?1`},
		{&q.facets, ftsFacets},
		{&q.snips, `SELECT symbol, snippet(docs, 7, '<mark>', '</mark>', '…', 32) FROM docs WHERE docs MATCH ?1 ORDER BY rank LIMIT 10`},
	} {
		if *s.stmt, err = db.Prepare(s.sql); err != nil {
			return nil, fmt.Errorf("%s: %w", s.sql, err)
		}
	}
	return q, nil
}

func (q *ftsQuerier) close() error { return q.db.Close() }

// search runs one query in one mode and returns the total hit count.
func (q *ftsQuerier) search(ctx context.Context, expr string, m mode) (int, error) {
	var top *sql.Stmt
	switch m {
	case modeHighlights:
		top = q.snips
	default:
		top = q.top
	}
	rows, err := top.QueryContext(ctx, expr)
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		var sym string
		var snip sql.NullString
		if m == modeHighlights {
			err = rows.Scan(&sym, &snip)
		} else {
			err = rows.Scan(&sym)
		}
		if err != nil {
			rows.Close()
			return 0, err
		}
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	total := 0
	if m == modeFacets {
		rows, err := q.facets.QueryContext(ctx, expr)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		for rows.Next() {
			var facet string
			var value sql.NullString
			var count int
			if err := rows.Scan(&facet, &value, &count); err != nil {
				return 0, err
			}
			if facet == "total" {
				total = count
			}
		}
		return total, rows.Err()
	}
	err = q.count.QueryRowContext(ctx, expr).Scan(&total)
	return total, err
}
