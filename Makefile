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

# CI runs the fuzzer with a fixed seed so that a run is reproducible; use
# COMPAT_SEED= (empty) or -seed N by hand to explore other sequences.
COMPAT_SEED ?= 1

compat: ## differential suite against redis-server (cases, fuzzer with $(COMPAT_SEED), coverage)
	$(GO) run ./cmd/carmine-compat $(if $(COMPAT_SEED),-seed $(COMPAT_SEED))

golden: ## re-record testdata from redis-server 7.0 (COMMAND INFO)
	$(GO) run ./cmd/gencommandinfo > testdata/command_info.txt
	$(GO) run ./cmd/gencommandinfo -keyspecs > testdata/key_specs.txt

docs: ## regenerate the command table in README.md
	$(GO) test ./server -run TestREADMECommandTable -update

# Every fuzz target, as package:Target (go test -fuzz takes one target at a time).
FUZZ_TARGETS = protocol:FuzzReader protocol:FuzzReaderInline protocol:FuzzParseInt \
	protocol:FuzzParseFloat protocol:FuzzParseLongDouble store:FuzzMatch server:FuzzCommand
FUZZMINIMIZE ?= 10s

fuzz: ## run every fuzz target for $(FUZZTIME); a crasher lands in <pkg>/testdata/fuzz/<Target>/
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== $$t"; \
		$(GO) test ./$${t%%:*} -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE); \
	done

fuzz-ci: ## every fuzz target for 5s (CI)
	@$(MAKE) --no-print-directory fuzz FUZZTIME=5s FUZZMINIMIZE=2s

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

.PHONY: help build run test test-short compat golden docs fuzz fuzz-ci bench bench-compare lint cover clean
