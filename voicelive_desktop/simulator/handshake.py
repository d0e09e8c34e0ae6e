"""Who may open a session: the HTTP answer to the websocket upgrade (401, 404, 503 or go)."""

from __future__ import annotations

import hmac
import json
from collections.abc import Collection
from dataclasses import dataclass

from aiohttp import web

from voicelive_desktop.protocol import DEMO_API_KEY


def _json_error(status: int, code: str, message: str) -> web.Response:
    body = json.dumps({"error": {"code": code, "message": message}})
    return web.Response(status=status, text=body, content_type="application/json")


@dataclass(frozen=True)
class HandshakePolicy:
    """Accepted credentials and deployments.

    `api_key`: the one key the `api-key` header must carry. `bearer_tokens`: tokens accepted
    in `Authorization: Bearer ...`; None accepts any non-empty token, since the simulator
    cannot validate Entra ID tokens (so token sign-in works in the demo). `models`: the
    deployments that exist; None means every name exists.
    """

    api_key: str = DEMO_API_KEY
    bearer_tokens: Collection[str] | None = None
    models: Collection[str] | None = None

    def refusal(self, request: web.Request) -> web.Response | None:
        """The HTTP error the service would answer this upgrade with, or None to accept."""
        if not self._authorized(request):
            return _json_error(
                401,
                "401",
                "Access denied due to invalid subscription key or wrong API endpoint. Make sure "
                "to provide a valid key for an active subscription and use a correct regional "
                "API endpoint for your resource.",
            )
        if not request.query.get("api-version"):
            return _json_error(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required.",
            )
        model = request.query.get("model")
        if self.models is not None and model is not None and model not in self.models:
            return _json_error(
                404,
                "DeploymentNotFound",
                f"The API deployment for this resource does not exist: {model!r}. Known "
                f"deployments: {', '.join(sorted(self.models)) or 'none'}.",
            )
        return None

    def _authorized(self, request: web.Request) -> bool:
        key = request.headers.get("api-key")
        if key is not None:
            return hmac.compare_digest(key.encode(), self.api_key.encode())
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        if self.bearer_tokens is None:
            return True
        return any(
            hmac.compare_digest(token.strip().encode(), t.encode()) for t in self.bearer_tokens
        )
