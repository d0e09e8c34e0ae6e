"""Colour contrast as WCAG 2 measures it, so fixed accent colours stay readable on any palette."""

from __future__ import annotations

import enum

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


class Tone(enum.Enum):
    """What a coloured status line says; each tone has one light and one dark colour."""

    SUCCESS = "success"
    ERROR = "error"
    WARNING = "warning"
    MUTED = "muted"
    ATTENTION = "attention"  # the app waits for the user (a consent prompt)


# (on light backgrounds, on dark ones). Every pair is chosen to reach 4.5:1 on each background
# role the app draws status text on (window, base, alternate base, button) in the light and
# dark themes, and 7:1 on high contrast's black; tests/ui/test_contrast.py checks all of them.
# The one place the app's status colours live: widgets ask for a tone, never a hex value.
_TONE_COLOURS = {
    Tone.SUCCESS: ("#17753a", "#5bd17f"),
    Tone.ERROR: ("#b42318", "#ff8a7a"),
    Tone.WARNING: ("#8a5a00", "#f0b429"),
    Tone.MUTED: ("#4b5563", "#a8aeb8"),
    Tone.ATTENTION: ("#b3400a", "#ff9e5e"),
}
# The text colour Qt pairs with each background role: the fallback when a tone cannot read.
_TEXT_ON = {
    QPalette.ColorRole.Window: QPalette.ColorRole.WindowText,
    QPalette.ColorRole.Base: QPalette.ColorRole.Text,
    QPalette.ColorRole.AlternateBase: QPalette.ColorRole.Text,
    QPalette.ColorRole.Button: QPalette.ColorRole.ButtonText,
}
TONE_BACKGROUNDS = tuple(_TEXT_ON)


def tone_colour(
    tone: Tone, palette: QPalette, background: QPalette.ColorRole = QPalette.ColorRole.Window
) -> QColor:
    """`tone`'s colour for text on `palette`'s `background` role, the palette's own text
    colour if even the right light/dark variant would not read there."""
    behind = palette.color(background)
    light, dark = _TONE_COLOURS[tone]
    accent = QColor(dark if behind.lightness() < 128 else light)
    text = palette.color(_TEXT_ON.get(background, QPalette.ColorRole.Text))
    return readable(accent, behind, text)


def tone_style(
    widget: QWidget, tone: Tone, background: QPalette.ColorRole = QPalette.ColorRole.Window
) -> str:
    """A style sheet colour for a `tone` line that reads on `widget`'s background."""
    return f"color: {tone_colour(tone, widget.palette(), background).name()};"


def warning_style(widget: QWidget) -> str:
    """A style sheet colour for a warning line that reads on `widget`'s background."""
    return tone_style(widget, Tone.WARNING)
