#!/usr/bin/env bash
# Builds the Linux app: the PyInstaller one-folder bundle (dist/voicelive-desktop/, with the
# desktop entry, icons and per-user install scripts inside) and a .deb made with dpkg-deb.
# Works on a fresh Debian/Ubuntu machine: installs missing build packages (needs root or sudo)
# and makes its own venv. Prints the bundle size and the build time.
#
#   packaging/linux/build.sh [--no-deb]
#   VENV=.venv packaging/linux/build.sh        # reuse an existing venv instead of build/venv-package
#   DEB_COMPRESSION=gzip packaging/linux/build.sh   # faster .deb, bigger file (default: xz)
#   DIST_DIR=/tmp/out WORK_DIR=/tmp/work packaging/linux/build.sh   # elsewhere than dist/, build/
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
NAME=voicelive-desktop
# A venv given by the caller is only checked, never changed; our own one is kept up to date.
own_venv=0; [ -z "${VENV:-}" ] && own_venv=1
VENV="${VENV:-$ROOT/build/venv-package}"
PYTHON="${PYTHON:-python3}"
DEB_COMPRESSION="${DEB_COMPRESSION:-xz}"
DIST_DIR="${DIST_DIR:-$ROOT/dist}"
WORK_DIR="${WORK_DIR:-$ROOT/build/pyinstaller}"
make_deb=1
for arg in "$@"; do
  case "$arg" in
    --no-deb) make_deb=0 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
start=$(date +%s)

# What the bundle copies from the build machine: PortAudio and the Qt xcb libraries (whatever
# is missing here is missing in the bundle), plus binutils, which PyInstaller uses on Linux.
build_pkgs=(binutils libportaudio2 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0
  libegl1 libgl1 libfontconfig1 libdbus-1-3)
"$PYTHON" -c "import venv, ensurepip" 2>/dev/null || build_pkgs+=(python3-venv)
bash tools/apt-install-missing.sh build "${build_pkgs[@]}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "[build] creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
  own_venv=1
fi
if [ "$own_venv" -eq 1 ]; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[package]" 2>&1 \
    | grep -v -e "is ignored: it is neither a file nor a directory" >&2 || true
fi
"$VENV/bin/python" -c "import PyInstaller, voicelive_desktop" \
  || { echo "[build] the venv at $VENV lacks PyInstaller or the app" >&2; exit 1; }
version="$("$VENV/bin/python" -c "import voicelive_desktop as v; print(v.__version__)")"

echo "[build] PyInstaller bundle" >&2
pyi_start=$(date +%s)
"$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$DIST_DIR" --workpath "$WORK_DIR" packaging/voicelive-desktop.spec
bundle="$DIST_DIR/$NAME"

bash packaging/linux/add-desktop-files.sh "$bundle"
pyi_secs=$(( $(date +%s) - pyi_start ))
bundle_mb=$(du -sm "$bundle" | cut -f1)
echo "[build] bundle: $bundle ${bundle_mb} MB, built in ${pyi_secs} s" >&2

if [ "$make_deb" -eq 1 ]; then
  deb_start=$(date +%s)
  stage="$(mktemp -d)"; chmod 755 "$stage"
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share"
  cp -a "$bundle" "$stage/opt/$NAME"
  rm "$stage/opt/$NAME/install-user.sh" "$stage/opt/$NAME/uninstall-user.sh"
  mv "$stage/opt/$NAME/share/applications" "$stage/opt/$NAME/share/icons" "$stage/usr/share/"
  rmdir "$stage/opt/$NAME/share"
  ln -s "/opt/$NAME/$NAME" "$stage/usr/bin/$NAME"
  glibc="$(getconf GNU_LIBC_VERSION | cut -d' ' -f2)"
  cat > "$stage/DEBIAN/control" <<CONTROL
Package: $NAME
Version: $version
Architecture: $(dpkg --print-architecture)
Maintainer: VoiceLive Desktop developers <maintainers@voicelive-desktop.invalid>
Installed-Size: $(du -sk "$stage" | cut -f1)
Depends: libc6 (>= $glibc), libegl1, libgl1, libxcb1
Recommends: libasound2-plugins, pulseaudio | pipewire-pulse, espeak-ng
Section: sound
Priority: optional
Description: Desktop voice assistant on Azure AI Voice Live
 Talk to Azure AI Voice Live in realtime speech-to-speech, with push-to-talk,
 live transcripts and an offline demo mode that needs no Azure account.
 This package carries its own Python and Qt (a PyInstaller bundle in /opt).
CONTROL
  deb="$DIST_DIR/${NAME}_${version}_$(dpkg --print-architecture).deb"
  dpkg-deb --root-owner-group -Z"$DEB_COMPRESSION" --build "$stage" "$deb" >/dev/null
  echo "[build] deb: $deb $(du -m "$deb" | cut -f1) MB, built in $(( $(date +%s) - deb_start )) s" >&2
fi
echo "[build] done in $(( $(date +%s) - start )) s" >&2
