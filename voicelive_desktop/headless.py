"""`voicelive-desktop --headless`: a voice conversation on the sound devices, without a window.

Prints state changes and transcripts to stdout, one line each, so scripts and tests can follow.
Exit codes: 0 the run ended as asked; 2 bad set-up (no endpoint or key, bad option); 3 the
session could not start (credentials, endpoint); 4 the session failed while running.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from azure.core.credentials import AzureKeyCredential

from voicelive_desktop.audio.devices import Direction
from voicelive_desktop.audio.events import (
    AudioDefaultFollowed,
    AudioDeviceEvent,
    AudioDeviceRestored,
)
from voicelive_desktop.crash_capture import CrashCapture
from voicelive_desktop.engine.auth import choose_endpoint, env_connection
from voicelive_desktop.engine.errors import VoiceLiveError
from voicelive_desktop.engine.events import (
    AssistantInterrupted,
    AssistantTranscriptCompleted,
    EngineEvent,
    ResponseFinished,
    SessionErrorReported,
    SessionStateChanged,
    TurnLatencyMeasured,
    UserSpeechStarted,
    UserSpeechStopped,
    UserTextSent,
    UserTranscriptCompleted,
)
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.headless_tools import HeadlessTools
from voicelive_desktop.history import start_recording
from voicelive_desktop.logging_setup import log_directory
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.settings import AppSettings, SettingsStore
from voicelive_desktop.voice_session import VoiceSession

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_SETUP = 2
EXIT_START_FAILED = 3
EXIT_SESSION_FAILED = 4

# --say without --duration: how long to wait for the answer, then for the speaker to play it.
_ANSWER_LIMIT_S = 120.0
_DRAIN_LIMIT_S = 60.0


def _say(line: str) -> None:
    print(line, flush=True)


@dataclass(frozen=True)
class _Target:
    endpoint: str
    api_key: str = field(repr=False)  # a repr in a traceback or log line must not carry it


def _credentials(args: argparse.Namespace, settings: AppSettings) -> _Target | str:
    """Endpoint (command line, environment, saved settings) and key (environment, keyring);
    else why not."""
    endpoint, _ = choose_endpoint(args.endpoint, settings.connection.endpoint)
    api_key = env_connection().api_key
    if not api_key and endpoint:
        from voicelive_desktop.credentials import CredentialStore

        resolved = CredentialStore().resolve(endpoint)
        api_key = resolved.api_key or ""
        if not api_key and resolved.keyring_problem:
            return resolved.keyring_problem
    if not endpoint:
        return (
            "No Voice Live endpoint: pass --endpoint URL or set AZURE_VOICE_LIVE_ENDPOINT "
            "(or use --demo for the offline demo)."
        )
    if not api_key:
        return (
            f"No API key for {endpoint}: set AZURE_VOICE_LIVE_API_KEY or store the key "
            "from the app's settings."
        )
    return _Target(endpoint, api_key)


@contextlib.asynccontextmanager
async def _demo_server() -> AsyncIterator[_Target]:
    from voicelive_desktop.simulator import VoiceLiveSimulator

    async with VoiceLiveSimulator() as simulator:
        _say(f"demo: offline simulator at {simulator.endpoint}")
        yield _Target(simulator.endpoint, DEMO_API_KEY)


# The line printed for each event worth a line; the others pass silently.
_EVENT_LINES: dict[type, Callable[[Any], str]] = {
    SessionStateChanged: lambda e: f"state: {e.state.value}",
    UserSpeechStarted: lambda e: "you: (speaking)",
    UserSpeechStopped: lambda e: "you: (stopped)",
    UserTranscriptCompleted: lambda e: f"you: {e.text}",
    UserTextSent: lambda e: f"you typed: {e.text}",
    AssistantTranscriptCompleted: lambda e: f"assistant: {e.text}",
    AssistantInterrupted: lambda e: f"assistant: (interrupted after {e.played_ms} ms)",
    TurnLatencyMeasured: lambda e: f"latency: {e.latency_ms:.0f} ms",
    ResponseFinished: lambda e: f"response: {e.status}",
    SessionErrorReported: lambda e: f"error ({e.kind.value}): {e.message}",
}


class _Printer:
    """Turns session events into output lines and remembers how the run went."""

    def __init__(self, answered_by_tools: set[str]) -> None:
        self._answered_by_tools = answered_by_tools  # their answer is a later response
        self.fatal_error: str | None = None
        self.response_done = asyncio.Event()
        self.failed = asyncio.Event()

    def __call__(self, event: EngineEvent) -> None:
        describe = _EVENT_LINES.get(type(event))
        if describe is not None:
            _say(describe(event))
        if isinstance(event, ResponseFinished):
            if event.response_id not in self._answered_by_tools:
                self.response_done.set()
        elif isinstance(event, SessionErrorReported) and event.fatal:
            self.report_fatal(event.message)

    def report_fatal(self, message: str) -> None:
        """The run failed: remembered for the exit code, and it ends the wait."""
        if not self.fatal_error:
            self.fatal_error = message
        self.failed.set()


def _print_device_event(event: AudioDeviceEvent) -> None:
    kind = "microphone" if event.direction is Direction.INPUT else "speaker"
    if isinstance(event, AudioDeviceRestored):
        _say(f"audio: {kind} working again ({event.device_name})")
    elif isinstance(event, AudioDefaultFollowed):
        _say(f"audio: {kind} moved to the new system default ({event.device_name})")


async def _wait_for_any(*events: asyncio.Event, timeout: float | None) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _converse(
    args: argparse.Namespace, target: _Target, settings: AppSettings, *, demo: bool
) -> int:
    # The demo server knows nothing of the configured deployment; anything else uses the saved
    # connection (model, API version) with the endpoint chosen for this run.
    connection = (
        ConnectionSettings(endpoint=target.endpoint)
        if demo
        else dataclasses.replace(settings.connection, endpoint=target.endpoint)
    )
    history_id: list[str] = []  # the recorder's conversation, once it exists
    tools = HeadlessTools(
        _say,
        settings.tools.policies,
        args.allow_tool or (),
        current_conversation=lambda: history_id[0] if history_id else None,
    )
    for name in tools.unknown_allowed():
        _say(f"tool: --allow-tool {name}: there is no tool of that name")
    session = VoiceSession(
        connection,
        AzureKeyCredential(target.api_key),
        settings.session,
        input_device=args.input_device or settings.audio.input_device or None,
        output_device=args.output_device or settings.audio.output_device or None,
        half_duplex=settings.audio.half_duplex,
        tools=tools.registry,
    )
    tools.answer_with(session.answer_tool_approval)
    session.subscribe(tools)
    printer = _Printer(tools.tool_responses)
    session.subscribe(printer)
    history = start_recording(session, on_failure=lambda message: _say(f"history: {message}"))
    if history is not None:
        history_id.append(history.conversation_id)
    session.subscribe_devices(_print_device_event)
    stop_requested = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop_requested.set)
    try:
        try:
            await session.start()
        except VoiceLiveError as error:
            _say(f"could not start: {error}")
            return EXIT_START_FAILED
        if args.say:
            await session.send_text(args.say)
            if args.duration is None:
                await _wait_for_any(
                    printer.response_done, printer.failed, stop_requested, timeout=_ANSWER_LIMIT_S
                )
                if not printer.response_done.is_set() and not stop_requested.is_set():
                    message = f"No answer arrived within {_ANSWER_LIMIT_S:.0f} s."
                    _say(f"error: {message}")
                    printer.report_fatal(message)
                await _drain(session, stop_requested)
                stop_requested.set()
        await _wait_for_any(stop_requested, printer.failed, timeout=args.duration)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await session.stop()
        tools.timers.cancel_all()
        if history is not None:
            history.close()
    return EXIT_SESSION_FAILED if printer.fatal_error else EXIT_OK


async def _drain(session: VoiceSession, stop_requested: asyncio.Event) -> None:
    """Let the speaker play the rest of the answer (the server sends faster than real time)."""
    deadline = asyncio.get_running_loop().time() + _DRAIN_LIMIT_S
    while session.playback.is_playing() and not stop_requested.is_set():
        if asyncio.get_running_loop().time() > deadline:
            return
        await asyncio.sleep(0.05)
    await asyncio.sleep(session.playback.latency_ms / 1000.0)


async def _main(args: argparse.Namespace) -> int:
    # The same last-resort handlers as the window, without a banner: the crash log says it.
    crashes = CrashCapture(log_directory())
    crashes.install(asyncio.get_running_loop())
    try:
        return await _session_for(args)
    finally:
        crashes.uninstall()


async def _session_for(args: argparse.Namespace) -> int:
    loaded = SettingsStore().load()
    if loaded.message:
        _say(f"settings: {loaded.message}")
    if args.demo:
        async with _demo_server() as target:
            return await _converse(args, target, loaded.settings, demo=True)
    found = _credentials(args, loaded.settings)
    if isinstance(found, str):
        _say(f"error: {found}")
        return EXIT_SETUP
    return await _converse(args, found, loaded.settings, demo=False)


def run(args: argparse.Namespace) -> int:
    """Entry point for `--headless` (options are defined in `__main__`)."""
    if args.duration is not None and args.duration <= 0:
        _say("error: --duration must be a positive number of seconds.")
        return EXIT_SETUP
    from voicelive_desktop.logging_setup import setup_logging

    setup_logging(args.log_level, console=True)
    try:
        return asyncio.run(_main(args))
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception:
        log.exception("headless session crashed")
        print(
            "error: the session stopped unexpectedly; details are in the log file.", file=sys.stderr
        )
        return 1
