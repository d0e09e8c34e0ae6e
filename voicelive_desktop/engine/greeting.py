"""What the assistant says unprompted: the greeting on connect, and text spoken as given."""

from __future__ import annotations

from azure.ai.voicelive.models import (
    AssistantMessageItem,
    InputTextContentPart,
    OutputTextContentPart,
    ResponseCreateParams,
    SystemMessageItem,
)

# how-to-voice-live-proactive-messages.md, "Option 2: LLM-generated proactive greeting": a
# system message asks the model to greet, then response.create; the greeting enters the
# conversation context, so the model knows what it said.
GREETING_INSTRUCTION = (
    "The user has just connected. Greet them in one short, friendly sentence and offer help."
)


def greeting_request() -> SystemMessageItem:
    """The system message that makes the model open the conversation."""
    return SystemMessageItem(content=[InputTextContentPart(text=GREETING_INSTRUCTION)])


def spoken_as_given(text: str) -> ResponseCreateParams:
    """response.create options that make the voice say `text` instead of a generated reply."""
    message = AssistantMessageItem(content=[OutputTextContentPart(text=text)])
    return ResponseCreateParams(pre_generated_assistant_message=message)
