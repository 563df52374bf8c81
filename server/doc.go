// Package server exposes search over HTTP: the JSON API under /api/v1,
// the researchers' web page, Prometheus metrics at /metrics, and /healthz
// and /readyz. Handlers depend on the [Searcher] interface, never on bleve;
// gorilla/mux and the Prometheus client are used here and nowhere else
// (apart from the registry cmd/gbsearch creates).
package server
