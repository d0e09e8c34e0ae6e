"""A searchable voice picker: voices grouped by kind, each shown with its locale."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QWidget

from voicelive_desktop.engine.voices import VOICE_CATALOG, VoiceInfo, VoiceKind, describe_voice

_NAME_ROLE = Qt.ItemDataRole.UserRole


def voice_label(voice: VoiceInfo) -> str:
    """How the picker shows a voice: 'Ava · en-US · Azure HD'."""
    parts = [voice.person, voice.locale or "multilingual", voice.kind.label]
    return " · ".join(parts)


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
        self._search = QStringListModel(self)
        for kind in VoiceKind:
            voices = [v for v in VOICE_CATALOG if v.kind is kind]
            if voices:
                self._add_group(kind, voices)
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

    def _add_group(self, kind: VoiceKind, voices: list[VoiceInfo]) -> None:
        header = QStandardItem(kind.label)
        header.setFlags(Qt.ItemFlag.NoItemFlags)  # a caption: not selectable
        font = QFont()
        font.setBold(True)
        header.setFont(font)
        self._model.appendRow(header)
        for voice in voices:
            self._append_voice(voice)

    def _append_voice(self, voice: VoiceInfo) -> None:
        label = voice_label(voice)
        item = QStandardItem("    " + label)
        item.setData(voice.name, _NAME_ROLE)
        item.setToolTip(voice.name)
        self._model.appendRow(item)
        self._labels[label] = voice.name
        self._search.setStringList([*self._search.stringList(), label])

    def voice_name(self) -> str:
        """The chosen voice's service name (a typed name that matches no label is taken as is)."""
        text = self.combo.currentText().strip()
        return self._labels.get(text, text)

    def set_voice_name(self, name: str) -> None:
        label = next((lbl for lbl, n in self._labels.items() if n == name), None)
        if label is None and name:
            self._append_voice(describe_voice(name))
            label = voice_label(describe_voice(name))
        self.combo.setCurrentText(label or "")
        self._last = self.voice_name()

    def _chosen(self) -> None:
        text = self.combo.currentText().strip()
        if text.startswith(" ") or text != self.combo.currentText():
            self.combo.setCurrentText(text)  # items are indented under their group header
        name = self.voice_name()
        if name and name != self._last:
            self._last = name
            self.voice_chosen.emit(name)
