"""Editor kinds for a described setting: each makes one widget and reads and writes one value."""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.ui.eliding_combo import ElidingComboBox
from voicelive_desktop.ui.field_editor import Bounds, EditorSpec, FieldEditor
from voicelive_desktop.ui.voice_picker import VoicePicker


class _SliderEditor(FieldEditor):
    def __init__(self, spec: Slider) -> None:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setSingleStep(spec.step_units)
        self.slider.setPageStep(spec.step_units * 2)
        self.shown = QLabel()
        self.shown.setMinimumWidth(36)
        row.addWidget(self.slider, 1)
        row.addWidget(self.shown)
        self.scale = spec.scale
        super().__init__(
            box, self.slider, lambda: round(self.slider.value() / self.scale, 2), self._show
        )
        self.set_bounds(spec.bounds)
        self.slider.valueChanged.connect(self._update_label)
        self.slider.valueChanged.connect(self.report_edit)

    def _show(self, value: float) -> None:
        self.slider.setValue(round(value * self.scale))
        self._update_label()

    def _update_label(self) -> None:
        text = f"{self.slider.value() / self.scale:.2f}"
        self.shown.setText(text)
        self.slider.setAccessibleDescription(self.slider.toolTip())

    def set_bounds(self, bounds: Bounds) -> None:
        # A narrower range moves the value in without counting as the user's edit: showing
        # settings must not send them back, and the form reads the value shown anyway.
        self._quiet = True
        try:
            self.slider.setRange(round(bounds[0] * self.scale), round(bounds[1] * self.scale))
        finally:
            self._quiet = False
        self._update_label()


@dataclass(frozen=True)
class Toggle(EditorSpec):
    text: str

    def make(self) -> FieldEditor:
        box = QCheckBox(self.text)
        editor = FieldEditor(box, box, box.isChecked, box.setChecked)
        box.toggled.connect(editor.report_edit)
        return editor


@dataclass(frozen=True)
class Choice(EditorSpec):
    """A fixed list of (label, value); enum values are stored as their `.value` because
    PySide6 turns str-enum members into plain str in item data."""

    options: Sequence[tuple[str, Any]]
    # Option label -> its longer explanation, shown as that item's tool tip: labels stay short
    # enough for the narrow session panel, where a closed combo has to elide longer text.
    option_tips: Mapping[str, str] = field(default_factory=dict)

    def make(self) -> FieldEditor:
        combo = ElidingComboBox()
        # A long option must not widen a narrow form (the panel): the closed combo elides it
        # and the open list shows it whole.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        return _ChoiceEditor(combo, self)


class _ChoiceEditor(FieldEditor):
    def __init__(self, combo: QComboBox, spec: Choice) -> None:
        super().__init__(combo, combo, lambda: self._kinds[combo.currentData()], self._show)
        self._combo = combo
        self._spec = spec
        self._kinds: dict[Any, Any] = {}
        self._offered: Collection[Any] | None = None  # None: every option
        self._fill()
        combo.currentIndexChanged.connect(self.report_edit)

    @staticmethod
    def _key(value: Any) -> Any:
        return value.value if isinstance(value, enum.Enum) else value

    def _fill(self) -> None:
        combo = self._combo
        combo.clear()
        for label, value in self._spec.options:
            key = self._key(value)
            if self._offered is not None and key not in self._offered:
                continue
            self._kinds[key] = value
            combo.addItem(label, key)
            if label in self._spec.option_tips:
                combo.setItemData(
                    combo.count() - 1, self._spec.option_tips[label], Qt.ItemDataRole.ToolTipRole
                )

    def _show(self, value: Any) -> None:
        combo = self._combo
        key = self._key(value)
        if combo.findData(key) < 0:  # a value from elsewhere (typed into an older version)
            self._kinds[key] = value
            combo.addItem(str(key), key)
        combo.setCurrentIndex(combo.findData(key))

    def offer_only(self, values: Collection[Any]) -> None:
        offered = {self._key(v) for v in values}
        if offered == self._offered:
            return
        current = self._combo.currentData()
        self._offered = offered
        self._quiet = True
        try:
            self._fill()
            index = self._combo.findData(current)
            self._combo.setCurrentIndex(max(index, 0))
        finally:
            self._quiet = False


@dataclass(frozen=True)
class SuggestedText(EditorSpec):
    """Free text with suggestions (a model or deployment name); blank keeps `fallback`."""

    suggestions: Sequence[str]
    fallback: str = ""

    def make(self) -> FieldEditor:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(list(self.suggestions))
        editor = FieldEditor(
            combo,
            combo,
            lambda: combo.currentText().strip() or self.fallback,
            combo.setCurrentText,
        )
        combo.currentTextChanged.connect(editor.report_edit)
        return editor


@dataclass(frozen=True)
class Slider(EditorSpec):
    """A float on a slider, shown with two decimals; `scale` steps per unit."""

    bounds: Bounds
    scale: int = 100
    step_units: int = 5

    def make(self) -> FieldEditor:
        return _SliderEditor(self)


