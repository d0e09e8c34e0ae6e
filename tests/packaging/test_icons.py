"""The generated icon files: every size present, readable by Qt's ICO/ICNS readers, current."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QIcon, QImage, QImageReader
from PySide6.QtSvg import QSvgRenderer

from voicelive_desktop.resource_files import app_icon_files, resource_path

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"


def load_make_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "tools" / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_icons() -> ModuleType:
    return load_make_icons()


def opaque_share(image: QImage) -> float:
    """Fraction of pixels that are not fully transparent: a blank render gives 0."""
    alpha = [
        image.pixelColor(x, y).alpha()
        for y in range(0, image.height(), max(1, image.height() // 16))
        for x in range(0, image.width(), max(1, image.width() // 16))
    ]
    return sum(a > 0 for a in alpha) / len(alpha)


def test_svg_source_renders(qapp: object) -> None:
    assert QSvgRenderer(str(ICONS / "voicelive-desktop.svg")).isValid()


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_every_xdg_size_is_a_drawn_square_png(qapp: object, size: int) -> None:
    image = QImage(str(ICONS / "hicolor" / f"{size}x{size}" / "apps" / "voicelive-desktop.png"))
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    # The rounded tile covers most of the square; its corners stay transparent.
    assert opaque_share(image) > 0.7
    assert image.pixelColor(0, 0).alpha() == 0


def test_ico_holds_every_windows_size(qapp: object) -> None:
    reader = QImageReader(str(ICONS / "voicelive-desktop.ico"))
    sizes = set()
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        sizes.add(image.width())
    assert sizes == {16, 24, 32, 48, 64, 128, 256}


def test_icns_elements_are_pngs_of_the_sizes_their_types_promise(
    qapp: object, make_icons: ModuleType
) -> None:
    data = (ICONS / "voicelive-desktop.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    found: list[tuple[bytes, int]] = []
    offset = 8
    while offset < len(data):
        kind = data[offset : offset + 4]
        length = struct.unpack(">I", data[offset + 4 : offset + 8])[0]
        image = QImage.fromData(data[offset + 8 : offset + length])
        assert not image.isNull(), kind
        found.append((kind, image.width()))
        offset += length
    assert tuple(found) == make_icons.ICNS_TYPES
    # Qt's own icns reader accepts the file too (it is what macOS tools are modelled on).
    assert not QImage(str(ICONS / "voicelive-desktop.icns")).isNull()


def test_committed_pngs_match_the_svg(qapp: object, make_icons: ModuleType) -> None:
    """Catches an edited SVG whose generated files were not regenerated."""
    renderer = QSvgRenderer(str(ICONS / "voicelive-desktop.svg"))
    fresh = QImage.fromData(make_icons.render_png(renderer, 64))
    committed = QImage(str(ICONS / "hicolor" / "64x64" / "apps" / "voicelive-desktop.png"))
    fresh = fresh.convertToFormat(QImage.Format.Format_ARGB32)
    committed = committed.convertToFormat(QImage.Format.Format_ARGB32)
    worst = max(
        abs(((fresh.pixel(x, y) >> shift) & 0xFF) - ((committed.pixel(x, y) >> shift) & 0xFF))
        for x in range(64)
        for y in range(64)
        for shift in (0, 8, 16, 24)
    )
    assert worst <= 8, "run tools/make_icons.py after editing the SVG"


def test_runtime_icon_files_build_a_multi_size_window_icon(qapp: object) -> None:
    icon = QIcon()
    for path in app_icon_files():
        icon.addFile(str(path))
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 32, 48, 64, 128, 256} <= sizes
    assert (
        resource_path("icons/voicelive-desktop.svg").read_bytes()
        == (ICONS / "voicelive-desktop.svg").read_bytes()
    )
