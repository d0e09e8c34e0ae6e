"""What the offline demo answers: deterministic, and honest that no AI or Azure is involved."""

from __future__ import annotations

from typing import Any

# Kept short: every demo and test turn plays it in real time.
_DEMO_NOTE = "This is the VoiceLive Desktop offline demo; no Azure service is involved."
_MAX_ECHO_CHARS = 200


def speech_transcript(speech_ms: int) -> str:
    """The 'transcription' of user audio: the simulator has no speech recognition."""
    return f"[speech, {speech_ms / 1000:.1f} s]"


def reply_to_text(text: str) -> str:
    """The answer to typed text: it is echoed (shortened when long)."""
    shown = " ".join(text.split())
    if len(shown) > _MAX_ECHO_CHARS:
        shown = shown[:_MAX_ECHO_CHARS].rstrip() + "..."
    ending = "" if shown.endswith((".", "!", "?")) else "."
    return f"You typed: {shown}{ending} {_DEMO_NOTE}"


def reply_to_speech(speech_ms: int) -> str:
    """The answer to spoken input: how long the user spoke, since words are not recognised."""
    if speech_ms <= 0:
        return f"I did not hear any speech in that audio. {_DEMO_NOTE}"
    return f"I heard about {speech_ms / 1000:.1f} seconds of speech. {_DEMO_NOTE}"


def greeting() -> str:
    """The answer to response.create before the user has said anything."""
    return f"Hello! {_DEMO_NOTE}"


def pre_generated_text(options: dict[str, Any]) -> str | None:
    """The text of `response.pre_generated_assistant_message`, which the service speaks as
    given instead of generating a reply (voice-live-api-reference-2026-04-10.md,
    response.create, "Example with pre-generated assistant message")."""
    message = options.get("pre_generated_assistant_message")
    if not isinstance(message, dict):
        return None
    for part in message.get("content") or []:
        if isinstance(part, dict) and isinstance(part.get("text"), str) and part["text"].strip():
            return str(part["text"])
    return None
