package server

import (
	"context"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are defined once here and registered on the registry given to
// New; names start with gbsearch_ and end in their unit, and labels are
// route templates, never raw paths or query text.
type metrics struct {
	requests        *prometheus.CounterVec
	duration        *prometheus.HistogramVec
	inFlight        prometheus.Gauge
	searchDuration  prometheus.Histogram
	searchHits      prometheus.Histogram
	filesProcessed  *prometheus.CounterVec
	filesFailed     *prometheus.CounterVec
	indexingRuns    *prometheus.CounterVec
	indexingSeconds prometheus.Histogram
	indexingActive  prometheus.Gauge
	indexingDone    prometheus.Gauge
	indexingTotal   prometheus.Gauge
	needOCR         prometheus.Counter
	gluedRatio      prometheus.Histogram
	lastSwap        prometheus.Gauge
}

// IndexingMetrics is how indexing runs (at start-up, on upload, on
// reindex, from the folder watcher) report to /metrics.
type IndexingMetrics interface {
	IndexingStarted()
	IndexingProgress(done, total int)
	IndexingFinished(ok bool, d time.Duration)
	FileIndexed(result string)
	FileFailed(reason string)
	PageQuality(needsOCR bool, gluedRatio float64)
	IndexSwapped()
}

func newMetrics(reg prometheus.Registerer, s Searcher) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gbsearch_http_requests_total", Help: "HTTP requests by route template and status code (unmatched paths count under route=\"unmatched\").",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gbsearch_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route template.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gbsearch_http_requests_in_flight", Help: "HTTP requests being answered.",
		}),
		searchDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "gbsearch_search_duration_seconds", Help: "Time the index takes to run a search (query, facets, passages).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		searchHits: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "gbsearch_search_hits", Help: "Number of documents a search matched.",
			Buckets: []float64{0, 1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000},
		}),
		filesProcessed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gbsearch_indexing_files_processed_total", Help: "Files the indexer has processed, by result (indexed, unchanged, removed, failed).",
		}, []string{"result"}),
		filesFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gbsearch_indexing_files_failed_total", Help: "Files the indexer could not index, by reason.",
		}, []string{"reason"}),
		indexingRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gbsearch_indexing_runs_total", Help: "Indexing runs, by outcome (ok, failed).",
		}, []string{"outcome"}),
		indexingSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "gbsearch_indexing_duration_seconds", Help: "Duration of indexing runs.",
			Buckets: prometheus.ExponentialBuckets(0.1, 3, 12),
		}),
		indexingActive: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gbsearch_indexing_in_progress", Help: "1 while an indexing run is going on.",
		}),
		indexingDone: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gbsearch_indexing_files_done", Help: "Files done in the current or last indexing run.",
		}),
		indexingTotal: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gbsearch_indexing_files_total", Help: "Files to do in the current or last indexing run.",
		}),
		needOCR: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gbsearch_extraction_pages_need_ocr_total", Help: "Pages extracted with no text (image scans that need OCR).",
		}),
		gluedRatio: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "gbsearch_extraction_glued_word_ratio", Help: "Share of words run together per extracted page.",
			Buckets: []float64{0, .001, .005, .01, .02, .05, .1, .2, .5},
		}),
		lastSwap: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gbsearch_index_last_swap_timestamp_seconds", Help: "When the served index was last replaced by a rebuilt one.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight, m.searchDuration, m.searchHits, m.filesProcessed, m.filesFailed,
		m.indexingRuns, m.indexingSeconds, m.indexingActive, m.indexingDone, m.indexingTotal, m.needOCR, m.gluedRatio, m.lastSwap,
		newIndexCollector(s), buildInfo())
	return m
}

func (m *metrics) IndexingStarted() { m.indexingActive.Set(1); m.indexingDone.Set(0) }
func (m *metrics) IndexingProgress(done, total int) {
	m.indexingDone.Set(float64(done))
	m.indexingTotal.Set(float64(total))
}
func (m *metrics) IndexingFinished(ok bool, d time.Duration) {
	m.indexingActive.Set(0)
	outcome := "ok"
	if !ok {
		outcome = "failed"
	}
	m.indexingRuns.WithLabelValues(outcome).Inc()
	m.indexingSeconds.Observe(d.Seconds())
}
func (m *metrics) FileIndexed(result string) { m.filesProcessed.WithLabelValues(result).Inc() }
func (m *metrics) FileFailed(reason string) {
	m.filesProcessed.WithLabelValues("failed").Inc()
	m.filesFailed.WithLabelValues(reason).Inc()
}
func (m *metrics) PageQuality(needsOCR bool, glued float64) {
	if needsOCR {
		m.needOCR.Inc()
	}
	m.gluedRatio.Observe(glued)
}
func (m *metrics) IndexSwapped() { m.lastSwap.SetToCurrentTime() }

