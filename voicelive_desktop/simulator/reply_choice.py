"""What the simulated assistant says when it answers in words and no script is given."""

from __future__ import annotations

from voicelive_desktop.simulator.agent_mode import AgentConnection, agent_answer, agent_reply
from voicelive_desktop.simulator.conversation import Conversation
from voicelive_desktop.simulator.function_calls import answer_from_outputs
from voicelive_desktop.simulator.remote_mcp import spoken_answer
from voicelive_desktop.simulator.replies import greeting, reply_to_speech, reply_to_text


def reply_for(conversation: Conversation, agent: AgentConnection | None) -> str:
    """The reply to the newest items: a tool's or agent's answer when one just arrived, else
    an answer to the last user turn (or a greeting), in the agent's persona in agent mode."""
    user = conversation.last_user_item()
    answer = (
        answer_from_outputs(conversation)
        or spoken_answer(conversation)
        or agent_answer(conversation)
    )
    if answer is not None:
        reply = answer
    elif user is None:
        reply = greeting()
    elif user.speech_ms is not None:
        reply = reply_to_speech(user.speech_ms)
    else:
        reply = reply_to_text(user.text or "")
    return agent_reply(agent, reply) if agent is not None else reply
