"""The session configuration a connection runs with: service defaults, validation, merge."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from voicelive_desktop.protocol import DEFAULT_MODEL, SAMPLE_RATE_HZ
from voicelive_desktop.simulator.session_errors import InvalidSessionUpdate
from voicelive_desktop.simulator.transcription_options import check_transcription
from voicelive_desktop.simulator.turn_options import (
    check_turn_options,
    end_of_utterance_wait_ms,
    filler_guard_ms,
)
from voicelive_desktop.simulator.voice_options import check_voice

__all__ = ["InvalidSessionUpdate", "TurnDetection", "default_session", "merged_session"]

# The turn detection types the simulator's energy VAD stands in for.
VAD_TYPES = frozenset(
    {"server_vad", "azure_semantic_vad", "azure_semantic_vad_en", "azure_semantic_vad_multilingual"}
)
_VAD_DEFAULTS: dict[str, Any] = {
    "threshold": 0.5,
    "prefix_padding_ms": 300,
    "silence_duration_ms": 500,
    "create_response": True,
    "interrupt_response": True,
}
_MODALITIES = frozenset({"text", "audio"})
_FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TEMPERATURE_RANGE = (0.6, 1.2)
_AUDIO_FORMATS = frozenset({"pcm16"})


def default_session(session_id: str, model: str | None) -> dict[str, Any]:
    """What session.created reports before the client configures anything."""
    return {
        "id": session_id,
        "object": "realtime.session",
        "model": model or DEFAULT_MODEL,
        "modalities": ["text", "audio"],
        "instructions": "",
        "voice": {"name": "en-US-Ava:DragonHDLatestNeural", "type": "azure-standard"},
        "input_audio_format": "pcm16",
        "output_audio_format": "pcm16",
        "input_audio_sampling_rate": SAMPLE_RATE_HZ,
        "turn_detection": {"type": "server_vad", **_VAD_DEFAULTS},
        "input_audio_transcription": None,
        "input_audio_noise_reduction": None,
        "input_audio_echo_cancellation": None,
        "tools": [],
        "tool_choice": "auto",
        "temperature": 0.8,
        "max_response_output_tokens": "inf",
    }


def merged_session(current: dict[str, Any], update: Any, *, agent: bool = False) -> dict[str, Any]:
    """`current` with every top-level field of `update` applied (explicit nulls included);
    `agent`: the session talks to a Foundry agent, whose model is its own.

    Raises InvalidSessionUpdate and leaves `current` untouched when a value is unusable, as
    the service applies a session.update entirely or not at all.
    """
    if not isinstance(update, dict):
        raise InvalidSessionUpdate("The 'session' field must be an object.", "session")
    merged = copy.deepcopy(current)
    for key, value in update.items():
        if key in ("id", "object"):
            continue
        merged[key] = copy.deepcopy(value)
    if "turn_detection" in update:
        merged["turn_detection"] = _turn_detection(update["turn_detection"])
    if "voice" in update:
        check_voice(merged["voice"])
    if "input_audio_transcription" in update:
        check_transcription(merged["input_audio_transcription"], None if agent else merged["model"])
    if "input_audio_echo_cancellation" in update:
        _check_echo_cancellation(merged["input_audio_echo_cancellation"])
    _check_modalities(merged.get("modalities"))
    _check_function_tools(merged.get("tools"), merged.get("tool_choice"))
    _check_audio_and_temperature(merged)
    return merged


def _check_audio_and_temperature(merged: dict[str, Any]) -> None:
    for key in ("input_audio_format", "output_audio_format"):
        if merged.get(key) not in _AUDIO_FORMATS:
            raise InvalidSessionUpdate(
                f"Invalid value for '{key}': the simulator speaks pcm16 only.", f"session.{key}"
            )
    rate = merged.get("input_audio_sampling_rate")
    if rate not in (None, SAMPLE_RATE_HZ):
        raise InvalidSessionUpdate(
            f"Invalid 'input_audio_sampling_rate' {rate!r}: "
            f"the simulator takes {SAMPLE_RATE_HZ} Hz.",
            "session.input_audio_sampling_rate",
        )
    # "The allowed temperature values are limited to [0.6, 1.2]" (voice-live-api-reference-
    # 2026-04-10.md, RealtimeRequestSession). The SDK 1.3.1 docstring says 0.0-1.0 instead; the
    # service's reference is what the simulator holds clients to.
    temperature = merged.get("temperature")
    if temperature is not None and (
        not isinstance(temperature, (int, float))
        or isinstance(temperature, bool)
        or not _TEMPERATURE_RANGE[0] <= temperature <= _TEMPERATURE_RANGE[1]
    ):
        raise InvalidSessionUpdate(
            f"Invalid 'temperature' {temperature!r}: the allowed values are 0.6 to 1.2.",
            "session.temperature",
        )


def _turn_detection(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidSessionUpdate(
            "'turn_detection' must be an object or null.", "session.turn_detection"
        )
    kind = value.get("type")
    if kind == "none":
        # The SDK's TurnDetection union has no "none" member; null is how it reads "off".
        return None
    if kind not in VAD_TYPES:
        raise InvalidSessionUpdate(
            f"Invalid 'turn_detection.type' {kind!r}; supported: "
            + ", ".join(sorted(VAD_TYPES | {"none"})),
            "session.turn_detection.type",
        )
    # A null field means 'the default', as the SDK leaves optional fields unset or null.
    applied = {**_VAD_DEFAULTS, **{k: v for k, v in value.items() if v is not None}}
    threshold = applied["threshold"]
    if not isinstance(threshold, (int, float)) or not 0.0 <= threshold <= 1.0:
        raise InvalidSessionUpdate(
            f"Invalid 'turn_detection.threshold' {threshold!r}: expected 0 to 1.",
            "session.turn_detection.threshold",
        )
    for key in ("prefix_padding_ms", "silence_duration_ms"):
        ms = applied[key]
        if not isinstance(ms, int) or isinstance(ms, bool) or ms < 0:
            raise InvalidSessionUpdate(
                f"Invalid 'turn_detection.{key}' {ms!r}: expected a non-negative integer.",
                f"session.turn_detection.{key}",
            )
    check_turn_options(applied)
    return applied


def _check_function_tools(tools: Any, choice: Any) -> None:
    """Function tools as the Realtime reference defines them: a unique `name` (letters,
    digits, '_' and '-', at most 64) and an object `parameters` schema; `tool_choice` one of
    auto, none, required, or a function that exists. (Other tool types are checked where the
    simulator models them.)"""
    if tools is None:
        tools = []
    if not isinstance(tools, list):
        raise InvalidSessionUpdate("'tools' must be a list.", "session.tools")
    names: set[str] = set()
    for index, tool in enumerate(tools):
        where = f"session.tools[{index}]"
        if not isinstance(tool, dict) or tool.get("type") != "function":
            continue
        name = tool.get("name")
        if not isinstance(name, str) or not _FUNCTION_NAME.match(name):
            raise InvalidSessionUpdate(
                f"Invalid 'name' {name!r}: use 1-64 letters, digits, '_' or '-'.", f"{where}.name"
            )
        if name in names:
            raise InvalidSessionUpdate(f"Duplicate function name {name!r}.", f"{where}.name")
        names.add(name)
        parameters = tool.get("parameters")
        if parameters is not None and (
            not isinstance(parameters, dict) or parameters.get("type", "object") != "object"
        ):
            raise InvalidSessionUpdate(
                "Invalid 'parameters': a JSON Schema of type 'object' is required.",
                f"{where}.parameters",
            )
    wanted = choice.get("name") if isinstance(choice, dict) else None
    if isinstance(choice, dict) and (choice.get("type") != "function" or wanted not in names):
        raise InvalidSessionUpdate(
            f"Invalid 'tool_choice': no function named {wanted!r}.", "session.tool_choice"
        )
    if not isinstance(choice, dict) and choice not in (None, "auto", "none", "required"):
        raise InvalidSessionUpdate(
            f"Invalid 'tool_choice' {choice!r}: use auto, none, required or a function.",
            "session.tool_choice",
        )


def _check_echo_cancellation(value: Any) -> None:
    """As AudioEchoCancellation documents it: channels 2 needs reference_source client (and
    pcm16), and a client reference comes only as channel 1 of stereo input."""
    if value is None:
        return
    param = "session.input_audio_echo_cancellation"
    if not isinstance(value, dict) or value.get("type") != "server_echo_cancellation":
        raise InvalidSessionUpdate(
            "Invalid 'input_audio_echo_cancellation': expected null or an object with type "
            "'server_echo_cancellation'.",
            f"{param}.type",
        )
    source = value.get("reference_source") or "server"
    channels = value.get("channels") or 1
    if source not in ("server", "client"):
        raise InvalidSessionUpdate(
            f"Invalid 'reference_source' {source!r}: use 'server' or 'client'.",
            f"{param}.reference_source",
        )
    if channels not in (1, 2) or isinstance(channels, bool):
        raise InvalidSessionUpdate(
            f"Invalid 'channels' {channels!r}: use 1 (mono) or 2 (stereo, ch1 the reference).",
            f"{param}.channels",
        )
    if (channels == 2) != (source == "client"):
        raise InvalidSessionUpdate(
            "A client echo reference is channel 1 of stereo input: 'reference_source' "
            "'client' and 'channels' 2 go together.",
            f"{param}.channels",
        )


def _check_modalities(value: Any) -> None:
    if not isinstance(value, list) or not value or any(m not in _MODALITIES for m in value):
        raise InvalidSessionUpdate(
            f"Invalid 'modalities' {value!r}: use 'text' and/or 'audio'.", "session.modalities"
        )


@dataclass(frozen=True)
class TurnDetection:
    """The applied turn detection as the VAD needs it; `server_side` False means client commits."""

    server_side: bool
    threshold: float = 0.5
    prefix_padding_ms: int = 300
    silence_duration_ms: int = 500
    create_response: bool = True
    interrupt_response: bool = True
    # Extra silence the end-of-utterance detector waits (turn_options.end_of_utterance_wait_ms).
    end_of_utterance_wait_ms: int = 0
    # With remove_filler_words, how long a burst must be to count as speech during a response.
    filler_guard_ms: int = 0

    @property
    def end_of_turn_silence_ms(self) -> int:
        return self.silence_duration_ms + self.end_of_utterance_wait_ms

    @classmethod
    def of(cls, session: dict[str, Any]) -> TurnDetection:
        applied = session.get("turn_detection")
        if not applied or applied.get("type") not in VAD_TYPES:
            return cls(server_side=False)
        return cls(
            server_side=True,
            threshold=float(applied["threshold"]),
            prefix_padding_ms=int(applied["prefix_padding_ms"]),
            silence_duration_ms=int(applied["silence_duration_ms"]),
            create_response=bool(applied["create_response"]),
            interrupt_response=bool(applied["interrupt_response"]),
            end_of_utterance_wait_ms=end_of_utterance_wait_ms(applied),
            filler_guard_ms=filler_guard_ms(applied),
        )
