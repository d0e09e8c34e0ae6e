"""Generates every app icon file (XDG PNG sizes, .ico, .icns, runtime copies) from the one SVG.

Run after editing `resources/icons/voicelive-desktop.svg`:

    .venv/bin/python tools/make_icons.py

Rendering uses PySide6's QtSvg (already a runtime dependency), and the .ico and .icns
containers are written here with `struct`, so no extra build tool is needed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from pathlib import Path

# Rendering needs no screen; keep a developer's DISPLAY out of it.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICON_NAME = "voicelive-desktop"
SVG_SOURCE = ROOT / "resources" / "icons" / f"{ICON_NAME}.svg"
HICOLOR_DIR = ROOT / "resources" / "icons" / "hicolor"
ICO_FILE = ROOT / "resources" / "icons" / f"{ICON_NAME}.ico"
ICNS_FILE = ROOT / "resources" / "icons" / f"{ICON_NAME}.icns"
RUNTIME_DIR = ROOT / "voicelive_desktop" / "resources" / "icons"

XDG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Windows shell picks from these; 256 is the largest an ICONDIRENTRY can describe.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# The app's window icon: Qt picks the nearest size per use (title bar, task bar, dock).
RUNTIME_SIZES = (16, 32, 48, 64, 128, 256)
# Apple's PNG-carrying icns element types; the @2x types reuse the doubled pixel size.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),
    (b"icp6", 64),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),
    (b"ic09", 512),
    (b"ic14", 512),
    (b"ic10", 1024),
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    """Renders the SVG to a square transparent PNG of `size` pixels."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 6.12's stubs want bytes for the format, but at run time only str is accepted.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise RuntimeError(f"Qt could not encode the {size}px icon as PNG")
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .ico holding one PNG-compressed 32-bit image per size (Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries = b""
    payload = b""
    for size, png in sorted(pngs.items()):
        # A width/height byte of 0 means 256 in the ICONDIRENTRY format.
        edge = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        payload += png
    return header + entries + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .icns whose elements are PNGs, the form macOS 10.7+ reads for every size."""
    elements = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def write_icons(svg: Path) -> list[Path]:
    """Writes every generated icon file and returns their paths."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not an SVG that QtSvg can render")
    sizes = sorted({*XDG_SIZES, *ICO_SIZES, *RUNTIME_SIZES, *(s for _, s in ICNS_TYPES)})
    pngs = {size: render_png(renderer, size) for size in sizes}
    written: list[Path] = []

    def write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)

    for size in XDG_SIZES:
        write(HICOLOR_DIR / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png", pngs[size])
    write(ICO_FILE, ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    write(ICNS_FILE, icns_bytes(pngs))
    for size in RUNTIME_SIZES:
        write(RUNTIME_DIR / f"{ICON_NAME}-{size}.png", pngs[size])
    RUNTIME_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, RUNTIME_DIR / f"{ICON_NAME}.svg")
    written.append(RUNTIME_DIR / f"{ICON_NAME}.svg")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--svg", type=Path, default=SVG_SOURCE, help="source SVG")
    args = parser.parse_args(argv)
    if not args.svg.is_file():
        print(f"make_icons: no SVG at {args.svg}", file=sys.stderr)
        return 2
    # QPainter needs a GUI application object even when painting into a QImage.
    _app = QGuiApplication.instance() or QGuiApplication([])
    written = write_icons(args.svg)
    for path in written:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
