"""What every setting editor is: a FieldEditor (widget, value, edits) made by an EditorSpec.

The editor kinds (ui.setting_editors, ui.device_picker) implement this; the forms
(ui.setting_form, ui.agent_profile) use only this.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

# What a value's range may depend on: the whole settings object as the editors show it now.
Bounds = tuple[float, float]


class FieldEditor(QObject):
    """One setting's widget: `widget` goes into a form, `focus` is what keyboard and screen
    readers reach, and `edited` fires when the user changes the value."""

    edited = Signal()

    def __init__(
        self,
        widget: QWidget,
        focus: QWidget,
        read: Callable[[], Any],
        write: Callable[[Any], None],
    ) -> None:
        super().__init__(widget)
        self.widget = widget
        self.focus = focus
        self._read = read
        self._write = write
        self._quiet = False

    def value(self) -> Any:
        return self._read()

    def set_value(self, value: Any) -> None:
        """Show `value` without reporting it as an edit."""
        self._quiet = True
        try:
            self._write(value)
        finally:
            self._quiet = False

    def enter(self, value: Any) -> None:
        """Put `value` in as the user would: shown, then reported as one edit."""
        self.set_value(value)
        self.edited.emit()

    def set_bounds(self, bounds: Bounds) -> None:
        """Narrow or widen a numeric editor's range (the model or voice changed)."""

    def follow(self, context: Any) -> None:
        """Show what another setting says about this value (the voice's custom endpoint ID),
        without reporting an edit."""

    def offer_only(self, values: Collection[Any]) -> None:
        """Offer only these of a choice's values (the model takes no others)."""

    def report_edit(self, *_args: object) -> None:
        if not self._quiet:
            self.edited.emit()


class EditorSpec:
    """How a setting is edited; `make` builds a fresh FieldEditor for a form."""

    def make(self) -> FieldEditor:
        raise NotImplementedError
