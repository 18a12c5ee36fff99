# KRM function targets, included by the main Makefile.
#
#   make kustomize-cli  build the kustomize CLI v5.8.0 into .cache/kustomize (only
#                       when tools/kustomize pins change)
#   make krm            build every golden case with the kustomize CLI, through
#                       kubenetgen fn (--enable-alpha-plugins --enable-exec) and
#                       from the written base, and want the same objects

.PHONY: kustomize-cli krm

kustomize-cli:
	@bash tools/kustomize/build.sh >/dev/null

# build.sh prints the binary's path; the test runs it on each case.
krm:
	k="$$(bash tools/kustomize/build.sh)" && KUSTOMIZE="$$k" $(GO) test -tags kustomizecli -count=1 -v -run '^TestKustomizeCLI' ./internal/cli/fn
