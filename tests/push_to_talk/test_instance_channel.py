"""`voicelive-desktop --ptt ...` reaches the running app over its per-user local socket."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.instance_channel import InstanceChannel, channel_name
from voicelive_desktop.settings import AppSettings, PushToTalkSettings
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.push_to_talk_binding import PushToTalkBinding

pytestmark = pytest.mark.asyncio


@pytest.fixture
def user() -> str:
    """A user name of the test's own, so the socket never meets a real app or another test."""
    return f"ptt-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def channel(user: str) -> Iterator[InstanceChannel]:
    QApplication.instance() or QApplication([])
    served = InstanceChannel(channel_name(user))
    assert served.listen()
    yield served
    served.close()


async def ptt_cli(user: str, command: str) -> tuple[int, str]:
    """Run the real command line as `user` (getpass reads LOGNAME first)."""
    env = dict(os.environ, LOGNAME=user, USER=user)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "voicelive_desktop",
        "--ptt",
        command,
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(process.communicate(), 30)
    return process.returncode or 0, err.decode()


async def in_child(code: str) -> str:
    """Run `code` in a fresh Python process (another app instance, or a client) and return
    what it printed: the channel is for other processes, and Qt sockets are per thread."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, stdout=asyncio.subprocess.PIPE
    )
    out, _err = await asyncio.wait_for(process.communicate(), 30)
    return out.decode().strip()


async def test_channel_names_differ_per_user_and_hide_the_name() -> None:
    assert channel_name("alice") != channel_name("bob")
    assert channel_name("alice") == channel_name("alice")
    assert "alice" not in channel_name("alice")


async def test_cli_command_reaches_the_running_app(user: str, channel: InstanceChannel) -> None:
    received: list[str] = []
    channel.command_received.connect(received.append)
    for command in ("toggle", "press", "release"):
        assert await ptt_cli(user, command) == (0, "")
    await wait_until(lambda: len(received) == 3, what="three commands")
    assert received == ["toggle", "press", "release"]


async def test_cli_without_a_running_app_says_so(user: str) -> None:
    code, err = await ptt_cli(user, "toggle")
    assert code == 1
    assert "not running" in err and "Traceback" not in err


async def test_unknown_command_and_garbage_are_refused(channel: InstanceChannel) -> None:
    received: list[str] = []
    channel.command_received.connect(received.append)
    send = "from voicelive_desktop.instance_channel import send_command as s\n"
    reply = await in_child(send + f"print(s('explode', {channel.name!r}))")
    assert reply == "error: unknown command 'explode'"
    reply = await in_child(send + f"print(s('x' * 500, {channel.name!r}))")
    assert reply.startswith("error: unknown command 'xxxx")
    reply = await in_child(send + f"print(s('toggle', {channel.name!r}))")
    assert reply == "ok"
    await wait_until(lambda: received == ["toggle"], what="the valid command")


async def test_second_instance_does_not_steal_the_channel(channel: InstanceChannel) -> None:
    listening = await in_child(
        "from PySide6.QtCore import QCoreApplication\n"
        "from voicelive_desktop.instance_channel import InstanceChannel\n"
        "app = QCoreApplication([])\n"
        f"print(InstanceChannel({channel.name!r}).listen())"
    )
    assert listening == "False"
    received: list[str] = []
    channel.command_received.connect(received.append)
    send = "from voicelive_desktop.instance_channel import send_command as s\n"
    assert await in_child(send + f"print(s('press', {channel.name!r}))") == "ok"
    await wait_until(lambda: received == ["press"], what="the first instance still serves")


async def test_toggle_from_a_desktop_shortcut_opens_and_closes_a_turn(
    app_under_test: AppUnderTest,
    simulator: VoiceLiveSimulator,
    user: str,
    channel: InstanceChannel,
) -> None:
    app = app_under_test
    ptt = PushToTalkSettings(enabled=True, global_hotkey="")
    binding = PushToTalkBinding(app.window, app.controller.adapter, ptt, channel=channel)
    app.controller.settings = dataclasses.replace(
        AppSettings(), connection=ConnectionSettings(endpoint=simulator.endpoint), push_to_talk=ptt
    )
    app.controller.credentials.use_for_this_run(simulator.endpoint, "demo")
    assert await app.controller.connect_configured()
    assert await ptt_cli(user, "toggle") == (0, "")
    await wait_until(lambda: binding.turns.is_open, what="turn open")
    await wait_until(lambda: len(simulator.received_of("input_audio_buffer.clear")) == 1)
    assert await ptt_cli(user, "toggle") == (0, "")
    await wait_until(lambda: not binding.turns.is_open, what="turn closed")
    await binding.close()
    await app.controller.shutdown()


async def test_hands_free_refuses_desktop_shortcut_commands_and_says_why(
    app_under_test: AppUnderTest,
    simulator: VoiceLiveSimulator,
    user: str,
    channel: InstanceChannel,
) -> None:
    app = app_under_test
    hands_free = PushToTalkSettings(enabled=False, global_hotkey="")
    binding = PushToTalkBinding(app.window, app.controller.adapter, hands_free, channel=channel)
    app.controller.settings = dataclasses.replace(
        AppSettings(), connection=ConnectionSettings(endpoint=simulator.endpoint)
    )
    app.controller.credentials.use_for_this_run(simulator.endpoint, "demo")
    assert await app.controller.connect_configured()
    code, err = await ptt_cli(user, "press")
    assert code == 1
    assert "push-to-talk is off (hands-free mode)" in err
    assert "Traceback" not in err
    assert not binding.turns.is_open
    # Turned on, the same command is taken.
    binding.apply(dataclasses.replace(hands_free, enabled=True))
    assert await ptt_cli(user, "press") == (0, "")
    await wait_until(lambda: binding.turns.is_open, what="turn open")
    await wait_until(lambda: len(simulator.received_of("input_audio_buffer.clear")) == 1)
    assert simulator.received_events[0].type == "session.update"
    assert [e.type for e in simulator.received_events[1:]] == ["input_audio_buffer.clear"]
    await binding.close()
    await app.controller.shutdown()


async def test_a_crashed_instance_does_not_block_the_next(user: str) -> None:
    name = channel_name(user)
    # The "crashed" app listens and dies without closing: its socket file stays behind.
    await in_child(
        "import os\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from voicelive_desktop.instance_channel import InstanceChannel\n"
        "app = QCoreApplication([])\n"
        f"print(InstanceChannel({name!r}).listen(), flush=True)\n"
        "os._exit(0)"
    )
    channel = InstanceChannel(name)
    try:
        assert channel.listen()
        received: list[str] = []
        channel.command_received.connect(received.append)
        assert await ptt_cli(user, "toggle") == (0, "")
        await wait_until(lambda: received == ["toggle"], what="the new instance serves")
    finally:
        channel.close()
