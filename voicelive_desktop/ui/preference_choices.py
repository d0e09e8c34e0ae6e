"""What the settings editors offer to pick from: models, transcription models, prompts."""

from __future__ import annotations

MODELS = [
    "gpt-realtime",
    "gpt-realtime-mini",
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "phi4-mm-realtime",
]
TRANSCRIPTION_LANGUAGES = [
    "",
    "en-US",
    "en-GB",
    "de-DE",
    "es-ES",
    "fr-FR",
    "it-IT",
    "ja-JP",
    "zh-CN",
]
INSTRUCTION_PRESETS = [
    (
        "Concise assistant",
        "You are a helpful, concise voice assistant. Answer in one or two short sentences.",
    ),
    (
        "Friendly tutor",
        "You are a patient tutor. Explain step by step in plain words, check that the user "
        "follows, and ask one question at a time.",
    ),
    (
        "Language partner",
        "You are a friendly conversation partner for practising a language. Speak simply, "
        "gently correct mistakes, and keep the conversation going with a question.",
    ),
    (
        "Meeting note-taker",
        "You take notes for the user. Repeat back the key points, decisions and action items "
        "you heard, briefly, and ask before adding anything.",
    ),
]
