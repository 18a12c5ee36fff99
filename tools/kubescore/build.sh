#!/usr/bin/env bash
# build.sh builds kube-score, at the version pinned in tools/kubescore/go.mod,
# into .cache/kube-score (or $KUBENETGEN_KUBESCORE_BIN) and prints the
# binary's path on standard output.
#
# kube-score pins k8s.io/api v0.32, older than the main module's, so it lives
# in this module of its own and never joins the main module's build. A stamp
# file holds a hash of this module's go.mod, go.sum, this script and the Go
# version, and a build whose stamp matches is skipped (a cold build took
# 4 minutes on 2 busy cores; a warm run costs nothing).
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${dir}/../.." && pwd)"
bin="${KUBENETGEN_KUBESCORE_BIN:-${root}/.cache/kube-score}"
# A relative directory is relative to the repository root, wherever this
# runs from.
[[ "${bin}" == /* ]] || bin="${root}/${bin}"

stamp="$(
	{
		cat "${dir}/go.mod" "${dir}/go.sum" "${dir}/build.sh"
		go env GOVERSION
	} | sha256sum | cut -d' ' -f1
)"

if [[ -x "${bin}/kube-score" && -f "${bin}/.stamp" && "$(cat "${bin}/.stamp")" == "${stamp}" ]]; then
	echo "${bin}/kube-score"
	exit 0
fi

mkdir -p "${bin}"
rm -f "${bin}/.stamp"
echo "kube-score: building into ${bin}" >&2
cd "${dir}"
version="$(go list -m -f '{{.Version}}' github.com/zegl/kube-score)"
# kube-score reports the version stamped into main.version.
go build -trimpath -ldflags="-s -w -X main.version=${version}" -o "${bin}/kube-score" github.com/zegl/kube-score/cmd/kube-score
echo "${stamp}" >"${bin}/.stamp"
echo "${bin}/kube-score"
