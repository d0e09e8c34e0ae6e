"""Which endpoints refused this computer's playback as the echo reference.

A session that asks for the client echo reference and is refused falls back (on this
computer, or by the service) and says so once. The refusal is remembered here per endpoint,
API version and model or agent, so the next connection starts with the mode that works
instead of being refused again. A refusal is forgotten after `RETRY_AFTER`: the service may
have learned the client reference since, and the best mode is worth asking for again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from voicelive_desktop.app_dirs import data_directory
from voicelive_desktop.atomic_file import write_text_atomically
from voicelive_desktop.engine.session_settings import (
    ConnectionProfile,
    ConnectionSettings,
    EchoCancellationMode,
)

log = logging.getLogger(__name__)

FILE_NAME = "echo-reference-support.json"
RETRY_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class ReferenceRefusal:
    """One endpoint's refusal of the client echo reference, and the mode used instead."""

    fallback: str  # an EchoCancellationMode value
    reason: str  # what the service said
    refused_at: str  # ISO 8601, UTC


def endpoint_key(connection: ConnectionSettings) -> str:
    """What support depends on: the endpoint, the API version and the model (or agent)."""
    target = (
        f"agent {connection.agent.agent_name}"
        if connection.profile is ConnectionProfile.FOUNDRY_AGENT
        else f"model {connection.model}"
    )
    version = connection.api_version or "SDK default"
    return f"{connection.endpoint.strip().rstrip('/').lower()} | {version} | {target}"


def default_path() -> Path:
    return data_directory() / FILE_NAME


def remembered_fallback(
    connection: ConnectionSettings, path: Path | None = None, now: datetime | None = None
) -> EchoCancellationMode | None:
    """The mode to use instead of the client reference on this endpoint (None: ask for it)."""
    refusal = _load(path or default_path()).get(endpoint_key(connection))
    if refusal is None:
        return None
    try:
        refused_at = datetime.fromisoformat(refusal.refused_at)
        fallback = EchoCancellationMode(refusal.fallback)
    except ValueError:
        return None
    if (now or datetime.now(timezone.utc)) - refused_at > RETRY_AFTER:
        return None
    return fallback


def remember_refusal(
    connection: ConnectionSettings,
    fallback: EchoCancellationMode,
    reason: str,
    path: Path | None = None,
) -> None:
    """Keep the refusal for the next connection (best effort: a failure is only logged)."""
    target = path or default_path()
    refusals = _load(target)
    refused_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    refusals[endpoint_key(connection)] = ReferenceRefusal(fallback.value, reason, refused_at)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({key: asdict(value) for key, value in refusals.items()}, indent=2)
        write_text_atomically(target, text + "\n")
    except OSError as error:
        log.warning("could not remember the echo reference refusal in %s: %s", target, error)


def _load(path: Path) -> dict[str, ReferenceRefusal]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(key): ReferenceRefusal(**value) for key, value in data.items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError, AttributeError) as error:
        log.warning("ignoring an unreadable %s: %s", path, error)
        return {}
