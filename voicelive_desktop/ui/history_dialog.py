"""The conversation history window: list, read-only view, search, delete and export."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.history import (
    Conversation,
    HistoryStore,
    HistoryUnavailable,
    export_conversation,
    turn_caption,
)
from voicelive_desktop.history.export import calls_outside_turns, tool_call_caption
from voicelive_desktop.history.tool_call_record import ToolCallRecord
from voicelive_desktop.recording import (
    RecordingFormat,
    Take,
    recording_takes,
    recordings_dir,
)
from voicelive_desktop.recording.listing import describe_takes
from voicelive_desktop.ui.audio_save_dialog import ask_audio_target
from voicelive_desktop.ui.audio_saver import AudioSaver
from voicelive_desktop.ui.contrast import Tone, tone_colour

_EXPORT_FILTERS = {"Markdown (*.md)": ".md", "JSON (*.json)": ".json"}
_ID_ROLE = Qt.ItemDataRole.UserRole
_PREVIEW_CHARS = 300


def ask_export_path(parent: QWidget, suggested_name: str) -> Path | None:
    """The save dialog: a path ending in .md or .json, or None if cancelled."""
    name, chosen_filter = QFileDialog.getSaveFileName(
        parent, "Export conversation", suggested_name, ";;".join(_EXPORT_FILTERS)
    )
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() not in _EXPORT_FILTERS.values():
        path = path.with_name(path.name + _EXPORT_FILTERS.get(chosen_filter, ".md"))
    return path


def ask_delete(parent: QWidget, title: str) -> bool:
    """Confirm deleting one conversation for good."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Delete conversation",
        f"Delete “{title}” and all its turns? This cannot be undone.",
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is delete


def conversation_html(conversation: Conversation, caption_colour: str) -> str:
    """The read-only view of a conversation: who said what, when, and whether it was cut off
    (the facts in `caption_colour`, a muted colour that reads on the viewer)."""
    parts = [f"<h3>{html.escape(conversation.title or 'Conversation')}</h3>"]
    for turn in conversation.turns:
        speaker, facts = turn_caption(turn, turn.started_at.astimezone().strftime("%H:%M:%S"))
        text = html.escape(turn.text).replace("\n", "<br>")
        caption = f"<span style='color:{caption_colour}'>({facts})</span>"
        parts.append(f"<p><b>{speaker}</b> {caption}<br>{text}</p>")
        parts += [tool_call_html(call, caption_colour) for call in turn.tool_calls]
    outside = calls_outside_turns(conversation)
    if outside:
        parts.append("<p><i>Tool calls without a stored turn</i></p>")
        parts += [tool_call_html(call, caption_colour) for call in outside]
    return "\n".join(parts)


def tool_call_html(call: ToolCallRecord, caption_colour: str) -> str:
    """A stored tool call under its turn: name, outcome, arguments and (the start of) the
    result or the reason it did not run."""
    caption = html.escape(tool_call_caption(call))
    lines = [
        # Words, as in the Markdown export: a wrench emoji was an empty box in DejaVu Sans.
        f"<i>Tool call</i> <b><code>{html.escape(call.name)}</code></b>"
        f" <span style='color:{caption_colour}'>({caption})</span>",
        f"Arguments: <code>{_preview(call.arguments or '{}')}</code>",
    ]
    if call.error:
        lines.append(f"Why: {_preview(call.error)}")
    if call.result:
        lines.append(f"Result: <code>{_preview(call.result)}</code>")
    return "<p style='margin-left:18px'>" + "<br>".join(lines) + "</p>"


def _preview(text: str) -> str:
    short = text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 1] + "…"
    return html.escape(short)


