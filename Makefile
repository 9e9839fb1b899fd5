# RouteRisk — the two commands are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
NPM ?= npm
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
SHARED ?= ../shared/data

.PHONY: run build frontend server deps bench-deps test test-go test-frontend test-e2e lint bench sample clean

## run: build everything and serve the dashboard at http://127.0.0.1:8080
run: build
	./bin/routerisk serve

## build: one self-contained binary, bin/routerisk, with the dashboard embedded
build: frontend server

server:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/routerisk ./cmd/routerisk

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund
	touch $@

frontend: frontend/node_modules/.installed
	cd frontend && $(NPM) run build

## deps: check for redis-server, Chromium, GDAL, psql and PostgreSQL with PostGIS; as root install
## what is missing (otherwise print the command), then start PostgreSQL if it is not running
deps:
	./scripts/deps.sh

## test: every test — Go (unit, HTTP, Redis), frontend unit, end-to-end in Chromium
test: deps lint test-go test-frontend build test-e2e

lint:
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './frontend/node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test-go:
	$(GO) test -race -count=1 ./...
	# every benchmark once, so that make bench keeps running
	$(GO) test -run '^$$' -bench . -benchtime 1x -count=1 ./...
	# the HTTP and OGC suites again, on a PostGIS store
	ROUTERISK_TEST_STORE=postgis $(GO) test -race -count=1 ./server/ ./server/ogc/

test-frontend: frontend/node_modules/.installed
	cd frontend && $(NPM) run typecheck && $(NPM) test

test-e2e: frontend/node_modules/.installed
	cd frontend && ROUTERISK_BIN=$(CURDIR)/bin/routerisk $(NPM) run e2e

## bench-deps: deps, then wrk, nginx and curl for the load tests (installed the same way)
bench-deps: deps
	./scripts/deps.sh bench

## bench: Go benchmarks with allocations, then an HTTP load test against the running binary;
## ends with the summary lines the scripts append to $(BENCH_SUMMARY)
bench: export BENCH_SUMMARY := $(CURDIR)/bin/bench-summary.txt
bench: bench-deps build
	@rm -f $(BENCH_SUMMARY)
	set -o pipefail; $(GO) test -run '^$$' -bench . -benchmem -count 1 ./geodata/... ./server/... | tee bin/bench-go.txt
	set -o pipefail; $(GO) test -count 1 -run TestPostGISCrossCheck -v ./geodata/risk/ -args -risk.full | tee bin/bench-pgjoin.txt
	./scripts/riskratio.sh bin/bench-go.txt bin/bench-pgjoin.txt
	./scripts/loadtest.sh
	./scripts/bboxload.sh
	cd frontend && ROUTERISK_BIN=$(CURDIR)/bin/routerisk npx playwright test firstrender.spec.ts
	./scripts/ingestmem.sh
	WORKLOAD=mmp ./scripts/ingestmem.sh
	./scripts/analysismem.sh
	./scripts/replicas.sh
	CONSISTENCY=eventual ./scripts/replicas.sh
	@echo "== make bench summary (same run)"; cat $(BENCH_SUMMARY)

## sample: rebuild the bundled layers in geodata/sample/layers from $(SHARED)
sample:
	$(GO) run ./cmd/buildsample -shared $(SHARED) -out geodata/sample/layers

## synthetic: seeded synthetic incident layers (200k, 1M) in geodata/risk/testdata/synthetic (git-ignored)
.PHONY: synthetic
synthetic:
	$(GO) run ./cmd/synthincidents -n 200000,1000000 -seed 1 -out geodata/risk/testdata/synthetic

clean:
	rm -rf bin frontend/node_modules
	find frontend/dist -mindepth 1 -not -name .gitkeep -delete 2>/dev/null || true
