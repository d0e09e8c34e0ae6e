#!/usr/bin/env bash
# Removes what install-user.sh installed for the current user. Settings, logs and the API key
# in the system keyring are kept, so a reinstall picks up where you left off.
#
#   ./uninstall-user.sh
set -euo pipefail
NAME=voicelive-desktop
data="${XDG_DATA_HOME:-$HOME/.local/share}"
lib="$HOME/.local/lib/$NAME"
bin="$HOME/.local/bin/$NAME"

removed=0
if [ -L "$bin" ] && [ "$(readlink "$bin")" = "$lib/$NAME" ]; then rm -f "$bin"; removed=1; fi
if [ -f "$data/applications/$NAME.desktop" ]; then rm -f "$data/applications/$NAME.desktop"; removed=1; fi
while read -r icon; do rm -f "$icon"; removed=1; done \
  < <(find "$data/icons/hicolor" -path "*/apps/$NAME.*" -type f 2>/dev/null)
# Last, because this script may itself live in there.
if [ -d "$lib" ]; then rm -rf "$lib"; removed=1; fi

# Only refresh an icon cache that exists: creating one would hide icons that later
# installers add without updating it.
if [ -f "$data/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null; then
  gtk-update-icon-cache -q -t -f "$data/icons/hicolor" 2>/dev/null || true
fi

if [ "$removed" -eq 1 ]; then
  echo "Removed VoiceLive Desktop from $lib and the launcher."
else
  echo "VoiceLive Desktop was not installed for this user; nothing to remove."
fi
