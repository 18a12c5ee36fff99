#!/usr/bin/env bash
# build.sh builds the local control plane of the end-to-end tests (etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, kwok) from the
# versions pinned in tools/go.mod, into .cache/bin (or $KUBENETGEN_TOOLS_BIN),
# and copies kwok's "fast" stage definitions beside them.
#
# A cold build takes minutes (k8s.io/kubernetes is large), so it runs only when
# what decides the output changes: a stamp file holds a hash of tools/go.mod,
# tools/go.sum, the etcd main, this script and the Go version, and a build whose
# stamp matches is skipped.
set -euo pipefail

tools_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${tools_dir}/.." && pwd)"
bin="${KUBENETGEN_TOOLS_BIN:-${root}/.cache/bin}"
# A relative KUBENETGEN_TOOLS_BIN is relative to the repository root, as in
# the Go harness, whatever directory this runs from.
[[ "${bin}" == /* ]] || bin="${root}/${bin}"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

# The Go version is part of the stamp because a new toolchain changes the
# binaries even when no pin does.
stamp="$(
	{
		cat "${tools_dir}/go.mod" "${tools_dir}/go.sum" "${tools_dir}/build.sh" "${tools_dir}/etcd/main.go"
		go env GOVERSION
	} | sha256sum | cut -d' ' -f1
)"

up_to_date() {
	[[ -f "${bin}/.stamp" && "$(cat "${bin}/.stamp")" == "${stamp}" ]] || return 1
	for b in "${binaries[@]}"; do
		[[ -x "${bin}/${b}" ]] || return 1
	done
	[[ -d "${bin}/kwok-stages" ]]
}

if up_to_date; then
	echo "tools: up to date in ${bin}" >&2
	exit 0
fi

start=$(date +%s)
mkdir -p "${bin}"
rm -f "${bin}/.stamp"
echo "tools: building ${binaries[*]} into ${bin} (a cold build takes several minutes)" >&2

cd "${tools_dir}"
# Kubernetes' own build stamps its version into the binaries; without it the
# apiserver reports v0.0.0-master and clients that compare versions fail.
k8s_version="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"
k8s_minor="$(echo "${k8s_version}" | cut -d. -f2)"
version_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	version_flags+=" -X ${pkg}.gitVersion=${k8s_version} -X ${pkg}.gitMajor=1"
	version_flags+=" -X ${pkg}.gitMinor=${k8s_minor} -X ${pkg}.gitTreeState=clean"
done
# -trimpath and a stripped link keep the binaries small and the link step
# short; nothing here is ever debugged with a symbol table. The "tool"
# pattern builds every tool directive of go.mod, so go.mod alone is the list.
go build -trimpath -ldflags="-s -w${version_flags}" -o "${bin}/" tool

# kwok needs its stage definitions (how fake nodes and pods move through their
# lifecycle); they ship inside the kwok module at the pinned version. The
# heartbeat stage goes with the node leases kwok renews, without which the
# node-lifecycle controller would mark the fake nodes unreachable.
kwok_dir="$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
rm -rf "${bin}/kwok-stages"
mkdir -p "${bin}/kwok-stages"
for stage in node/fast node/heartbeat-with-lease pod/fast; do
	for f in "${kwok_dir}/kustomize/stage/${stage}/"*.yaml; do
		[[ "$(basename "$f")" == kustomization.yaml ]] && continue
		cp "$f" "${bin}/kwok-stages/$(basename "$f")"
	done
done
chmod -R u+w "${bin}/kwok-stages"

for b in "${binaries[@]}"; do
	[[ -x "${bin}/${b}" ]] || { echo "tools: ${b} missing after the build" >&2; exit 1; }
done
echo "${stamp}" >"${bin}/.stamp"
echo "tools: built in $(($(date +%s) - start))s" >&2
