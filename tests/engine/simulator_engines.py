"""Engines on the simulator for tests: the demo key, a wall-clock speaker, an EventLog."""

from __future__ import annotations

from typing import Any

from tests.engine.conftest import EventLog, WallClockPlayback
from voicelive_desktop.engine import (
    AssistantTranscriptCompleted,
    ConnectionSettings,
    SessionEngine,
    SessionSettings,
    SessionState,
    SessionStateChanged,
    key_credential,
)
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.tools.registry import ToolRegistry

TEXT_ONLY = SessionSettings(modalities=("text",))


def logged_engine(
    connection: ConnectionSettings,
    session: SessionSettings,
    key: str = DEMO_API_KEY,
    **options: Any,
) -> tuple[SessionEngine, EventLog]:
    """A SessionEngine (not started) with an EventLog subscribed to every event."""
    engine = SessionEngine(connection, key_credential(key), session, **options)
    log = EventLog()
    engine.subscribe(log)
    return engine, log


def engine_for(
    sim: VoiceLiveSimulator,
    key: str = DEMO_API_KEY,
    session: SessionSettings | None = None,
    **kwargs: Any,
) -> tuple[SessionEngine, EventLog, WallClockPlayback]:
    """An engine for `sim` with its event log and the playback it 'plays' to."""
    playback = WallClockPlayback()
    connection = ConnectionSettings(
        endpoint=sim.endpoint, model=str(kwargs.pop("model", "gpt-realtime"))
    )
    engine, log = logged_engine(
        connection, session or SessionSettings(), key, playback=playback, **kwargs
    )
    return engine, log, playback


def tool_engine(
    sim: VoiceLiveSimulator, registry: ToolRegistry, session: SessionSettings = TEXT_ONLY, **kw: Any
) -> tuple[SessionEngine, EventLog]:
    """An engine for `sim` that offers the tools of `registry`."""
    connection = ConnectionSettings(endpoint=sim.endpoint, model="gpt-realtime")
    return logged_engine(connection, session, playback=WallClockPlayback(), tools=registry, **kw)


async def answer(log: EventLog, *, after: int = 0) -> str:
    """The text of the next assistant transcript after the first `after` ones."""
    final = await log.wait_for(
        AssistantTranscriptCompleted, lambda e: len(log.of(AssistantTranscriptCompleted)) > after
    )
    return final.text


def assert_every_event_was_typed(engine: SessionEngine) -> None:
    """Every simulator event became its specific SDK model, as the real service's do."""
    stats = engine.hostile_input
    assert (stats.untyped, stats.unknown_types, stats.malformed) == (0, 0, 0)
    assert stats.internal_errors == stats.out_of_order == 0


def back_to_ready(event: SessionStateChanged) -> bool:
    """The state change that ends a reconnect."""
    return event.state is SessionState.READY and event.previous is SessionState.RECONNECTING
