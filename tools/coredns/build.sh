#!/usr/bin/env bash
# build.sh builds CoreDNS, the cluster DNS of the real-packet tests, at the
# version pinned in tools/coredns/go.mod, into .cache/bin (or
# $KUBENETGEN_TOOLS_BIN), beside the binaries tools/build.sh builds.
#
# CoreDNS brings its own k8s.io client libraries, so it lives in this module
# of its own, like kube-router. A stamp file holds a hash of this module's
# go.mod, go.sum, this script and the Go version, and a build whose stamp
# matches is skipped (a cold build takes about 3 minutes; a warm run costs
# nothing). It is a script of its own, not a part of tools/build.sh, so that
# adding it left the stamps of the other binaries as they were.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${dir}/../.." && pwd)"
bin="${KUBENETGEN_TOOLS_BIN:-${root}/.cache/bin}"
# A relative directory is relative to the repository root, wherever this
# runs from.
[[ "${bin}" == /* ]] || bin="${root}/${bin}"

stamp="$(
	{
		cat "${dir}/go.mod" "${dir}/go.sum" "${dir}/build.sh"
		go env GOVERSION
	} | sha256sum | cut -d' ' -f1
)"

if [[ -x "${bin}/coredns" && -f "${bin}/.stamp-coredns" && "$(cat "${bin}/.stamp-coredns")" == "${stamp}" ]]; then
	echo "tools: coredns up to date in ${bin}" >&2
	exit 0
fi

mkdir -p "${bin}"
rm -f "${bin}/.stamp-coredns"
start=$(date +%s)
echo "tools: building coredns into ${bin} (about 3 minutes cold)" >&2
(cd "${dir}" && go build -trimpath -ldflags="-s -w" -o "${bin}/" tool)
[[ -x "${bin}/coredns" ]] || { echo "tools: coredns missing after the build" >&2; exit 1; }
echo "${stamp}" >"${bin}/.stamp-coredns"
echo "tools: coredns built in $(( $(date +%s) - start ))s" >&2
