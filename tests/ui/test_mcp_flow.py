"""MCP through the whole app: Preferences adds the shipped dice server with one click, and
the offline demo answers through it as a local server and as a remote one."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fixtures.mcp_servers import REPO_ROOT, child_pids, stdio_command
from tests.fixtures.mcp_test_server import STARTUP_LINE
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import (
    AssistantTranscriptCompleted,
    SessionState,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallStatus,
)
from voicelive_desktop.mcp_bridge.config import McpServerConfig, McpTransport
from voicelive_desktop.mcp_bridge.example import example_local_config
from voicelive_desktop.mcp_bridge.secrets import ServerSecrets
from voicelive_desktop.mcp_bridge.server_connection import ServerState
from voicelive_desktop.mcp_bridge.status import McpServerStatus
from voicelive_desktop.tools.registry import ToolError
from voicelive_desktop.ui import consent_prompt
from voicelive_desktop.ui.mcp_server_dialog import STDIO_WARNING, McpServerDialog
from voicelive_desktop.ui.mcp_servers_section import McpServersSection, status_text
from voicelive_desktop.ui.sessions import text_session

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def short_arming_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consent_prompt, "ARMING_DELAY_MS", 50)


@pytest_asyncio.fixture
async def app(qtbot: QtBot, isolated_env: Path) -> AsyncIterator[AppUnderTest]:
    under_test = AppUnderTest(qtbot, isolated_env, text_session)
    yield under_test
    # Shut down on the running loop, also after a test that did (it is safe twice) and
    # after one that stopped early or failed. Left running, the demo server's response
    # tasks and the MCP servers' start-up are stepped by the Qt events pytest-qt processes
    # outside the loop ("no running event loop", and their `Process.wait`/`communicate`
    # never awaited), and the session's aiohttp client is only found by the GC, in
    # whichever later test ("Unclosed client session").
    await under_test.controller.shutdown()


async def _allow_prompt(app: AppUnderTest) -> None:
    await wait_until(lambda: bool(app.window.tool_calls.pending_prompts()), what="the prompt")
    prompt = app.window.tool_calls.pending_prompts()[0]
    await wait_until(lambda: prompt.armed() and prompt.allow_once_button.isEnabled(), what="armed")
    prompt.allow_once_button.click()


async def _say(app: AppUnderTest, text: str) -> None:
    app.window.message_box.setText(text)
    app.window.message_box.returnPressed.emit()


def _section(app: AppUnderTest) -> McpServersSection:
    dialog = app.controller.open_preferences()
    section = dialog.mcp_section
    assert section.isVisibleTo(dialog) or True
    return section


async def test_example_server_answers_in_the_demo_as_local_and_remote(app: AppUnderTest) -> None:
    before = child_pids()
    section = _section(app)
    section.example_button.click()
    registry = app.controller.tools.registry
    await wait_until(lambda: registry.get("dice__roll_dice") is not None, what="dice tools")
    binding = app.controller.mcp
    assert binding.status("dice").state is ServerState.RUNNING
    await wait_until(
        lambda: binding.status("dice-remote").state is ServerState.RUNNING, what="host"
    )
    assert "called by the service" in section.table.item(1, 3).text()
    assert "running, 1 tool" in section.table.item(0, 3).text()
    app.controller.preferences.close()

    assert await app.controller.start_demo()
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")

    # Local: the app runs the stdio server after the user's consent.
    await _say(app, 'call dice__roll_dice({"sides": 20, "count": 2})')
    await _allow_prompt(app)
    await wait_until(lambda: len(_finished(app)) == 1, what="the local call")
    local = _finished(app)[0]
    assert local.status is ToolCallStatus.OK and json.loads(local.result)["summary"]
    await wait_until(lambda: _spoken(app, "Rolled 2 20-sided dice"), what="the local answer")

    # Remote: the (simulated) service calls the same server over HTTP after the same consent.
    await _say(app, "Please roll a d20 for me")
    await _allow_prompt(app)
    await wait_until(lambda: len(_finished(app)) == 2, what="the remote call")
    remote = _finished(app)[1]
    assert remote.status is ToolCallStatus.OK and remote.name == "dice-remote__roll_dice"
    assert remote.result_preview.startswith("Rolled a 20-sided die: ")  # as a local card shows
    sources = [e.source for e in app.events if isinstance(e, ToolCallStarted)]
    assert sources == ["function", "mcp_remote"]
    await wait_until(lambda: _spoken(app, "Rolled a 20-sided die"), what="the remote answer")
    assert len(app.window.tool_calls.cards) == 2
    assert binding.status("dice-remote").tools == ("roll_dice",)  # as the service listed them

    await app.controller.shutdown()
    await wait_until(lambda: child_pids() - before == set(), what="no MCP process left")


def _finished(app: AppUnderTest) -> list[ToolCallFinished]:
    return [e for e in app.events if isinstance(e, ToolCallFinished)]


def _spoken(app: AppUnderTest, words: str) -> bool:
    return any(words in e.text for e in app.events if isinstance(e, AssistantTranscriptCompleted))


@pytest.mark.allow_log_warnings(
    r"mcp_bridge\.server_connection: mcp broken: The server ended the connection while starting"
)
async def test_a_failing_server_shows_its_reason_and_stderr(
    app: AppUnderTest, tmp_path: Path
) -> None:
    script = tmp_path / "broken_server.py"
    script.write_text("import sys\nprint('missing API_TOKEN', file=sys.stderr)\nsys.exit(1)\n")
    section = _section(app)
    dialog = section.edit(None)
    assert dialog.warning.isVisibleTo(dialog) and "user rights" in STDIO_WARNING
    dialog.name.setText("broken")
    dialog.command.setText(str(Path(os.sys.executable)))
    dialog.args.setText(str(script))
    dialog.accept()
    await wait_until(
        lambda: app.controller.mcp.status("broken").state is ServerState.FAILED, what="failure"
    )
    section.table.selectRow(0)
    assert "missing API_TOKEN" in section.details.text()
    assert "failed" in section.table.item(0, 3).text()
    assert "The MCP server broken stopped" in app.window.error_banner.message
    section.table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)
    assert app.controller.mcp.servers.named("broken").enabled is False  # type: ignore[union-attr]
    await app.controller.shutdown()


async def test_the_dialog_refuses_a_bad_entry_with_the_reason(app: AppUnderTest) -> None:
    dialog = McpServerDialog()
    dialog.name.setText("two__parts")
    dialog.command.setText("x")
    dialog.accept()
    assert dialog.result_config() is None and "server name" in dialog.error.text()
    dialog.transport.setCurrentIndex(2)
    assert not dialog.warning.isVisibleTo(dialog)
    dialog.name.setText("remote")
    dialog.url.setText("ftp://x")
    dialog.accept()
    assert "http://" in dialog.error.text()
    dialog.url.setText("https://mcp.example.com/mcp")
    dialog.headers.add_row("Authorization", "Bearer abc")
    dialog.accept()
    config = dialog.result_config()
    assert config is not None and config.transport is McpTransport.REMOTE
    assert dialog.result_secrets().headers == {"Authorization": "Bearer abc"}
    await app.controller.shutdown()


async def test_import_adds_servers_from_a_common_config_file(
    app: AppUnderTest, tmp_path: Path
) -> None:
    path = tmp_path / "claude_desktop_config.json"
    command = os.sys.executable
    path.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "dice two": {
                        "command": command,
                        "args": ["-m", "voicelive_desktop.mcp_bridge.dice_server"],
                    }
                }
            }
        )
    )
    section = _section(app)
    assert section.import_file(path) == []
    await wait_until(
        lambda: app.controller.tools.registry.get("dice-two__roll_dice") is not None,
        what="imported tools",
    )
    assert json.loads(app.controller.mcp.store.path.read_text())["servers"][0]["name"] == (
        "dice-two"
    )
    await app.controller.shutdown()


async def test_denying_a_local_mcp_call_shows_denied_and_tells_the_model(app: AppUnderTest) -> None:
    section = _section(app)
    section.example_button.click()
    registry = app.controller.tools.registry
    await wait_until(lambda: registry.get("dice__roll_dice") is not None, what="dice tools")
    app.controller.preferences.close()
    assert await app.controller.start_demo()
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")
    await _say(app, 'call dice__roll_dice({"sides": 6})')
    await wait_until(lambda: bool(app.window.tool_calls.pending_prompts()), what="the prompt")
    prompt = app.window.tool_calls.pending_prompts()[0]
    assert json.loads(prompt.arguments.toPlainText()) == {"sides": 6}  # shown before approval
    await wait_until(lambda: prompt.armed() and prompt.deny_button.isEnabled(), what="armed")
    prompt.deny_button.click()
    await wait_until(lambda: len(_finished(app)) == 1, what="the denied call")
    denied = _finished(app)[0]
    assert denied.status is ToolCallStatus.DENIED and "denied" in denied.error
    await app.controller.shutdown()


async def test_always_allowing_a_remote_tool_is_kept_and_shown_in_preferences(
    app: AppUnderTest,
) -> None:
    section = _section(app)
    section.example_button.click()
    binding = app.controller.mcp
    await wait_until(
        lambda: binding.status("dice-remote").state is ServerState.RUNNING, what="host"
    )
    app.controller.preferences.close()
    assert await app.controller.start_demo()
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")
    await wait_until(lambda: bool(binding.status("dice-remote").tools), what="the listing")
    await _say(app, "roll a d20")
    await wait_until(lambda: bool(app.window.tool_calls.pending_prompts()), what="the prompt")
    prompt = app.window.tool_calls.pending_prompts()[0]
    await wait_until(
        lambda: prompt.armed() and prompt.always_allow_button.isEnabled(), what="armed"
    )
    prompt.always_allow_button.click()
    await wait_until(lambda: len(_finished(app)) == 1, what="the remote call")
    remote = binding.servers.named("dice-remote")
    assert remote is not None and remote.approved_tools == ("roll_dice",)
    saved = json.loads(binding.store.path.read_text())["servers"]
    assert [s["approved_tools"] for s in saved] == [[], ["roll_dice"]]
    # The next session tells the service, which then runs the tool without asking.
    assert binding.remote_servers()[0].require_approval == {"never": ["roll_dice"]}
    dialog = _section(app).edit("dice-remote")
    assert dialog.approved.text() == "roll_dice" and dialog.approved.isVisibleTo(dialog)
    dialog.approved.setText("")  # taken back
    dialog.accept()
    await wait_until(
        lambda: binding.servers.named("dice-remote").approved_tools == (),  # type: ignore[union-attr]
        what="the choice taken back",
    )
    assert binding.remote_servers()[0].require_approval == "always"
    await app.controller.shutdown()


async def test_a_remote_server_added_mid_conversation_reaches_the_live_session(
    app: AppUnderTest,
) -> None:
    assert await app.controller.start_demo()
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")
    section = _section(app)
    section.example_button.click()
    binding = app.controller.mcp
    await wait_until(lambda: bool(binding.status("dice-remote").tools), what="the listing")
    app.controller.preferences.close()
    await _say(app, "roll a d20")
    await _allow_prompt(app)
    await wait_until(lambda: len(_finished(app)) == 1, what="the remote call")
    assert _finished(app)[0].name == "dice-remote__roll_dice"
    await wait_until(lambda: _spoken(app, "Rolled a 20-sided die"), what="the answer")
    await app.controller.shutdown()


async def test_restart_and_remove_from_the_list(app: AppUnderTest) -> None:
    before = child_pids()
    section = _section(app)
    section.example_button.click()
    binding, registry = app.controller.mcp, app.controller.tools.registry
    await wait_until(lambda: registry.get("dice__roll_dice") is not None, what="dice tools")
    await wait_until(lambda: len(child_pids() - before) == 2, what="local server and host")
    first = child_pids() - before
    section.table.selectRow(0)
    section.restart_button.click()
    await wait_until(
        lambda: len(child_pids() - before) == 2 and child_pids() - before != first,
        what="a new local server process",
    )
    await wait_until(lambda: registry.get("dice__roll_dice") is not None, what="tools again")
    section.table.selectRow(0)
    section.remove_button.click()
    await wait_until(lambda: registry.get("dice__roll_dice") is None, what="tools gone")
    assert [s.name for s in binding.servers.servers] == ["dice-remote"]
    saved = json.loads(binding.store.path.read_text())["servers"]
    assert [s["name"] for s in saved] == ["dice-remote"]
    assert section.table.rowCount() == 1 and section.table.item(0, 1).text() == "dice-remote"
    await wait_until(lambda: len(child_pids() - before) == 1, what="the local server stopped")
    await app.controller.shutdown()
    await wait_until(lambda: child_pids() - before == set(), what="no MCP process left")


async def test_the_result_cap_is_set_in_the_list_and_its_use_is_shown(app: AppUnderTest) -> None:
    section = _section(app)
    section.cap.setValue(500)
    section.cap.editingFinished.emit()
    binding = app.controller.mcp
    assert binding.servers.result_cap_chars == 500
    assert json.loads(binding.store.path.read_text())["result_cap_chars"] == 500
    config = example_local_config()
    capped = McpServerStatus(
        "dice", ServerState.RUNNING, tools=("dice__roll_dice",), capped_calls=2
    )
    assert status_text(config, capped) == "running, 1 tool · 2 results capped"
    await app.controller.shutdown()


async def test_a_hung_call_shows_the_reason_and_the_servers_output(app: AppUnderTest) -> None:
    command, args = stdio_command()
    config = McpServerConfig(
        name="slow", command=command, args=args, cwd=str(REPO_ROOT), call_timeout_s=1.0
    )
    binding = app.controller.mcp
    binding.save_server(config, ServerSecrets())
    registry = app.controller.tools.registry
    await wait_until(lambda: registry.get("slow__hang") is not None, what="the tools")
    spec = registry.get("slow__hang")
    assert spec is not None
    with pytest.raises(ToolError, match="did not answer hang within 1 s"):
        await spec.handler({})
    section = _section(app)
    section.table.selectRow(0)
    details = section.details.text()
    assert "Last problem: slow did not answer hang within 1 s." in details
    assert STARTUP_LINE in details  # the tail of its stderr
    await app.controller.shutdown()
