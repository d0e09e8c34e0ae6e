"""The MCP server dialog keeps env and header values (keyring secrets) masked, on screen and
to assistive technology, until the user asks to see them."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from voicelive_desktop.mcp_bridge.config import McpServerConfig, McpTransport
from voicelive_desktop.mcp_bridge.secrets import ServerSecrets
from voicelive_desktop.ui.mcp_server_dialog import McpServerDialog

TOKEN = "ghp_verysecrettoken1234"
BEARER = "Bearer sk-live-abcdef987654"


def accessible_texts(field: QLineEdit) -> list[str]:
    """What a screen reader can read of the field: its value and its text interface."""
    face = QAccessible.queryAccessibleInterface(field)
    assert face is not None
    texts = [face.text(kind) for kind in QAccessible.Text.__members__.values()]
    text_face = face.textInterface()
    assert text_face is not None
    texts.append(text_face.text(0, text_face.characterCount()))
    texts.append(text_face.text(0, len(field.text())))
    return texts


def stdio_dialog(qtbot: QtBot) -> McpServerDialog:
    config = McpServerConfig(name="gh", command="gh-mcp", env_names=("GITHUB_TOKEN",))
    dialog = McpServerDialog(config, ServerSecrets(env={"GITHUB_TOKEN": TOKEN}))
    qtbot.addWidget(dialog)
    return dialog


def test_env_values_are_masked_on_screen_and_to_assistive_technology(qtbot: QtBot) -> None:
    dialog = stdio_dialog(qtbot)
    dialog.show()
    (value,) = dialog.env.value_fields()
    assert value.text() == TOKEN  # the real value is there to be saved again
    assert value.echoMode() is QLineEdit.EchoMode.Password
    assert TOKEN not in value.displayText()
    assert not dialog.show_values.isChecked() and dialog.show_values.isVisibleTo(dialog)
    for text in accessible_texts(value):
        assert TOKEN not in text and "secret" not in text
    dialog.accept()
    assert dialog.result_secrets().env == {"GITHUB_TOKEN": TOKEN}


def test_show_values_reveals_every_value_of_that_dialog_only(qtbot: QtBot) -> None:
    dialog = stdio_dialog(qtbot)
    other = stdio_dialog(qtbot)
    dialog.show_values.setChecked(True)
    dialog.env.add_row("SECOND", "two")
    for field in dialog.env.value_fields():  # a row added after the toggle follows it
        assert field.echoMode() is QLineEdit.EchoMode.Normal
    assert TOKEN in accessible_texts(dialog.env.value_fields()[0])
    assert other.env.value_fields()[0].echoMode() is QLineEdit.EchoMode.Password
    dialog.show_values.setChecked(False)
    assert all(f.echoMode() is QLineEdit.EchoMode.Password for f in dialog.env.value_fields())


def test_header_values_are_masked_too(qtbot: QtBot) -> None:
    config = McpServerConfig(
        name="far",
        transport=McpTransport.REMOTE,
        url="https://mcp.example.com/mcp",
        header_names=("Authorization",),
    )
    dialog = McpServerDialog(config, ServerSecrets(headers={"Authorization": BEARER}))
    qtbot.addWidget(dialog)
    (value,) = dialog.headers.value_fields()
    assert value.echoMode() is QLineEdit.EchoMode.Password
    assert all(BEARER not in text for text in accessible_texts(value))
    dialog.show_values.setChecked(True)
    assert value.echoMode() is QLineEdit.EchoMode.Normal
    dialog.accept()
    assert dialog.result_secrets().headers == {"Authorization": BEARER}


def test_a_value_without_a_name_is_refused_with_the_row(qtbot: QtBot) -> None:
    dialog = stdio_dialog(qtbot)
    dialog.env.add_row("", "orphan")
    dialog.accept()
    assert dialog.result_config() is None
    assert "row 2 has no name" in dialog.error.text()


def test_each_value_field_is_named_after_its_variable(qtbot: QtBot) -> None:
    dialog = stdio_dialog(qtbot)
    name = dialog.env.add_row("", "x")
    value = dialog.env.value_fields()[1]
    assert dialog.env.value_fields()[0].accessibleName() == "Value of GITHUB_TOKEN"
    assert value.accessibleName() == "Value of new row"
    name.setText("SECOND")
    assert value.accessibleName() == "Value of SECOND"
