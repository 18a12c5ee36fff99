// Package e2e holds the end-to-end tests of kubenetgen: every golden base
// (golden/*/base), each bundled example (examples/*/kubenetgen.yaml, rendered
// with kubenetgen generate) and the wizard's non-interactive path (kubenetgen
// init --no-prompt) are applied for real to a local control plane (package
// cluster) and checked for what users rely on:
//
//   - kubectl apply -k --validate=strict accepts every object, with no
//     warnings (Pod Security "restricted" is enforced by the apiserver);
//   - every Deployment becomes Available, spread as its hard topology
//     constraints say across three fake nodes;
//   - every PodDisruptionBudget expects the replicas of the Deployments it
//     selects;
//   - every Service's EndpointSlices hold exactly the pod IPs of its tier, on
//     the port number its targetPort resolves to; requested nodePorts are the
//     ones allocated; Ingress backends name real Service ports;
//   - a second apply changes nothing and kubectl diff -k is empty.
//
// The checks are tested too, against small bases with one fault each.
//
// The tests carry the build tag e2e and need the binaries that
// tools/build.sh puts in .cache/bin (or $KUBENETGEN_TOOLS_BIN), and kubectl on
// PATH. Run them with make e2e, which builds the binaries first (only when
// their pins change). A failed run keeps the cluster's component logs and
// prints where. For poking at a base by hand, make cluster-up starts the same
// cluster in .cache/cluster and prints the export KUBECONFIG line; make
// cluster-down stops it.
package e2e
