# gbsearch — the two commands a fresh machine needs are `make run` and `make test`.
GO       ?= go
INDEX    ?= data
ADDR     ?= :8080
CORPORA  ?= -corpus corpus
BIN      := bin/gbsearch
PKGS     := ./...

.PHONY: all build run test check fmt vet lint race bench fuzz robustness compare loadtest clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/gbsearch

# Builds, indexes the bundled corpus on first start, serves http://localhost:8080.
# Add the cited sources with: make run CORPORA="-corpus corpus -corpus ../shared/corpus/sources"
run: build
	$(BIN) serve -index $(INDEX) -addr $(ADDR) $(CORPORA)

# The whole suite: formatting, vet, staticcheck, and every test with the race detector.
# Chromium is installed first when missing (the browser test drives it; on CI it must run).
test: fmt vet lint
	bash scripts/ensure-chromium.sh
	$(MAKE) race

check: test

fmt:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

lint:
	$(GO) tool staticcheck $(PKGS)

race:
	$(GO) test -race -shuffle=on -timeout 20m $(PKGS)

# Go benchmarks of extraction, parsing, indexing and search; the search ones
# run on a generated corpus of BENCH_DOCS versions (cached under the temp dir).
BENCH_DOCS ?= 1000
bench:
	GBSEARCH_BENCH_DOCS=$(BENCH_DOCS) $(GO) test -run='^$$' -bench=. -benchmem -count=1 -timeout 60m ./indexer/... ./search/... | tee bench.txt

# gbsearch side by side with SQLite FTS5 on a generated corpus of N versions,
# in the same run (bench/ is a module of its own: SQLite stays out of go.mod).
N ?= 10000
compare:
	cd bench && $(GO) run . -n $(N) $(COMPARE_FLAGS)

# Every fuzz target of every package, FUZZTIME each (go test -fuzz takes one
# target per run). Crashers found land in testdata/fuzz/<Target>/: commit
# them with the fix.
FUZZTIME ?= 30s
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test $$pkg -run='^$$$$' -fuzz="^$$f$$$$" -fuzztime=$(FUZZTIME); \
	  done; \
	done

# Every file of the PDF robustness suites, each in a sandboxed child with 10 s and 512 MiB.
robustness: build
	$(BIN) robustness -v ../shared/pdf-robustness

# 50 connections for 60 s against a 10,000-document generated corpus, with a
# full rebuild and swap during the load (loopback only; stops by itself).
LOADN ?= 10000
loadtest: build
	@test -f /tmp/gbsearch-gen-$(LOADN)/MANIFEST.tsv || $(BIN) gen -n $(LOADN) -seed 1 -out /tmp/gbsearch-gen-$(LOADN)
	$(BIN) loadtest -corpus /tmp/gbsearch-gen-$(LOADN) -index /tmp/gbsearch-load-$(LOADN) -c 50 -d 60s

clean:
	rm -rf bin $(INDEX) bench.txt
