#!/usr/bin/env bash
# Puts what a Linux desktop needs to list the app into a built bundle: share/applications (the
# desktop entry), share/icons/hicolor (every icon size) and the per-user install scripts, so
# the bundle folder alone (e.g. unpacked from a tarball) can be installed.
#
#   packaging/linux/add-desktop-files.sh dist/voicelive-desktop
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
NAME=voicelive-desktop
bundle="${1:?usage: add-desktop-files.sh BUNDLE_DIR}"
[ -d "$bundle" ] || { echo "add-desktop-files.sh: no bundle folder at $bundle" >&2; exit 1; }
share="$bundle/share"
rm -rf "$share"
mkdir -p "$share/applications" "$share/icons/hicolor/scalable/apps"
cp "$ROOT/resources/linux/$NAME.desktop" "$share/applications/"
cp -r "$ROOT/resources/icons/hicolor" "$share/icons/"
cp "$ROOT/resources/icons/$NAME.svg" "$share/icons/hicolor/scalable/apps/"
install -m 755 "$ROOT/packaging/linux/install-user.sh" "$ROOT/packaging/linux/uninstall-user.sh" "$bundle/"
