"""The API key: kept only in the OS keyring (or in memory for one run), with env overrides."""

from __future__ import annotations

import enum
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import keyring
import keyring.errors

from voicelive_desktop.engine.auth import ENV_API_KEY, choose_endpoint
from voicelive_desktop.logging_setup import register_secret

log = logging.getLogger(__name__)

KEYRING_SERVICE = "voicelive-desktop"


class KeyringUnavailable(Exception):
    """The OS keyring cannot store or read the key; the message says why in one sentence."""


class KeySource(str, enum.Enum):
    """Where the key in use came from, so the UI can say so (never what it is)."""

    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    THIS_RUN_ONLY = "this run only"
    NONE = "none"


@dataclass(frozen=True)
class ResolvedCredentials:
    """The endpoint and key to use for this run, and a keyring problem to show, if any."""

    endpoint: str
    api_key: str | None
    key_source: KeySource
    keyring_problem: str | None = None

    def __repr__(self) -> str:
        # Keeps the key out of logs and tracebacks that print this object.
        shown = "<hidden>" if self.api_key else None
        return (
            f"ResolvedCredentials(endpoint={self.endpoint!r}, api_key={shown}, "
            f"key_source={self.key_source.value!r})"
        )


def describe_keyring_error(exc: BaseException) -> str:
    """One sentence for a keyring failure, naming the remedy."""
    if isinstance(exc, keyring.errors.NoKeyringError):
        return (
            "No system keyring is available to store the API key (on Linux install and "
            "unlock GNOME Keyring or KWallet); the key can be used for this run only."
        )
    if isinstance(exc, keyring.errors.KeyringLocked):
        return (
            "The system keyring is locked; unlock it and try again, or use the key for "
            "this run only."
        )
    if isinstance(exc, keyring.errors.InitError):
        return (
            f"The system keyring could not be opened ({exc}); the key can be used for "
            "this run only."
        )
    return (
        f"The system keyring failed ({type(exc).__name__}: {exc}); the key can be used for "
        "this run only."
    )


class CredentialStore:
    """Saves, finds and forgets the API key per endpoint; never writes it to a file itself."""

    def __init__(self) -> None:
        # Keys the user chose to use without storing them (or that the keyring refused).
        self._this_run: dict[str, str] = {}

    def save_key(self, endpoint: str, api_key: str) -> None:
        """Store the key in the keyring under the endpoint; raises KeyringUnavailable."""
        register_secret(api_key)
        self._this_run.pop(endpoint, None)
        self._keyring_call(keyring.set_password, KEYRING_SERVICE, endpoint, api_key)

    def use_for_this_run(self, endpoint: str, api_key: str) -> None:
        """Hold the key in memory only; it is gone when the app quits."""
        register_secret(api_key)
        self._this_run[endpoint] = api_key

    def forget_key(self, endpoint: str) -> None:
        """Remove the key for `endpoint` from memory and from the keyring, if it is there."""
        self._this_run.pop(endpoint, None)
        try:
            self._keyring_call(keyring.delete_password, KEYRING_SERVICE, endpoint)
        except KeyringUnavailable as exc:
            if not isinstance(exc.__cause__, keyring.errors.PasswordDeleteError):
                raise

    def stored_key(self, endpoint: str) -> str | None:
        """The keyring's key for `endpoint`, or None; raises KeyringUnavailable."""
        result = self._keyring_call(keyring.get_password, KEYRING_SERVICE, endpoint)
        if not isinstance(result, str):
            return None
        register_secret(result)  # every key the app holds is redacted from logs
        return result

    def resolve(self, endpoint: str, endpoint_override: str | None = None) -> ResolvedCredentials:
        """Pick endpoint (command line, then env, then settings) and key (env, then this
        run's memory, then keyring). Env values are used as they are and never stored."""
        endpoint, _ = choose_endpoint(endpoint_override, endpoint)
        env_key = os.environ.get(ENV_API_KEY, "").strip()
        if env_key:
            register_secret(env_key)
            return ResolvedCredentials(endpoint, env_key, KeySource.ENVIRONMENT)
        if not endpoint:
            return ResolvedCredentials(endpoint, None, KeySource.NONE)
        if endpoint in self._this_run:
            return ResolvedCredentials(endpoint, self._this_run[endpoint], KeySource.THIS_RUN_ONLY)
        try:
            stored = self.stored_key(endpoint)
        except KeyringUnavailable as exc:
            return ResolvedCredentials(endpoint, None, KeySource.NONE, str(exc))
        if stored:
            return ResolvedCredentials(endpoint, stored, KeySource.KEYRING)
        return ResolvedCredentials(endpoint, None, KeySource.NONE)

    @staticmethod
    def _keyring_call(func: Callable[..., object], *args: str) -> object:
        try:
            return func(*args)
        except keyring.errors.KeyringError as exc:
            message = describe_keyring_error(exc)
            log.warning("keyring: %s", message)
            raise KeyringUnavailable(message) from exc
        except (OSError, ImportError) as exc:
            # A misconfigured PYTHON_KEYRING_BACKEND or a dead D-Bus socket surfaces this way.
            message = describe_keyring_error(exc)
            log.warning("keyring: %s", message)
            raise KeyringUnavailable(message) from exc
