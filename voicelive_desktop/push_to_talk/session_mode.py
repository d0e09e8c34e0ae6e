"""The session settings a conversation uses: push-to-talk turns VAD off, hands-free keeps it."""

from __future__ import annotations

import dataclasses

from voicelive_desktop.engine.session_settings import SessionSettings, TurnDetectionMode
from voicelive_desktop.settings import AppSettings


def session_for(settings: AppSettings) -> SessionSettings:
    """`settings.session`, with turn detection `none` while push-to-talk is on.

    The stored VAD values are left alone, so switching back to hands-free restores them.
    """
    if not settings.push_to_talk.enabled:
        return settings.session
    detection = dataclasses.replace(settings.session.turn_detection, mode=TurnDetectionMode.NONE)
    return dataclasses.replace(settings.session, turn_detection=detection)
