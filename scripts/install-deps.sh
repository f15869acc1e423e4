#!/usr/bin/env bash
# Installs the Debian packages rigz builds, tests and benchmarks with; only what is missing.
# Runs apt-get non-interactively (as root, or through sudo when available).
set -euo pipefail
pkgs=(build-essential cmake pkg-config zlib1g-dev libdeflate-dev libisal-dev libgtest-dev googletest
      gzip pigz isal libdeflate-tools ncompress groff-base man-db bash-completion dpkg-dev file)
[ "${1:-}" = "--bench" ] && pkgs+=(hyperfine python3 python3-matplotlib time)
[ "${1:-}" = "--fuzz" ] && pkgs+=(clang libclang-rt-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO=sudo
echo "install-deps: installing ${missing[*]}" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
