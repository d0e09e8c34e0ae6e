"""Real widgets (tool-call cards, consent prompts) laid out inside the transcript's document.

Each widget owns a block of its own in the document: one zero-width character tagged with
the widget's key, in a block whose fixed line height is the widget's height. The document so
reserves the widget's room at that place, and the widget scrolls, reflows and keeps its place
in the conversation like the text around it, while staying a real, focusable, accessible
widget (a QTextDocument can only draw, not host controls). PySide6 cannot register a Python
QTextObjectInterface (Qt's qobject_cast to the interface fails), hence the block height.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QTimer
from PySide6.QtGui import QTextBlock, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextEdit, QWidget

PLACEHOLDER = "\u200b"  # zero width: nothing shows, nothing to select by accident
_KEY_PROPERTY = int(QTextFormat.Property.UserProperty) + 1
_FIXED_HEIGHT = int(QTextBlockFormat.LineHeightTypes.FixedHeight.value)
_SIDE_PADDING_PX = 2
_FOLLOW_SLACK_PX = 4


class EmbeddedWidgets(QObject):
    """Owns the widgets shown inside one QTextEdit and keeps each over its placeholder.

    The text edit's document is rebuilt freely (the transcript re-renders on edits): `insert`
    puts a widget's placeholder at a cursor, `remove` forgets a widget, and positions are
    found again from the document after every layout change or scroll.
    """

    def __init__(self, edit: QTextEdit) -> None:
        super().__init__(edit)
        self._widgets: dict[str, QWidget] = {}
        self._plain_texts: dict[str, str] = {}
        # Where each placeholder was inserted, checked before use (a re-render replaces the
        # document's blocks): repositioning costs per widget, not per line of the transcript.
        self._blocks: dict[str, QTextBlock] = {}
        layout = edit.document().documentLayout()
        layout.update.connect(self._schedule_reposition)
        layout.documentSizeChanged.connect(self._schedule_reposition)
        bar = edit.verticalScrollBar()
        bar.valueChanged.connect(self._schedule_reposition)
        # A widget's room grows after it was added (a prompt appears, a card expands): while
        # the reader is at the bottom, the bottom stays in view, as it does for new text.
        self._following = True
        bar.valueChanged.connect(self._note_following)
        bar.rangeChanged.connect(self._keep_following)
        edit.horizontalScrollBar().valueChanged.connect(self._schedule_reposition)
        # Kept: while the text edit is torn down its widgets still send events here.
        self._viewport = edit.viewport()
        self._viewport.installEventFilter(self)
        # Moving widgets while the document paints or lays out is unsafe: do it right after.
        self._reposition_timer = QTimer(self)
        self._reposition_timer.setSingleShot(True)
        self._reposition_timer.setInterval(0)
        self._reposition_timer.timeout.connect(self.reposition)

    def _text_edit(self) -> QTextEdit:
        # Looked up, not stored: the text edit keeps this object, and a Python reference
        # cycle through Qt wrappers could be collected off the GUI thread.
        edit = self.parent()
        assert isinstance(edit, QTextEdit)
        return edit

    # ---- the widgets ----------------------------------------------------------------------

    def add(self, key: str, widget: QWidget, plain_text: str = "") -> None:
        """Adopt `widget` under `key` (shown once its placeholder is inserted)."""
        widget.setParent(self._text_edit().viewport())
        widget.ensurePolished()  # style sheets change margins: measure it as it will look
        widget.hide()
        widget.installEventFilter(self)
        self._widgets[key] = widget
        self._plain_texts[key] = plain_text

    def set_plain_text(self, key: str, text: str) -> None:
        """What the widget reads as when the transcript is copied as text."""
        if key in self._widgets:
            self._plain_texts[key] = text

    def remove(self, key: str) -> None:
        """Forget and delete the widget; the caller removes its placeholder (re-renders)."""
        widget = self._widgets.pop(key, None)
        self._plain_texts.pop(key, None)
        self._blocks.pop(key, None)
        if widget is not None:
            widget.removeEventFilter(self)
            widget.hide()
            widget.deleteLater()

    def clear(self) -> None:
        for key in list(self._widgets):
            self.remove(key)

    def insert(self, cursor: QTextCursor, key: str) -> None:
        """Make the (empty) block at `cursor` the placeholder of `key`'s widget."""
        block_format = cursor.blockFormat()
        block_format.setLineHeight(self._height(key), _FIXED_HEIGHT)
        cursor.setBlockFormat(block_format)
        char_format = QTextCharFormat()
        char_format.setProperty(_KEY_PROPERTY, key)
        cursor.insertText(PLACEHOLDER, char_format)
        self._blocks[key] = cursor.block()
        self._schedule_reposition()

    def plain_text(self, text: str, start: int = 0) -> str:
        """`text` (the document's text from position `start`) with each placeholder replaced
        by its widget's plain text, for copying."""
        if PLACEHOLDER not in text:
            return text
        parts: list[str] = []
        document = self._text_edit().document()
        for offset, char in enumerate(text):
            if char != PLACEHOLDER:
                parts.append(char)
                continue
            key = _key_at(document.findBlock(start + offset), start + offset)
            parts.append(self._plain_texts.get(key, "") if key is not None else "")
        return "".join(parts)

    # ---- keeping widgets over their placeholders ------------------------------------------

    def _available_width(self) -> int:
        margin = self._text_edit().document().documentMargin()
        return max(
            120, int(self._text_edit().viewport().width() - 2 * margin) - 2 * _SIDE_PADDING_PX
        )

    def _height(self, key: str) -> int:
        widget = self._widgets.get(key)
        if widget is None:
            return 1
        width = self._available_width()
        if widget.hasHeightForWidth():
            return max(widget.heightForWidth(width), 1)
        return max(widget.sizeHint().height(), 1)

    def _note_following(self, value: int) -> None:
        bar = self._text_edit().verticalScrollBar()
        self._following = value >= bar.maximum() - _FOLLOW_SLACK_PX

    def _keep_following(self, _minimum: int, maximum: int) -> None:
        if self._following:
            self._text_edit().verticalScrollBar().setValue(maximum)

    def _schedule_reposition(self, *_args: object) -> None:
        self._reposition_timer.start()

    def reposition(self) -> None:
        """Put every widget over its placeholder; hide those without one (yet)."""
        document = self._text_edit().document()
        layout = document.documentLayout()
        scroll = QPoint(
            self._text_edit().horizontalScrollBar().value(),
            self._text_edit().verticalScrollBar().value(),
        )
        placed: set[str] = set()
        resized: list[tuple[QTextBlock, int]] = []
        width = self._available_width()
        for key, block in self._placeholder_blocks().items():
            widget = self._widgets.get(key)
            if widget is None:
                continue
            height = self._height(key)
            if int(block.blockFormat().lineHeight()) != height:
                resized.append((block, height))
            # The block's room starts below its top margin (a fixed-height line puts its
            # text, not its top, where QTextLine.y() says).
            rect = layout.blockBoundingRect(block)
            top = rect.top() + block.blockFormat().topMargin()
            widget.setGeometry(
                int(rect.left()) + _SIDE_PADDING_PX - scroll.x(),
                int(top) - scroll.y(),
                width,
                height,
            )
            widget.show()
            placed.add(key)
        for key, widget in self._widgets.items():
            if key not in placed:
                widget.hide()
        # A widget whose height changed (it was polished, expanded, got new text) gets its
        # block resized; the layout change schedules another pass that puts everything right.
        for block, height in resized:
            cursor = QTextCursor(block)
            block_format = block.blockFormat()
            block_format.setLineHeight(height, _FIXED_HEIGHT)
            cursor.setBlockFormat(block_format)

    def _placeholder_blocks(self) -> dict[str, QTextBlock]:
        """Each shown widget's block: the remembered ones while they still hold their
        placeholder, else found again by walking the document."""
        if self._blocks.keys() == self._widgets.keys() and all(
            b.isValid() and _key_at(b, b.position()) == k for k, b in self._blocks.items()
        ):
            return self._blocks
        found: dict[str, QTextBlock] = {}
        block = self._text_edit().document().begin()
        while block.isValid():
            key = _key_at(block, block.position())
            if key is not None and key in self._widgets:
                found[key] = block
            block = block.next()
        self._blocks = found
        return found

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self._schedule_reposition()
        elif event.type() == QEvent.Type.LayoutRequest and isinstance(watched, QWidget):
            # The widget's height may have changed (a card expanded): resize its room.
            self._schedule_reposition()
        return False


def _key_at(block: QTextBlock, position: int) -> str | None:
    """The widget key of the placeholder at `position` in `block`, if that is one."""
    if block.text() != PLACEHOLDER or position != block.position():
        return None
    cursor = QTextCursor(block)
    cursor.setPosition(position + 1)  # charFormat() is the format of the char before
    key = cursor.charFormat().property(_KEY_PROPERTY)
    return str(key) if key else None
