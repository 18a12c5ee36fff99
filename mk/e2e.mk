# End-to-end targets, included by the main Makefile.
#
#   make tools         build the local control plane, kube-proxy, kube-router and CoreDNS into
#                      .cache/bin (each only when its pins in tools/ change)
#   make packages      install iptables, ipset and nftables when missing (root, apt-get)
#   make cluster-up    start a local cluster in .cache/cluster and print its export KUBECONFIG line
#   make cluster-down  stop it
#   make e2e           apply every golden base, the bundled example and the wizard's output to a
#                      fresh local cluster and check them (see e2e/doc.go), then measure their
#                      NetworkPolicies with real packets (see e2e/packets/doc.go)

# -v shows each case's timings and the closing summary with the suite's
# duration. -p 1 runs one package at a time: the harness's own tests and the
# suite each run a control plane, and two at once only slow each other down on
# 2 cores.
E2E_TIMEOUT ?= 40m

.PHONY: tools packages cluster-up cluster-down e2e

tools:
	@bash tools/build.sh
	@bash tools/coredns/build.sh

packages:
	@bash tools/packages.sh

cluster-up: tools
	@go run ./e2e/cmd/cluster up

cluster-down:
	@go run ./e2e/cmd/cluster down

e2e: tools packages
	go test -tags e2e -count=1 -p 1 -v -timeout $(E2E_TIMEOUT) ./e2e/...
