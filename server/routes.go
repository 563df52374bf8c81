package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"gbsearch/search"
)

// handlerFunc is a handler that returns its error; one adapter writes it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handler returns the whole HTTP handler. Every route is registered here.
// Logging, panic recovery, request IDs and the request metrics wrap the
// router from the outside: gorilla/mux runs Router.Use middleware only on
// matched routes, and unmatched (404/405) traffic must be seen too.
func (s *Server) Handler() http.Handler {
	return s.recoverPanic(s.observe(s.router()))
}

// router registers every route; the OpenAPI test walks it.
func (s *Server) router() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = s.handle("unmatched", func(w http.ResponseWriter, req *http.Request) error {
		// gorilla/mux answers 404 for a wrong method on most subrouter
		// routes (each inherits the /api/v1 prefix matcher, whose match
		// clears the method mismatch found before), so look again
		if allowed := allowedMethods(r, req); len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			return &httpError{http.StatusMethodNotAllowed, "method not allowed", fmt.Errorf("%s is not allowed on %s (allowed: %s)", req.Method, req.URL.Path, strings.Join(allowed, ", "))}
		}
		return &httpError{http.StatusNotFound, "not found", fmt.Errorf("no route for %s %s", req.Method, req.URL.Path)}
	})
	r.MethodNotAllowedHandler = s.handle("unmatched", func(w http.ResponseWriter, r *http.Request) error {
		return &httpError{http.StatusMethodNotAllowed, "method not allowed", fmt.Errorf("%s is not allowed on %s", r.Method, r.URL.Path)}
	})
	api := r.PathPrefix("/api/v1").Subrouter()
	api.NotFoundHandler = r.NotFoundHandler
	api.MethodNotAllowedHandler = r.MethodNotAllowedHandler
	api.Handle("/search", s.handle("search", s.search)).Methods(http.MethodGet)
	api.Handle("/syntax", s.handle("syntax", s.syntax)).Methods(http.MethodGet)
	api.Handle("/sources/missing", s.handle("sources_missing", s.missing)).Methods(http.MethodGet)
	api.Handle("/suggest", s.handle("suggest", s.suggest)).Methods(http.MethodGet)
	api.Handle("/facets/{name}", s.handle("facet_values", s.facetValues)).Methods(http.MethodGet)
	api.Handle("/openapi.json", s.handle("openapi", s.openapi)).Methods(http.MethodGet)
	// symbols contain '/': the symbol is the last, greedy segment, and the
	// routes with a suffix come first
	api.Handle("/documents/{symbol:.+}/citations", s.handle("citations", s.citations)).Methods(http.MethodGet)
	api.Handle("/documents/{symbol:.+}/passages", s.handle("passages", s.passages)).Methods(http.MethodGet)
	api.Handle("/documents/{symbol:.+}", s.handle("document", s.document)).Methods(http.MethodGet)
	s.installAdmin(api)
	s.installWeb(r)
	r.Handle("/metrics", s.handle("metrics", s.metricsHandler())).Methods(http.MethodGet)
	r.Handle("/healthz", s.handle("healthz", func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return nil
	})).Methods(http.MethodGet)
	r.Handle("/readyz", s.handle("readyz", s.readyz)).Methods(http.MethodGet)
	return r
}

// allowedMethods lists the methods that some route of r takes on req's path.
func allowedMethods(r *mux.Router, req *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == req.Method {
			continue
		}
		c := req.Clone(req.Context())
		c.Method = m
		var match mux.RouteMatch
		if r.Match(c, &match) && match.MatchErr == nil && match.Route != nil {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) metricsHandler() handlerFunc {
	h := promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(s.logger.Handler(), slog.LevelError)})
	return func(w http.ResponseWriter, r *http.Request) error {
		h.ServeHTTP(w, r)
		return nil
	}
}

// MetricsHandler serves /metrics alone, for a separate listener.
func (s *Server) MetricsHandler() http.Handler {
	return s.recoverPanic(s.observe(s.handle("metrics", s.metricsHandler())))
}

type ctxKey int

const (
	keyRoute ctxKey = iota
	keyRequestID
)

// routeInfo is filled by handle with the route's name so that the outer
// middleware can label the request's metrics and log line.
type routeInfo struct{ name string }

func routeOf(r *http.Request) string {
	if ri, ok := r.Context().Value(keyRoute).(*routeInfo); ok && ri.name != "" {
		return ri.name
	}
	return "unmatched"
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// handle adapts a handlerFunc: it names the route, applies the request
// deadline and writes returned errors as JSON.
func (s *Server) handle(route string, h handlerFunc) http.Handler {
	return s.handleTimeout(route, h, s.cfg.RequestTimeout)
}

// handleTimeout is handle with a deadline of its own, for the few routes
// (uploads) that legitimately take longer than a search.
func (s *Server) handleTimeout(route string, h handlerFunc, timeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ri, ok := r.Context().Value(keyRoute).(*routeInfo); ok {
			ri.name = route
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		r = r.WithContext(ctx)
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		}
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

var requestCounter atomic.Uint64

// observe gives every request an ID, and logs and counts it by route
// template and status once it is answered.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [6]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:]) + "-" + strconv.FormatUint(requestCounter.Add(1), 36)
		}
		ri := &routeInfo{}
		ctx := context.WithValue(context.WithValue(r.Context(), keyRoute, ri), keyRequestID, id)
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		s.metrics.inFlight.Inc()
		defer func() {
			s.metrics.inFlight.Dec()
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			route := ri.name
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
			s.metrics.duration.WithLabelValues(route).Observe(d.Seconds())
			level := slog.LevelInfo
			if route == "metrics" || route == "healthz" || route == "readyz" {
				level = slog.LevelDebug
			}
			s.logger.Log(r.Context(), level, "request", "request_id", id, "method", r.Method, "route", route,
				"status", sw.status, "bytes", sw.bytes, "dur", d.String())
		}()
		next.ServeHTTP(sw, r.WithContext(ctx))
	})
}

