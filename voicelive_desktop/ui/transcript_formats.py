"""How the transcript looks: block spacing and the text formats of each part of a turn."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette, QTextBlockFormat, QTextCharFormat

from voicelive_desktop.ui.contrast import readable


class TranscriptFormats:
    """Owns the transcript's block and character formats (speaker names, times, text heard
    or not yet, marks), made readable against `palette`; built again when the palette or the
    system font size changes."""

    def __init__(self, palette: QPalette, font: QFont) -> None:
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        text = palette.color(QPalette.ColorRole.Text)
        self.header_block = QTextBlockFormat()
        self.header_block.setTopMargin(12)
        self.header_block.setBottomMargin(2)
        self.widget_block = QTextBlockFormat()
        self.widget_block.setTopMargin(8)
        self.body_block = QTextBlockFormat()
        self.body_block.setLineHeight(125, 1)  # 1 = ProportionalHeight
        self.user_name = QTextCharFormat()
        self.user_name.setFontWeight(QFont.Weight.Bold)
        base = palette.color(QPalette.ColorRole.Base)
        self.user_name.setForeground(readable(QColor("#6fa8ff" if dark else "#1f5fbf"), base, text))
        self.bot_name = QTextCharFormat()
        self.bot_name.setFontWeight(QFont.Weight.Bold)
        self.bot_name.setForeground(readable(QColor("#4fd1c5" if dark else "#0b7a75"), base, text))
        self.time = QTextCharFormat()
        self.time.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
        self.time.setFontPointSize(max(7.0, font.pointSizeF() * 0.85))
        self.body = QTextCharFormat()
        self.body.setForeground(text)
        self.pending = QTextCharFormat(self.body)
        self.pending.setFontItalic(True)
        self.pending.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
        # Assistant words not heard yet are dimmed; words cut off by a barge-in are struck
        # through as well, so the difference does not rest on colour alone.
        self.not_yet_heard = QTextCharFormat(self.body)
        self.not_yet_heard.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
        self.never_heard = QTextCharFormat(self.not_yet_heard)
        self.never_heard.setFontStrikeOut(True)
        self.mark = QTextCharFormat()
        self.mark.setFontItalic(True)
        self.mark.setForeground(readable(QColor("#ff8a7a" if dark else "#c0392b"), base, text))
