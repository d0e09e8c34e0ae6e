"""The proactive greeting: when the option is on, the assistant speaks first on connect."""

from __future__ import annotations

from azure.ai.voicelive.models import InputTextContentPart, SystemMessageItem

# how-to-voice-live-proactive-messages.md, "Option 2: LLM-generated proactive greeting": a
# system message asks the model to greet, then response.create; the greeting enters the
# conversation context, so the model knows what it said.
GREETING_INSTRUCTION = (
    "The user has just connected. Greet them in one short, friendly sentence and offer help."
)


def greeting_request() -> SystemMessageItem:
    """The system message that makes the model open the conversation."""
    return SystemMessageItem(content=[InputTextContentPart(text=GREETING_INSTRUCTION)])
