"""Checks whether a Voice Live endpoint answers: one websocket handshake, then close.

Used by `--diagnose`; names the specific failure (DNS, refused, TLS, timeout, HTTP status).
"""

from __future__ import annotations

import asyncio
import inspect
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse, urlunparse

import aiohttp
from azure.ai.voicelive.aio import connect

from voicelive_desktop import APP_ID, __version__
from voicelive_desktop.engine.errors import (
    EndpointUnreachable,
    endpoint_host,
    exception_chain,
    map_connect_error,
    validate_endpoint,
)
from voicelive_desktop.protocol import DEFAULT_MODEL, REALTIME_PATH

PROBE_TIMEOUT_S = 6.0
# The API version the SDK would send; read from its signature so the probe never drifts from it.
SDK_API_VERSION: str = inspect.signature(connect).parameters["api_version"].default


@dataclass(frozen=True)
class ProbeOutcome:
    """Whether the endpoint answered as a Voice Live service, in one sentence either way."""

    answered: bool
    message: str


class _RedirectRefused(Exception):
    """The endpoint redirected: following it could forward the key to another host."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


async def _refuse_redirect(
    session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestRedirectParams
) -> None:
    raise _RedirectRefused(endpoint_host(str(params.response.headers.get("Location", ""))))


def realtime_url(endpoint: str, model: str, api_version: str) -> str:
    """The websocket URL the SDK opens for `endpoint` (same scheme mapping and query)."""
    parsed = urlparse(endpoint.strip())
    scheme = {"https": "wss", "http": "ws"}.get(parsed.scheme, parsed.scheme)
    query = urlencode({"api-version": api_version, "model": model})
    path = parsed.path.rstrip("/") + REALTIME_PATH
    return urlunparse((scheme, parsed.netloc, path, "", query, ""))


def _specific_failure(error: BaseException, endpoint: str) -> str:
    host = endpoint_host(endpoint)
    port = urlparse(endpoint).port
    for cause in exception_chain(error):
        if isinstance(cause, _RedirectRefused):
            return (
                f"{host!r} redirected to {cause.location!r}; use the final address as the "
                "endpoint (the key is never sent to a redirect)."
            )
        if isinstance(cause, ConnectionRefusedError):
            where = f"port {port} of {host!r}" if port else repr(host)
            return f"Connection refused: nothing accepts connections on {where}."
        if isinstance(cause, ssl.SSLError | aiohttp.ClientSSLError):
            return f"TLS handshake with {host!r} failed ({cause}); check the endpoint address."
    return map_connect_error(error, endpoint).message


async def probe_endpoint(
    endpoint: str,
    api_key: str | None,
    *,
    model: str = DEFAULT_MODEL,
    api_version: str = SDK_API_VERSION,
    timeout_s: float = PROBE_TIMEOUT_S,
) -> ProbeOutcome:
    """Open and close the realtime websocket once; with `api_key`, the key is checked too.

    Without a key, an HTTP 401/403 still proves a service answers at the address.
    """
    try:
        validate_endpoint(endpoint)
    except EndpointUnreachable as error:
        return ProbeOutcome(False, error.message)
    host = endpoint_host(endpoint)
    headers = {"User-Agent": f"{APP_ID}/{__version__} (diagnose)"}
    if api_key:
        headers["api-key"] = api_key
    trace = aiohttp.TraceConfig()
    trace.on_request_redirect.append(_refuse_redirect)
    try:
        async with (
            asyncio.timeout(timeout_s),
            aiohttp.ClientSession(trace_configs=[trace]) as session,
            session.ws_connect(realtime_url(endpoint, model, api_version), headers=headers),
        ):
            pass
    except aiohttp.WSServerHandshakeError as error:
        if error.status in (401, 403) and not api_key:
            return ProbeOutcome(
                True,
                f"{host!r} answers (HTTP {error.status} without a key; "
                "no API key was available to check).",
            )
        return ProbeOutcome(False, map_connect_error(error, endpoint).message)
    except TimeoutError:
        return ProbeOutcome(False, f"{host!r} did not answer within {timeout_s:.0f} s.")
    except (aiohttp.ClientError, OSError, _RedirectRefused, ValueError) as error:
        return ProbeOutcome(False, _specific_failure(error, endpoint))
    checked = "the API key was accepted" if api_key else "no API key was sent"
    return ProbeOutcome(True, f"{host!r} answers: Voice Live handshake accepted; {checked}.")
