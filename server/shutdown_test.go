package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gbsearch/search"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// slowSearcher answers searches only once released, so a test can stop
// the server while a request is in flight.
type slowSearcher struct {
	Searcher
	started chan struct{}
	release chan struct{}
}

func (s *slowSearcher) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	close(s.started)
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &search.Result{Total: 1, Hits: []search.Hit{{Symbol: "GB.319/POL/2", Title: "finished after shutdown began"}}}, nil
}

// TestGracefulShutdown cancels Serve's context (what SIGTERM does in
// cmd/gbsearch) while a request is being answered: the request finishes
// with its full answer, new connections are refused, and Serve returns
// without error.
func TestGracefulShutdown(t *testing.T) {
	slow := &slowSearcher{Searcher: fixtureIndex(t), started: make(chan struct{}), release: make(chan struct{})}
	srv := New(Config{ShutdownTimeout: 10 * time.Second}, slow, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	ln := listen(t)
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/api/v1/search?q=migration")
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, string(b), err}
	}()
	<-slow.started
	cancel() // SIGTERM

	// the listener closes at once: new connections are refused …
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections after shutdown began")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// … while the request in flight is still being answered
	select {
	case a := <-answered:
		t.Fatalf("the in-flight request ended before it was released: %+v", a)
	case err := <-served:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(slow.release)
	a := <-answered
	if a.err != nil || a.status != 200 || !strings.Contains(a.body, "finished after shutdown began") {
		t.Fatalf("in-flight request: status %d, err %v, body %s", a.status, a.err, a.body)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

// TestShutdownTimeout: a request that outlives the grace period does not
// hold the process forever; Serve reports it.
func TestShutdownTimeout(t *testing.T) {
	slow := &slowSearcher{Searcher: fixtureIndex(t), started: make(chan struct{}), release: make(chan struct{})}
	defer close(slow.release)
	srv := New(Config{ShutdownTimeout: 100 * time.Millisecond, RequestTimeout: time.Minute}, slow, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	ln := listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	go func() {
		if resp, err := http.Get("http://" + ln.Addr().String() + "/api/v1/search?q=x"); err == nil {
			resp.Body.Close()
		}
	}()
	<-slow.started
	cancel()
	select {
	case err := <-served:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Serve: %v, want the grace period's deadline", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its grace period")
	}
}
