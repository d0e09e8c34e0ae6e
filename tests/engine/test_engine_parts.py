"""Engine parts without a server: backoff, mic queue, error mapping, credentials."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time
from typing import Any

import aiohttp
import pytest
from azure.core.credentials import AccessToken
from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import ClientAuthenticationError
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from voicelive_desktop.engine import (
    CredentialsRejected,
    EndpointUnreachable,
    ReconnectBackoff,
    ResourceNotFound,
    env_connection,
    key_credential,
)
from voicelive_desktop.engine.auth import ThreadedTokenCredential, choose_endpoint
from voicelive_desktop.engine.errors import map_connect_error, validate_endpoint
from voicelive_desktop.engine.input_audio import InputAudioQueue
from voicelive_desktop.protocol import FRAME_BYTES

ENDPOINT = "https://myres.services.ai.azure.com/?secret=shh"


def test_backoff_grows_is_capped_jittered_and_resets() -> None:
    backoff = ReconnectBackoff(first_delay_s=0.2, max_delay_s=5.0, _random=random.Random(1))
    delays = [backoff.next_delay() for _ in range(12)]
    assert backoff.attempt == 12
    assert 0.15 <= delays[0] <= 0.25
    assert 0.3 <= delays[1] <= 0.5
    assert all(d <= 5.0 for d in delays)
    assert delays[-1] >= 3.75
    assert len(set(delays[-4:])) == 4  # jitter: no lock-step retries
    backoff.reset()
    assert backoff.next_delay() <= 0.25


@pytest.mark.allow_log_warnings(r"input_audio: input audio: dropped a frame of odd length")
def test_mic_queue_batches_in_order_and_is_bounded() -> None:
    queue = InputAudioQueue(max_buffered_ms=100, max_batch_ms=60)
    frames = [bytes([i]) * FRAME_BYTES for i in range(8)]  # 8 x 20 ms
    for frame in frames:
        assert queue.put(frame)
    assert queue.dropped_ms == 60  # the oldest three went
    assert queue.buffered_ms == 100
    assert queue.take_batch() == b"".join(frames[3:6])
    assert queue.take_batch() == b"".join(frames[6:8])
    assert queue.take_batch() == b""
    assert not queue.put(b"\x00\x01\x02")  # half a sample
    assert queue.rejected_frames == 1


def _handshake_error(status: int) -> BaseException:
    info = aiohttp.RequestInfo(URL(ENDPOINT), "GET", CIMultiDictProxy(CIMultiDict()), URL(ENDPOINT))
    cause = aiohttp.WSServerHandshakeError(info, (), status=status, message="Invalid response")
    wrapper = ConnectionError("Failed to establish WebSocket connection")
    wrapper.__cause__ = cause
    return wrapper


@pytest.mark.parametrize(
    ("cause", "kind", "phrase"),
    [
        (_handshake_error(401), CredentialsRejected, "rejected the API key"),
        (_handshake_error(403), CredentialsRejected, "HTTP 403"),
        (_handshake_error(404), ResourceNotFound, "not found"),
        (_handshake_error(503), EndpointUnreachable, "HTTP 503"),
        (socket.gaierror(-2, "Name or service not known"), EndpointUnreachable, "DNS"),
        (ConnectionRefusedError(111, "refused"), EndpointUnreachable, "connection refused"),
        (TimeoutError(), EndpointUnreachable, "did not answer in time"),
        (ClientAuthenticationError("AADSTS700016: app not found"), CredentialsRejected, "Entra"),
    ],
)
def test_connect_failures_map_to_one_specific_sentence(
    cause: BaseException, kind: type, phrase: str
) -> None:
    error = map_connect_error(cause, ENDPOINT)
    assert isinstance(error, kind)
    assert phrase in error.message
    assert "myres.services.ai.azure.com" in error.message or kind is CredentialsRejected
    assert "shh" not in error.message  # the query never reaches a message


@pytest.mark.parametrize("endpoint", ["", "   ", "myres.services.ai.azure.com", "ftp://x"])
def test_endpoint_that_cannot_work_is_refused_with_the_remedy(endpoint: str) -> None:
    with pytest.raises(EndpointUnreachable, match="https://<resource>"):
        validate_endpoint(endpoint)


def test_env_connection_reads_and_hides_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_VOICE_LIVE_ENDPOINT", " https://r.example.com ")
    monkeypatch.setenv("AZURE_VOICE_LIVE_API_KEY", "k-123456")
    env = env_connection()
    assert (env.endpoint, env.api_key) == ("https://r.example.com", "k-123456")
    assert "k-123456" not in repr(env)
    with pytest.raises(ValueError, match="No API key"):
        key_credential("  ")


def test_endpoint_comes_from_the_option_then_the_environment_then_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AZURE_VOICE_LIVE_ENDPOINT", " https://env.example ")
    assert choose_endpoint(" https://cli.example ", "https://saved.example") == (
        "https://cli.example",
        "--endpoint",
    )
    assert choose_endpoint(None, "https://saved.example") == (
        "https://env.example",
        "AZURE_VOICE_LIVE_ENDPOINT",
    )
    monkeypatch.setenv("AZURE_VOICE_LIVE_ENDPOINT", "   ")  # blank: as if unset
    assert choose_endpoint(None, " https://saved.example") == ("https://saved.example", "settings")


class BlockingTokenSource:
    """A sync TokenCredential whose get_token blocks like a browser sign-in."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.thread = threading.current_thread()
        time.sleep(0.2)
        return AccessToken("token-" + scopes[0], int(time.time()) + 3600)


@pytest.mark.asyncio
async def test_browser_sign_in_runs_off_the_loop_thread() -> None:
    source = BlockingTokenSource()
    credential = ThreadedTokenCredential(source)
    assert isinstance(credential, AsyncTokenCredential)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    token = await credential.get_token("https://ai.azure.com/.default")
    ticker.cancel()
    assert token.token == "token-https://ai.azure.com/.default"
    assert source.thread is not threading.main_thread()
    assert ticks >= 5  # the loop kept running during the sign-in