class HistoryDialog(QDialog):
    """Owns the history window: shows past conversations from one store, read-only.

    Typing in the search box lists the conversations with a matching turn; the buttons delete
    or export the selected one. `ask_path` and `confirm_delete` are the two questions it asks
    the user (replaceable for tests and for a platform-specific dialog).
    """

    _built = False  # palette changes redraw the captions once the viewer exists
    _shown: Conversation | None = None  # what the viewer shows, to redraw it in a new theme

    def __init__(
        self,
        store: HistoryStore,
        parent: QWidget | None = None,
        *,
        ask_path: Callable[[QWidget, str], Path | None] = ask_export_path,
        confirm_delete: Callable[[QWidget, str], bool] = ask_delete,
        ask_audio_path: Callable[
            [QWidget, str, RecordingFormat], tuple[Path, RecordingFormat] | None
        ] = ask_audio_target,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._ask_path = ask_path
        self._ask_audio_path = ask_audio_path
        self._confirm_delete = confirm_delete
        self.saver = AudioSaver(self)
        self.saver.finished.connect(self._audio_saved)
        self.saver.failed.connect(self._audio_not_saved)
        self.setWindowTitle("Conversation history")
        self.resize(820, 560)
        self._build()
        self._built = True
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The captions' muted colour has a light and a dark variant: redraw after a switch.
        if self._built and event.type() == QEvent.Type.PaletteChange:
            self._render()

    def _build(self) -> None:
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search all conversations")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self.refresh)
        self.conversation_list = QListWidget()
        self.conversation_list.currentItemChanged.connect(self._show_selected)
        self.viewer = QTextBrowser()
        self.viewer.setOpenLinks(False)
        self.viewer.setPlaceholderText("Choose a conversation.")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_box)
        left_layout.addWidget(self.conversation_list)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.viewer)
        splitter.setStretchFactor(1, 2)

        self.export_button = QPushButton("&Export…")
        self.export_button.clicked.connect(self.export_selected)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.audio_button = QPushButton("Save &audio…")
        self.audio_button.setAccessibleName("Save the conversation's recorded audio")
        self.audio_button.setToolTip("Only conversations you recorded have audio")
        self.audio_button.clicked.connect(self.save_selected_audio)
        # The conversation's audio files, kept beside the history (Delete removes them too).
        self.recordings_label = QLabel("")
        self.recordings_label.setWordWrap(True)
        self.recordings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.recordings_label.setAccessibleName("Recorded audio")
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.audio_button)
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.recordings_label)
        layout.addLayout(buttons)

    # -- what is shown --------------------------------------------------------------------

    def selected_id(self) -> str | None:
        item = self.conversation_list.currentItem()
        return None if item is None else str(item.data(_ID_ROLE))

    def refresh(self) -> None:
        """Re-read the list (all conversations, or those matching the search), keeping the
        selection when it is still there."""
        keep = self.selected_id()
        query = self.search_box.text().strip()
        self.conversation_list.blockSignals(True)
        self.conversation_list.clear()
        try:
            rows = self._rows(query)
        except HistoryUnavailable as error:
            rows = []
            self.status_label.setText(str(error))
        for conversation_id, label in rows:
            item = QListWidgetItem(label)
            item.setData(_ID_ROLE, conversation_id)
            self.conversation_list.addItem(item)
            if conversation_id == keep:
                self.conversation_list.setCurrentItem(item)
        self.conversation_list.blockSignals(False)
        if self.conversation_list.currentItem() is None and self.conversation_list.count():
            self.conversation_list.setCurrentRow(0)
        self._show_selected()

    def _rows(self, query: str) -> list[tuple[str, str]]:
        if not query:
            return [
                (
                    summary.id,
                    f"{summary.updated_at.astimezone():%Y-%m-%d %H:%M}  "
                    f"{summary.title or '(no words)'}  ·  {summary.turn_count}",
                )
                for summary in self._store.list_conversations()
            ]
        rows: dict[str, str] = {}
        for hit in self._store.search(query):
            if hit.conversation_id not in rows:
                snippet = " ".join(hit.turn.text.split())[:80]
                rows[hit.conversation_id] = (
                    f"{hit.conversation_title or '(no words)'}\n  “{snippet}”"
                )
        return list(rows.items())

    def _selected_conversation(self) -> Conversation | None:
        conversation_id = self.selected_id()
        return None if conversation_id is None else self._store.load_conversation(conversation_id)

    def _show_selected(self) -> None:
        conversation = self._selected_conversation()
        self._shown = conversation
        self._render()
        self.export_button.setEnabled(conversation is not None)
        self.delete_button.setEnabled(conversation is not None)
        takes = self._recordings(conversation)
        self.audio_button.setEnabled(bool(takes) and not self.saver.busy)
        self.recordings_label.setText(describe_takes(takes) if conversation is not None else "")

    def _render(self) -> None:
        # The dialog's palette: on a theme switch it changes before the viewer's does.
        caption = tone_colour(Tone.MUTED, self.palette(), QPalette.ColorRole.Base)
        shown = self._shown
        self.viewer.setHtml("" if shown is None else conversation_html(shown, caption.name()))

    def _recordings(self, conversation: Conversation | None) -> list[Take]:
        if conversation is None:
            return []
        return recording_takes(recordings_dir(self._store.path), conversation.id)

    # -- actions --------------------------------------------------------------------------

    def delete_selected(self) -> None:
        conversation = self._selected_conversation()
        if conversation is None:
            return
        if not self._confirm_delete(self, conversation.title or "this conversation"):
            return
        try:
            self._store.delete_conversation(conversation.id)
        except HistoryUnavailable as error:
            self.status_label.setText(str(error))
            return
        self.status_label.setText("Conversation deleted.")
        self.refresh()

    def export_selected(self) -> None:
        conversation = self._selected_conversation()
        if conversation is None:
            return
        suggested = f"conversation-{conversation.started_at.astimezone():%Y%m%d-%H%M}.md"
        path = self._ask_path(self, suggested)
        if path is None:
            return
        try:
            export_conversation(conversation, path)
        except OSError as error:
            self.status_label.setText(f"Could not export to {path}: {error.strerror or error}.")
            return
        self.status_label.setText(f"Exported to {path}.")

    def save_selected_audio(self) -> None:
        conversation = self._selected_conversation()
        paths = self._recordings(conversation)
        if conversation is None or not paths:
            return
        suggested = f"conversation-{conversation.started_at.astimezone():%Y%m%d-%H%M}"
        answer = self._ask_audio_path(self, suggested, paths[0].audio_format)
        if answer is None:
            return
        path, audio_format = answer
        self.audio_button.setEnabled(False)
        self.status_label.setText("Saving the audio…")
        self.saver.start(paths, path, audio_format)

    def _audio_saved(self, saved: list[Path]) -> None:
        self.status_label.setText(f"Audio saved to {' and '.join(str(p) for p in saved)}.")
        self._show_selected()

    def _audio_not_saved(self, reason: str) -> None:
        self.status_label.setText(f"{reason}.")
        self._show_selected()


def open_history_dialog(
    parent: QWidget | None = None, path: Path | None = None
) -> HistoryDialog | None:
    """Help › Conversation history: open the store (default: the app's) and show the window.

    A history file that cannot be opened is explained in a message box instead (None).
    """
    try:
        store = HistoryStore(path)
    except HistoryUnavailable as error:
        QMessageBox.warning(parent, "Conversation history", str(error))
        return None
    dialog = HistoryDialog(store, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.finished.connect(store.close)
    dialog.show()
    return dialog
