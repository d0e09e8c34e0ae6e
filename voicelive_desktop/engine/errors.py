"""Engine exceptions, one per remedy, and the mapping from SDK/aiohttp failures to them."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlparse

import aiohttp
from azure.core.exceptions import ClientAuthenticationError

from voicelive_desktop.engine.events import ErrorKind


class VoiceLiveError(Exception):
    """Base of every engine error; `str(err)` is one sentence a person understands."""

    kind: ErrorKind = ErrorKind.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CredentialsRejected(VoiceLiveError):
    """The service refused the API key or token (HTTP 401/403), or sign-in failed."""

    kind = ErrorKind.CREDENTIALS_REJECTED


class EndpointUnreachable(VoiceLiveError):
    """No Voice Live service could be reached at the endpoint (DNS, refused, timeout, bad URL)."""

    kind = ErrorKind.ENDPOINT_UNREACHABLE


class ResourceNotFound(VoiceLiveError):
    """The host answered but the resource, deployment or model does not exist (HTTP 404)."""

    kind = ErrorKind.RESOURCE_NOT_FOUND


class SessionNotReady(VoiceLiveError):
    """Connected, but the service never confirmed the session configuration in time."""

    kind = ErrorKind.SESSION_NOT_READY


class ConnectionLost(VoiceLiveError):
    """The connection ended while a request was being sent, or the session is not connected."""

    kind = ErrorKind.CONNECTION_LOST


def endpoint_host(endpoint: str) -> str:
    """The host part of `endpoint` for messages (never the query, which could carry secrets)."""
    parsed = urlparse(endpoint)
    return parsed.hostname or endpoint.split("?", 1)[0]


def validate_endpoint(endpoint: str) -> None:
    """Raise EndpointUnreachable with the remedy when `endpoint` cannot be a Voice Live URL."""
    if not endpoint.strip():
        raise EndpointUnreachable(
            "No Voice Live endpoint is set; enter your resource's endpoint, "
            "e.g. https://<resource>.services.ai.azure.com."
        )
    parsed = urlparse(endpoint.strip())
    if parsed.scheme not in ("http", "https", "ws", "wss") or not parsed.hostname:
        raise EndpointUnreachable(
            f"The endpoint {endpoint_host(endpoint)!r} is not a web address; "
            "use https://<resource>.services.ai.azure.com."
        )


def exception_chain(exc: BaseException) -> list[BaseException]:
    """`exc` and its causes (explicit or implicit), outermost first, each once."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def map_connect_error(exc: BaseException, endpoint: str) -> VoiceLiveError:
    """Turn whatever opening the websocket raised into the specific engine error.

    The SDK wraps aiohttp failures in its own ConnectionError; the aiohttp exception is its
    `__cause__` (a WSServerHandshakeError carries the HTTP status).
    """
    host = endpoint_host(endpoint)
    for cause in exception_chain(exc):
        if isinstance(cause, VoiceLiveError):
            return cause
        if isinstance(cause, aiohttp.WSServerHandshakeError):
            return _map_status(cause.status, host)
        if isinstance(cause, ClientAuthenticationError):
            first_line = (cause.message or "").splitlines()[0] if cause.message else ""
            return CredentialsRejected(
                f"Signing in with Microsoft Entra ID failed ({first_line or 'no details'}); "
                "sign in again or use an API key."
            )
        if isinstance(cause, aiohttp.ClientConnectorDNSError | socket.gaierror):
            return EndpointUnreachable(
                f"The Voice Live endpoint host {host!r} could not be found (DNS lookup failed); "
                "check the endpoint address and your network."
            )
        if isinstance(cause, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
            return EndpointUnreachable(
                f"The secure connection to {host!r} failed (TLS certificate problem)."
            )
        if isinstance(cause, aiohttp.ClientConnectorError | ConnectionRefusedError):
            return EndpointUnreachable(
                f"Could not connect to the Voice Live endpoint host {host!r} "
                "(connection refused or network down)."
            )
        if isinstance(cause, asyncio.TimeoutError | TimeoutError):
            return EndpointUnreachable(
                f"The Voice Live endpoint host {host!r} did not answer in time."
            )
        if isinstance(cause, ValueError):
            return EndpointUnreachable(f"The endpoint {host!r} is not a valid Voice Live address.")
    return EndpointUnreachable(
        f"Could not open a Voice Live session at {host!r} ({type(exc).__name__})."
    )


def _map_status(status: int, host: str) -> VoiceLiveError:
    if status in (401, 403):
        return CredentialsRejected(
            f"The Voice Live service rejected the API key or token (HTTP {status}); "
            "check the key for this endpoint in Preferences."
        )
    if status == 404:
        return ResourceNotFound(
            f"The Voice Live resource, deployment or model was not found at {host!r} (HTTP 404); "
            "check the endpoint and model name."
        )
    if status == 429:
        return EndpointUnreachable(
            f"The Voice Live service at {host!r} is rate limiting this resource (HTTP 429); "
            "try again in a moment."
        )
    return EndpointUnreachable(
        f"The Voice Live service at {host!r} refused the session (HTTP {status})."
    )