func buildInfo() prometheus.Collector {
	version, goVersion := "devel", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				version = s.Value[:12]
			}
		}
	}
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "gbsearch_build_info", Help: "Build of the running gbsearch (always 1).",
	}, []string{"version", "goversion"})
	g.WithLabelValues(version, goVersion).Set(1)
	return g
}

// indexCollector reports the index's size, documents by kind and bleve's
// own counters at scrape time. Scrapes are cached briefly: a dashboard
// polling every second must not turn into a facet query per second.
type indexCollector struct {
	s        Searcher
	docs     *prometheus.Desc
	size     *prometheus.Desc
	bleve    *prometheus.Desc
	asyncErr *prometheus.Desc
	up       *prometheus.Desc

	mu      sync.Mutex
	at      time.Time
	byKind  map[string]int
	bytes   int64
	stats   map[string]float64
	countOK bool
}

func newIndexCollector(s Searcher) *indexCollector {
	return &indexCollector{
		s:     s,
		docs:  prometheus.NewDesc("gbsearch_index_documents", "Searchable documents in the served index, by kind.", []string{"kind"}, nil),
		size:  prometheus.NewDesc("gbsearch_index_size_bytes", "Size of the served index on disk.", nil, nil),
		bleve: prometheus.NewDesc("gbsearch_bleve_stat", "Bleve's own index statistics (StatsMap), by name.", []string{"name"}, nil),
		asyncErr: prometheus.NewDesc("gbsearch_bleve_async_errors", "Errors of bleve's background persister and merger, which bleve otherwise only counts.",
			[]string{"kind"}, nil),
		up: prometheus.NewDesc("gbsearch_index_up", "1 when the served index answers.", nil, nil),
	}
}

func (c *indexCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.docs
	ch <- c.size
	ch <- c.bleve
	ch <- c.asyncErr
	ch <- c.up
}

// asyncErrorStats are the StatsMap counters of background failures.
var asyncErrorStats = map[string]string{
	"TotOnErrors": "on_error", "TotPersistLoopErr": "persist", "TotFileMergeLoopErr": "file_merge",
	"TotFileMergePlanErr": "merge_plan", "TotFileMergePlanTasksErr": "merge_task", "TotMemMergeErr": "mem_merge",
}

func (c *indexCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	if time.Since(c.at) > 5*time.Second || c.byKind == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, byKind, err := c.s.Counts(ctx)
		cancel()
		c.countOK = err == nil
		if err == nil {
			c.byKind = byKind
		}
		c.bytes = c.s.SizeBytes()
		c.stats = c.s.Stats()
		c.at = time.Now()
	}
	byKind, bytes, stats, ok := c.byKind, c.bytes, c.stats, c.countOK
	c.mu.Unlock()

	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		ch <- prometheus.MustNewConstMetric(c.docs, prometheus.GaugeValue, float64(byKind[k]), k)
	}
	ch <- prometheus.MustNewConstMetric(c.size, prometheus.GaugeValue, float64(bytes))
	up := 0.0
	if ok {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
	errs := map[string]float64{}
	byName := map[string]float64{}
	for name, v := range stats {
		// StatsMap nests the same counters under more than one key; one
		// series per counter name
		short := name[strings.LastIndexByte(name, '.')+1:]
		if strings.HasPrefix(short, "Tot") || strings.HasPrefix(short, "Cur") || strings.HasPrefix(short, "num_") {
			byName[short] = max(byName[short], v)
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if kind, isErr := asyncErrorStats[n]; isErr {
			errs[kind] += byName[n]
		}
		ch <- prometheus.MustNewConstMetric(c.bleve, prometheus.GaugeValue, byName[n], n)
	}
	for _, kind := range []string{"on_error", "persist", "file_merge", "merge_plan", "merge_task", "mem_merge"} {
		ch <- prometheus.MustNewConstMetric(c.asyncErr, prometheus.CounterValue, errs[kind], kind)
	}
}
