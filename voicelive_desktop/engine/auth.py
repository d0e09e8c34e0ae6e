"""Credentials for the SDK: API key, Microsoft Entra ID tokens, and the env-var connection."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from azure.core.credentials import AccessToken, AzureKeyCredential, TokenCredential
from azure.core.credentials_async import AsyncTokenCredential

ENV_ENDPOINT = "AZURE_VOICE_LIVE_ENDPOINT"
ENV_API_KEY = "AZURE_VOICE_LIVE_API_KEY"


@dataclass(frozen=True)
class EnvConnection:
    """Endpoint and key taken from the environment (either may be empty)."""

    endpoint: str
    api_key: str

    def __repr__(self) -> str:
        # The key must not reach a log line through a repr.
        shown = "<hidden>" if self.api_key else ""
        return f"EnvConnection(endpoint={self.endpoint!r}, api_key={shown!r})"


def env_connection() -> EnvConnection:
    """`AZURE_VOICE_LIVE_ENDPOINT` and `AZURE_VOICE_LIVE_API_KEY`, stripped."""
    return EnvConnection(
        endpoint=os.environ.get(ENV_ENDPOINT, "").strip(),
        api_key=os.environ.get(ENV_API_KEY, "").strip(),
    )


def choose_endpoint(explicit: str | None, saved: str) -> tuple[str, str]:
    """The endpoint to use and where it came from: `explicit` (the command line), else
    `AZURE_VOICE_LIVE_ENDPOINT`, else `saved` (the settings); stripped, a blank variable skipped."""
    if explicit:
        return explicit.strip(), "--endpoint"
    from_env = os.environ.get(ENV_ENDPOINT, "").strip()
    if from_env:
        return from_env, ENV_ENDPOINT
    return saved.strip(), "settings"


def key_credential(api_key: str) -> AzureKeyCredential:
    """The SDK credential for an API key; raises ValueError when the key is empty."""
    if not api_key.strip():
        raise ValueError("No API key is set; enter the key of your Voice Live resource.")
    return AzureKeyCredential(api_key.strip())


class ThreadedTokenCredential(AsyncTokenCredential):
    """Runs a blocking TokenCredential (the browser sign-in) off the event loop thread."""

    def __init__(self, sync_credential: TokenCredential) -> None:
        self._sync = sync_credential

    async def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        return await asyncio.to_thread(
            self._sync.get_token,
            *scopes,
            claims=claims,
            tenant_id=tenant_id,
            enable_cae=enable_cae,
            **kwargs,
        )

    async def close(self) -> None:
        close = getattr(self._sync, "close", None)
        if callable(close):
            close()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.close()


def entra_credential(*, interactive: bool = False) -> AsyncTokenCredential:
    """A Microsoft Entra ID token credential: the default chain, or browser sign-in.

    azure-identity only has a blocking InteractiveBrowserCredential, so it runs in a thread.
    """
    if interactive:
        from azure.identity import InteractiveBrowserCredential

        return ThreadedTokenCredential(InteractiveBrowserCredential())
    from azure.identity.aio import DefaultAzureCredential

    return DefaultAzureCredential()


class DemoToken(AsyncTokenCredential):
    """The offline demo's Entra ID sign-in: the built-in simulator cannot check a token and
    takes any, so the demo can play a Foundry agent (which refuses API keys) offline."""

    async def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        return AccessToken("offline-demo", int(time.time()) + 3600)

    async def close(self) -> None:
        return None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        return None