@dataclass(frozen=True)
class Number(EditorSpec):
    """A spin box: integers unless `decimals`; `special` labels the minimum (e.g. Unlimited)."""

    bounds: Bounds
    step: float = 1
    suffix: str = ""
    decimals: int = 0
    special: str = ""

    def make(self) -> FieldEditor:
        spin: QSpinBox | QDoubleSpinBox
        if self.decimals:
            spin = QDoubleSpinBox()
            spin.setDecimals(self.decimals)
            spin.setRange(*self.bounds)
            spin.setSingleStep(self.step)
            read: Callable[[], Any] = lambda: round(spin.value(), self.decimals)  # noqa: E731
        else:
            spin = QSpinBox()
            spin.setRange(int(self.bounds[0]), int(self.bounds[1]))
            spin.setSingleStep(int(self.step))
            read = spin.value
        if self.suffix:
            spin.setSuffix(self.suffix)
        if self.special:
            spin.setSpecialValueText(self.special)
        editor = FieldEditor(spin, spin, read, spin.setValue)
        spin.valueChanged.connect(editor.report_edit)
        return editor


@dataclass(frozen=True)
class Text(EditorSpec):
    """One line of text, reported when editing finishes (Enter or leaving the field)."""

    placeholder: str = ""
    password: bool = False

    def make(self) -> FieldEditor:
        line = QLineEdit()
        line.setPlaceholderText(self.placeholder)
        line.setClearButtonEnabled(True)
        editor = FieldEditor(line, line, lambda: line.text().strip(), line.setText)
        line.editingFinished.connect(editor.report_edit)
        return editor


@dataclass(frozen=True)
class WordList(EditorSpec):
    """Comma-separated words or phrases, kept as a tuple without blanks."""

    placeholder: str = ""

    def make(self) -> FieldEditor:
        line = QLineEdit()
        line.setPlaceholderText(self.placeholder)
        line.setClearButtonEnabled(True)

        def read() -> tuple[str, ...]:
            return tuple(part.strip() for part in line.text().split(",") if part.strip())

        editor = FieldEditor(line, line, read, lambda words: line.setText(", ".join(words)))
        line.editingFinished.connect(editor.report_edit)
        return editor


@dataclass(frozen=True)
class LongText(EditorSpec):
    """Several lines (the instructions), with a combo of presets that fill the text."""

    placeholder: str = ""
    presets: Sequence[tuple[str, str]] = field(default_factory=tuple)

    def make(self) -> FieldEditor:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        text = QPlainTextEdit()
        text.setPlaceholderText(self.placeholder)
        text.setTabChangesFocus(True)  # Tab moves on, so the keyboard never gets stuck here
        text.setMinimumHeight(80)
        editor = FieldEditor(box, text, lambda: text.toPlainText().strip(), text.setPlainText)
        if self.presets:
            presets = QComboBox()
            presets.setAccessibleName("Instruction presets")
            presets.setAccessibleDescription("Replace the instructions with a ready-made prompt")
            presets.addItem("Presets…", "")
            for label, prompt in self.presets:
                presets.addItem(label, prompt)

            def choose(index: int) -> None:
                prompt = presets.itemData(index)
                if prompt:
                    text.setPlainText(prompt)
                    editor.report_edit()
                presets.setCurrentIndex(0)

            presets.activated.connect(choose)
            column.addWidget(presets)
            editor.presets = presets  # type: ignore[attr-defined]
        column.addWidget(text)
        # Typing is not an edit yet: leaving the box is (a session.update per keystroke
        # would flood the service).
        text.installEventFilter(_FocusOutReporter(editor, text))
        return editor


class _FocusOutReporter(QObject):
    """Reports a text box's edit when focus leaves it, if its text changed meanwhile."""

    def __init__(self, editor: FieldEditor, watched: QPlainTextEdit) -> None:
        super().__init__(watched)
        self._editor = editor
        self._dirty = False
        watched.textChanged.connect(self._changed)

    def _changed(self) -> None:
        self._dirty = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and self._dirty:
            self._dirty = False
            self._editor.report_edit()
        return False


@dataclass(frozen=True)
class KeyChoice(EditorSpec):
    """One key (the in-window push-to-talk key); blank keeps `fallback`."""

    fallback: str

    def make(self) -> FieldEditor:
        edit = QKeySequenceEdit()
        edit.setMaximumSequenceLength(1)
        editor = FieldEditor(
            edit,
            edit,
            lambda: edit.keySequence().toString() or self.fallback,
            lambda key: edit.setKeySequence(QKeySequence(key)),
        )
        edit.editingFinished.connect(editor.report_edit)
        return editor


@dataclass(frozen=True)
class Voice(EditorSpec):
    """The searchable, grouped voice picker."""

    def make(self) -> FieldEditor:
        return _VoiceEditor(VoicePicker())


class _VoiceEditor(FieldEditor):
    def __init__(self, picker: VoicePicker) -> None:
        super().__init__(picker, picker.combo, picker.voice_name, picker.set_voice_name)
        self.picker = picker
        picker.voice_chosen.connect(self.report_edit)

    def follow(self, context: Any) -> None:
        self.picker.set_custom_endpoint(str(context))
