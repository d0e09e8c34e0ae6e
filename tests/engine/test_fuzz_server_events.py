"""Hypothesis fuzzing of server events: straight into dispatch, and through a real websocket."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pytest
from azure.ai.voicelive.models import ServerEvent
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.engine.conftest import EventLog
from tests.engine.scripted_server import ScriptedServer
from tests.engine.test_server_events import Harness, audio, done, response_start
from voicelive_desktop.engine import (
    ConnectionSettings,
    ResponseFinished,
    SessionEngine,
    SessionSettings,
    SessionState,
    key_credential,
)
from voicelive_desktop.engine.state import CONVERSATION_STATES
from voicelive_desktop.protocol import DEMO_API_KEY

HANDLED_TYPES = [
    "session.created",
    "session.updated",
    "error",
    "input_audio_buffer.speech_started",
    "input_audio_buffer.speech_stopped",
    "input_audio_buffer.committed",
    "conversation.item.input_audio_transcription.completed",
    "conversation.item.truncated",
    "response.created",
    "response.output_item.added",
    "response.audio.delta",
    "response.audio.done",
    "response.audio_transcript.delta",
    "response.audio_transcript.done",
    "response.text.delta",
    "response.text.done",
    "response.done",
]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
ids = st.sampled_from(["r1", "r2", "r3", "i1", "i2", ""]) | json_scalars
audio_deltas = (
    st.binary(max_size=600).map(lambda b: base64.b64encode(b).decode())  # odd lengths too
    | st.sampled_from(["!!!", "AAE", "====", "A" * 7, "\u00e9\u00e9"])
    | json_scalars
)
texts = st.text(max_size=20) | json_values
response_bodies = st.fixed_dictionaries(
    {},
    optional={
        "id": ids,
        "status": st.sampled_from(["completed", "cancelled", "failed", "incomplete"]) | json_values,
        "usage": st.fixed_dictionaries({}, optional={"output_tokens": json_scalars}) | json_values,
    },
)
fields = {
    "response_id": ids,
    "item_id": ids,
    "delta": audio_deltas | texts,
    "transcript": texts,
    "text": texts,
    "response": response_bodies | json_values,
    "item": st.fixed_dictionaries({}, optional={"id": ids}) | json_values,
    "session": st.fixed_dictionaries(
        {}, optional={"id": ids, "voice": st.fixed_dictionaries({}, optional={"name": texts})}
    )
    | json_values,
    "error": st.fixed_dictionaries({}, optional={"message": texts, "code": texts}) | json_values,
    "audio_start_ms": json_scalars,
    "audio_end_ms": json_scalars,
}
event_types = st.sampled_from(HANDLED_TYPES) | st.text(max_size=30) | json_scalars
chaos_events = st.fixed_dictionaries({"type": event_types}, optional=fields) | json_values

# Mostly protocol-shaped events over a few ids, so responses really stream, overlap and
# get interrupted; every field is still sometimes of the wrong type.
pool_ids = st.sampled_from(["r1", "r2", "r3"])
pool_items = st.sampled_from(["i1", "i2"])
plausible_deltas = st.binary(min_size=1, max_size=400).map(
    lambda b: base64.b64encode(b).decode()
) | st.sampled_from(["!!!", "AAE"])


def _shaped(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    body: dict[str, st.SearchStrategy[Any]] = {"type": st.just(kind)}
    if kind in ("response.created", "response.done"):
        body["response"] = st.fixed_dictionaries(
            {"id": pool_ids},
            optional={"status": st.sampled_from(["completed", "cancelled"]) | json_scalars},
        )
    elif kind == "response.output_item.added":
        body |= {"response_id": pool_ids, "item": st.fixed_dictionaries({"id": pool_items})}
    elif kind.startswith("response."):
        body |= {"response_id": pool_ids, "item_id": pool_items}
        body["delta"] = plausible_deltas if kind == "response.audio.delta" else st.text(max_size=8)
        body["transcript"] = st.text(max_size=8)
    else:
        body |= {"audio_start_ms": st.integers(0, 10**6), "transcript": st.text(max_size=8)}
    return st.fixed_dictionaries(body)


plausible_events = st.sampled_from(HANDLED_TYPES).flatmap(_shaped)
events = st.one_of(plausible_events, plausible_events, chaos_events)

FUZZ_EXAMPLES = 220
EVENTS_PER_EXAMPLE = (50, 80)


def finish_cleanly(h: Harness) -> None:
    """A well-formed turn after the noise: the engine must settle back to READY."""
    h.feed(
        {"type": "input_audio_buffer.speech_started"},
        {"type": "input_audio_buffer.speech_stopped"},
        *response_start("final", "final-item"),
        audio("final", "final-item"),
        done("final"),
    )


@pytest.mark.allow_log_warnings(
    r"engine\.connection: (malformed|unparseable) server message ignored",
    r"azure\.ai\.voicelive\.aio\._patch: Error parsing message",
    r"engine\.server_events: server event without a type ignored",
    r"engine\.server_errors: server error event",
    r"engine\.audio_deltas: audio delta",
)
def test_dispatch_survives_ten_thousand_hostile_events() -> None:
    fed = 0

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(
        st.lists(
            st.tuples(events, st.booleans()),
            min_size=EVENTS_PER_EXAMPLE[0],
            max_size=EVENTS_PER_EXAMPLE[1],
        )
    )
    def run(sequence: list[tuple[Any, bool]]) -> None:
        nonlocal fed
        h = Harness()
        for payload, through_sdk in sequence:
            fed += 1
            if through_sdk or not isinstance(payload, dict):
                try:
                    parsed = ServerEvent._deserialize(payload, [])  # type: ignore[no-untyped-call]
                except Exception:
                    continue  # the receive loop counts these as malformed frames
                if not isinstance(parsed, ServerEvent):
                    continue
                h.handler.handle(parsed)
            else:
                h.handler.handle(payload)
            assert h.states.state in CONVERSATION_STATES
        assert all(size % 2 == 0 for size in h.playback.enqueued_sizes)
        assert h.handler.stats.internal_errors == 0
        finish_cleanly(h)
        assert h.states.state is SessionState.READY
        assert h.of(ResponseFinished)[-1] == ResponseFinished(
            "final", "completed", 9, item_id="final-item"
        )

    run()
    assert fed >= 10_000


@pytest.mark.allow_log_warnings(
    r"engine\.connection: (malformed|unparseable) server message ignored",
    r"azure\.ai\.voicelive\.aio\._patch: Error parsing message",
    r"engine\.server_events: server event without a type ignored",
    r"engine\.server_errors: server error event",
    r"engine\.audio_deltas: audio delta",
    r"engine\.response_requests: the interrupted response did not end",
)
def test_engine_survives_hostile_frames_over_the_websocket() -> None:
    # No shrinking: each example is a real session, and a failure prints its frames anyway.
    @settings(max_examples=3, deadline=None, database=None, phases=[Phase.generate])
    @given(st.lists(events.map(json.dumps) | st.text(max_size=40), min_size=150, max_size=200))
    def run(frames: list[str]) -> None:
        asyncio.run(converse_through(frames))

    run()


async def converse_through(frames: list[str]) -> None:
    server = ScriptedServer()
    server.script.hostile_frames = frames
    server.script.audio_chunks = 2
    await server.start()
    engine = SessionEngine(
        ConnectionSettings(endpoint=server.endpoint),
        key_credential(DEMO_API_KEY),
        SessionSettings(),
    )
    log = EventLog()
    engine.subscribe(log)
    try:
        await engine.start()
        # The noise arrives first; a real turn must still work on the same connection.
        await engine.send_text("still with me?")
        # Hostile frames may create and finish responses of their own; wait for the real one.
        finished = await log.wait_for(
            ResponseFinished, lambda e: e.response_id.startswith("resp_") and e.status != ""
        )
        assert (finished.status, finished.output_tokens) == ("completed", 7)
        assert server.connections == 1
        assert engine.hostile_input.internal_errors == 0
    finally:
        await engine.stop()
        await server.close()
