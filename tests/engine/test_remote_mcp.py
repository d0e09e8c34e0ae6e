"""Remote MCP through the service: the engine, the simulator and a real MCP server over HTTP.

The simulator is a real MCP client (the `mcp` SDK) to the test server's URL, as the service
is to a user's server; the engine turns the flow into tool cards and consent prompts.
"""

from __future__ import annotations

import pytest
from azure.ai.voicelive.models import RequestSession

from tests.engine.conftest import EventLog
from tests.engine.simulator_engines import TEXT_ONLY, logged_engine
from tests.fixtures.mcp_servers import HTTP_TOKEN, HTTP_TOKEN_HEADER, HttpMcpServer
from voicelive_desktop.engine import (
    AssistantTranscriptCompleted,
    ConnectionSettings,
    SessionEngine,
)
from voicelive_desktop.engine.events import (
    RemoteMcpToolAllowed,
    RemoteMcpToolsListed,
    ResponseFinished,
    ToolApprovalDecision,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallStatus,
)
from voicelive_desktop.engine.remote_mcp_config import RemoteMcpServer
from voicelive_desktop.simulator import VoiceLiveSimulator, remote_mcp

pytestmark = pytest.mark.asyncio


def remote(url: str, approval: str = "always", **changes: object) -> RemoteMcpServer:
    fields: dict[str, object] = {
        "server_label": "tests",
        "server_url": url,
        "require_approval": approval,
        "headers": {HTTP_TOKEN_HEADER: HTTP_TOKEN},
    }
    fields.update(changes)
    return RemoteMcpServer(**fields)  # type: ignore[arg-type]


async def started(
    sim: VoiceLiveSimulator, *servers: RemoteMcpServer
) -> tuple[SessionEngine, EventLog]:
    engine, log = logged_engine(
        ConnectionSettings(endpoint=sim.endpoint), TEXT_ONLY, remote_mcp=servers
    )
    await engine.start()
    return engine, log


async def test_session_config_carries_the_mcp_server_and_tools_are_listed(
    sim: VoiceLiveSimulator, http_mcp_server: HttpMcpServer
) -> None:
    server = remote(http_mcp_server.url, "never", allowed_tools=("echo", "pid"))
    engine, log = await started(sim, server)
    try:
        listed = await log.wait_for(
            RemoteMcpToolsListed, lambda e: e.status == "completed" and bool(e.tools)
        )
        assert listed.server_label == "tests" and set(listed.tools) == {"echo", "pid"}
        tool = sim.received_of("session.update")[0]["session"]["tools"][-1]
        assert tool["type"] == "mcp" and tool["server_url"] == http_mcp_server.url
        assert tool["require_approval"] == "never"
        assert tool["headers"] == {HTTP_TOKEN_HEADER: HTTP_TOKEN}
        assert HTTP_TOKEN not in repr(server)
    finally:
        await engine.stop()


async def test_a_call_without_approval_is_a_card_then_a_spoken_answer(
    sim: VoiceLiveSimulator, http_mcp_server: HttpMcpServer
) -> None:
    engine, log = await started(sim, remote(http_mcp_server.url, "never"))
    try:
        await log.wait_for(RemoteMcpToolsListed, lambda e: e.status == "completed")
        await engine.send_text('call echo({"text": "from afar"})')
        started_card = await log.wait_for(ToolCallStarted)
        assert started_card.source == "mcp_remote" and started_card.name == "tests__echo"
        assert started_card.arguments == '{"text": "from afar"}'
        finished = await log.wait_for(ToolCallFinished)
        assert finished.status is ToolCallStatus.OK and finished.result == "echo: from afar"
        assert finished.call_id == started_card.call_id
        answer = await log.wait_for(AssistantTranscriptCompleted, lambda e: "afar" in e.text)
        assert "echo: from afar" in answer.text
        assert log.of(ToolApprovalRequested) == []
    finally:
        await engine.stop()


async def test_an_allowed_approval_runs_the_call_on_the_same_card(
    sim: VoiceLiveSimulator, http_mcp_server: HttpMcpServer
) -> None:
    engine, log = await started(sim, remote(http_mcp_server.url))
    try:
        await log.wait_for(RemoteMcpToolsListed, lambda e: e.status == "completed")
        await engine.send_text('call echo({"text": "approved"})')
        asked = await log.wait_for(ToolApprovalRequested)
        assert asked.arguments == '{"text": "approved"}' and asked.name == "tests__echo"
        assert sim.sent_of("response.mcp_call.in_progress") == []
        await engine.remote_calls.answer(asked.call_id, ToolApprovalDecision.ALLOW_ONCE)
        finished = await log.wait_for(ToolCallFinished)
        assert finished.call_id == asked.call_id and finished.status is ToolCallStatus.OK
        await log.wait_for(AssistantTranscriptCompleted, lambda e: "approved" in e.text)
        response = sim.received_of("conversation.item.create")[-1]["item"]
        assert response == {
            "type": "mcp_approval_response",
            "approval_request_id": asked.call_id,
            "approve": True,
        }
    finally:
        await engine.stop()


