"""Choice labels in the session panel at the default window size: whole, or elided with "…"."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from tests.ui.conftest import AppUnderTest
from voicelive_desktop.ui import setting_editors as ed
from voicelive_desktop.ui.eliding_combo import ElidingComboBox
from voicelive_desktop.ui.setting_fields import FIELDS_BY_KEY


def test_every_choice_label_fits_the_panel_at_the_default_size(
    app_under_test: AppUnderTest, qtbot: QtBot
) -> None:
    """Fusion clipped a long closed label without a mark ("By the service, with this co" in
    the screenshot); now it ends in "…", and the echo labels are short enough to fit."""
    window = app_under_test.window
    window.resize(1200, 720)  # the size tools/screenshot.py shoots at
    window.show()
    window.restore_panel(True, 360)
    qtbot.waitExposed(window)
    elided = []
    for key, editor in window.session_panel.editors.items():
        if not isinstance(FIELDS_BY_KEY[key].editor, ed.Choice):
            continue
        combo = editor.widget
        assert isinstance(combo, ElidingComboBox)
        for index in range(combo.count()):
            combo.setCurrentIndex(index)
            shown = combo.shown_text()
            if shown != combo.currentText():
                assert shown.endswith("…"), (key, shown)
                elided.append(combo.currentText())
    # The default echo mode is what every user sees: its label must fit whole.
    echo = window.session_panel.editors["echo_cancellation"].widget
    assert isinstance(echo, QComboBox)
    assert not any(echo.itemText(i) in elided for i in range(echo.count())), elided


def test_a_short_echo_label_keeps_its_full_meaning_as_a_tool_tip(
    app_under_test: AppUnderTest,
) -> None:
    from PySide6.QtCore import Qt

    combo = app_under_test.window.session_panel.editors["echo_cancellation"].widget
    assert isinstance(combo, QComboBox)
    tips = [combo.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in range(combo.count())]
    assert all(tips), tips
    assert "playback as the reference" in tips[0]
