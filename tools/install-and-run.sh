#!/usr/bin/env bash
# Installs VoiceLive Desktop from this checkout on Debian/Ubuntu (system libraries + a private
# venv in .venv) and starts it. Without an Azure account, choose "Try the offline demo".
#   bash tools/install-and-run.sh [app options, e.g. --demo]
set -euo pipefail
cd "$(dirname "$0")/.."
runtime=(libportaudio2 libasound2-plugins libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0
         libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0
         libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 espeak-ng)
bash tools/apt-install-missing.sh install "${runtime[@]}"
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check . 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
exec .venv/bin/voicelive-desktop "$@"
