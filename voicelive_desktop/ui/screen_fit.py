"""How big a top-level window opens: what its content asks for, within the screen it is on."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QWidget

# Qt opens a window at its size hint only up to 2/3 of the screen, which on a 1280x800 laptop
# leaves a long list a few rows. A window may take more; the rest of the screen is kept for
# its frame and title bar and for the desktop's panels around the available area.
SCREEN_SHARE = 0.9


def opening_size(wanted: QSize, available: QRect) -> QSize:
    """`wanted`, bounded to SCREEN_SHARE of the `available` screen area."""
    limit = QSize(int(available.width() * SCREEN_SHARE), int(available.height() * SCREEN_SHARE))
    return wanted.boundedTo(limit)


def open_within_screen(window: QWidget, anchor: QWidget | None = None) -> None:
    """Size `window` (before it is first shown) for its content, on the screen of `anchor`
    (the window it opens over), or its own."""
    screen = (anchor if anchor is not None else window).screen()
    size = opening_size(window.sizeHint(), screen.availableGeometry())
    window.resize(size.expandedTo(window.minimumSizeHint()))
