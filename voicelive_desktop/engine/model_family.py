"""Which kind of model a connection talks to: the one mapping that model-dependent rules share.

The Voice Live how-to (voice-live-how-to.md, "Audio input transcription") and the language
page (voice-live-language-support.md) sort the models so: OpenAI's realtime models
(gpt-realtime, gpt-realtime-mini, gpt-4o(-mini)-realtime-preview) hear speech themselves;
phi4-mm-realtime is multimodal too, but its input is transcribed by Azure speech to text; every
other model (gpt-4o, gpt-4.1, gpt-5, the Phi text models) and a Foundry agent is "non-multimodal",
fed by Azure speech to text.
"""

from __future__ import annotations

import enum

from voicelive_desktop.engine.session_settings import ConnectionProfile, ConnectionSettings


class ModelFamily(enum.Enum):
    """The kind of model behind a session, as the references sort them."""

    OPENAI_REALTIME = "openai_realtime"  # speech to speech, OpenAI transcription models
    PHI_MULTIMODAL = "phi_multimodal"  # phi4-mm-realtime: multimodal, Azure speech transcribes
    TEXT = "text"  # non-multimodal models behind Azure speech to text
    AGENT = "agent"  # a Foundry agent: its model is not ours to know; Azure speech feeds it


def is_openai_realtime_model(model: str) -> bool:
    """gpt-realtime, gpt-realtime-mini, gpt-4o(-mini)-realtime-preview and their dated names."""
    name = model.strip().lower()
    return name.startswith("gpt-") and "realtime" in name


def model_family(connection: ConnectionSettings) -> ModelFamily:
    """The family of the model this connection talks to."""
    if connection.profile is ConnectionProfile.FOUNDRY_AGENT:
        return ModelFamily.AGENT
    if is_openai_realtime_model(connection.model):
        return ModelFamily.OPENAI_REALTIME
    name = connection.model.strip().lower()
    if name.startswith("phi") and "realtime" in name:
        return ModelFamily.PHI_MULTIMODAL
    return ModelFamily.TEXT
