#!/usr/bin/env bash
# Builds the macOS app: dist/VoiceLive Desktop.app (PyInstaller, with NSMicrophoneUsageDescription
# from the spec) and a drag-to-Applications disk image dist/VoiceLive-Desktop-<version>.dmg.
# Needs Python 3.10+ from python.org or Homebrew, and Xcode command line tools (codesign, hdiutil).
#   packaging/macos/build.sh
#   CODESIGN_IDENTITY="Developer ID Application: ..." packaging/macos/build.sh   # to distribute
# Not run in this project's CI (Linux only); see docs/INSTALL.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
APP_NAME="VoiceLive Desktop"
VENV="$ROOT/build/venv-package"
start=$(date +%s)

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[package]"
version="$("$VENV/bin/python" -c "import voicelive_desktop as v; print(v.__version__)")"
"$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/voicelive-desktop.spec
app="dist/$APP_NAME.app"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  # Hardened runtime (needed for notarization) blocks the microphone unless entitled.
  codesign --force --deep --options runtime --timestamp \
    --entitlements packaging/macos/entitlements.plist --sign "$CODESIGN_IDENTITY" "$app"
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
dmg="dist/VoiceLive-Desktop-$version.dmg"
hdiutil create -volname "$APP_NAME" -srcfolder "$stage" -ov -format UDZO "$dmg" >/dev/null
echo "[build] app: $app $(du -sm "$app" | cut -f1) MB; dmg: $dmg $(du -m "$dmg" | cut -f1) MB" >&2
echo "[build] done in $(( $(date +%s) - start )) s" >&2
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  echo "[build] to notarize: xcrun notarytool submit \"$dmg\" --keychain-profile PROFILE --wait" \
    "&& xcrun stapler staple \"$dmg\"" >&2
fi
