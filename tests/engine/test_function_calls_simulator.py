"""The function-call flow against the simulator: real SDK, real websocket, real tools."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.engine.conftest import EventLog
from tests.engine.simulator_engines import (
    answer,
    assert_every_event_was_typed,
    back_to_ready,
    tool_engine,
)
from tests.engine.speech_audio import espeak_pcm16, speak_into
from tests.waiting import wait_until
from voicelive_desktop.engine import (
    ResponseFinished,
    SessionEngine,
    SessionSettings,
    SessionState,
    SessionStateChanged,
)
from voicelive_desktop.engine.events import (
    ToolApprovalDecision,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallStatus,
)
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.tools.clock import clock_tool
from voicelive_desktop.tools.registry import (
    ToolError,
    ToolPolicy,
    ToolRegistry,
    ToolRisk,
    ToolSpec,
)

pytestmark = pytest.mark.asyncio

FIXED_NOW = datetime(2026, 3, 14, 15, 9, tzinfo=timezone(timedelta(hours=1), "CET"))
_EMPTY: dict[str, Any] = {"type": "object", "properties": {}}
_TEXT_ARG: dict[str, Any] = {
    "type": "object",
    "properties": {"text": {"type": "string"}},
    "required": ["text"],
    "additionalProperties": False,
}


class ToolProbe:
    """Test tools that record each run: an echo, a slow echo, one that raises, one that hangs."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, dict[str, Any]]] = []
        self.release = asyncio.Event()

    def specs(self) -> list[ToolSpec]:
        return [
            self._spec("echo", self._echo, ToolPolicy.ALWAYS_ALLOW, _TEXT_ARG),
            self._spec("slow_echo", self._slow_echo, ToolPolicy.ALWAYS_ALLOW, _TEXT_ARG),
            self._spec("private_echo", self._echo, ToolPolicy.ASK, _TEXT_ARG),
            self._spec("broken", self._broken, ToolPolicy.ALWAYS_ALLOW, _EMPTY),
            self._spec("crashing", self._crashing, ToolPolicy.ALWAYS_ALLOW, _EMPTY),
            ToolSpec(
                "hanging",
                "Never ends.",
                _EMPTY,
                self._hang,
                default_policy=ToolPolicy.ALWAYS_ALLOW,
                timeout_s=0.3,
            ),
        ]

    def _spec(self, name: str, handler: Any, policy: ToolPolicy, schema: Any) -> ToolSpec:
        risk = ToolRisk.PRIVATE_DATA if policy is ToolPolicy.ASK else ToolRisk.SAFE
        return ToolSpec(name, f"The {name} test tool.", schema, handler, risk, policy)

    async def _echo(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        self.runs.append(("echo", dict(arguments)))
        return {"echoed": arguments["text"], "summary": f"Echo says {arguments['text']}."}

    async def _slow_echo(self, arguments: Mapping[str, Any]) -> str:
        await self.release.wait()
        self.runs.append(("slow_echo", dict(arguments)))
        return f"slow {arguments['text']}"

    async def _broken(self, arguments: Mapping[str, Any]) -> str:
        raise ToolError("The printer is on fire.")

    async def _crashing(self, arguments: Mapping[str, Any]) -> str:
        raise RuntimeError("unexpected")

    async def _hang(self, arguments: Mapping[str, Any]) -> str:
        await asyncio.Event().wait()
        return "never"


@pytest.fixture
def probe() -> ToolProbe:
    return ToolProbe()


@pytest.fixture
def registry(probe: ToolProbe) -> ToolRegistry:
    registry = ToolRegistry()
    registry.register(clock_tool(lambda: FIXED_NOW))
    for spec in probe.specs():
        registry.register(spec)
    return registry


@pytest_asyncio.fixture
async def live(
    simulator: VoiceLiveSimulator, registry: ToolRegistry
) -> AsyncIterator[tuple[SessionEngine, EventLog]]:
    engine, log = tool_engine(simulator, registry, approval_timeout_s=1.0)
    await engine.start()
    yield engine, log
    await engine.stop()


def outputs_sent(sim: VoiceLiveSimulator) -> list[dict[str, Any]]:
    return [
        e.payload["item"]
        for e in sim.received_events
        if e.type == "conversation.item.create"
        and e.payload["item"]["type"] == "function_call_output"
    ]


async def test_session_offers_the_enabled_tools(
    live: tuple[SessionEngine, EventLog], simulator: VoiceLiveSimulator, registry: ToolRegistry
) -> None:
    config = simulator.session_config
    assert config is not None
    assert config["tool_choice"] == "auto"
    offered = {tool["name"]: tool for tool in config["tools"]}
    assert set(offered) == {spec.name for spec in registry.specs()}
    assert offered["echo"]["type"] == "function"
    assert offered["echo"]["parameters"] == _TEXT_ARG


async def test_spoken_answer_carries_the_time(
    simulator: VoiceLiveSimulator, registry: ToolRegistry
) -> None:
    engine, log = tool_engine(simulator, registry, SessionSettings())
    await engine.start()
    try:
        await engine.send_text("What time is it?")
        started = await log.wait_for(ToolCallStarted)
        assert (started.name, json.loads(started.arguments)) == ("get_current_time", {})
        finished = await log.wait_for(ToolCallFinished)
        assert finished.status is ToolCallStatus.OK
        assert json.loads(finished.result)["time"] == "15:09"
        assert "15:09" in finished.result_preview
        spoken = await answer(log)
        assert spoken == "It is 15:09 CET on Saturday 14 March 2026."
        audio = engine  # the answer was spoken, not only written
        assert audio.state in (SessionState.READY, SessionState.ASSISTANT_SPEAKING)
        assert [o["call_id"] for o in outputs_sent(simulator)] == [started.call_id]
        # One response.create for the question, exactly one for the outputs.
        await log.wait_for(ResponseFinished, lambda e: len(log.of(ResponseFinished)) == 2)
        assert len(simulator.received_of("response.create")) == 2
        assert simulator.sent_of("error") == []
        assert_every_event_was_typed(engine)
    finally:
        await engine.stop()


async def test_parallel_calls_run_concurrently_and_answer_once(
    live: tuple[SessionEngine, EventLog], simulator: VoiceLiveSimulator, probe: ToolProbe
) -> None:
    engine, log = live
    await engine.send_text('call slow_echo({"text": "one"}) and echo({"text": "two"})')
    # echo finishes while slow_echo still runs: they are not queued behind each other.
    fast = await log.wait_for(ToolCallFinished, lambda e: e.name == "echo")
    assert fast.status is ToolCallStatus.OK
    assert len(simulator.received_of("response.create")) == 1  # no answer before slow_echo
    probe.release.set()
    spoken = await answer(log)
    assert spoken == "Echo says two. The slow_echo tool returned: slow one"  # output order
    assert [o["output"] for o in outputs_sent(simulator)][-1] == "slow one"
    assert len(simulator.received_of("response.create")) == 2
    assert simulator.sent_of("error") == []


async def test_ask_tool_runs_only_after_consent(
    live: tuple[SessionEngine, EventLog], simulator: VoiceLiveSimulator, probe: ToolProbe
) -> None:
    engine, log = live
    await engine.send_text('call private_echo({"text": "secret"})')
    asked = await log.wait_for(ToolApprovalRequested)
    assert (asked.name, asked.arguments, asked.risk) == (
        "private_echo",
        '{"text": "secret"}',
        "private_data",
    )
    await asyncio.sleep(0.2)
    assert probe.runs == [] and outputs_sent(simulator) == []
    assert engine.answer_tool_approval(asked.call_id, ToolApprovalDecision.ALLOW_ONCE)
    done = await log.wait_for(ToolCallFinished)
    assert done.status is ToolCallStatus.OK
    assert probe.runs == [("echo", {"text": "secret"})]
    assert not engine.answer_tool_approval(asked.call_id, ToolApprovalDecision.DENY)


async def test_denied_and_unanswered_consent_never_run_the_tool(
    live: tuple[SessionEngine, EventLog], simulator: VoiceLiveSimulator, probe: ToolProbe
) -> None:
    engine, log = live
    await engine.send_text('call private_echo({"text": "a"})')
    asked = await log.wait_for(ToolApprovalRequested)
    engine.answer_tool_approval(asked.call_id, ToolApprovalDecision.DENY)
    denied = await log.wait_for(ToolCallFinished)
    assert denied.status is ToolCallStatus.DENIED
    assert "denied" in (await answer(log))
    # No answer within the (1 s) timeout: denied, and the model is told why.
    await engine.send_text('call private_echo({"text": "b"})')
    timed_out = await log.wait_for(ToolCallFinished, lambda e: e.call_id != denied.call_id)
    assert timed_out.status is ToolCallStatus.DENIED
    assert "did not answer the consent prompt within 1 s" in timed_out.error
    assert json.loads(outputs_sent(simulator)[-1]["output"])["error"] == timed_out.error
    assert probe.runs == []


async def test_always_allow_sets_the_policy(
    live: tuple[SessionEngine, EventLog], registry: ToolRegistry, probe: ToolProbe
) -> None:
    engine, log = live
    await engine.send_text('call private_echo({"text": "a"})')
    asked = await log.wait_for(ToolApprovalRequested)
    engine.answer_tool_approval(asked.call_id, ToolApprovalDecision.ALWAYS_ALLOW)
    await log.wait_for(ToolCallFinished)
    assert registry.policy("private_echo") is ToolPolicy.ALWAYS_ALLOW
    await answer(log)
    await engine.send_text('call private_echo({"text": "b"})')
    await log.wait_for(ToolCallFinished, lambda e: e.call_id != asked.call_id)
    assert len(log.of(ToolApprovalRequested)) == 1
    assert [args["text"] for _, args in probe.runs] == ["a", "b"]


@pytest.mark.allow_log_warnings(r"engine\.function_calls: tool crashing raised")
@pytest.mark.parametrize(
    ("message", "status", "error_part"),
    [
        ("call echo({text: 1})", ToolCallStatus.FAILED, "not valid JSON"),
        ('call echo({"text": 5})', ToolCallStatus.FAILED, "at 'text': 5 is not of type 'string'"),
        ('call echo({"txt": "a"})', ToolCallStatus.FAILED, "'text' is a required property"),
        ("call no_such_tool({})", ToolCallStatus.FAILED, "There is no tool named 'no_such_tool'"),
        ("call broken({})", ToolCallStatus.FAILED, "The printer is on fire."),
        ("call crashing({})", ToolCallStatus.FAILED, "RuntimeError: unexpected"),
        ("call hanging({})", ToolCallStatus.FAILED, "did not finish within 0.3 s"),
    ],
)
async def test_failures_reach_the_model_as_short_json_errors(
    live: tuple[SessionEngine, EventLog],
    simulator: VoiceLiveSimulator,
    probe: ToolProbe,
    message: str,
    status: ToolCallStatus,
    error_part: str,
) -> None:
    engine, log = live
    await engine.send_text(message)
    finished = await log.wait_for(ToolCallFinished)
    assert finished.status is status
    assert error_part in finished.error
    output = json.loads(outputs_sent(simulator)[0]["output"])
    assert output == {"error": finished.error} and len(finished.error) < 300
    assert f"I could not use {finished.name}: {finished.error}" in await answer(log)
    assert probe.runs == []
    assert engine.state is not SessionState.DISCONNECTED


async def test_off_tool_is_not_offered_and_refused(
    live: tuple[SessionEngine, EventLog], simulator: VoiceLiveSimulator, registry: ToolRegistry
) -> None:
    engine, log = live
    registry.set_policy("echo", ToolPolicy.OFF)
    await simulator.wait_for_event(
        "session.update",
        predicate=lambda e: "echo" not in {t["name"] for t in e["session"]["tools"]},
    )
    config = simulator.session_config
    assert config is not None and "echo" not in {t["name"] for t in config["tools"]}
    await engine.send_text('call echo({"text": "a"})')
    refused = await log.wait_for(ToolCallFinished)
    assert refused.status is ToolCallStatus.DENIED
    assert "turned the tool 'echo' off" in refused.error


async def test_registry_changes_apply_live_once_per_burst(
    live: tuple[SessionEngine, EventLog], simulator: VoiceLiveSimulator, registry: ToolRegistry
) -> None:
    updates = len(simulator.received_of("session.update"))
    for name in ("dice_a", "dice_b", "dice_c"):
        registry.register(ToolSpec(name, "Roll.", _EMPTY, ToolProbe()._broken, source="mcp:dice"))
    await simulator.wait_for_event(
        "session.update", predicate=lambda e: "dice_c" in str(e["session"]["tools"])
    )
    await asyncio.sleep(0.2)
    assert len(simulator.received_of("session.update")) == updates + 1
    registry.set_policy("private_echo", ToolPolicy.ALWAYS_ALLOW)  # the model sees no change
    registry.unregister_source("mcp:dice")
    await simulator.wait_for_event(
        "session.update",
        predicate=lambda e: "dice_a" not in str(e["session"]["tools"]),
    )
    await asyncio.sleep(0.2)
    assert len(simulator.received_of("session.update")) == updates + 2


async def test_barge_in_cancels_a_slow_tool_without_stale_output(
    live: tuple[SessionEngine, EventLog], simulator: VoiceLiveSimulator, probe: ToolProbe
) -> None:
    engine, log = live
    await engine.send_text('call slow_echo({"text": "late"})')
    started = await log.wait_for(ToolCallStarted)
    assert engine.state is SessionState.THINKING
    await engine.send_text("Never mind.")  # the user cuts in while the tool runs
    cancelled = await log.wait_for(ToolCallFinished)
    assert cancelled.status is ToolCallStatus.CANCELLED
    probe.release.set()
    assert "You typed: Never mind." in await answer(log)
    await asyncio.sleep(0.2)
    assert outputs_sent(simulator) == []
    assert probe.runs == []  # the task was cancelled, not left to finish
    assert [c for c in simulator.sent_of("error")] == []
    assert started.call_id not in json.dumps(
        [e.payload for e in simulator.received_events if e.type == "conversation.item.create"]
    )


async def test_reconnect_mid_call_cancels_it_and_replays_finished_calls(
    live: tuple[SessionEngine, EventLog], simulator: VoiceLiveSimulator, probe: ToolProbe
) -> None:
    engine, log = live
    await engine.send_text('call echo({"text": "kept"})')
    kept = await log.wait_for(ToolCallFinished)
    first_answer = await answer(log)
    await engine.send_text('call slow_echo({"text": "lost"})')
    await log.wait_for(ToolCallStarted, lambda e: e.name == "slow_echo")
    await simulator.close_sessions(1011, "internal error")
    cancelled = await log.wait_for(ToolCallFinished, lambda e: e.name == "slow_echo")
    assert cancelled.status is ToolCallStatus.CANCELLED
    await log.wait_for(SessionStateChanged, back_to_ready, timeout=10)
    probe.release.set()

    def replayed_items() -> list[dict[str, Any]]:
        return [
            e.payload["item"]
            for e in simulator.received_events
            if e.connection == 2 and e.type == "conversation.item.create"
        ]

    # READY follows the engine's sends; the simulator may still be reading them.
    await wait_until(lambda: len(replayed_items()) >= 5, what="the replayed context")
    await asyncio.sleep(0.2)  # and nothing more follows (no stale output of slow_echo)
    replayed = replayed_items()
    kinds = [(i["type"], i.get("role") or i.get("name") or i.get("call_id")) for i in replayed]
    assert kinds == [
        ("message", "user"),
        ("function_call", "echo"),
        ("function_call_output", kept.call_id),
        ("message", "assistant"),
        ("message", "user"),
    ]
    assert replayed[3]["content"][0]["text"] == first_answer
    assert simulator.sent_of("error") == []
    assert probe.runs == [("echo", {"text": "kept"})]


async def test_spoken_barge_in_cancels_a_slow_tool(
    live: tuple[SessionEngine, EventLog],
    simulator: VoiceLiveSimulator,
    probe: ToolProbe,
    tmp_path: Path,
) -> None:
    engine, log = live
    await engine.send_text('call slow_echo({"text": "late"})')
    await log.wait_for(ToolCallStarted)
    speech = espeak_pcm16("Actually, forget it.", tmp_path)
    await speak_into(engine.submit_input_audio, speech, silence_ms=800)
    cancelled = await log.wait_for(ToolCallFinished)
    assert cancelled.status is ToolCallStatus.CANCELLED
    assert "started speaking" in cancelled.error
    await log.wait_for(ResponseFinished, lambda e: len(log.of(ResponseFinished)) == 2)
    probe.release.set()
    await asyncio.sleep(0.2)
    assert outputs_sent(simulator) == [] and probe.runs == []
    assert simulator.sent_of("error") == []


async def test_a_slow_consent_outlives_the_thinking_timeout(
    simulator: VoiceLiveSimulator, registry: ToolRegistry, probe: ToolProbe
) -> None:
    engine, log = tool_engine(simulator, registry, thinking_timeout_s=0.3)
    await engine.start()
    try:
        await engine.send_text('call private_echo({"text": "slow"})')
        asked = await log.wait_for(ToolApprovalRequested)
        await asyncio.sleep(0.8)  # the user reads the prompt for a while
        assert engine.state is SessionState.THINKING
        engine.answer_tool_approval(asked.call_id, ToolApprovalDecision.ALLOW_ONCE)
        assert await answer(log) == "Echo says slow."
        await log.wait_for(ResponseFinished, lambda e: len(log.of(ResponseFinished)) == 2)
        assert engine.state is SessionState.READY
    finally:
        await engine.stop()
