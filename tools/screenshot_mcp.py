"""Reproduces docs/screenshot-mcp.png: the offline demo answering through the shipped dice MCP
server as a local server and as a remote one (left), and Preferences → Tools → MCP servers
after "Add example (dice)" (right).

    .venv/bin/python tools/screenshot_mcp.py [--out docs/screenshot-mcp.png] [--theme dark]

Settings, history and keyring values go to throw-away places, so yours are not touched. The
dice rolls are repeatable: the local server gets VOICELIVE_DICE_SEED from its own env entry, as
a user's server gets its env (a stdio server starts with the MCP SDK's minimal environment,
not the app's); the remote example's host is the app's own child and inherits the app's.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402
from keyring.errors import PasswordDeleteError  # noqa: E402

from tools.screenshot import run_in_throwaway_app  # noqa: E402

_STEP_TIMEOUT_S = 60.0
DICE_SEED = "VOICELIVE_DICE_SEED"
SEED = "7"


class ThrowawayKeyring(KeyringBackend):
    """Holds this run's keyring values in memory: the staged seed never reaches yours."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring leaves it unannotated
        self._values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._values.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class StepTimedOut(Exception):
    """A step of the staging never came (a server that did not start, say)."""


async def _until(condition: Callable[[], bool], what: str) -> None:
    """Wait for one step; one that never comes ends the run with a message, not a hang."""
    deadline = time.monotonic() + _STEP_TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise StepTimedOut(f"gave up after {_STEP_TIMEOUT_S:g} s waiting for {what}")
        await asyncio.sleep(0.05)


async def stage(out: Path, theme: str) -> None:
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QApplication

    from voicelive_desktop.credentials import CredentialStore
    from voicelive_desktop.engine.events import (
        RemoteMcpToolsListed,
        SessionState,
        ToolCallFinished,
    )
    from voicelive_desktop.mcp_bridge.example import example_local_config
    from voicelive_desktop.mcp_bridge.secrets import ServerSecrets
    from voicelive_desktop.mcp_bridge.status import ServerState
    from voicelive_desktop.settings import SettingsStore, Theme
    from voicelive_desktop.ui.controller import AppController
    from voicelive_desktop.ui.main_window import MainWindow
    from voicelive_desktop.ui.sessions import text_session
    from voicelive_desktop.ui.theme import apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow()
    controller = AppController(window, SettingsStore(), CredentialStore(), text_session)
    try:
        apply_theme(app, Theme(theme))
        window.set_panel_open(False)
        window.resize(760, 760)
        window.show()
        finished: list[ToolCallFinished] = []
        controller.adapter.event_received.connect(
            lambda e: finished.append(e) if isinstance(e, ToolCallFinished) else None
        )
        listed: list[RemoteMcpToolsListed] = []
        controller.adapter.event_received.connect(
            lambda e: listed.append(e) if isinstance(e, RemoteMcpToolsListed) and e.tools else None
        )
        controller.mcp.start()  # what start() does first: the saved servers (none here)
        # The local example with the seed in its env entry; the button then adds the remote one.
        seeded = dataclasses.replace(example_local_config(), env_names=(DICE_SEED,))
        controller.mcp.save_server(seeded, ServerSecrets(env={DICE_SEED: SEED}))
        dialog = controller.open_preferences()
        dialog.mcp_section.example_button.click()
        registry = controller.tools.registry
        await _until(lambda: registry.get("dice__roll_dice") is not None, "the local dice server")
        # The service lists a remote server's tools once, when the session starts: the example's
        # HTTP server has to be up by then (it starts after the local one).
        await _until(
            lambda: controller.mcp.status("dice-remote").state is ServerState.RUNNING,
            "the remote dice server",
        )
        dialog.close()
        if not await controller.start_demo():
            sys.exit(f"the demo did not connect: {window.error_banner.message}")
        window.error_banner.dismiss()

        async def ask_and_allow(question: str, calls: int) -> None:
            window.message_box.setText(question)
            window.message_box.returnPressed.emit()
            await _until(lambda: bool(window.tool_calls.pending_prompts()), "the approval prompt")
            prompt = window.tool_calls.pending_prompts()[0]
            await _until(
                lambda: prompt.armed() and prompt.allow_once_button.isEnabled(), "an armed prompt"
            )
            prompt.allow_once_button.click()
            await _until(lambda: len(finished) >= calls, "the dice roll")
            await asyncio.sleep(0.3)
            await _until(lambda: window.session_state is SessionState.READY, "the answer")

        await ask_and_allow('call dice__roll_dice({"sides": 20, "count": 2})', 1)
        # Listed on the service's side after the session starts; asked before that, it answers
        # without calling the tool and no approval prompt ever comes.
        await _until(lambda: bool(listed), "the remote server's tools")
        await ask_and_allow("Now roll a d20 on the remote server", 2)
        await asyncio.sleep(1.0)
        conversation = window.grab()

        dialog = controller.open_preferences()
        tools_page = dialog.tools_page
        if tools_page is None:  # the dialog has one only when given a tool registry
            sys.exit("the preferences dialog has no Tools page to show")
        dialog.resize(720, 760)
        dialog.tabs.setCurrentWidget(tools_page)
        dialog.mcp_section.table.selectRow(0)
        tools_page.table.scrollToBottom()  # the dice tool, last in the list
        await asyncio.sleep(0.8)
        preferences = dialog.grab()
        gap = 16
        canvas = QPixmap(
            conversation.width() + gap + preferences.width(),
            max(conversation.height(), preferences.height()),
        )
        canvas.fill(QColor("#d0d4da"))
        painter = QPainter(canvas)
        painter.drawPixmap(0, 0, conversation)
        painter.drawPixmap(conversation.width() + gap, 0, preferences)
        painter.end()
        canvas.save(str(out))
        print(f"saved {out}")
        dialog.close()

    finally:  # also after a step timed out: stop the MCP servers, close the window
        await controller.shutdown()
        window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-mcp.png")
    parser.add_argument("--theme", choices=["light", "dark"], default="light")
    args = parser.parse_args()
    keyring.set_keyring(ThrowawayKeyring())
    os.environ.setdefault(DICE_SEED, SEED)  # for the remote example's host only
    try:
        run_in_throwaway_app(lambda with_sound: stage(args.out.resolve(), args.theme))
    except StepTimedOut as error:
        print(f"screenshot_mcp: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
