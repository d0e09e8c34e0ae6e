"""Environment and header values of local MCP servers, kept in the OS keyring only.

Any of them may be a token, so every value goes to the keyring (never mcp_servers.json) and
is registered for redaction from the log as soon as the app holds it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import keyring
import keyring.errors

from voicelive_desktop.credentials import KeyringUnavailable, describe_keyring_error
from voicelive_desktop.logging_setup import register_secret
from voicelive_desktop.mcp_bridge.config import McpServerConfig

log = logging.getLogger(__name__)

KEYRING_SERVICE = "voicelive-desktop-mcp"


@dataclass(frozen=True)
class ServerSecrets:
    """The values for one server's environment variables and headers."""

    env: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        # Names only: this object may end up in a log line or a traceback.
        return f"ServerSecrets(env={sorted(self.env)}, headers={sorted(self.headers)})"


def _account(server: str, kind: str, name: str) -> str:
    return f"{server}/{kind}/{name}"


class McpSecretStore:
    """Saves, reads and forgets one server's values; raises KeyringUnavailable on failure."""

    def save(self, server: McpServerConfig, secrets: ServerSecrets) -> None:
        """Store the values for the names the config lists (`forget` drops the others)."""
        for kind, names, values in (
            ("env", server.env_names, secrets.env),
            ("header", server.header_names, secrets.headers),
        ):
            for name in names:
                value = values.get(name, "")
                register_secret(value)
                _call(
                    keyring.set_password, KEYRING_SERVICE, _account(server.name, kind, name), value
                )

    def read(self, server: McpServerConfig) -> ServerSecrets:
        env = {name: self._get(server.name, "env", name) for name in server.env_names}
        headers = {name: self._get(server.name, "header", name) for name in server.header_names}
        return ServerSecrets(env, headers)

    def forget(self, server: McpServerConfig) -> None:
        """Remove every stored value of `server` (after it was removed or renamed)."""
        for kind, names in (("env", server.env_names), ("header", server.header_names)):
            for name in names:
                try:
                    keyring.delete_password(KEYRING_SERVICE, _account(server.name, kind, name))
                except keyring.errors.PasswordDeleteError:
                    pass
                except (keyring.errors.KeyringError, OSError) as exc:
                    log.warning("keyring: could not delete an MCP value: %s", type(exc).__name__)

    def _get(self, server: str, kind: str, name: str) -> str:
        value = _call(keyring.get_password, KEYRING_SERVICE, _account(server, kind, name))
        text = value if isinstance(value, str) else ""
        register_secret(text)
        return text


def _call(func: object, *args: str) -> object:
    try:
        return func(*args)  # type: ignore[operator]
    except (keyring.errors.KeyringError, OSError, ImportError) as exc:
        message = describe_keyring_error(exc)
        log.warning("keyring: %s", message)
        raise KeyringUnavailable(message) from exc
