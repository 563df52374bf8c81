package server

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gbsearch/search"
)

// Searcher is what the server needs of the index. *search.Index (through
// the hot-swappable holder in cmd/gbsearch) satisfies it.
type Searcher interface {
	Search(ctx context.Context, r search.Request) (*search.Result, error)
	Document(ctx context.Context, symbol string) (*search.DocumentView, error)
	Citations(ctx context.Context, symbol string) (*search.Citations, error)
	MissingSources(ctx context.Context, kind string, limit int) ([]search.Missing, error)
	Counts(ctx context.Context) (int, map[string]int, error)
	// Suggest and FacetValues serve the search box as people type and the
	// facets too big to list whole.
	Suggest(ctx context.Context, text string, size int) ([]search.Suggestion, error)
	FacetValues(ctx context.Context, r search.FacetRequest) ([]search.FacetValue, error)
	SizeBytes() int64
	Stats() map[string]float64
}

// Config holds the server's settings.
type Config struct {
	Addr            string
	RequestTimeout  time.Duration
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	ShutdownTimeout time.Duration
	MaxBodyBytes    int64
}

// RegisterFlags adds the server's flags to fs with their defaults.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", ":8080", "address to listen on")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", 10*time.Second, "deadline of one request")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", 30*time.Second, "time to read a request, body included")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", 60*time.Second, "time to write a response")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 120*time.Second, "keep-alive idle time")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "time in-flight requests get to finish on shutdown")
	fs.Int64Var(&c.MaxBodyBytes, "max-body", 64<<20, "largest request body (uploads), bytes")
}

// Server serves the search API, the web page and the metrics.
type Server struct {
	cfg      Config
	searcher Searcher
	logger   *slog.Logger
	metrics  *metrics
	gatherer prometheus.Gatherer
	ready    func() bool

	admin      Admin
	adminToken string
}

// Option configures a Server.
type Option func(*Server)

// WithReady sets the function /readyz asks (default: always ready).
func WithReady(f func() bool) Option { return func(s *Server) { s.ready = f } }

// New returns a server over s. Metrics are registered on reg, which is
// also what /metrics serves; pass a fresh registry, never the global one.
func New(cfg Config, s Searcher, logger *slog.Logger, reg *prometheus.Registry, opts ...Option) *Server {
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 64 << 20
	}
	srv := &Server{cfg: cfg, searcher: s, logger: logger, gatherer: reg, ready: func() bool { return true }}
	for _, o := range opts {
		o(srv)
	}
	srv.metrics = newMetrics(reg, s)
	return srv
}

// Metrics exposes the server's metrics so the indexing side can report its
// progress on the same registry.
func (s *Server) Metrics() IndexingMetrics { return s.metrics }

// ListenAndServe serves on cfg.Addr until ctx is done, then shuts down
// gracefully: in-flight requests get ShutdownTimeout to finish.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		// a URL carries at most a query of search.MaxQueryLength characters
		// and a few filters: 64 KiB of headers is ample, 1 MiB (the
		// default) only feeds abuse
		MaxHeaderBytes: 64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.logger.Info("serving", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	timeout := s.cfg.ShutdownTimeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	s.logger.Info("shutting down", "grace", timeout.String())
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// apiError is the JSON body of every error response.
type apiError struct {
	Error    string `json:"error"`
	Detail   string `json:"detail"`
	Position *int   `json:"position,omitempty"`
}

// httpError is an error with the status to answer it with.
type httpError struct {
	status int
	kind   string
	err    error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

func badRequest(format string, args ...any) error {
	return &httpError{http.StatusBadRequest, "bad request", fmt.Errorf(format, args...)}
}

// writeError answers err with its status: the errors.Is table of the
// search package decides, 5xx are logged and not leaked.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.errorBody(r, err)
	writeJSON(w, status, body)
}

// errorBody classifies err into a status and the body that explains it;
// the web page shows the same classification as HTML.
func (s *Server) errorBody(r *http.Request, err error) (int, apiError) {
	status, kind := http.StatusInternalServerError, "internal error"
	var he *httpError
	var pe *search.ParseError
	body := apiError{}
	switch {
	case errors.As(err, &he):
		status, kind = he.status, he.kind
	case errors.As(err, &pe):
		status, kind = http.StatusBadRequest, "bad query"
		pos := pe.Pos
		body.Position = &pos
	case errors.Is(err, search.ErrBadQuery):
		status, kind = http.StatusBadRequest, "bad query"
	case errors.Is(err, search.ErrNotFound):
		status, kind = http.StatusNotFound, "not found"
	case errors.Is(err, search.ErrNotReady):
		status, kind = http.StatusServiceUnavailable, "not ready"
	case errors.Is(err, context.DeadlineExceeded):
		status, kind = http.StatusServiceUnavailable, "timeout"
	case errors.Is(err, context.Canceled):
		status, kind = 499, "canceled"
	}
	body.Error = kind
	body.Detail = err.Error()
	if status >= 500 {
		s.logger.Error("request failed", "route", routeOf(r), "err", err, "request_id", requestID(r.Context()))
		if status == http.StatusInternalServerError {
			body.Detail = "the server could not answer; the error is logged with request id " + requestID(r.Context())
		}
	}
	return status, body
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
