"""The session temperature each kind of model takes, as the references state it.

Realtime (speech-to-speech) models: the Voice Live reference
(voice-live-api-reference-2026-04-10.md, RealtimeRequestSession `temperature`) says "The allowed
temperature values are limited to [0.6, 1.2]. Defaults to 0.8", and the OpenAI Realtime
reference says the same of its realtime models (session.update `temperature`).

Every other model (the cascaded gpt-4o, gpt-4.1, gpt-5 and Phi models behind Azure speech, the
azure-realtime and phi4-mm-realtime models, and a Foundry agent's model): no document gives a
range of its own. The Voice Live reference states [0.6, 1.2] for "the model" without naming
any, while the SDK's contract (azure-ai-voicelive 1.3.1, RequestSession `temperature`) says
"Range: 0.0 to 1.0. Default is 0.7". We keep those models to [0.6, 1.0], which both accept.

The voice's own temperature (Azure HD and custom voices, 0.0 to 1.0) is another setting:
see `VoiceKind.has_voice_temperature`.
"""

from __future__ import annotations

import dataclasses
import logging

from voicelive_desktop.engine.model_family import ModelFamily, model_family
from voicelive_desktop.engine.session_settings import ConnectionSettings, SessionSettings

log = logging.getLogger(__name__)

REALTIME_TEMPERATURE_RANGE = (0.6, 1.2)
SAFE_TEMPERATURE_RANGE = (0.6, 1.0)


def temperature_range(connection: ConnectionSettings) -> tuple[float, float]:
    """The session temperatures the model this connection talks to accepts."""
    # A Foundry agent's model is not ours to know: it gets the safe range too.
    if model_family(connection) is ModelFamily.OPENAI_REALTIME:
        return REALTIME_TEMPERATURE_RANGE
    return SAFE_TEMPERATURE_RANGE


def within_temperature_range(
    session: SessionSettings, connection: ConnectionSettings
) -> SessionSettings:
    """`session` with its temperature brought into the model's range (the panel's slider
    already keeps it there; settings saved for another model may not be)."""
    low, high = temperature_range(connection)
    temperature = min(max(session.temperature, low), high)
    if temperature == session.temperature:
        return session
    log.info(
        "temperature %.2f is outside %.1f-%.1f for model %r; sending %.2f",
        session.temperature,
        low,
        high,
        connection.model,
        temperature,
    )
    return dataclasses.replace(session, temperature=temperature)
