"""The in-process simulator: any running loop (qasync included), clean stop, parallel sessions."""

from __future__ import annotations

import asyncio

import pytest
import qasync
from azure.ai.voicelive.aio import connect
from azure.ai.voicelive.models import InputTextContentPart, UserMessageItem
from azure.core.credentials import AzureKeyCredential
from PySide6.QtWidgets import QApplication

from tests.simulator.sdk_client import events_until, next_event
from voicelive_desktop.simulator import VoiceLiveSimulator, running_simulator


async def text_turn(endpoint: str, text: str) -> str:
    async with connect(
        endpoint=endpoint, credential=AzureKeyCredential("demo"), model="gpt-realtime"
    ) as connection:
        await next_event(connection)
        await connection.conversation.item.create(
            item=UserMessageItem(content=[InputTextContentPart(text=text)])
        )
        await connection.response.create(response={"modalities": ["text"]})
        events = await events_until(connection, "response.done")
    return next(e.text for e in events if e.type == "response.text.done")


def test_runs_on_a_qasync_loop_inside_qt(qapp: QApplication) -> None:
    async def scenario() -> str:
        async with VoiceLiveSimulator() as simulator:
            return await text_turn(simulator.endpoint, "from Qt")

    loop = qasync.QEventLoop(qapp)
    try:
        reply = loop.run_until_complete(scenario())
    finally:
        loop.close()
    assert reply.startswith("You typed: from Qt.")


@pytest.mark.asyncio
async def test_running_simulator_yields_a_working_endpoint() -> None:
    async with running_simulator() as endpoint:
        assert (await text_turn(endpoint, "diagnose")).startswith("You typed: diagnose.")


@pytest.mark.asyncio
async def test_stop_closes_open_sessions_and_frees_the_port() -> None:
    simulator = await VoiceLiveSimulator().start()
    port = simulator.port
    async with connect(
        endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="m"
    ) as connection:
        await next_event(connection)
        await simulator.stop()
        leftover = await asyncio.wait_for(_drain(connection), 10)
        assert leftover == []
    async with VoiceLiveSimulator(port=port) as again:
        assert again.port == port


async def _drain(connection: object) -> list[str]:
    return [str(event.type) async for event in connection]  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_parallel_sessions_are_independent_and_logged_per_connection(
    simulator: VoiceLiveSimulator,
) -> None:
    replies = await asyncio.gather(
        text_turn(simulator.endpoint, "first"), text_turn(simulator.endpoint, "second")
    )
    assert sorted(reply.split(".")[0] for reply in replies) == [
        "You typed: first",
        "You typed: second",
    ]
    by_connection = {
        event.connection for event in simulator.received_events if event.type == "response.create"
    }
    assert by_connection == {1, 2}
    assert set(simulator.sessions) == {1, 2}
