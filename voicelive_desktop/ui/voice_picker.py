"""A searchable voice picker: voices grouped by kind, each shown with its locale."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QWidget

from voicelive_desktop.engine.voices import VOICE_CATALOG, VoiceInfo, VoiceKind, describe_voice

_NAME_ROLE = Qt.ItemDataRole.UserRole


def voice_label(voice: VoiceInfo) -> str:
    """How the picker shows a voice: 'Ava · en-US · Azure HD', 'Alloy · multilingual · OpenAI'."""
    locale = voice.locale or ("multilingual" if voice.kind is VoiceKind.OPENAI else "")
    return " · ".join(part for part in (voice.person, locale, voice.kind.label) if part)


class VoicePicker(QWidget):
    """Owns the voice list: headers per kind, type-to-search over every voice's label, and
    any other name typed in is taken as it is (a new or custom voice)."""

    voice_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.combo.lineEdit()
        assert line is not None  # an editable combo always has one
        line.setPlaceholderText("Type to search voices")
        self._model = QStandardItemModel(self)
        self._labels: dict[str, str] = {}  # label -> voice name
        self._headers: dict[VoiceKind, QStandardItem] = {}
        self._custom_endpoint = ""  # set: the voice is an Azure custom voice
        self._search = QStringListModel(self)
        for kind in VoiceKind:
            for voice in (v for v in VOICE_CATALOG if v.kind is kind):
                self._insert_voice(voice)
        self.combo.setModel(self._model)
        completer = QCompleter(self._search, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.setCompleter(completer)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        self.combo.activated.connect(lambda _index: self._chosen())
        line.editingFinished.connect(self._chosen)
        self._last = ""

    def _header_row(self, kind: VoiceKind) -> int:
        """The row of the group's caption, made (in VoiceKind order) when it is missing."""
        header = self._headers.get(kind)
        if header is None:
            header = QStandardItem(kind.label)
            header.setFlags(Qt.ItemFlag.NoItemFlags)  # a caption: not selectable
            font = QFont()
            font.setBold(True)
            header.setFont(font)
            order = list(VoiceKind)
            later = [
                h.row() for k, h in self._headers.items() if order.index(k) > order.index(kind)
            ]
            self._model.insertRow(min(later, default=self._model.rowCount()), header)
            self._headers[kind] = header
        return header.row()

    def _insert_voice(self, voice: VoiceInfo) -> None:
        """Add a voice at the end of its kind's group (a typed name goes where it belongs)."""
        label = voice_label(voice)
        if label in self._labels:
            return
        first = self._header_row(voice.kind) + 1
        end = min(
            (h.row() for h in self._headers.values() if h.row() >= first),
            default=self._model.rowCount(),
        )
        item = QStandardItem("    " + label)
        item.setData(voice.name, _NAME_ROLE)
        item.setToolTip(voice.name)
        self._model.insertRow(end, item)
        self._labels[label] = voice.name
        self._search.setStringList([*self._search.stringList(), label])

    def voice_name(self) -> str:
        """The chosen voice's service name (a typed name that matches no label is taken as is)."""
        text = self.combo.currentText().strip()
        return self._labels.get(text, text)

    def set_voice_name(self, name: str) -> None:
        label = ""
        if name:
            # A listed voice keeps its label unless the endpoint ID makes it a custom one.
            voice = describe_voice(name, self._custom_endpoint)
            label = voice_label(voice)
            self._insert_voice(voice)
        self.combo.setCurrentText(label)
        self._last = self.voice_name()

    def set_custom_endpoint(self, endpoint_id: str) -> None:
        """The custom voice endpoint ID as set now: with one, the voice is shown (and listed)
        as an Azure custom voice; no edit is reported."""
        if endpoint_id.strip() == self._custom_endpoint:
            return
        self._custom_endpoint = endpoint_id.strip()
        self.set_voice_name(self.voice_name())

    def _chosen(self) -> None:
        text = self.combo.currentText().strip()
        if text.startswith(" ") or text != self.combo.currentText():
            self.combo.setCurrentText(text)  # items are indented under their group header
        name = self.voice_name()
        if name and name != self._last:
            self._last = name
            self.voice_chosen.emit(name)
