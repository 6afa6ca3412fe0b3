.DEFAULT_GOAL := help
GO ?= go
FUZZTIME ?= 30s
PORT ?= 6379

help: ## list targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## build bin/carmine
	$(GO) build -o bin/carmine ./cmd/carmine

run: ## run the server with embedded defaults on port 6379
	$(GO) run ./cmd/carmine

test: ## unit and integration tests with the race detector
	$(GO) test -race -count=1 ./...

test-short: ## quick tests, skipping the slow ones
	$(GO) test -short ./...

golden: ## re-record testdata from redis-server 7.0 (COMMAND INFO)
	$(GO) run ./cmd/gencommandinfo > testdata/command_info.txt

docs: ## regenerate the command table in README.md
	$(GO) test ./server -run TestREADMECommandTable -update

fuzz: ## run every fuzz target for $(FUZZTIME)
	$(GO) test ./protocol -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME)
	$(GO) test ./protocol -run '^$$' -fuzz '^FuzzParseInt$$' -fuzztime $(FUZZTIME)
	$(GO) test ./protocol -run '^$$' -fuzz '^FuzzParseFloat$$' -fuzztime $(FUZZTIME)
	$(GO) test ./store -run '^$$' -fuzz '^FuzzMatch$$' -fuzztime $(FUZZTIME)

bench: ## Go benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-compare: build ## redis-benchmark against carmine and redis-server; prints ratios
	./scripts/bench-compare.sh

lint: ## gofmt, go vet
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	$(GO) vet ./...

cover: ## coverage summary
	$(GO) test -coverprofile=coverage.out ./... && $(GO) tool cover -func=coverage.out | tail -1

clean: ## remove build and coverage output
	rm -rf bin coverage.out

.PHONY: help build run test test-short golden docs fuzz bench bench-compare lint cover clean
