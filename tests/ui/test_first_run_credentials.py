"""First run with a real key: it lands in the keyring and nowhere on disk or in the logs;
with no keyring backend the user is told and the key works for this run only."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fixtures.secret_service import SecretServiceKeyring
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.credentials import KEYRING_SERVICE
from voicelive_desktop.engine.events import SessionState
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.sessions import text_session

SECRET = "vl-first-run-key-3b9f0c7e51a24d68"


def _files_containing(root: Path, secret: str) -> list[Path]:
    forms = [secret.encode(), base64.b64encode(secret.encode())]
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and any(form in path.read_bytes() for form in forms)
    ]


async def _first_run_connect(qtbot: QtBot, app: AppUnderTest, endpoint: str) -> None:
    await app.controller.start()
    welcome = app.controller.welcome
    assert welcome is not None
    welcome.endpoint.setText(endpoint)
    welcome.api_key.setText(SECRET)
    welcome.remember.setChecked(True)
    qtbot.mouseClick(welcome.connect_button, Qt.MouseButton.LeftButton)
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="connected")


@pytest.mark.keyring
@pytest.mark.asyncio
async def test_first_run_key_is_in_the_keyring_and_nowhere_else(
    qtbot: QtBot,
    tmp_path: Path,
    isolated_env: Path,
    secret_service_keyring: SecretServiceKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with VoiceLiveSimulator(api_key=SECRET) as server:
        app = AppUnderTest(qtbot, isolated_env, text_session)
        endpoint = server.endpoint
        await _first_run_connect(qtbot, app, endpoint)
        assert secret_service_keyring.backend.get_password(KEYRING_SERVICE, endpoint) == SECRET
        await app.controller.shutdown()
    saved = app.store.load().settings
    assert saved.connection.endpoint == endpoint  # the endpoint is a setting...
    assert _files_containing(tmp_path, SECRET) == []  # ...the key is in no file
    assert app.store.path.exists()
    assert SECRET not in caplog.text


@pytest.fixture
def no_keyring_backend() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.mark.allow_log_warnings(r"credentials: keyring: No system keyring")
@pytest.mark.asyncio
async def test_without_a_keyring_the_key_works_for_this_run_only(
    qtbot: QtBot, tmp_path: Path, isolated_env: Path, no_keyring_backend: None
) -> None:
    async with VoiceLiveSimulator(api_key=SECRET) as server:
        app = AppUnderTest(qtbot, isolated_env, text_session)
        await _first_run_connect(qtbot, app, server.endpoint)
        assert app.window.error_banner.isVisible()
        assert "No system keyring is available" in app.window.error_banner.message
        assert "this run only" in app.window.error_banner.message
        await app.controller.shutdown()
    assert _files_containing(tmp_path, SECRET) == []
    # A new run has no key: it asks again, and says why it cannot remember one.
    again = AppUnderTest(qtbot, isolated_env, text_session)
    await again.controller.start()
    assert again.controller.welcome is not None
    assert "No system keyring" in again.controller.welcome.keyring_note.text()


@pytest.mark.allow_log_warnings(r"settings: settings: .* is corrupt")
@pytest.mark.asyncio
async def test_corrupt_settings_are_reported_in_the_window(
    qtbot: QtBot, isolated_env: Path
) -> None:
    isolated_env.mkdir(parents=True)
    (isolated_env / "settings.json").write_text('{"connection": {"endpoint": ')
    app = AppUnderTest(qtbot, isolated_env, text_session)
    await app.controller.start()
    assert app.window.error_banner.isVisible()
    assert "damaged" in app.window.error_banner.message
    assert list(isolated_env.glob("settings.json.corrupt-*"))
