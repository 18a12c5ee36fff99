// Package e2e holds the end-to-end tests of kubenetgen: every golden base,
// the bundled example and the wizard's non-interactive path are applied for
// real to a local control plane (package cluster) and checked for what users
// rely on: every object accepted without warnings, Deployments Available,
// PodDisruptionBudgets counting their pods, Services' EndpointSlices holding
// exactly their tier's pods on the intended port, requested nodePorts
// allocated, and a second apply changing nothing.
//
// The tests carry the build tag e2e and need the binaries of tools/build.sh;
// run them with make e2e.
package e2e