// recoverPanic turns a panic in a handler into a 500 and a log line; the
// server goes on serving.
func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.logger.Error("panic in handler", "err", fmt.Sprint(p), "request_id", requestID(r.Context()), "stack", string(debug.Stack()))
				writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error", Detail: "the server could not answer; the error is logged"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if !s.ready() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "detail": "the index is being built"})
		return nil
	}
	n, _, err := s.searcher.Counts(r.Context())
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "detail": err.Error()})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "documents": n})
	return nil
}

// searchParams are the query parameters /search knows besides the facet
// filters; anything else is refused so that a typo is not silently ignored.
var searchParams = map[string]bool{"q": true, "size": true, "from": true, "after": true, "sort": true,
	"facet_size": true, "passages": true, "facets": true, "format": true}

// parseSearch reads a search request from URL parameters.
func parseSearch(v url.Values) (search.Request, error) {
	req := search.Request{Query: v.Get("q"), Sort: v.Get("sort"), After: v.Get("after"), Filters: map[string][]string{}}
	if err := checkQueryLength(req.Query); err != nil {
		return req, err
	}
	intParam := func(name string, dst *int) error {
		s := v.Get(name)
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return badRequest("parameter %s=%q is not a number", name, s)
		}
		*dst = n
		return nil
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"size", &req.Size}, {"from", &req.From}, {"facet_size", &req.FacetSize}, {"passages", &req.Passages}} {
		if err := intParam(p.name, p.dst); err != nil {
			return req, err
		}
	}
	if v.Has("passages") && req.Passages == 0 {
		req.NoPassages = true
	}
	if f := v.Get("facets"); f == "false" || f == "0" {
		req.NoFacets = true
	}
	for name, vals := range v {
		if searchParams[name] {
			continue
		}
		known := false
		for _, f := range search.Facets {
			if f.Name == name {
				known = true
			}
		}
		if !known {
			return req, badRequest("unknown parameter %q (parameters: q, size, from, after, sort, facet_size, passages, facets, format, and the facet filters %s)", name, facetList())
		}
		for _, val := range vals {
			if val = strings.TrimSpace(val); val != "" {
				req.Filters[name] = append(req.Filters[name], val)
			}
		}
	}
	return req, nil
}

func facetList() string {
	var n []string
	for _, f := range search.Facets {
		n = append(n, f.Name)
	}
	return strings.Join(n, ", ")
}

// searchResponse is the JSON of /search.
type searchResponse struct {
	Query    string                         `json:"query"`
	Total    int                            `json:"total"`
	From     int                            `json:"from"`
	Size     int                            `json:"size"`
	Hits     []search.Hit                   `json:"hits"`
	Facets   map[string][]search.FacetValue `json:"facets,omitempty"`
	Next     string                         `json:"next,omitempty"`
	Warnings []string                       `json:"warnings,omitempty"`
	TookMS   float64                        `json:"took_ms"`
}

func (s *Server) runSearch(r *http.Request) (search.Request, *search.Result, error) {
	req, err := parseSearch(r.URL.Query())
	if err != nil {
		return req, nil, err
	}
	// the defaults filled here are what the response echoes (size 10, not 0)
	if err := req.Validate(); err != nil {
		return req, nil, err
	}
	start := time.Now()
	res, err := s.searcher.Search(r.Context(), req)
	if err != nil {
		return req, nil, err
	}
	s.metrics.searchDuration.Observe(time.Since(start).Seconds())
	s.metrics.searchHits.Observe(float64(res.Total))
	return req, res, nil
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	req, res, err := s.runSearch(r)
	if err != nil {
		return err
	}
	if f := r.URL.Query().Get("format"); f != "" && f != "json" {
		return s.exportResults(w, r, res, f)
	}
	if res.Hits == nil {
		res.Hits = []search.Hit{}
	}
	writeJSON(w, http.StatusOK, searchResponse{Query: req.Query, Total: res.Total, From: req.From, Size: req.Size,
		Hits: res.Hits, Facets: res.Facets, Next: res.Next, Warnings: res.Warnings, TookMS: float64(res.Took.Microseconds()) / 1000})
	return nil
}

func (s *Server) document(w http.ResponseWriter, r *http.Request) error {
	symbol := mux.Vars(r)["symbol"]
	if f := r.URL.Query().Get("format"); f != "" && f != "json" {
		return s.exportDocument(w, r, symbol, f)
	}
	doc, err := s.searcher.Document(r.Context(), symbol)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, doc)
	return nil
}

func (s *Server) citations(w http.ResponseWriter, r *http.Request) error {
	c, err := s.searcher.Citations(r.Context(), mux.Vars(r)["symbol"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) syntax(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, search.SyntaxHelp())
	return nil
}

func (s *Server) missing(w http.ResponseWriter, r *http.Request) error {
	limit := 100
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 10000 {
			return badRequest("limit must be a number from 1 to 10000")
		}
		limit = n
	}
	m, err := s.searcher.MissingSources(r.Context(), r.URL.Query().Get("kind"), limit)
	if err != nil {
		return err
	}
	if m == nil {
		m = []search.Missing{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"missing": m})
	return nil
}
