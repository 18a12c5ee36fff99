#!/usr/bin/env bash
# build.sh builds the binaries of the end-to-end tests into .cache/bin (or
# $KUBENETGEN_TOOLS_BIN):
#   - the local control plane (etcd, kube-apiserver, kube-controller-manager,
#     kube-scheduler, kwok) and kube-proxy, from the versions pinned in
#     tools/go.mod, with kwok's "fast" stage definitions beside them;
#   - kube-router, the NetworkPolicy engine of the real-packet tests, from its
#     own module tools/kuberouter (its k8s.io dependencies are older than the
#     control plane's and must not move).
#
# A cold build takes minutes (k8s.io/kubernetes is large), so each part runs
# only when what decides its output changes: a stamp file per part holds a
# hash of its go.mod and go.sum, this script and the Go version, and a part
# whose stamp matches is skipped.
set -euo pipefail

tools_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${tools_dir}/.." && pwd)"
bin="${KUBENETGEN_TOOLS_BIN:-${root}/.cache/bin}"
# A relative KUBENETGEN_TOOLS_BIN is relative to the repository root, as in
# the Go harness, whatever directory this runs from.
[[ "${bin}" == /* ]] || bin="${root}/${bin}"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy kwok)

# stamp_of prints the hash of the given files and the Go version; a new
# toolchain changes the binaries even when no pin does.
stamp_of() {
	{
		cat "$@" "${tools_dir}/build.sh"
		go env GOVERSION
	} | sha256sum | cut -d' ' -f1
}

# up_to_date STAMPFILE STAMP BINARY... succeeds when the stamp matches and
# every binary is there.
up_to_date() {
	local file="$1" want="$2"
	shift 2
	[[ -f "${file}" && "$(cat "${file}")" == "${want}" ]] || return 1
	for b in "$@"; do
		[[ -x "${bin}/${b}" ]] || return 1
	done
}

mkdir -p "${bin}"

# --- The control plane and kube-proxy -------------------------------------
stamp="$(stamp_of "${tools_dir}/go.mod" "${tools_dir}/go.sum" "${tools_dir}/etcd/main.go")"
if up_to_date "${bin}/.stamp" "${stamp}" "${binaries[@]}" && [[ -d "${bin}/kwok-stages" ]]; then
	echo "tools: control plane up to date in ${bin}" >&2
else
	start=$(date +%s)
	rm -f "${bin}/.stamp"
	echo "tools: building ${binaries[*]} into ${bin} (a cold build takes several minutes)" >&2
	(
		cd "${tools_dir}"
		# Kubernetes' own build stamps its version into the binaries;
		# without it the apiserver reports v0.0.0-master and clients that
		# compare versions fail.
		k8s_version="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"
		k8s_minor="$(echo "${k8s_version}" | cut -d. -f2)"
		version_flags=""
		for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
			version_flags+=" -X ${pkg}.gitVersion=${k8s_version} -X ${pkg}.gitMajor=1"
			version_flags+=" -X ${pkg}.gitMinor=${k8s_minor} -X ${pkg}.gitTreeState=clean"
		done
		# -trimpath and a stripped link keep the binaries small and the
		# link step short; nothing here is ever debugged with a symbol
		# table. The "tool" pattern builds every tool directive of go.mod,
		# so go.mod alone is the list.
		go build -trimpath -ldflags="-s -w${version_flags}" -o "${bin}/" tool

		# kwok needs its stage definitions (how fake nodes and pods move
		# through their lifecycle); they ship inside the kwok module at the
		# pinned version. The heartbeat stage goes with the node leases
		# kwok renews, without which the node-lifecycle controller would
		# mark the fake nodes unreachable.
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
	)
	for b in "${binaries[@]}"; do
		[[ -x "${bin}/${b}" ]] || { echo "tools: ${b} missing after the build" >&2; exit 1; }
	done
	echo "${stamp}" >"${bin}/.stamp"
	echo "tools: control plane built in $(( $(date +%s) - start ))s" >&2
fi

# --- kube-router ----------------------------------------------------------
kr_stamp="$(stamp_of "${tools_dir}/kuberouter/go.mod" "${tools_dir}/kuberouter/go.sum")"
if up_to_date "${bin}/.stamp-kube-router" "${kr_stamp}" kube-router; then
	echo "tools: kube-router up to date in ${bin}" >&2
else
	start=$(date +%s)
	rm -f "${bin}/.stamp-kube-router"
	echo "tools: building kube-router into ${bin} (about 3 minutes cold)" >&2
	(cd "${tools_dir}/kuberouter" && go build -trimpath -ldflags="-s -w" -o "${bin}/" tool)
	[[ -x "${bin}/kube-router" ]] || { echo "tools: kube-router missing after the build" >&2; exit 1; }
	echo "${kr_stamp}" >"${bin}/.stamp-kube-router"
	echo "tools: kube-router built in $(( $(date +%s) - start ))s" >&2
fi
