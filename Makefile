# kubenetgen — build, example, tests.
#
#   make example   build kubenetgen and generate the bundled three-tier example into out/shop
#   make test      everything CI runs: unit, golden, command-line, kube-score and end-to-end tests
#   make unit      the fast tests only (no control plane)
#   make golden    rewrite golden/*/base from the current output (review the diff!)
#   make fuzz      run every fuzz target for FUZZTIME each (default 5m)
#   make bench     the speed and memory benchmarks, BENCHCOUNT runs each, for benchstat

GO         ?= go
FUZZTIME   ?= 5m
BENCHCOUNT ?= 10

.PHONY: build example test unit golden fuzz bench clean

build:
	$(GO) build -o bin/kubenetgen ./cmd/kubenetgen

example: build
	bin/kubenetgen generate -f examples/shop/kubenetgen.yaml -o out/shop
	@find out/shop -type f | sort

test: unit score e2e

unit:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

golden:
	$(GO) test ./generate -run 'TestGolden' -update
	@git status --short golden

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