async def test_always_allow_is_reported_and_a_per_tool_approval_runs_unasked(
    sim: VoiceLiveSimulator, http_mcp_server: HttpMcpServer
) -> None:
    engine, log = await started(sim, remote(http_mcp_server.url))
    try:
        await log.wait_for(RemoteMcpToolsListed, lambda e: e.status == "completed")
        await engine.send_text('call echo({"text": "one"})')
        asked = await log.wait_for(ToolApprovalRequested)
        await engine.remote_calls.answer(asked.call_id, ToolApprovalDecision.ALWAYS_ALLOW)
        assert log.of(RemoteMcpToolAllowed) == [RemoteMcpToolAllowed("tests", "echo")]
        await log.wait_for(AssistantTranscriptCompleted, lambda e: "one" in e.text)
        await log.wait_for(ResponseFinished, lambda e: len(log.of(ResponseFinished)) >= 3)
        await engine.send_text('call echo({"text": "two"})')  # answered for the user
        await log.wait_for(AssistantTranscriptCompleted, lambda e: "two" in e.text)
        assert len(log.of(ToolApprovalRequested)) == 1
        assert len(log.of(RemoteMcpToolAllowed)) == 1
    finally:
        await engine.stop()
    # The next session tells the service itself, with the per-tool dictionary.
    per_tool = remote(http_mcp_server.url, require_approval={"never": ["echo"]})
    engine, log = await started(sim, per_tool)
    try:
        await log.wait_for(RemoteMcpToolsListed, lambda e: e.status == "completed")
        tool = sim.received_of("session.update")[-1]["session"]["tools"][-1]
        assert tool["require_approval"] == {"never": ["echo"]}
        await engine.send_text('call echo({"text": "three"})')
        finished = await log.wait_for(ToolCallFinished)
        assert finished.status is ToolCallStatus.OK and log.of(ToolApprovalRequested) == []
        await log.wait_for(AssistantTranscriptCompleted, lambda e: "three" in e.text)
        await log.wait_for(ResponseFinished, lambda e: len(log.of(ResponseFinished)) >= 2)
        await engine.send_text("call pid()")  # not listed: still asks
        await log.wait_for(ToolApprovalRequested)
    finally:
        await engine.stop()


async def test_a_denied_approval_never_reaches_the_server(
    sim: VoiceLiveSimulator, http_mcp_server: HttpMcpServer
) -> None:
    engine, log = await started(sim, remote(http_mcp_server.url))
    try:
        await log.wait_for(RemoteMcpToolsListed, lambda e: e.status == "completed")
        await engine.send_text("call pid()")
        asked = await log.wait_for(ToolApprovalRequested)
        await engine.remote_calls.answer(asked.call_id, ToolApprovalDecision.DENY)
        denied = await log.wait_for(ToolCallFinished)
        assert denied.status is ToolCallStatus.DENIED
        await log.wait_for(AssistantTranscriptCompleted, lambda e: "did not run" in e.text)
        assert sim.sent_of("response.mcp_call.in_progress") == []
    finally:
        await engine.stop()


async def test_a_failing_tool_and_a_dead_server_send_failed_events(
    sim: VoiceLiveSimulator, http_mcp_server: HttpMcpServer
) -> None:
    engine, log = await started(sim, remote(http_mcp_server.url, "never"))
    try:
        await log.wait_for(RemoteMcpToolsListed, lambda e: e.status == "completed")
        await engine.send_text("call refuse()")
        failed = await log.wait_for(ToolCallFinished)
        assert failed.status is ToolCallStatus.FAILED and "refused on purpose" in failed.error
        assert sim.sent_of("response.mcp_call.failed")
    finally:
        await engine.stop()
    http_mcp_server.process.kill()
    http_mcp_server.process.wait(5)
    engine, log = await started(sim, remote(http_mcp_server.url, "never"))
    try:
        await log.wait_for(RemoteMcpToolsListed, lambda e: e.status == "failed")
        assert sim.sent_of("mcp_list_tools.failed")
    finally:
        await engine.stop()


@pytest.mark.allow_log_warnings(r"streamable_http: Session termination failed")  # it died
async def test_a_crash_mid_call_and_a_hang_fail_the_call_with_the_reason(
    sim: VoiceLiveSimulator, http_mcp_server: HttpMcpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_mcp, "MCP_TIMEOUT_S", 1.0)
    engine, log = await started(sim, remote(http_mcp_server.url, "never"))
    try:
        await log.wait_for(RemoteMcpToolsListed, lambda e: e.status == "completed")
        await engine.send_text("call hang()")
        hung = await log.wait_for(ToolCallFinished)
        assert hung.status is ToolCallStatus.FAILED
        assert hung.error == "The MCP server tests did not answer hang within 1 s."
        await log.wait_for(AssistantTranscriptCompleted, lambda e: "hang tool failed" in e.text)
        await log.wait_for(ResponseFinished, lambda e: len(log.of(ResponseFinished)) >= 2)
        await engine.send_text("call crash()")
        crashed = await log.wait_for(ToolCallFinished, lambda e: e.call_id != hung.call_id)
        assert (
            crashed.status is ToolCallStatus.FAILED
            and "failed while running crash" in crashed.error
        )
        assert len(sim.sent_of("response.mcp_call.failed")) == 2
        assert http_mcp_server.process.wait(5) == 3  # the server really died mid-call
    finally:
        await engine.stop()


@pytest.mark.allow_log_warnings(r"server_errors: server error event \(caused by session\.update")
async def test_a_bad_mcp_tool_is_refused_like_the_service_does(sim: VoiceLiveSimulator) -> None:
    engine, _ = await started(sim)
    try:
        bad = RequestSession()
        bad["tools"] = [{"type": "mcp", "server_label": "x", "server_url": "ftp://nope"}]
        await engine._send(lambda conn: conn.session.update(session=bad))
        error = await sim.wait_for_sent("error")
        assert "server_url" in error["error"]["message"]
    finally:
        await engine.stop()
