package server

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"gopkg.in/yaml.v3"
)

// promBuiltins are series Prometheus makes itself, not scraped from us.
var promBuiltins = map[string]bool{"up": true, "scrape_duration_seconds": true, "scrape_samples_scraped": true}

// promKeywords are PromQL words that look like metric names.
var promKeywords = map[string]bool{"by": true, "without": true, "on": true, "ignoring": true, "group_left": true,
	"group_right": true, "and": true, "or": true, "unless": true, "bool": true, "offset": true, "inf": true, "nan": true}

var (
	promString  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	promBraces  = regexp.MustCompile(`\{[^{}]*\}`)
	promRange   = regexp.MustCompile(`\[[^\[\]]*\]`)
	promGroup   = regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	promToken   = regexp.MustCompile(`[0-9][0-9a-zA-Z_.]*|[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?`)
	promMatcher = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*\{([^{}]*)\}`)
	promLabelEq = regexp.MustCompile(`name\s*(=~|=)\s*"([^"]*)"`)
)

// metricNames returns the metric names a PromQL expression reads: what is
// left once strings, label matchers, ranges and grouping clauses are
// removed, and words followed by '(' (functions, aggregations) and
// keywords are skipped. Grafana's $variables sit in ranges and strings.
func metricNames(expr string) []string {
	e := promString.ReplaceAllString(expr, `""`)
	e = promBraces.ReplaceAllString(e, " ")
	e = promRange.ReplaceAllString(e, " ")
	e = promGroup.ReplaceAllString(e, " ")
	var out []string
	for _, m := range promToken.FindAllStringSubmatch(e, -1) {
		tok := m[0]
		if tok[0] >= '0' && tok[0] <= '9' || m[1] != "" || promKeywords[strings.ToLower(tok)] {
			continue
		}
		out = append(out, tok)
	}
	return out
}

func TestMetricNames(t *testing.T) {
	got := metricNames(`histogram_quantile(0.99, sum by (le, route) (rate(gbsearch_http_request_duration_seconds_bucket{job=~"$job", code!="404"}[$__rate_interval]))) > 2 and on (instance) up == 0 or absent(x_total offset 5m)`)
	want := []string{"gbsearch_http_request_duration_seconds_bucket", "up", "x_total"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("metricNames = %v, want %v", got, want)
	}
}

// exposed starts a server as cmd/gbsearch does (Go and process collectors
// on the same private registry), makes every metric have a value, and
// returns the series names /metrics shows, and the name label values of
// gbsearch_bleve_stat.
func exposed(t *testing.T) (map[string]bool, map[string]bool) {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv := New(Config{}, fixtureIndex(t), slog.New(slog.DiscardHandler), reg)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	// vectors show a series only once a label value is used
	m := srv.Metrics()
	m.IndexingStarted()
	m.IndexingProgress(3, 10)
	m.FileIndexed("indexed")
	m.FileFailed("extract")
	m.PageQuality(true, 0.02)
	m.IndexingFinished(false, time.Second)
	m.IndexSwapped()
	get(t, ts.URL+"/api/v1/search?q=domestic")
	get(t, ts.URL+"/no/such/page")

	_, _, body := get(t, ts.URL+"/metrics")
	names, bleveStats := map[string]bool{}, map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name := line[:strings.IndexAny(line, "{ ")]
		names[name] = true
		if name == "gbsearch_bleve_stat" {
			if m := promLabelEq.FindStringSubmatch(line); m != nil {
				bleveStats[m[2]] = true
			}
		}
	}
	if len(names) < 50 {
		t.Fatalf("only %d series names in /metrics", len(names))
	}
	return names, bleveStats
}

// TestDashboardsUseExposedMetrics reads the Grafana dashboard and the
// alert rules and checks that every metric they name is one a running
// server exposes (histograms through their _bucket, _sum and _count
// series), and that the bleve statistics they pick by name exist.
func TestDashboardsUseExposedMetrics(t *testing.T) {
	names, bleveStats := exposed(t)

	var exprs []string
	// the dashboard: every target of every panel, rows' panels included,
	// and the annotations and variables' queries
	b, err := os.ReadFile("../deploy/grafana/gbsearch.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string
		UID    string `json:"uid"`
		Panels []struct {
			Title   string
			Type    string
			Targets []struct{ Expr string }
			Panels  []struct {
				Targets []struct{ Expr string }
			}
		}
		Annotations struct{ List []struct{ Expr string } }
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("gbsearch.json: %v", err)
	}
	if dash.UID == "" || len(dash.Panels) < 10 {
		t.Fatalf("dashboard %q has uid %q and %d panels", dash.Title, dash.UID, len(dash.Panels))
	}
	for _, p := range dash.Panels {
		if p.Type != "row" && len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
		for _, sub := range p.Panels {
			for _, tg := range sub.Targets {
				exprs = append(exprs, tg.Expr)
			}
		}
	}
	for _, a := range dash.Annotations.List {
		exprs = append(exprs, a.Expr)
	}
	nDash := len(exprs)

	// the alert rules
	b, err = os.ReadFile("../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Name  string
			Rules []struct {
				Alert       string
				Expr        string
				For         string
				Labels      map[string]string
				Annotations map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(b, &rules); err != nil {
		t.Fatalf("alerts.yml: %v", err)
	}
	alerts := map[string]bool{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" || r.Expr == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("rule %+v lacks a name, expression, severity or summary", r)
			}
			if r.For != "" {
				if _, err := time.ParseDuration(r.For); err != nil {
					t.Errorf("%s: for: %v", r.Alert, err)
				}
			}
			alerts[r.Alert] = true
			exprs = append(exprs, r.Expr)
		}
	}
	for _, want := range []string{"GbsearchHighErrorRatio", "GbsearchHighLatencyP99", "GbsearchIndexingFailures", "GbsearchBleveAsyncErrors", "GbsearchIndexNotReady"} {
		if !alerts[want] {
			t.Errorf("no alert %s", want)
		}
	}

	used := map[string]bool{}
	for _, e := range exprs {
		if strings.TrimSpace(e) == "" {
			t.Error("an empty query")
			continue
		}
		if strings.Count(e, "(") != strings.Count(e, ")") || strings.Count(e, "{") != strings.Count(e, "}") {
			t.Errorf("unbalanced expression %q", e)
		}
		for _, n := range metricNames(e) {
			used[n] = true
		}
		// bleve statistics picked by name must exist
		for _, m := range promMatcher.FindAllStringSubmatch(e, -1) {
			if m[1] != "gbsearch_bleve_stat" {
				continue
			}
			for _, lm := range promLabelEq.FindAllStringSubmatch(m[2], -1) {
				for _, stat := range strings.Split(lm[2], "|") {
					if !bleveStats[stat] {
						t.Errorf("gbsearch_bleve_stat{name=%q} is not exposed", stat)
					}
				}
			}
		}
	}
	var missing []string
	for n := range used {
		if !names[n] && !promBuiltins[n] {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	for _, n := range missing {
		t.Errorf("%s is used by the dashboard or the alerts but not exposed by /metrics", n)
	}
	t.Logf("%d dashboard queries and %d alert rules use %d metric names, all exposed", nDash, len(alerts), len(used))
}
