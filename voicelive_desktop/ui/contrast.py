"""Colour contrast as WCAG 2 measures it, so fixed accent colours stay readable on any palette."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

# WCAG 2.x: 4.5:1 for normal text (AA), 7:1 for the enhanced level a high-contrast theme aims at.
READABLE_RATIO = 4.5
HIGH_CONTRAST_RATIO = 7.0


def relative_luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """From 1 (same luminance) to 21 (black on white)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(accent: QColor, background: QColor, fallback: QColor) -> QColor:
    """`accent` if it reads on `background`, else `fallback` (the palette's text colour): a
    brand colour must never cost legibility, in high contrast least of all."""
    return accent if contrast_ratio(accent, background) >= READABLE_RATIO else fallback


# The amber of warnings; on dark or high-contrast backgrounds it gives way to the text colour.
WARNING_AMBER = QColor("#8a5a00")


def warning_style(widget: QWidget) -> str:
    """A style sheet colour for a warning line that reads on `widget`'s background."""
    palette = widget.palette()
    colour = readable(
        WARNING_AMBER,
        palette.color(QPalette.ColorRole.Window),
        palette.color(QPalette.ColorRole.WindowText),
    )
    return f"color: {colour.name()};"
