#!/usr/bin/env bash
# build.sh builds the kustomize CLI, at the version pinned in
# tools/kustomize/go.mod, into .cache/kustomize (or $KUBENETGEN_KUSTOMIZE_BIN)
# and prints the binary's path on standard output.
#
# The CLI pins kustomize/api and kyaml versions of its own, so it lives in
# this module and never joins the main module's build. A stamp file holds a
# hash of this module's go.mod, go.sum, this script and the Go version, and
# a build whose stamp matches is skipped.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${dir}/../.." && pwd)"
bin="${KUBENETGEN_KUSTOMIZE_BIN:-${root}/.cache/kustomize}"
# A relative directory is relative to the repository root, wherever this
# runs from.
[[ "${bin}" == /* ]] || bin="${root}/${bin}"

stamp="$(
	{
		cat "${dir}/go.mod" "${dir}/go.sum" "${dir}/build.sh"
		go env GOVERSION
	} | sha256sum | cut -d' ' -f1
)"

if [[ -x "${bin}/kustomize" && -f "${bin}/.stamp" && "$(cat "${bin}/.stamp")" == "${stamp}" ]]; then
	echo "${bin}/kustomize"
	exit 0
fi

mkdir -p "${bin}"
rm -f "${bin}/.stamp"
echo "kustomize: building into ${bin}" >&2
cd "${dir}"
go build -trimpath -ldflags="-s -w" -o "${bin}/kustomize" sigs.k8s.io/kustomize/kustomize/v5
echo "${stamp}" >"${bin}/.stamp"
echo "${bin}/kustomize"
