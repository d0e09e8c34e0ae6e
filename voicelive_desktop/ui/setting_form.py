"""Editors for described settings laid out in forms, with one settings object behind them."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from voicelive_desktop.settings import AppSettings
from voicelive_desktop.ui.setting_description import SettingField, fold
from voicelive_desktop.ui.setting_editors import FieldEditor, Toggle
from voicelive_desktop.ui.setting_fields import FIELDS_BY_KEY


class SettingForm(QObject):
    """Owns the editors of some described settings over a base `AppSettings`.

    `current()` is the base with every editor's value written in. After each edit, fields that
    no longer apply are greyed out and ranges that depend on other settings are updated.
    """

    edited = Signal(str)  # the key of the field the user changed

    def __init__(self, settings: AppSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._base = settings
        self.editors: dict[str, FieldEditor] = {}
        self.labels: dict[str, QLabel] = {}

    def add_rows(self, form: QFormLayout, keys: Iterable[str]) -> None:
        """One labelled row per field, in order."""
        for key in keys:
            setting = FIELDS_BY_KEY[key]
            editor = self.make_editor(setting)
            if isinstance(setting.editor, Toggle):
                form.addRow(editor.widget)  # a check box's own text is its label
                continue
            label = QLabel(f"{setting.label}:")
            label.setBuddy(editor.focus)
            self.labels[key] = label
            form.addRow(label, editor.widget)
        self.refresh()

    def make_editor(self, setting: SettingField) -> FieldEditor:
        editor = setting.editor.make()
        # The inner line edits (editable combo, key sequence edit) take the focus themselves,
        # so a screen reader must hear the same name there.
        for widget in (editor.focus, *editor.focus.findChildren(QLineEdit)):
            widget.setAccessibleName(setting.label)
            widget.setAccessibleDescription(setting.description)
        editor.focus.setToolTip(setting.description)
        self._follow_others(setting, editor, self._base)
        editor.set_value(setting.read(self._base))
        editor.edited.connect(lambda key=setting.key: self._on_edit(key))
        self.editors[setting.key] = editor
        return editor

    def current(self) -> AppSettings:
        """The base settings with what the editors show now."""
        return fold(
            self._base,
            ((FIELDS_BY_KEY[key], editor.value()) for key, editor in self.editors.items()),
        )

    def show_settings(self, settings: AppSettings) -> None:
        """Make `settings` the base and show it in every editor (no edits are reported)."""
        self._base = settings
        for key, editor in self.editors.items():
            setting = FIELDS_BY_KEY[key]
            self._follow_others(setting, editor, settings)
            editor.set_value(setting.read(settings))
        self.refresh()

    def show_values(self, settings: AppSettings, keys: Iterable[str]) -> None:
        """Show these fields' values from `settings` (changed elsewhere), keeping the other
        editors as they are; no edits are reported."""
        for key in keys:
            editor = self.editors.get(key)
            if editor is not None:
                editor.set_value(FIELDS_BY_KEY[key].read(settings))
        self.refresh()

    def refresh(self) -> None:
        """Grey out fields that mean nothing with the other settings as they are now."""
        current = self.current()
        for key, editor in self.editors.items():
            setting = FIELDS_BY_KEY[key]
            relevant = setting.relevant(current)
            editor.widget.setEnabled(relevant)
            label = self.labels.get(key)
            if label is not None:
                label.setEnabled(relevant)
            self._follow_others(setting, editor, current)

    def widget(self, key: str) -> QWidget:
        return self.editors[key].focus

    @staticmethod
    def _follow_others(setting: SettingField, editor: FieldEditor, settings: AppSettings) -> None:
        """Show what other settings say about this one: a range that depends on them (said
        in the tool tip and to screen readers too), or the context the editor follows."""
        if setting.context is not None:
            editor.follow(setting.context(settings))
        if setting.bounds is None:
            return
        low, high = setting.bounds(settings)
        editor.set_bounds((low, high))
        editor.focus.setToolTip(f"{setting.description} ({low:g} to {high:g})")
        editor.focus.setAccessibleDescription(editor.focus.toolTip())

    def _on_edit(self, key: str) -> None:
        self.refresh()
        self.edited.emit(key)
