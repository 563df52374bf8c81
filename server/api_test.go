package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
)

func TestAPI(t *testing.T) {
	ts, _, _ := newTestServer(t)
	long := strings.Repeat("a ", 600)
	tests := []struct {
		path    string
		status  int
		needles []string
	}{
		{"/api/v1/documents/GB.350/INS/9/passages", 200, []string{`"kind":"paragraph"`, `"url":"/documents/GB.350/INS/9#para-1"`,
			`"url":"/documents/GB.350/INS/9#fn-2"`, `"url":"/documents/GB.350/INS/9?lang=fr#para-1"`, `"paragraph":"2"`}},
		{"/api/v1/documents/GB.350/INS/9/passages?lang=fr&kind=footnote", 200, []string{`"id":"GB.350/INS/9@fr#fn1"`}},
		{"/api/v1/documents/GB.350/INS/9/passages?kind=nope", 400, []string{`"error":"bad request"`}},
		{"/api/v1/documents/GB.350/INS/9/passages?q=x", 400, []string{"unknown parameter"}},
		{"/api/v1/documents/nope/passages", 404, []string{`"error":"not found"`}},
		{"/api/v1/facets/section?prefix=i", 200, []string{`"values":[{"value":"INS","count":2}]`}},
		{"/api/v1/facets/kind?q=migration", 200, []string{`{"value":"gb-document","count":1}`}},
		{"/api/v1/facets/kind?kind=gb-document", 200, []string{`"selected":true`, `"value":"ilo-instrument"`}},
		{"/api/v1/facets/cites?prefix=c1&size=5", 200, []string{`"value":"C189"`}},
		{"/api/v1/facets/nope", 404, []string{`no facet`}},
		{"/api/v1/facets/kind?size=5000", 400, []string{`size`}},
		{"/api/v1/facets/kind?q=(a", 400, []string{`"position":`}},
		{"/api/v1/suggest?q=gb.350", 200, []string{`"symbol":"GB.350/INS/9"`, `"match":"symbol"`}},
		{"/api/v1/suggest?q=domestic+wor", 200, []string{`"symbol":"C189"`, `"match":"title"`}},
		{"/api/v1/suggest?q=", 200, []string{`"suggestions":[]`}},
		{"/api/v1/suggest?q=x&size=99", 400, []string{`size`}},
		{"/api/v1/suggest?q=x&from=1", 400, []string{`unknown parameter`}},
		{"/api/v1/search?q=" + url.QueryEscape(long), 400, []string{`at most 1000`}},
		{"/api/v1/search?q=x&size=101", 400, []string{`size`}},
		{"/api/v1/search?q=(a", 400, []string{`"error":"bad query"`, `"position":`}},
		// the response echoes the size used, and a facet without values is
		// an empty list, never null
		{"/api/v1/search?q=migration", 200, []string{`"size":10,`}},
		{"/api/v1/search?q=zzzzqqq&lang=fr", 200, []string{`"total":0`, `"kind":[]`, `"lang":[{"value":"fr","count":0,"selected":true}]`}},
		{"/api/v1/openapi.json", 200, []string{`"openapi": "3.0.3"`}},
		{"/api/v1/nope", 404, []string{`"error":"not found"`}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			code, h, body := get(t, ts.URL+tc.path)
			if code != tc.status {
				t.Errorf("status %d, want %d: %s", code, tc.status, body)
			}
			if !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q", h.Get("Content-Type"))
			}
			if code >= 400 {
				var e apiError
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" || e.Detail == "" {
					t.Errorf("error body %s (%v)", body, err)
				}
			}
			contains(t, tc.path, body, tc.needles...)
		})
	}
}

func TestRequestLimits(t *testing.T) {
	reg := prometheus.NewRegistry()
	srv := New(Config{MaxBodyBytes: 1 << 10}, fixtureIndex(t), slog.New(slog.DiscardHandler), reg)
	ln := listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	base := "http://" + ln.Addr().String()

	// headers past 64 KiB are refused before any handler runs
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/search?q=x", nil)
	req.Header.Set("X-Padding", strings.Repeat("x", 100<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB header: status %d", resp.StatusCode)
	}
	// bodies are capped by MaxBodyBytes (the admin upload reads one); a
	// GET route refuses other methods
	resp, err = http.Post(base+"/api/v1/search", "text/plain", bytes.NewReader(make([]byte, 4<<10)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" {
		t.Errorf("POST /search: status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// routeTemplate turns a mux path template into an OpenAPI path:
// "/documents/{symbol:.+}" is "/documents/{symbol}".
var muxVarRE = regexp.MustCompile(`\{([A-Za-z_]+):[^}]*\}`)

// TestOpenAPICoversRoutes checks the served OpenAPI document both ways:
// every route of the router is described with its methods, and every
// described operation is a route. kin-openapi validates the document.
func TestOpenAPICoversRoutes(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	srv := New(Config{}, fixtureIndex(t), slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	routes := map[string]bool{} // "GET /path"
	err = srv.router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			// a path prefix (the /api/v1 subrouter) is no route of its own
			return nil
		}
		for _, m := range methods {
			routes[m+" "+muxVarRE.ReplaceAllString(tpl, "{$1}")] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 20 {
		t.Fatalf("walked only %d routes: %v", len(routes), routes)
	}
	described := map[string]bool{}
	for p, item := range doc.Paths.Map() {
		for m := range item.Operations() {
			described[strings.ToUpper(m)+" "+p] = true
		}
	}
	for _, r := range sortedKeys(routes) {
		if !described[r] {
			t.Errorf("route %s is not described in openapi.json", r)
		}
	}
	for _, d := range sortedKeys(described) {
		if !routes[d] {
			t.Errorf("openapi.json describes %s, which is no route", d)
		}
	}
	t.Logf("%d routes, all described", len(routes))
}

// TestOpenAPIResponses checks real responses against the document's
// schemas, so the description cannot drift from what the API sends.
func TestOpenAPIResponses(t *testing.T) {
	ts, _, _ := newTestServer(t)
	doc, err := openapi3.NewLoader().LoadFromData(openAPI)
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: ts.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{
		"/api/v1/search?q=domestic&kind=gb-document&size=2",
		"/api/v1/search?q=(a",
		"/api/v1/suggest?q=GB",
		"/api/v1/facets/section?prefix=I",
		"/api/v1/sources/missing?limit=5",
		"/api/v1/syntax",
		"/api/v1/documents/C189/citations",
		"/api/v1/documents/GB.350/INS/9/passages",
		"/api/v1/documents/GB.350/INS/9",
		"/api/v1/documents/nope",
		"/healthz",
		"/readyz",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+p, nil)
			// OpenAPI path parameters hold no '/', the route's symbol does:
			// find the operation with a symbol of one segment
			lookup, _ := http.NewRequest(http.MethodGet, ts.URL+strings.ReplaceAll(p, "GB.350/INS/9", "GB.350-INS-9"), nil)
			route, params, err := router.FindRoute(lookup)
			if err != nil {
				t.Fatalf("no operation for %s: %v", p, err)
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
			if err := openapi3filter.ValidateRequest(t.Context(), in); err != nil {
				t.Errorf("request does not match the description: %v", err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header}
			out.SetBodyBytes(body)
			if err := openapi3filter.ValidateResponse(t.Context(), out); err != nil {
				t.Errorf("response %d does not match the description: %v", resp.StatusCode, err)
			}
		})
	}
}
