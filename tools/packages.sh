#!/usr/bin/env bash
# packages.sh installs the Debian packages the real-packet tests drive inside
# their network namespaces: iptables and ipset (kube-router's firewall
# programs them) and nftables (kube-proxy's nftables mode). It does nothing
# when every command is already there. Without root or apt-get it only says
# what is missing: the real-packet tests then skip with that reason (and fail
# under CI=true, where they must run).
set -euo pipefail

missing=()
for cmd in iptables ipset nft; do
	command -v "${cmd}" >/dev/null 2>&1 || missing+=("${cmd}")
done
if ((${#missing[@]} == 0)); then
	echo "packages: iptables, ipset and nft present" >&2
	exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
	echo "packages: ${missing[*]} missing and no root apt-get to install them; the real-packet tests will skip" >&2
	exit 0
fi
start=$(date +%s)
echo "packages: installing iptables ipset nftables (missing: ${missing[*]})" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends iptables ipset nftables >/dev/null
echo "packages: installed in $(( $(date +%s) - start ))s" >&2
