"""Editors for described settings laid out in forms, with one settings object behind them."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from voicelive_desktop.settings import AppSettings
from voicelive_desktop.ui.field_editor import FieldEditor
from voicelive_desktop.ui.setting_description import SettingField, fold
from voicelive_desktop.ui.setting_editors import Toggle
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
        """Grey out fields that mean nothing with the other settings as they are now, saying
        why where the field knows, and offer only the choices they allow."""
        current = self.current()
        for key, editor in self.editors.items():
            setting = FIELDS_BY_KEY[key]
            relevant = setting.relevant(current)
            editor.widget.setEnabled(relevant)
            label = self.labels.get(key)
            if label is not None:
                label.setEnabled(relevant)
            self._follow_others(setting, editor, current)
            if setting.options is not None and editor.value() != setting.read(current):
                editor.set_value(setting.read(current))  # a choice the others no longer allow

    def widget(self, key: str) -> QWidget:
        return self.editors[key].focus

    def _follow_others(
        self, setting: SettingField, editor: FieldEditor, settings: AppSettings
    ) -> None:
        """Show what other settings say about this one: a range or the choices that depend on
        them, the context the editor follows, and why it does not apply (a range and a reason
        are said in the tool tip and to screen readers too)."""
        if setting.context is not None:
            editor.follow(setting.context(settings))
        if setting.options is not None:
            editor.offer_only(setting.options(settings))
        description = setting.description
        if setting.bounds is not None:
            low, high = setting.bounds(settings)
            editor.set_bounds((low, high))
            description = f"{description} ({low:g} to {high:g})"
        reason = setting.unavailable(settings) if setting.unavailable is not None else ""
        if reason:
            description = f"{description}. Not available: {reason}."
        if setting.bounds is None and setting.unavailable is None:
            return
        editor.focus.setToolTip(description)
        label = self.labels.get(setting.key)
        for widget in (editor.focus, *editor.focus.findChildren(QLineEdit)):
            widget.setAccessibleDescription(description)
        if label is not None:
            label.setToolTip(description)

    def _on_edit(self, key: str) -> None:
        self.refresh()
        self.edited.emit(key)
