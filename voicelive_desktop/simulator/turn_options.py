"""Azure turn-taking options the simulator honours: filler words, end of utterance, languages.

From voice-live-api-reference-2026-04-10.md (RealtimeAzureSemanticVAD, RealtimeEOUDetection)
and voice-live-how-to.md ("Turn Detection Parameters"):
- `remove_filler_words` (semantic VAD only, default false): the service ignores filler words
  ('ah', 'umm', 'uh', 'hmm', ...) while a response is ongoing, so they do not barge in.
- `end_of_utterance_detection`: `model` semantic_detection_v1 (English) or
  semantic_detection_v1_multilingual; `threshold_level` low/medium/high/default (default is
  medium; lower ends turns sooner); `timeout_ms` the longest wait for more speech (1000).
- `languages`: BCP-47 codes that sharpen filler-word removal; others are ignored.

The simulator cannot hear words, so it stands in by time: a voiced burst no longer than a
filler word does not count as speech while a response plays, and the end-of-utterance
detector waits a share of its timeout (more for a higher level) after the silence duration.
"""

from __future__ import annotations

import re
from typing import Any

from voicelive_desktop.simulator.session_errors import InvalidSessionUpdate

SEMANTIC_VAD_TYPES = frozenset(
    {"azure_semantic_vad", "azure_semantic_vad_en", "azure_semantic_vad_multilingual"}
)
EOU_MODELS = frozenset(
    {"semantic_detection_v1", "semantic_detection_v1_en", "semantic_detection_v1_multilingual"}
)
EOU_LEVELS = frozenset({"low", "medium", "high", "default"})
DEFAULT_EOU_TIMEOUT_MS = 1000
# The longest voiced burst taken for a filler word ("umm", "uh-huh") rather than speech.
FILLER_MAX_MS = 400
# Which share of timeout_ms the detector waits at each level ("default" equals medium).
_EOU_WAIT_SHARE = {"low": 0.25, "medium": 0.5, "default": 0.5, "high": 1.0}
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def check_turn_options(detection: dict[str, Any]) -> None:
    """Refuse filler-word, end-of-utterance and language values the service would refuse."""
    filler = detection.get("remove_filler_words")
    if filler is not None and not isinstance(filler, bool):
        raise InvalidSessionUpdate(
            f"Invalid 'turn_detection.remove_filler_words' {filler!r}: expected a boolean.",
            "session.turn_detection.remove_filler_words",
        )
    languages = detection.get("languages")
    if languages is not None and (
        not isinstance(languages, list)
        or not all(isinstance(code, str) and _LANGUAGE.match(code) for code in languages)
    ):
        raise InvalidSessionUpdate(
            f"Invalid 'turn_detection.languages' {languages!r}: expected BCP-47 codes.",
            "session.turn_detection.languages",
        )
    eou = detection.get("end_of_utterance_detection")
    if eou is None:
        return
    param = "session.turn_detection.end_of_utterance_detection"
    if not isinstance(eou, dict) or eou.get("model") not in EOU_MODELS:
        model = eou.get("model") if isinstance(eou, dict) else eou
        raise InvalidSessionUpdate(
            f"Invalid end_of_utterance_detection model {model!r}; supported: "
            + ", ".join(sorted(EOU_MODELS)),
            f"{param}.model",
        )
    level = eou.get("threshold_level")
    if level is not None and level not in EOU_LEVELS:
        raise InvalidSessionUpdate(
            f"Invalid 'threshold_level' {level!r}; use low, medium, high or default.",
            f"{param}.threshold_level",
        )
    timeout = eou.get("timeout_ms")
    if timeout is not None and (
        not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout < 0
    ):
        raise InvalidSessionUpdate(
            f"Invalid 'timeout_ms' {timeout!r}: expected a non-negative number.",
            f"{param}.timeout_ms",
        )


def end_of_utterance_wait_ms(detection: dict[str, Any]) -> int:
    """Extra silence the end-of-utterance detector waits before ending a turn (0 if off)."""
    eou = detection.get("end_of_utterance_detection")
    if not isinstance(eou, dict):
        return 0
    timeout = eou.get("timeout_ms")
    timeout_ms = DEFAULT_EOU_TIMEOUT_MS if timeout is None else float(timeout)
    return round(timeout_ms * _EOU_WAIT_SHARE[eou.get("threshold_level") or "default"])


def filler_guard_ms(detection: dict[str, Any]) -> int:
    """How long a voiced burst must last to count as speech during a response (0: any)."""
    if detection.get("type") in SEMANTIC_VAD_TYPES and detection.get("remove_filler_words"):
        return FILLER_MAX_MS
    return 0
