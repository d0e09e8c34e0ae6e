"""Preferences opens as tall as its Tools list asks, within the screen, and the list (not the
MCP servers below it) gets the height: Qt alone caps a new dialog at 2/3 of the screen, which
on an 800-pixel-high screen left three and a half tools in view."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest
from voicelive_desktop.ui.screen_fit import SCREEN_SHARE, opening_size
from voicelive_desktop.ui.tools_page import ToolsPage


def test_a_window_opens_at_its_wish_within_most_of_the_screen() -> None:
    laptop = QRect(0, 0, 1280, 800)
    assert opening_size(QSize(700, 500), laptop) == QSize(700, 500)
    assert opening_size(QSize(1400, 900), laptop) == QSize(1152, 720)
    assert opening_size(QSize(700, 900), QRect(0, 30, 1280, 770)).height() == int(770 * 0.9)


def _rows_in_view(page: ToolsPage) -> int:
    table = page.table
    height = table.viewport().height()
    return sum(
        table.rowViewportPosition(row) + table.rowHeight(row) <= height
        for row in range(table.rowCount())
    )


def test_the_tools_list_takes_the_height_of_a_laptop_screen(
    app_under_test: AppUnderTest, qtbot: QtBot
) -> None:
    app = app_under_test
    dialog = app.controller.open_preferences()
    page = dialog.tools_page
    assert page is not None and page.table.rowCount() >= 10  # the built-in tools
    dialog.tabs.setCurrentWidget(page)
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    available = app.window.screen().availableGeometry()
    assert available.height() == 800, "the offscreen screen was as high as a 1280x800 one"
    # All ten tools and the servers would take more: the dialog takes what the screen gives.
    assert dialog.sizeHint().height() > available.height() * SCREEN_SHARE
    assert dialog.height() == int(available.height() * SCREEN_SHARE)
    section = page.splitter.widget(1)
    # The MCP servers keep their minimum (three servers in view); the tools get the rest.
    assert page.splitter.sizes()[1] == section.minimumSizeHint().height()
    assert _rows_in_view(page) >= 7, _rows_in_view(page)

    # Once the user moves the split, it stays where they put it across tab switches.
    page.splitter.setSizes([250, sum(page.splitter.sizes()) - 250])
    dialog.tabs.setCurrentIndex(0)
    dialog.tabs.setCurrentWidget(page)
    QApplication.processEvents()
    assert page.splitter.sizes()[0] == 250
    dialog.reject()
