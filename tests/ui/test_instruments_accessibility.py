"""The usage, inspector, price and recording controls as assistive technology sees them:
through Qt's accessibility interface, each has a name, and each control takes Tab focus."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget

from tests.ui.helpers import AppUnderTest
from voicelive_desktop.ui.price_table_dialog import PriceTableDialog


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None and interface.isValid()
    return interface.text(QAccessible.Text.Name)


def test_each_new_control_is_named_for_screen_readers_and_reachable_by_tab(
    app_under_test: AppUnderTest,
) -> None:
    window = app_under_test.window
    instruments = app_under_test.controller.instruments
    inspector = instruments.open_inspector()
    prices = instruments.open_prices()
    assert isinstance(prices, PriceTableDialog)
    controls: dict[str, QWidget] = {
        "Filter events by type": inspector.filter_box,
        "Pause the live event list": inspector.pause_button,
        "Clear the kept events": inspector.clear_button,
        "Export the shown events as JSON Lines": inspector.export_button,
        "Events": inspector.table,
        "Selected event as JSON": inspector.detail,
        "Record conversation audio": window.recording.button,
        "Currency": prices.currency,
        "Restore the shipped prices": prices.restore_button,
        "Pro tier, text input, per million tokens": prices.rate_boxes[("pro", "text_in")],
    }
    for name, control in controls.items():
        assert accessible_name(control) == name
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, name
    for box in prices.rate_boxes.values():
        assert accessible_name(box).endswith("per million tokens")
    # A combo box is named by its current item; its description says what it chooses.
    direction = QAccessible.queryAccessibleInterface(inspector.direction_box)
    assert direction.text(QAccessible.Text.Name) == "Both directions"
    assert direction.text(QAccessible.Text.Description) == "Show events sent, received or both"
    assert inspector.direction_box.focusPolicy() & Qt.FocusPolicy.TabFocus
    # Labels that only inform are named too (they are read, not focused).
    assert accessible_name(window.usage_status) == "Session usage and estimated cost"
    assert accessible_name(window.recording.rec_label) == "Recording conversation audio"
    assert accessible_name(inspector.status) == "Event inspector status"
    inspector.pause_button.click()
    assert accessible_name(inspector.pause_button) == "Resume the live event list"
