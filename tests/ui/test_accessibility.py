"""Keyboard and screen-reader access, through Qt's accessibility interface (QAccessible)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest
from voicelive_desktop.settings import AppSettings
from voicelive_desktop.ui.preferences_dialog import PreferencesDialog


def _controls(root: QWidget) -> list[QWidget]:
    """Every visible widget that takes keyboard focus, not counting the editors inside spin
    boxes and editable combos (their parent is the control a screen reader announces)."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)):
            continue
        if widget.objectName() in ("ScrollLeftButton", "ScrollRightButton"):
            continue  # a tab bar's own overflow arrows, which the tab bar itself announces
        found.append(widget)
    return found


def _describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName()!r} {widget.accessibleName()!r}"


def test_every_control_has_an_accessible_name_and_description(
    app_under_test: AppUnderTest,
) -> None:
    missing = _unnamed(app_under_test.window)
    assert not missing, "\n".join(missing)


def test_inspector_and_price_controls_have_names_and_descriptions(
    app_under_test: AppUnderTest,
) -> None:
    instruments = app_under_test.controller.instruments
    missing = _unnamed(instruments.open_inspector()) + _unnamed(instruments.open_prices())
    assert not missing, "\n".join(missing)


def test_tab_reaches_every_control(app_under_test: AppUnderTest, qtbot: QtBot) -> None:
    """Real Tab key presses from the Connect button go round every enabled control and back,
    with no control that keeps the focus (a text box that eats Tab would)."""
    window = app_under_test.window
    window.activateWindow()
    controls = [w for w in _controls(window) if w.isEnabled()]
    window.connect_button.setFocus(Qt.FocusReason.TabFocusReason)
    reached: list[QWidget] = []
    for _ in range(3 * len(controls)):
        focused = QApplication.focusWidget()
        assert focused is not None
        if reached and focused is reached[0]:
            break
        reached.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    else:
        raise AssertionError(f"Tab never came back to the start: {[_describe(w) for w in reached]}")
    owners = set(reached) | {w.parentWidget() for w in reached}
    unreachable = [_describe(w) for w in controls if w not in owners]
    assert not unreachable, "\n".join(unreachable)


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in _controls(root):
        accessible = QAccessible.queryAccessibleInterface(widget)
        if isinstance(widget, QTabBar):  # a container: each tab is announced on its own
            accessible = accessible.child(widget.currentIndex())
        name = accessible.text(QAccessible.Text.Name).strip()
        description = accessible.text(QAccessible.Text.Description).strip()
        if not name or not description:
            missing.append(f"{_describe(widget)} name={name!r} description={description!r}")
    return missing


def test_preferences_controls_have_names_and_descriptions(qtbot: QtBot) -> None:
    dialog = PreferencesDialog(AppSettings(), key_stored=False)
    qtbot.addWidget(dialog)
    dialog.show()
    missing = []
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        missing += [f"{dialog.tabs.tabText(index)}: {m}" for m in _unnamed(dialog)]
    assert not missing, "\n".join(missing)
