"""A service that refuses this computer's playback as the echo reference: the session falls
back, says so once, and the next connection to that endpoint starts with the fallback.

Through the real SDK against the simulator's `client_echo_reference` modes: "refuse" (an
`error` answers the session.update) and "drop" (session.updated comes back without it).
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from azure.core.credentials import AzureKeyCredential

from tests.fixtures.virtual_audio import VirtualAudio
from tests.waiting import wait_until
from voicelive_desktop import echo_support, protocol
from voicelive_desktop.engine import SessionEngine
from voicelive_desktop.engine.events import (
    EchoModeFellBack,
    EngineEvent,
    ErrorKind,
    SessionErrorReported,
    SessionState,
)
from voicelive_desktop.engine.session_settings import (
    ConnectionSettings,
    EchoCancellationMode,
    SessionSettings,
)
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.voice_session import VoiceSession

M = EchoCancellationMode
CLIENT = M.SERVICE_WITH_CLIENT_REFERENCE
REFUSALS = ["refuse", "drop"]
_FELL_BACK = pytest.mark.allow_log_warnings("refused the client echo reference")


def _echo_configs(simulator: VoiceLiveSimulator) -> list[object]:
    return [
        update["session"].get("input_audio_echo_cancellation")
        for update in simulator.received_of("session.update")
    ]


@pytest.mark.asyncio
@_FELL_BACK
@pytest.mark.parametrize("refusal", REFUSALS)
async def test_the_engine_falls_back_and_keeps_the_fallback_on_reconnect(
    simulator: VoiceLiveSimulator, refusal: str
) -> None:
    simulator.faults.modes.client_echo_reference = refusal
    events: list[EngineEvent] = []
    engine = SessionEngine(
        ConnectionSettings(endpoint=simulator.endpoint),
        AzureKeyCredential(protocol.DEMO_API_KEY),
        SessionSettings(echo_cancellation=CLIENT, input_transcription_model=""),
        echo_fallback=M.SERVICE,
    )
    engine.subscribe(events.append)
    await engine.start()
    try:
        assert engine.state is SessionState.READY
        fell_back = [e for e in events if isinstance(e, EchoModeFellBack)]
        assert [(e.requested, e.used) for e in fell_back] == [(CLIENT, M.SERVICE)]
        # The refusal's raw error is not shown: the fallback's message says it better.
        assert not [e for e in events if isinstance(e, SessionErrorReported)]
        server = {"type": "server_echo_cancellation", "reference_source": "server"}
        assert _echo_configs(simulator)[-1] == server
        assert (simulator.session_config or {})["input_audio_echo_cancellation"] == server
        await engine.reconnect()
        await wait_until(lambda: len(simulator.received_of("session.update")) == 3, 10)
        await wait_until(lambda: engine.state is SessionState.READY, 10)
        assert _echo_configs(simulator)[-1] == server  # not asked for again
        assert len([e for e in events if isinstance(e, EchoModeFellBack)]) == 1
    finally:
        await engine.stop()


@pytest.mark.asyncio
@pytest.mark.allow_log_warnings("not supported by this resource")
async def test_other_refused_settings_still_fail_the_start(simulator: VoiceLiveSimulator) -> None:
    # Only an echo refusal falls back; a refused voice is the user's to fix.
    simulator.faults.modes.refuse_setting = "voice"
    engine = SessionEngine(
        ConnectionSettings(endpoint=simulator.endpoint),
        AzureKeyCredential(protocol.DEMO_API_KEY),
        SessionSettings(echo_cancellation=CLIENT),
    )
    events: list[EngineEvent] = []
    engine.subscribe(events.append)
    with pytest.raises(Exception, match="voice"):
        await engine.start()
    assert not [e for e in events if isinstance(e, EchoModeFellBack)]


@pytest.mark.audio
@pytest.mark.asyncio
@_FELL_BACK
@pytest.mark.timeout(60)
@pytest.mark.parametrize("refusal", REFUSALS)
async def test_a_voice_session_switches_the_mic_to_mono_and_remembers(
    virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator, refusal: str
) -> None:
    simulator.faults.modes.client_echo_reference = refusal
    connection = ConnectionSettings(endpoint=simulator.endpoint)
    settings = SessionSettings(echo_cancellation=CLIENT, input_transcription_model="")

    def voice_session(events: list[EngineEvent]) -> VoiceSession:
        session = VoiceSession(connection, AzureKeyCredential(protocol.DEMO_API_KEY), settings)
        session.subscribe(events.append)
        return session

    events: list[EngineEvent] = []
    session = voice_session(events)
    assert session.echo_mode is CLIENT  # a fresh install asks for the best mode
    await session.start()
    try:
        assert session.echo_mode is M.THIS_COMPUTER  # AEC3 loads here
        assert session.capture.echo_stage is not None
        assert session.capture.echo_stage.channels == 1
        await wait_until(lambda: len(simulator.received_of("input_audio_buffer.append")) > 20)
    finally:
        await session.stop()
    messages = [e for e in events if isinstance(e, SessionErrorReported)]
    assert [(m.kind, m.fatal) for m in messages] == [(ErrorKind.SERVER_ERROR, False)]
    assert "does not take this computer's playback as the echo reference" in messages[0].message
    assert "cancelled on this computer" in messages[0].message
    assert _echo_configs(simulator)[-1] is None  # cancelled here: the service does none
    # Every frame the service got was mono (a stereo one would have earned an error).
    errors = [e["error"]["param"] for e in simulator.sent_of("error")]
    refused = ["session.input_audio_echo_cancellation.reference_source"]
    assert errors == (refused if refusal == "refuse" else [])
    append = base64.b64decode(simulator.received_of("input_audio_buffer.append")[-1]["audio"])
    assert len(append) % protocol.FRAME_BYTES == 0 and np.frombuffer(append, "<i2").size > 0

    # The next connection to this endpoint starts with the fallback, asks nothing, says nothing.
    updates = len(simulator.received_of("session.update"))
    events = []
    again = voice_session(events)
    assert again.echo_mode is M.THIS_COMPUTER
    await again.start()
    await again.stop()
    assert _echo_configs(simulator)[updates:] == [None]
    assert not [e for e in events if isinstance(e, (SessionErrorReported, EchoModeFellBack))]


def test_a_refusal_is_remembered_per_endpoint_model_and_version(tmp_path: Path) -> None:
    path = tmp_path / "support.json"
    refusing = ConnectionSettings(endpoint="https://a.example.com/", model="gpt-realtime")
    echo_support.remember_refusal(refusing, M.THIS_COMPUTER, "not supported", path)
    assert echo_support.remembered_fallback(refusing, path) is M.THIS_COMPUTER
    same = ConnectionSettings(endpoint="https://A.example.com", model="gpt-realtime")
    assert echo_support.remembered_fallback(same, path) is M.THIS_COMPUTER
    for other in (
        ConnectionSettings(endpoint="https://b.example.com", model="gpt-realtime"),
        ConnectionSettings(endpoint="https://a.example.com", model="gpt-4o-realtime"),
        ConnectionSettings(
            endpoint="https://a.example.com", model="gpt-realtime", api_version="2026-09-01"
        ),
    ):
        assert echo_support.remembered_fallback(other, path) is None, other
    # After a month the best mode is asked for again: the service may have learned it.
    later = datetime.now(timezone.utc) + echo_support.RETRY_AFTER + timedelta(days=1)
    assert echo_support.remembered_fallback(refusing, path, now=later) is None


@pytest.mark.allow_log_warnings("ignoring an unreadable")
def test_an_unreadable_memory_asks_again(tmp_path: Path) -> None:
    path = tmp_path / "support.json"
    path.write_text("{not json", encoding="utf-8")
    connection = ConnectionSettings(endpoint="https://a.example.com")
    assert echo_support.remembered_fallback(connection, path) is None
    echo_support.remember_refusal(connection, M.SERVICE, "dropped", path)
    assert echo_support.remembered_fallback(connection, path) is M.SERVICE
