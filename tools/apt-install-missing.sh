#!/usr/bin/env bash
# Installs those of the named Debian packages that are not installed yet (with sudo unless
# root); the shared step of tools/test.sh, tools/install-and-run.sh and packaging/linux/build.sh.
#   bash tools/apt-install-missing.sh LABEL PACKAGE...
set -euo pipefail
label=$1
shift
missing=()
for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
echo "[$label] apt-get install ${missing[*]}" >&2
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
