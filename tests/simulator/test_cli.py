"""The standalone `voicelive-desktop-sim --port N`: SDK text and audio turns; Ctrl+C stops it."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from azure.ai.voicelive.aio import connect
from azure.ai.voicelive.models import InputTextContentPart, UserMessageItem
from azure.core.credentials import AzureKeyCredential

from tests.simulator.sdk_client import (
    append_frames,
    decoded_audio,
    espeak_pcm,
    events_until,
    next_event,
    rms,
    silence,
    types,
)

pytestmark = pytest.mark.asyncio


def sim_command() -> list[str]:
    """The installed console script when the package is installed, else the module."""
    script = Path(sys.executable).with_name("voicelive-desktop-sim")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "voicelive_desktop.simulator"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RunningCli:
    """The simulator CLI in a child process, with its log lines."""

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self.process = process
        self.port = port
        self.log: list[str] = []

    async def wait_for_line(self, needle: str, timeout: float = 20.0) -> str:
        assert self.process.stderr is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            raw = await asyncio.wait_for(self.process.stderr.readline(), deadline - loop.time())
            if not raw:
                break
            line = raw.decode("utf-8", "replace")
            self.log.append(line)
            if needle in line:
                return line
        raise AssertionError(f"{needle!r} not logged; log so far: {''.join(self.log)}")

    async def stop(self) -> int:
        """Ctrl+C, then the exit code; the rest of the log is kept."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        return await self.exit_code()

    async def exit_code(self) -> int:
        assert self.process.stderr is not None
        rest = await asyncio.wait_for(self.process.stderr.read(), 15)
        self.log.append(rest.decode("utf-8", "replace"))
        return await asyncio.wait_for(self.process.wait(), 15)


async def start_cli(*args: str) -> RunningCli:
    process = await asyncio.create_subprocess_exec(
        *sim_command(),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return RunningCli(process, int(args[args.index("--port") + 1]))


@pytest_asyncio.fixture
async def cli() -> AsyncIterator[RunningCli]:
    running = await start_cli("--port", str(free_port()))
    try:
        await running.wait_for_line("Ctrl+C")
        yield running
    finally:
        if running.process.returncode is None:
            running.process.kill()
            await running.process.wait()


async def test_sdk_completes_a_text_and_an_audio_turn_against_the_cli(cli: RunningCli) -> None:
    endpoint = f"http://127.0.0.1:{cli.port}"
    assert endpoint in "".join(cli.log)
    async with connect(
        endpoint=endpoint, credential=AzureKeyCredential("demo"), model="gpt-realtime"
    ) as connection:
        assert (await next_event(connection)).type == "session.created"
        await connection.session.update(
            session={"input_audio_transcription": {"model": "whisper-1"}}
        )
        await events_until(connection, "session.updated")

        await connection.conversation.item.create(
            item=UserMessageItem(content=[InputTextContentPart(text="Hello from the CLI test")])
        )
        await connection.response.create()
        text_turn = await events_until(connection, "response.done", timeout=40)
        assert text_turn[-1].response.status == "completed"
        transcript = next(
            e.transcript for e in text_turn if e.type == "response.audio_transcript.done"
        )
        assert transcript.startswith("You typed: Hello from the CLI test.")
        assert rms(decoded_audio(text_turn)) > 0.02

        speech = espeak_pcm("This is my spoken question.")
        await append_frames(connection, silence(400) + speech + silence(1200))
        audio_turn = await events_until(connection, "response.done", timeout=40)
        kinds = types(audio_turn)
        assert kinds.index("input_audio_buffer.speech_started") < kinds.index(
            "input_audio_buffer.committed"
        )
        assert "conversation.item.input_audio_transcription.completed" in kinds
        assert audio_turn[-1].response.status == "completed"
        assert rms(decoded_audio(audio_turn)) > 0.02
    assert await cli.stop() == 0
    assert "Traceback" not in "".join(cli.log)


async def test_ctrl_c_stops_the_cli_cleanly_even_with_a_client_connected(
    cli: RunningCli,
) -> None:
    async with connect(
        endpoint=f"http://127.0.0.1:{cli.port}",
        credential=AzureKeyCredential("demo"),
        model="gpt-realtime",
    ) as connection:
        await next_event(connection)
        assert await cli.stop() == 0
        # The client learns that the server went away instead of hanging.
        remaining = await asyncio.wait_for(asyncio.ensure_future(_drain(connection)), 10)
        assert "response.done" not in remaining
    assert "Traceback" not in "".join(cli.log)


async def _drain(connection: object) -> list[str]:
    return [str(event.type) async for event in connection]  # type: ignore[attr-defined]


async def test_a_port_in_use_is_a_clear_error_not_a_traceback(cli: RunningCli) -> None:
    second = await start_cli("--port", str(cli.port))
    code = await second.exit_code()
    log = "".join(second.log)
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{cli.port}" in log
    assert "Traceback" not in log
