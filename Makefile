# kubenetgen — build, example, tests.
#
#   make example   build kubenetgen and generate the bundled three-tier example into out/shop
#   make test      everything CI runs: lint, unit, golden, command-line, kube-score, kustomize CLI
#                  and end-to-end tests
#   make unit      the fast tests only (no control plane), with the race detector
#   make lint      gofmt, go vet, staticcheck (pinned in tools/lint) and go mod tidy, all clean
#   make golden    rewrite every golden file (bases, verify's matrices, init's screens, the JSON
#                  Schema); review the diff!
#   make fuzz      run every fuzz target for FUZZTIME each (default 5m)
#   make bench     the speed and memory benchmarks, BENCHCOUNT runs each, for benchstat

GO         ?= go
FUZZTIME   ?= 5m
BENCHCOUNT ?= 10

.PHONY: build example test unit lint golden fuzz bench clean

build:
	$(GO) build -o bin/kubenetgen ./cmd/kubenetgen

example: build
	bin/kubenetgen generate -f examples/shop/kubenetgen.yaml -o out/shop
	@find out/shop -type f | sort

test: lint unit score krm e2e

# -race needs cgo (gcc is on every machine this project builds on); without
# it the tests would run unchecked, so a missing compiler fails here loudly.
# The tests that cap a child process's memory cannot run under the race
# detector (its shadow memory needs more), so they run again without it.
unit:
	CGO_ENABLED=1 $(GO) test -race -count=1 ./...
	$(GO) test -count=1 -run '^TestAliasBombProcess$$' ./internal/cli/verify

# The checker is built once into .cache/lint from tools/lint's pins and
# rebuilt when they change; the Go version is part of its path, since a
# checker built by an older Go cannot load code for a newer one.
STATICCHECK := .cache/lint/$(shell $(GO) env GOVERSION)/staticcheck

# The suites behind build tags are checked too.
LINT_TAGS := e2e,kubescore,kustomizecli

lint: $(STATICCHECK)
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; if [ -n "$$out" ]; then echo "gofmt: these files need formatting:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(LINT_TAGS) ./...
	$(STATICCHECK) -tags $(LINT_TAGS) ./...
	$(GO) mod tidy -diff
	cd tools/lint && $(GO) mod tidy -diff

$(STATICCHECK): tools/lint/go.mod tools/lint/go.sum
	@mkdir -p $(dir $@)
	cd tools/lint && $(GO) build -o $(abspath $@) honnef.co/go/tools/cmd/staticcheck
	@touch $@

# Every test binary with golden files takes -update; the packages are listed
# here so that a new golden set is one more word on this line.
GOLDEN_PKGS := ./generate ./verify ./internal/cli/initcmd ./schema ./graph

golden:
	$(GO) test -count=1 $(GOLDEN_PKGS) -update
	@git status --short -- golden verify/testdata internal/cli/initcmd/testdata schema graph/testdata

fuzz:
	$(GO) test ./spec -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME)
	$(GO) test ./spec -run '^$$' -fuzz '^FuzzParseTier$$' -fuzztime $(FUZZTIME)
	$(GO) test ./spec -run '^$$' -fuzz '^FuzzParseRule$$' -fuzztime $(FUZZTIME)
	$(GO) test ./spec -run '^$$' -fuzz '^FuzzParseAllow$$' -fuzztime $(FUZZTIME)

bench:
	$(GO) test ./generate -run '^$$' -bench 'Generate|Write' -benchmem -count $(BENCHCOUNT) -timeout 60m | tee bench.txt
	$(GO) test ./generate -run '^$$' -bench 'Process' -count $(BENCHCOUNT) -timeout 60m | tee -a bench.txt
	$(GO) test ./verify -run '^$$' -bench . -count $(BENCHCOUNT) -timeout 60m | tee -a bench.txt

clean:
	rm -rf bin out .cache bench.txt

-include mk/*.mk
