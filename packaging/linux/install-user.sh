#!/usr/bin/env bash
# Installs VoiceLive Desktop for the current user, without root: the bundle under
# ~/.local/lib/voicelive-desktop, a `voicelive-desktop` command in ~/.local/bin, and the desktop
# entry and icons in the XDG data dirs, so the app appears in the launcher.
#
#   ./install-user.sh [BUNDLE_DIR]
# BUNDLE_DIR defaults to the folder this script sits in (inside an unpacked bundle), else
# dist/voicelive-desktop of the source tree it belongs to. Run it again to upgrade.
set -euo pipefail
NAME=voicelive-desktop
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -ge 1 ]; then
  src="$(cd "$1" && pwd)"
elif [ -x "$here/$NAME" ]; then
  src="$here"
else
  src="$(cd "$here/../.." && pwd)/dist/$NAME"
fi
if [ ! -x "$src/$NAME" ] || [ ! -d "$src/share/applications" ]; then
  echo "install-user.sh: no VoiceLive Desktop bundle at $src (build it with packaging/linux/build.sh)" >&2
  exit 1
fi

data="${XDG_DATA_HOME:-$HOME/.local/share}"
lib="$HOME/.local/lib/$NAME"
bin="$HOME/.local/bin"
mkdir -p "$HOME/.local/lib" "$bin" "$data/applications"

# Copy next to the old install, then swap, so an interrupted upgrade leaves a working app.
rm -rf "$lib.new"
cp -a "$src" "$lib.new"
rm -f "$lib.new/install-user.sh" "$lib.new/uninstall-user.sh"
rm -rf "$lib.new/share"
cp "$src/uninstall-user.sh" "$lib.new/"
rm -rf "$lib.old"
[ -e "$lib" ] && mv "$lib" "$lib.old"
mv "$lib.new" "$lib"
rm -rf "$lib.old"
ln -sfn "$lib/$NAME" "$bin/$NAME"

# The launcher may not have ~/.local/bin on its PATH, so the entry names the program by path.
exec_path="$lib/$NAME"
case "$exec_path" in *[[:space:]\"\'\\\$\`]*) exec_path="\"$(printf '%s' "$exec_path" | sed 's/[\\"$`]/\\&/g')\"" ;; esac
sed -e "s|^Exec=$NAME|Exec=$exec_path|" -e "s|^TryExec=$NAME|TryExec=$lib/$NAME|" \
  "$src/share/applications/$NAME.desktop" > "$data/applications/$NAME.desktop"
chmod 644 "$data/applications/$NAME.desktop"

(cd "$src/share/icons" && find hicolor -name "$NAME.*" -type f) | while read -r icon; do
  mkdir -p "$data/icons/$(dirname "$icon")"
  cp "$src/share/icons/$icon" "$data/icons/$icon"
done

# Only refresh an icon cache that exists: creating one would hide icons that later
# installers add without updating it.
if [ -f "$data/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null; then
  gtk-update-icon-cache -q -t -f "$data/icons/hicolor" 2>/dev/null || true
fi

echo "Installed VoiceLive Desktop in $lib"
echo "  launcher entry: $data/applications/$NAME.desktop"
echo "  command:        $bin/$NAME"
case ":$PATH:" in *":$bin:"*) ;; *) echo "  ($bin is not on your PATH; the launcher entry works regardless)" ;; esac
echo "Uninstall with: $lib/uninstall-user.sh"
