"""The websocket handshake: keys, bearer tokens, deployments and the HTTP answers of the service."""

from __future__ import annotations

import json
import time

import aiohttp
import pytest
from azure.ai.voicelive.aio import ConnectionError as VoiceLiveConnectionError
from azure.ai.voicelive.aio import connect
from azure.core.credentials import AccessToken, AzureKeyCredential

from tests.simulator.sdk_client import next_event
from voicelive_desktop.protocol import REALTIME_PATH
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = pytest.mark.asyncio


class StaticToken:
    """A real async token credential handing out one fixed token (as Entra ID sign-in would)."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> StaticToken:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


async def test_demo_key_opens_a_session(simulator: VoiceLiveSimulator) -> None:
    async with connect(
        endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="gpt-realtime"
    ) as connection:
        created = await next_event(connection)
    assert created.type == "session.created"
    assert created.session.model == "gpt-realtime"
    assert simulator.handshakes == [101]


async def test_wrong_key_is_refused_with_401_at_the_handshake(
    simulator: VoiceLiveSimulator,
) -> None:
    with pytest.raises(VoiceLiveConnectionError, match="401"):
        async with connect(
            endpoint=simulator.endpoint,
            credential=AzureKeyCredential("wrong"),
            model="gpt-realtime",
        ):
            pass
    assert simulator.handshakes == [401]
    assert simulator.sessions == {}


async def test_401_body_is_the_services_json_error(simulator: VoiceLiveSimulator) -> None:
    url = f"{simulator.endpoint}{REALTIME_PATH}?api-version=2026-07-15&model=gpt-realtime"
    async with aiohttp.ClientSession() as http:
        async with http.get(url, headers={"api-key": "nope"}) as answer:
            body = json.loads(await answer.text())
            assert answer.status == 401
        async with http.get(url) as unauthenticated:
            assert unauthenticated.status == 401
    assert body["error"]["code"] == "401"
    assert "invalid subscription key" in body["error"]["message"]


async def test_any_bearer_token_is_accepted_by_default(simulator: VoiceLiveSimulator) -> None:
    async with connect(
        endpoint=simulator.endpoint, credential=StaticToken("entra-token"), model="gpt-realtime"
    ) as connection:
        assert (await next_event(connection)).type == "session.created"


async def test_bearer_tokens_can_be_restricted() -> None:
    async with VoiceLiveSimulator(bearer_tokens={"good-token"}) as simulator:
        async with connect(
            endpoint=simulator.endpoint, credential=StaticToken("good-token"), model="m"
        ) as connection:
            assert (await next_event(connection)).type == "session.created"
        with pytest.raises(VoiceLiveConnectionError, match="401"):
            async with connect(
                endpoint=simulator.endpoint, credential=StaticToken("stolen-token"), model="m"
            ):
                pass
        assert simulator.handshakes == [101, 401]


async def test_unknown_deployment_is_404_when_deployments_are_listed() -> None:
    async with VoiceLiveSimulator(models={"gpt-realtime"}) as simulator:
        with pytest.raises(VoiceLiveConnectionError, match="404"):
            async with connect(
                endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="gpt-4o"
            ):
                pass
        async with connect(
            endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="gpt-realtime"
        ) as connection:
            assert (await next_event(connection)).type == "session.created"
        assert simulator.handshakes == [404, 101]


async def test_a_custom_key_replaces_the_demo_key() -> None:
    async with VoiceLiveSimulator(api_key="s3cret-key") as simulator:
        with pytest.raises(VoiceLiveConnectionError, match="401"):
            async with connect(
                endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="m"
            ):
                pass
        async with connect(
            endpoint=simulator.endpoint, credential=AzureKeyCredential("s3cret-key"), model="m"
        ) as connection:
            assert (await next_event(connection)).type == "session.created"


async def test_server_binds_loopback_on_a_free_port(simulator: VoiceLiveSimulator) -> None:
    assert simulator.endpoint.startswith("http://127.0.0.1:")
    assert simulator.port > 0
