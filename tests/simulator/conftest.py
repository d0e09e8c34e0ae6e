"""The `connection` fixture the simulator tests share: the real SDK, connected and greeted."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from azure.ai.voicelive.aio import VoiceLiveConnection, connect
from azure.core.credentials import AzureKeyCredential

from tests.simulator.sdk_client import next_event
from voicelive_desktop.simulator import VoiceLiveSimulator


@pytest_asyncio.fixture
async def connection(simulator: VoiceLiveSimulator) -> AsyncIterator[VoiceLiveConnection]:
    async with connect(
        endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="gpt-realtime"
    ) as opened:
        assert (await next_event(opened)).type == "session.created"
        yield opened
