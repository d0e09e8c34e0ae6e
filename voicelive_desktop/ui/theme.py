"""App-wide look: the Fusion style, light/dark palettes that follow the OS, and the icon."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from voicelive_desktop.resource_files import MissingResource, app_icon_files, resource_path
from voicelive_desktop.settings import Theme

log = logging.getLogger(__name__)


def app_icon() -> QIcon:
    """The multi-size window icon; an empty icon (and a logged warning) if files are missing."""
    icon = QIcon()
    try:
        for path in app_icon_files():
            icon.addFile(str(path))
    except MissingResource as exc:
        log.warning("%s", exc)
    return icon


def system_prefers_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    """A calm dark palette for Fusion (the style's own default is light only)."""
    palette = QPalette()
    window, base, text = QColor("#202226"), QColor("#17181b"), QColor("#e6e7ea")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#26282d"),
        QPalette.ColorRole.ToolTipBase: QColor("#2c2f35"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#8b8f98"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#2c2f35"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Highlight: QColor("#2b6fd6"),  # white on it reads at 4.8:1
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#6fa8ff"),
        QPalette.ColorRole.Mid: QColor("#3a3d44"),
        QPalette.ColorRole.Dark: QColor("#111214"),
        QPalette.ColorRole.Light: QColor("#3a3d44"),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b6f78"))
    return palette


def high_contrast_palette() -> QPalette:
    """White on black with yellow focus and selection: every text pair is at least 7:1."""
    palette = QPalette()
    black, white, yellow = QColor("#000000"), QColor("#ffffff"), QColor("#ffff00")
    roles = {
        QPalette.ColorRole.Window: black,
        QPalette.ColorRole.WindowText: white,
        QPalette.ColorRole.Base: black,
        QPalette.ColorRole.AlternateBase: QColor("#1a1a1a"),
        QPalette.ColorRole.ToolTipBase: black,
        QPalette.ColorRole.ToolTipText: white,
        QPalette.ColorRole.PlaceholderText: QColor("#c8c8c8"),
        QPalette.ColorRole.Text: white,
        QPalette.ColorRole.Button: black,
        QPalette.ColorRole.ButtonText: white,
        QPalette.ColorRole.BrightText: yellow,
        QPalette.ColorRole.Highlight: yellow,
        QPalette.ColorRole.HighlightedText: black,
        QPalette.ColorRole.Link: QColor("#00ffff"),
        # Borders and meter grooves: 4:1 on black, and a yellow level bar 4.8:1 on them.
        QPalette.ColorRole.Mid: QColor("#6e6e6e"),
        QPalette.ColorRole.Dark: white,
        QPalette.ColorRole.Light: white,
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        # Disabled text stays readable (greyed, yet 7:1 on black).
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#a8a8a8"))
    return palette


def system_prefers_high_contrast() -> bool:
    # Keep the style hints referenced: the accessibility hints they own die with their
    # Python wrapper otherwise ("Internal C++ object already deleted").
    style_hints = QGuiApplication.styleHints()
    accessibility = style_hints.accessibility()
    return accessibility.contrastPreference() == Qt.ContrastPreference.HighContrast


def palette_for(theme: Theme) -> QPalette:
    """The palette a theme uses; SYSTEM follows the OS's contrast and light/dark choices."""
    if theme is Theme.HIGH_CONTRAST or (theme is Theme.SYSTEM and system_prefers_high_contrast()):
        return high_contrast_palette()
    dark = theme is Theme.DARK or (theme is Theme.SYSTEM and system_prefers_dark())
    return dark_palette() if dark else light_palette()


def light_palette() -> QPalette:
    palette = QApplication.style().standardPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f3f4f6"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#2b6fd6"))
    return palette


# Only named widgets are styled; everything else keeps Fusion's look. palette() references
# make the same sheet right for light and dark.
APP_STYLE_SHEET = """
QPushButton#primaryButton {
    background: palette(highlight); color: palette(highlighted-text);
    border: none; border-radius: 5px; padding: 5px 18px; font-weight: bold;
}
QPushButton#primaryButton:disabled { background: palette(mid); color: palette(window); }
QFrame#transcriptFrame {
    border: 1px solid palette(mid); border-radius: 8px; background: palette(base);
}
QStatusBar QLabel { padding: 0px 8px; }
"""


# Fusion draws field and slider outlines a shade darker than the window, which on black is
# black: in high contrast every field gets a white frame and sliders a visible handle. A styled
# frame makes Qt draw spin box and combo arrows from the sheet, which names none: they would
# be black on black, so the sheet gives them white ones (see high_contrast_style_sheet).
HIGH_CONTRAST_STYLE_SHEET = """
QLineEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox {
    border: 1px solid palette(window-text); border-radius: 2px; padding: 1px 3px;
}
QLineEdit:focus, QPlainTextEdit:focus, QAbstractSpinBox:focus, QComboBox:focus {
    border: 2px solid palette(highlight);
}
QSlider::groove:horizontal { height: 4px; background: palette(mid); }
QSlider::sub-page:horizontal { background: palette(highlight); }
QSlider::handle:horizontal {
    background: palette(window-text); width: 10px; margin: -5px 0; border-radius: 3px;
}
"""


_HIGH_CONTRAST_ARROWS = """
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ width: 16px; }}
QAbstractSpinBox::up-arrow {{ image: url("{up}"); width: 10px; height: 10px; }}
QAbstractSpinBox::down-arrow {{ image: url("{down}"); width: 10px; height: 10px; }}
QComboBox::down-arrow {{ image: url("{down}"); width: 10px; height: 10px; }}
"""


def high_contrast_style_sheet() -> str:
    """The high-contrast additions, with the shipped white arrows for spin boxes and combos."""
    arrows = _HIGH_CONTRAST_ARROWS.format(
        up=resource_path("high_contrast/arrow-up.png").as_posix(),
        down=resource_path("high_contrast/arrow-down.png").as_posix(),
    )
    return HIGH_CONTRAST_STYLE_SHEET + arrows


def is_high_contrast(theme: Theme) -> bool:
    return theme is Theme.HIGH_CONTRAST or (
        theme is Theme.SYSTEM and system_prefers_high_contrast()
    )


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Use Fusion everywhere (same look on every OS) with the chosen or the OS colours."""
    app.setStyle("Fusion")
    app.setPalette(palette_for(theme))
    extra = high_contrast_style_sheet() if is_high_contrast(theme) else ""
    app.setStyleSheet(APP_STYLE_SHEET + extra)


def follow_system_theme(app: QApplication, current: Callable[[], Theme]) -> None:
    """Re-apply colours when the OS switches between light and dark or turns high contrast on
    or off (if the theme is SYSTEM)."""

    def on_change(*_args: object) -> None:
        if current() is Theme.SYSTEM:
            apply_theme(app, Theme.SYSTEM)

    style_hints = app.styleHints()
    style_hints.colorSchemeChanged.connect(on_change)
    accessibility = style_hints.accessibility()
    accessibility.contrastPreferenceChanged.connect(on_change)
